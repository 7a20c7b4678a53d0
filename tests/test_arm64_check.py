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

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.pose.geometry import area_resize

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


def test_ci_runs_it_after_the_main_suite_or_says_why_not() -> None:
    ci = ROOT / ".ci" / "run"
    text = ci.read_text(encoding="utf-8")
    assert text.index("\nmake test\n") < text.index("make pi-check")
    # skipped only where it cannot run, and saying so: not root, no apt-get, no binfmt_misc
    assert "SKIPPED the arm64 check" in text
    for reason in ("id -u", "apt-get", "unshare --mount", "mount -t binfmt_misc"):
        assert reason in text.split("make test\n", 1)[1]
    shellcheck = shutil.which("shellcheck")
    if shellcheck is not None:
        result = subprocess.run([shellcheck, str(ci)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


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


# The still path's resize (pose's images, the peer comparison above) is integer-exact, so
# arm64 gives this machine's model input byte for byte: OpenCV's INTER_AREA rounds some
# values one level apart on arm64, which moved image2's ankle 13 px.


def _box_filter(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Area averaging the slow way, in exact fractions: each output pixel the mean of the
    source rectangle it covers, by the part of each source pixel inside, rounded half up."""
    src_h, src_w = image.shape[:2]

    def overlaps(src: int, size: int) -> np.ndarray:
        # [output, source]: how much of source pixel s lies in output pixel o, in 1/size
        o = np.arange(size)[:, None]
        s = np.arange(src)[None, :]
        return np.clip(
            np.minimum((o + 1) * src, (s + 1) * size) - np.maximum(o * src, s * size), 0, None
        )

    wy, wx = overlaps(src_h, height), overlaps(src_w, width)
    sums = np.einsum("ys,stc,xt->yxc", wy, image.astype(np.int64), wx)
    area = src_h * src_w
    return ((sums + area // 2) // area).astype(np.uint8)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(1, 40),
    st.integers(1, 40),
    st.integers(1, 40),
    st.integers(0, 2**32 - 1),
)
def test_the_still_resize_is_exact_area_averaging(
    src_w: int, src_h: int, width: int, height: int, seed: int
) -> None:
    image = np.random.default_rng(seed).integers(0, 256, (src_h, src_w, 3), dtype=np.uint8)
    assert np.array_equal(area_resize(image, width, height), _box_filter(image, width, height))


@pytest.mark.parametrize(
    ("src", "size"), [((399, 640), (192, 192)), ((1280, 720), (192, 108)), ((61, 97), (150, 192))]
)
def test_the_still_resize_is_opencvs_area_filter_within_one_level(
    src: tuple[int, int], size: tuple[int, int]
) -> None:
    rng = np.random.default_rng(7)
    # a smooth image, as photographs are, with noise
    y, x = np.mgrid[0 : src[1], 0 : src[0]]
    image = (127 + 100 * np.sin(x / 17.0)[..., None] * np.cos(y / 23.0)[..., None]).repeat(3, 2)
    image = np.clip(image + rng.normal(0, 8, image.shape), 0, 255).astype(np.uint8)
    ours = area_resize(image, *size).astype(int)
    opencv = cv2.resize(image, size, interpolation=cv2.INTER_AREA).astype(int)
    assert np.abs(ours - opencv).max() <= 1
    # Shrinking, few ties round apart; enlarging, OpenCV rounds its weights to 1/2048: more.
    if size[0] < src[0]:
        assert np.count_nonzero(ours != opencv) < 0.01 * ours.size


def test_the_still_resize_keeps_a_crop_of_the_frame_and_a_single_channel() -> None:
    image = np.random.default_rng(3).integers(0, 256, (300, 500, 3), dtype=np.uint8)
    crop = image[17:250, 40:377]  # a view, as crop_to_input passes it
    assert np.array_equal(
        area_resize(crop, 150, 100), _box_filter(np.ascontiguousarray(crop), 150, 100)
    )
    grey = image[:, :, 0]
    assert area_resize(grey, 50, 30).shape == (30, 50)
    assert np.array_equal(area_resize(grey, 50, 30), _box_filter(grey[:, :, None], 50, 30)[:, :, 0])
