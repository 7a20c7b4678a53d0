"""The stick is seen in real pictures: a rod rendered into a real photo across the
lifter's back (``tests/stick_render``) is found where it is, a photo without one shows
none, one frame's miss does not lose it, and ``pose --json`` reports it.

The full measurement over the rendered clips is a command, not a test:
``python -m tests.stick_render.measure --split heldout`` (README.md, "The stick").
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from appliance.config import Config
from appliance.pose import PoseEstimator
from appliance.stick.detect import detect_stick
from appliance.stick.track import StickTracker
from appliance.types import Pose
from tests.conftest import PEER_DATA, hinge_mirror, need
from tests.stick_render.measure import matches
from tests.stick_render.scenes import Sequence, read_frames, render_sequence

Image = npt.NDArray[np.uint8]


@pytest.fixture(scope="module")
def photo(model_dir: Path) -> tuple[Image, Pose]:
    """The peer's woman standing on one leg on a balcony, facing the camera (a railing
    behind her), and her keypoints. (A photo of the stick renderer's "tune-extra" split:
    the detector may be tuned on it; the held-out split's photos are only measured.)"""
    frames, _fps = read_frames(need(PEER_DATA / "image3.jpeg"), 1)
    estimator = PoseEstimator.from_config(Config())
    return frames[0], estimator.estimate_still(frames[0])


def rendered(photo: tuple[Image, Pose], kind: str, seed: int = 3) -> Sequence:
    image, pose = photo
    rng = np.random.default_rng(seed)
    return render_sequence([image], [pose], 30.0, kind, "across", rng, kind)


def test_a_level_stick_across_the_back_is_found_where_it_is(photo: tuple[Image, Pose]) -> None:
    seq = rendered(photo, "level")
    truth = seq.truths[0]
    assert truth.line is not None
    stick = detect_stick(seq.images[0], photo[1])
    assert stick is not None
    assert stick.orientation == "across"
    assert matches(stick, truth)
    assert abs(stick.angle_deg) < 3.0
    assert stick.height is not None
    assert 0.5 < stick.height < 1.5  # at the elbows, not the shoulders


def test_a_tilted_stick_reads_tilted(photo: tuple[Image, Pose]) -> None:
    seq = rendered(photo, "tilt")
    stick = detect_stick(seq.images[0], photo[1])
    truth = seq.truths[0]
    assert stick is not None
    assert truth.angle_deg is not None
    assert abs(stick.angle_deg - truth.angle_deg) <= 5.0
    assert abs(stick.angle_deg) > 5.0


def test_a_photo_without_a_stick_shows_none(photo: tuple[Image, Pose]) -> None:
    for kind in ("clean", "door", "rack", "floor_bar"):
        seq = rendered(photo, kind)
        assert detect_stick(seq.images[0], photo[1]) is None, kind


def test_one_missed_frame_does_not_lose_the_stick(photo: tuple[Image, Pose]) -> None:
    with_stick = rendered(photo, "level").images[0]
    without = photo[0]
    tracker = StickTracker(every=1)
    seen = [tracker.update(img, photo[1], i / 30) for i, img in enumerate([with_stick] * 3)]
    assert all(s is None or not s.tracked for s in seen)  # a faint first sighting waits
    assert seen[-1] is not None  # for a second one, on the next frame
    carried = tracker.update(without, photo[1], 3 / 30)
    assert carried is not None
    assert carried.tracked
    assert tracker.update(with_stick, photo[1], 4 / 30) is not None
    for i in range(5, 40):  # the stick is put away: gone once the hold time is over
        last = tracker.update(without, photo[1], i / 30)
    assert last is None


def test_pose_json_reports_the_stick_or_null(photo: tuple[Image, Pose], tmp_path: Path) -> None:
    picture = tmp_path / "with-stick.png"
    seq = rendered(photo, "level")
    cv2.imwrite(str(picture), cv2.cvtColor(seq.images[0], cv2.COLOR_RGB2BGR))
    done = hinge_mirror("pose", str(picture), str(PEER_DATA / "image3.jpeg"), "--json")
    assert done.returncode == 0, done.stderr
    with_stick, without = json.loads(done.stdout)
    stick = with_stick["stick"]
    assert set(stick) == {"x1", "y1", "x2", "y2", "angle_deg", "orientation", "confidence"}
    assert stick["orientation"] == "across"
    assert 0.0 <= stick["confidence"] <= 1.0
    length = math.hypot(stick["x2"] - stick["x1"], stick["y2"] - stick["y1"])
    assert length > 0.3 * with_stick["width"]
    assert without["stick"] is None
    assert len(without["keypoints"]) == 17  # everything else as before


def test_analyze_reports_a_tilted_stick_per_rep_and_draws_it(
    model_dir: Path, tmp_path: Path
) -> None:
    """A real Romanian deadlift with a stick rendered across the back, tilted 7-14°:
    ``analyze --mode drill`` reports the stick on each rep, and only adds fields."""
    from appliance.analyze.report import validate_report
    from tests.conftest import SHARED_MEDIA
    from tests.stick_render.measure import tracked_poses

    clip = need(SHARED_MEDIA / "hinge-variety" / "clips" / "bb-rdl-oblique-01.mp4")
    frames, fps = read_frames(clip, 150)  # the first rep: down by 2.8 s, up by 4.3 s
    poses = tracked_poses(frames, [i / fps for i in range(len(frames))])
    seq = render_sequence(frames, poses, fps, "tilt", "across", np.random.default_rng(5), "t")
    video = tmp_path / "tilted.mp4"
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter.fourcc(*"mp4v"), fps, (width, height))
    for image in seq.images:
        writer.write(cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    writer.release()
    report_path, annotated = tmp_path / "report.json", tmp_path / "annotated.mp4"
    done = hinge_mirror("analyze", str(video), "--mode", "drill", "--json", str(report_path),
                        "--annotate", str(annotated))  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(report_path.read_text(encoding="utf-8"))
    validate_report(report)
    assert report["reps"], "the rep of the clip is counted"
    for rep in report["reps"]:
        assert rep["metrics"]["stick_held"] == 1.0
        assert rep["metrics"]["stick_tilt_deg"] > 5.0
        assert "stick_tilt" in rep["faults"]
    assert annotated.stat().st_size > 10_000
