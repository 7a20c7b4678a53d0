"""The calibration prompt does not flash when MoveNet's person score wobbles."""

from __future__ import annotations

from appliance.live.steady import SteadyFlag


def test_a_flag_flickering_every_frame_never_shows() -> None:
    flag = SteadyFlag(on_s=0.7, off_s=1.0)
    shown = [flag.update(frame % 2 == 0, frame / 30.0) for frame in range(300)]
    assert not any(shown)


def test_a_flag_held_shows_after_on_s_and_stays_through_a_short_drop() -> None:
    flag = SteadyFlag(on_s=0.7, off_s=1.0)
    assert not flag.update(True, 0.0)
    assert not flag.update(True, 0.6)
    assert flag.update(True, 0.7)
    assert flag.update(False, 1.0)  # a dropped frame or two
    assert flag.update(True, 1.5)
    assert flag.update(False, 2.0)
    assert not flag.update(False, 3.0)  # gone for a second: off
