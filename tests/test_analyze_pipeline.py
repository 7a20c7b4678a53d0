"""The pipeline every frame takes (pose → form → cues) and the pieces of ``analyze`` around
it: no model for keypoints, a source that fails mid-way, the progress line."""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pytest

from appliance.analyze.command import analyse, expected_frames
from appliance.analyze.progress import FrameProgress
from appliance.errors import BadInput
from appliance.form import FormEvaluator
from appliance.pipeline import process
from appliance.sources import KeypointsSource, SourceBase
from appliance.synthetic import make_set
from appliance.types import CueEvent, FormUpdate, Frame, Pose


class RecordingPolicy:
    """A cue policy that says "Go" on frame 2 and remembers every update it saw."""

    def __init__(self) -> None:
        self.seen: list[FormUpdate] = []

    def update(self, form_update: FormUpdate) -> list[CueEvent]:
        self.seen.append(form_update)
        if len(self.seen) == 2:
            return [CueEvent(form_update.t_s, "Go", "guidance")]
        return []


class FakeEstimator:
    """Stands in for ``PoseEstimator``: a fixed pose, present or not, for every image."""

    def __init__(self, present: bool = True) -> None:
        self.calls: list[int] = []
        self.present = present

    def estimate(self, frame: Frame) -> Pose:
        self.calls.append(frame.index)
        return Pose(np.full((17, 3), 0.5, np.float32), 64, 48, frame.t_s, self.present)


def image_frame(index: int) -> Frame:
    return Frame(index, index / 30, 64, 48, np.zeros((48, 64, 3), np.uint8))


def test_frames_with_keypoints_never_reach_the_estimator():
    lifter = make_set("drill", reps=1, seed=2)
    estimator = FakeEstimator()
    policy = RecordingPolicy()
    steps = list(process(lifter.frames(), estimator, FormEvaluator("drill"), policy))
    assert estimator.calls == []
    assert len(steps) == len(lifter.poses) == len(policy.seen)
    assert [s.pose for s in steps] == lifter.poses
    assert [s.form for s in steps] == policy.seen
    assert steps[1].cues == (CueEvent(steps[1].frame.t_s, "Go", "guidance"),)
    assert all(s.cues == () for i, s in enumerate(steps) if i != 1)


def test_image_frames_go_through_the_estimator_and_nobody_there_is_none():
    estimator = FakeEstimator(present=False)
    evaluator = FormEvaluator("deadlift")
    steps = list(process(map(image_frame, range(3)), estimator, evaluator, RecordingPolicy()))
    assert estimator.calls == [0, 1, 2]
    assert [s.pose for s in steps] == [None, None, None]
    assert [s.form.phase for s in steps] == ["absent"] * 3
    assert evaluator.summary().person_seen is False


def test_an_image_without_an_estimator_is_a_clear_error():
    with pytest.raises(ValueError, match="frame 0 is an image but no pose estimator"):
        next(process([image_frame(0)], None, FormEvaluator("drill"), RecordingPolicy()))


class BreaksMidway(SourceBase):
    """Yields ``good`` frames of a synthetic set, then fails like a file cut short."""

    def __init__(self, good: int) -> None:
        self.lifter = make_set("deadlift", reps=1, seed=4)
        self.good = good
        self.width, self.height, self.nominal_fps = 640, 480, 30.0
        self.description = "a set cut short"

    def frames(self) -> Iterator[Frame]:
        for frame in self.lifter.frames():
            if frame.index == self.good:
                raise BadInput("set.jsonl ends early: cut short")
            yield frame


def test_a_source_that_fails_midway_keeps_every_frame_before_it(tmp_path):
    out = tmp_path / "kp.jsonl"
    analysis = analyse(
        BreaksMidway(good=45),
        mode="deadlift",
        estimator=None,
        policy=RecordingPolicy(),
        keypoints_out=out,
    )
    assert isinstance(analysis.error, BadInput)
    assert analysis.frames == 45
    assert analysis.last_t_s == pytest.approx(44 / 30)
    assert [c.text for c in analysis.cues] == ["Go"]
    assert analysis.summary.frames == 45
    with KeypointsSource(out) as written:
        assert len(list(written.frames())) == 45


def test_max_frames_stops_early_and_closes_the_source_frames(tmp_path):
    lifter = make_set("drill", reps=1, seed=2)
    source = KeypointsSource(lifter.write_jsonl(tmp_path / "set.jsonl"))
    analysis = analyse(
        source, mode="drill", estimator=None, policy=RecordingPolicy(), max_frames=10
    )
    assert (analysis.frames, analysis.error) == (10, None)
    assert expected_frames(source) == len(lifter.poses)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def drive(progress: FrameProgress, clock: Clock, done: int, at_s: float) -> None:
    clock.now = at_s
    progress.update(done)


def test_the_progress_line_shows_frames_done_of_the_total_on_a_terminal_after_a_moment():
    stream, clock = Terminal(), Clock()
    progress = FrameProgress(stream, 303, clock=clock)
    drive(progress, clock, 10, 0.1)
    assert stream.getvalue() == "", "nothing for short runs"
    drive(progress, clock, 120, 1.0)
    assert "[############" in stream.getvalue()
    assert "40%  120/303 frames  120 fps" in stream.getvalue()
    progress.finish()
    assert stream.getvalue().endswith("\r\x1b[2K")


def test_the_progress_line_counts_frames_when_the_total_is_unknown():
    stream, clock = Terminal(), Clock()
    progress = FrameProgress(stream, None, clock=clock)
    drive(progress, clock, 50, 2.0)
    assert stream.getvalue() == "\ranalysing 50 frames  25 fps"


def test_no_progress_is_drawn_into_a_pipe_or_a_log():
    stream, clock = io.StringIO(), Clock()
    progress = FrameProgress(stream, 100, clock=clock)
    drive(progress, clock, 50, 5.0)
    progress.finish()
    assert stream.getvalue() == ""
