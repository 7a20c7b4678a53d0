"""``open_source``: each SOURCE string reaches the right kind of source, or one clear line."""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import pytest

from appliance.errors import BadInput
from appliance.sources import (
    FrameSource,
    ImageFolderSource,
    KeypointsSource,
    VideoSource,
    open_source,
)
from appliance.sources.spec import parse_webcam_index


def test_the_demo_source_is_the_synthetic_lifter_with_keypoints_only():
    with open_source("demo:deadlift") as source:
        frames = list(itertools.islice(source.frames(), 90))
    assert all(frame.image is None for frame in frames)
    assert frames[-1].t_s > frames[0].t_s
    assert any(frame.pose is not None for frame in frames)
    with pytest.raises(BadInput, match="demo:deadlift"):
        open_source("demo:squat")


def test_the_demo_is_one_visit_that_ends_walk_in_reps_walk_out_and_an_empty_room():
    from appliance.config import MirrorConfig
    from appliance.sources.demo import DEMO_REPS, DemoSource, visit_pause_s

    with open_source("demo") as source:
        frames = list(source.frames())  # ends by itself
    present = [f.pose is not None and f.pose.person_present for f in frames]
    assert not present[0], "the lifter walks into an empty room"
    assert present.index(True) > 0
    last_seen = len(present) - 1 - present[::-1].index(True)
    away_s = frames[-1].t_s - frames[last_seen].t_s
    assert away_s > MirrorConfig().leave_s, "the room stays empty long enough for the set to end"
    assert DEMO_REPS == 6
    # At the mirror (run without --until-end) the visits repeat, the room empty between
    # them for longer than the set takes to end and its summary to show.
    mirror = MirrorConfig()
    pause_s = visit_pause_s(mirror.leave_s, mirror.summary_s)
    assert pause_s > mirror.leave_s + mirror.summary_s
    again = DemoSource("drill", sets=None, away_s=pause_s).frames()
    two_visits = list(itertools.islice(again, 2 * len(frames) + int(pause_s * 30)))
    times = [f.t_s for f in two_visits]
    assert times == sorted(times)
    presence = [f.pose is not None and f.pose.person_present for f in two_visits]
    gaps = [len(list(g)) for seen, g in itertools.groupby(presence) if not seen]
    assert max(gaps) / 30.0 >= pause_s
    assert presence.count(True) > 1.5 * present.count(True), "the lifter came back"


@pytest.mark.parametrize("spec", ["webcam:x", "webcam:-1", "webcam:1.5", "webcam:²"])
def test_a_webcam_number_that_is_not_a_whole_number_is_bad_input(spec):
    with pytest.raises(BadInput, match="whole number"):
        open_source(spec)


def test_webcam_without_a_number_is_the_first_webcam():
    assert [parse_webcam_index(s) for s in ("webcam", "webcam:", "webcam:2")] == [0, 0, 2]


def test_an_unknown_name_says_what_a_source_can_be(tmp_path):
    with pytest.raises(BadInput) as error:
        open_source("webcam1")
    assert "no such file or folder" in str(error.value)
    assert "webcam[:N], picamera[:N] or demo" in str(error.value)
    with pytest.raises(BadInput, match="no source given"):
        open_source("")


def test_paths_open_the_kind_of_source_they_hold(tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    cv2.imwrite(str(folder / "1.png"), np.zeros((4, 4, 3), np.uint8))
    keypoints = tmp_path / "k.jsonl"
    keypoints.write_text(
        '{"format": "movenet-keypoints", "version": 1, "width": 4, "height": 4, "fps": 30}\n'
    )
    video = tmp_path / "v.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter.fourcc(*"MJPG"), 30, (16, 16))
    writer.write(np.zeros((16, 16, 3), np.uint8))
    writer.release()
    for spec, kind in [
        (folder, ImageFolderSource),
        (keypoints, KeypointsSource),
        (video, VideoSource),
    ]:
        with open_source(str(spec)) as source:
            assert isinstance(source, kind)
            assert isinstance(source, FrameSource)
