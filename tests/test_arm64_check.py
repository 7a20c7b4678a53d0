"""The arm64 check (hardware/checks/arm64-emulated.sh) without running it: the script is
linted, its help printed, and its comparison is tried on made-up outputs of both sides.
Running it for real needs root and 3-35 minutes: `sudo make pi-check`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "hardware" / "checks" / "arm64-emulated.sh"
COMPARE = ROOT / "hardware" / "checks" / "arm64_compare.py"
NAMES = ["nose", "left_eye"]  # two keypoints are enough for the comparison's arithmetic


def test_the_script_is_strict_executable_and_passes_shellcheck() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "\nset -euo pipefail\n" in text
    assert SCRIPT.stat().st_mode & 0o111
    assert subprocess.run(["bash", "-n", str(SCRIPT)], check=False).returncode == 0
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck); bash -n ran")
    result = subprocess.run([shellcheck, str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_help_needs_no_root_and_names_the_overrides() -> None:
    done = subprocess.run(["bash", str(SCRIPT), "--help"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for word in ("HINGE_ARM64_CACHE", "HINGE_ARM64_QEMU_CPU", "cortex-a76", "aarch64"):
        assert word in done.stdout


def test_it_cleans_up_what_it_sets_up() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    assert "trap cleanup EXIT" in text
    assert "unshare --mount --propagation private" in text
    assert 'echo -1 >"$BINFMT/$HANDLER"' in text
    assert "umount" in text


def test_make_runs_it() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^pi-check:.*\n\t.*hardware/checks/arm64-emulated\.sh", makefile, re.M)


def _side(folder: Path, shift: float, reps: int, faults: dict[str, int]) -> Path:
    folder.mkdir()
    for step in ("models", "doctor", "pose", "analyze", "tests"):
        (folder / f"{step}.status").write_text("0\n")
        (folder / f"{step}.seconds").write_text("1\n")
    (folder / "doctor.out").write_text(
        "ok   config   valid\nok   runtime  r\nok   model    m, one inference 9.0 ms\n"
        "FAIL camera   none\nok   history  h\n"
    )
    poses = [
        {
            "image": f"/x/{image}",
            "keypoints": [{"name": n, "x": 10 + shift, "y": 20} for n in NAMES],
        }
        for image in ("image1.png", "image2.jpeg")
    ]
    (folder / "pose.out").write_text(json.dumps(poses))
    report = {"frames": 104, "reps": [{}] * reps, "faults": faults}
    (folder / "analyze.out").write_text(json.dumps(report))
    (folder / "tests.out").write_text("3 passed in 9.0s\n")
    return folder


def _compare(tmp_path: Path, host: Path, arm64: Path) -> subprocess.CompletedProcess[str]:
    truth = tmp_path / "truth.csv"
    header = ",".join(f"{n}_{axis}" for n in NAMES for axis in "xy")
    truth.write_text(f"{header}\n10,20,10,20\n10,20,10,20\n")
    command = [sys.executable, str(COMPARE), "--truth", str(truth), "--clip", "c.mp4"]
    return subprocess.run([*command, str(host), str(arm64)], capture_output=True, text=True)


def test_the_comparison_passes_within_tolerance(tmp_path: Path) -> None:
    host = _side(tmp_path / "host", 0, 1, {"rounded_back": 1})
    arm64 = _side(tmp_path / "arm64", 11, 1, {"rounded_back": 1})
    done = _compare(tmp_path, host, arm64)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASSED" in done.stdout


@pytest.mark.parametrize(
    ("shift", "reps", "faults", "failed"),
    [
        (13, 1, {"rounded_back": 1}, "arm64 vs host"),  # within the peer's 21, not the host's 12
        (0, 2, {"rounded_back": 1}, "reps"),
        (0, 1, {}, "faults"),
    ],
)
def test_the_comparison_fails_beyond_tolerance(
    tmp_path: Path, shift: float, reps: int, faults: dict[str, int], failed: str
) -> None:
    host = _side(tmp_path / "host", 0, 1, {"rounded_back": 1})
    arm64 = _side(tmp_path / "arm64", shift, reps, faults)
    done = _compare(tmp_path, host, arm64)
    assert done.returncode == 1, done.stdout + done.stderr
    assert failed in done.stdout.split("FAILED:")[1]
