"""A hot Pi slows down on purpose and says so, instead of falling behind."""

from __future__ import annotations

from pathlib import Path

from appliance.live.thermal import Heat, HeatGuard, read_heat


def test_the_soc_temperature_is_read_from_sysfs_in_degrees(tmp_path: Path) -> None:
    zone = tmp_path / "temp"
    zone.write_text("81234\n")
    flags = tmp_path / "get_throttled"
    flags.write_text("0x4\n")
    assert read_heat(zone, flags) == Heat(81.234, True)
    assert read_heat(tmp_path / "missing", tmp_path / "missing") == Heat(None, False)


def test_when_hot_the_model_runs_on_every_other_frame_until_it_has_cooled() -> None:
    readings = iter([Heat(70.0, False), Heat(82.0, False), Heat(78.0, False), Heat(74.0, False)])
    now = [0.0]
    guard = HeatGuard(hot_c=80.0, cool_c=75.0, every_s=5.0, read=lambda: next(readings),
                      clock=lambda: now[0])  # fmt: skip

    def frames(n: int) -> list[bool]:
        skipped = []
        for _ in range(n):
            skipped.append(guard.skip_frame())
            now[0] += 1.0
        return skipped

    assert not any(frames(5))  # 70 °C
    assert frames(4).count(True) == 2  # 82 °C: half rate
    assert "every other frame" in guard.note()
    assert frames(5).count(True) >= 2  # 78 °C: still cooling down, still half rate
    assert not any(frames(5)[1:])  # 74 °C: full rate again
    assert guard.note() == "SoC 74 °C"
