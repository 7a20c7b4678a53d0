"""The drill with a stick: the set-up check before the first rep, and the stick's verdicts
through the set, as a lifter in front of the mirror would hear them.

The lifter is the synthetic one (real keypoints of a drill set facing the camera, reps
counted by the real evaluator); the stick is scripted per frame from those keypoints (a
stand-in for the tracker: how it is found in pictures is ``test_stick_detect``'s business).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import replace

import numpy as np

from appliance.coach import CuePolicy, phrases
from appliance.form import FormEvaluator
from appliance.pipeline import Step, process
from appliance.stick.body import body_of
from appliance.stick.detect import body_scale
from appliance.stick.stage import DrillStick
from appliance.synthetic import make_scenario
from appliance.types import KEYPOINT_INDEX, Frame, Pose, RGBImage, Stick

Script = Callable[[Pose, float, int], Stick | None]
"""(pose, seconds, rep number 1.. of the rep in progress) -> the stick in that frame."""

PICTURE = np.zeros((4, 4, 3), np.uint8)  # the scripted tracker never looks at it


class ScriptedTracker:
    """Stands in for ``StickTracker``: the stick the script says, for the rep under way."""

    def __init__(self, script: Script, rep_starts: list[float]) -> None:
        self.script = script
        self.starts = rep_starts

    def update(self, image: RGBImage | None, pose: Pose | None, t_s: float) -> Stick | None:
        if pose is None or not pose.person_present:
            return None
        rep = sum(t_s >= s - 0.2 for s in self.starts)
        return self.script(pose, t_s, rep)

    def reset(self) -> None:
        pass


def across(pose: Pose, tilt_deg: float = 0.0, drop: float = 0.0) -> Stick | None:
    """A stick across the back through the elbows, ``tilt_deg`` off level, ``drop`` body
    scales below them."""
    body = body_of(pose)
    if body is None or body.elbow_mid is None:
        return None
    s = body_scale(body)
    cx, cy = body.elbow_mid
    cy += drop * s
    a = math.radians(tilt_deg)
    dx, dy = 1.3 * s * math.cos(a), -1.3 * s * math.sin(a)
    return Stick(cx - dx, cy - dy, cx + dx, cy + dy, tilt_deg, "across", 0.9, 1.0 + drop)


def pictured(frames: Iterable[Frame]) -> list[Frame]:
    """The lifter's frames with a (blank) picture wherever a person is there, as a camera's
    would have; a frame where the model saw nobody stays without one."""
    return [
        Frame(f.index, f.t_s, f.width, f.height, PICTURE if f.pose else None, f.pose)
        for f in frames
    ]


def bent(frame: Frame) -> Frame:
    """The frame with the lifter's forearms pointing at the camera (elbows bent 90°): the
    wrists show just below the elbows."""
    if frame.pose is None:
        return frame
    rows = frame.pose.yx_score.copy()
    for side in ("left", "right"):
        e, w = KEYPOINT_INDEX[f"{side}_elbow"], KEYPOINT_INDEX[f"{side}_wrist"]
        rows[w, :2] = rows[e, :2] + np.array([0.02, 0.0], np.float32)
    return replace(frame, pose=replace(frame.pose, yx_score=rows))


def drill_set(
    script: Script, reps: int = 5, still_s: float = 3.0, bend_from_s: float = 0.0
) -> list[Step]:
    """A front-view drill set of ``reps`` good reps with the scripted stick; the elbows
    are bent (the drill's hold) from ``bend_from_s`` seconds on."""
    lifter, labels = make_scenario("front_set", 4, load="none", reps=reps, still_s=still_s,
                                   faults={})  # fmt: skip
    starts = [r["start_s"] for r in labels["rep_labels"]]
    frames = [bent(f) if f.t_s >= bend_from_s else f for f in pictured(lifter.frames())]
    stick = DrillStick(tracker=ScriptedTracker(script, starts))
    return list(process(frames, None, FormEvaluator("drill"), CuePolicy("drill"), stick))


def said(steps: list[Step]) -> list[str]:
    return [cue.text for step in steps for cue in step.cues]


def stick_cues(steps: list[Step]) -> list[tuple[int, str]]:
    """(rep count when said, text) of the cues about the stick's faults."""
    return [
        (step.form.rep_count, cue.text)
        for step in steps
        for cue in step.cues
        if cue.fault is not None and cue.fault.startswith("stick_")
    ]


def test_a_lifter_holding_the_stick_right_hears_no_stick_cue() -> None:
    steps = drill_set(lambda pose, t, rep: across(pose))
    assert stick_cues(steps) == []
    assert said(steps)[-1] != phrases.STICK_HELPS
    reps = [s.form.completed_rep for s in steps if s.form.completed_rep is not None]
    assert len(reps) >= 4
    assert all(rep.metrics["stick_held"] == 1.0 for rep in reps)
    assert all(rep.metrics["stick_tilt_deg"] < 1.0 for rep in reps)


def test_a_tilted_stick_is_cued_after_confirmation_then_praised_when_level() -> None:
    steps = drill_set(lambda pose, t, rep: across(pose, tilt_deg=10.0 if rep <= 3 else 0.0))
    cues = stick_cues(steps)
    assert cues[0] == (2, "Level the stick — shoulders square")  # seen on 2 of 3 reps
    assert (4, "Better — stick level") in cues


def test_a_stick_sliding_down_the_back_hears_keep_it_in_the_elbows_then_praise() -> None:
    def sliding(pose: Pose, t: float, rep: int) -> Stick | None:
        if rep == 0 or rep > 3:
            return across(pose)
        body = body_of(pose)
        assert body is not None
        start = starts[rep - 1]
        return across(pose, drop=min(0.4, max(0.0, (t - start) * 0.25)))

    _lifter, labels = make_scenario("front_set", 4, load="none", reps=5, still_s=3.0, faults={})
    starts = [r["start_s"] for r in labels["rep_labels"]]
    steps = drill_set(sliding)
    cues = stick_cues(steps)
    assert cues[0] == (2, "Keep the stick in your elbows")
    assert (4, "Better — stick in the elbows") in cues


def test_the_set_up_check_says_one_thing_at_a_time_and_ends_with_ready() -> None:
    def setting_up(pose: Pose, t: float, rep: int) -> Stick | None:
        if t < 3.0:
            return across(pose, drop=0.9)  # resting on the hips, not in the elbows
        if t < 7.0:
            return across(pose, tilt_deg=12.0)
        return across(pose)

    steps = drill_set(setting_up, reps=2, still_s=11.0, bend_from_s=7.0)
    before = [
        (step.frame.t_s, cue.text) for step in steps for cue in step.cues
        if step.form.rep_count == 0 and cue.kind == "guidance"
    ]  # fmt: skip
    texts = [text for _, text in before]
    assert texts[:3] == ["Rest the stick in your elbows", "Level the stick", phrases.READY]
    assert texts.count(phrases.READY) == 1
    times = [t for t, _ in before]
    assert all(b - a >= 2.0 for a, b in itertools.pairwise(times))  # one at a time


def test_a_lifter_without_a_stick_is_told_once_that_it_helps_and_is_not_nagged() -> None:
    lifter, _labels = make_scenario("front_set", 4, load="none", reps=3, still_s=8.0, faults={})
    frames = pictured(lifter.frames())
    stick = DrillStick(tracker=ScriptedTracker(lambda pose, t, rep: None, []))
    texts: list[str] = []
    for _ in range(2):  # two sets, same lifter
        stick.reset()
        steps = process(frames, None, FormEvaluator("drill"), CuePolicy("drill"), stick)
        texts += [cue.text for step in steps for cue in step.cues]
    assert texts.count(phrases.STICK_HELPS) == 1
    assert phrases.REST_IN_ELBOWS not in texts[texts.index(phrases.STICK_HELPS) :]
    assert not any(t.startswith(("Keep the stick", "Level the stick —")) for t in texts)


def test_deadlift_mode_never_looks_for_a_stick() -> None:
    lifter, _labels = make_scenario("front_set", 4, load="none", reps=3, faults={})
    frames = pictured(lifter.frames())
    steps = list(process(frames, None, FormEvaluator("deadlift"), CuePolicy("deadlift")))
    assert all(step.stick is None and step.form.setup is None for step in steps)


def test_at_the_mirror_the_screen_carries_the_stick_amber_after_a_tilted_rep() -> None:
    from appliance.live.session import Session

    lifter, labels = make_scenario("front_set", 4, load="none", reps=3, still_s=3.0, faults={})
    starts = [r["start_s"] for r in labels["rep_labels"]]
    session = Session("drill")
    session.stick_stage = DrillStick(
        tracker=ScriptedTracker(lambda pose, t, rep: across(pose, tilt_deg=10.0), starts)
    )
    shown = []
    for frame in pictured(lifter.frames()):
        session.on_frame(frame.pose, frame.t_s, frame.t_s, frame.image)
        session.tick(frame.t_s)
        shown.append(session.screen(frame.t_s))
    held = [m for m in shown if m.stick is not None]
    assert held, "the stick reaches the screen"
    assert all(m.stick is not None and m.stick.orientation == "across" for m in held)
    assert not held[-1].stick_ok  # tilted: amber on the figure
    deadlift = Session("deadlift")
    for frame in pictured(lifter.frames()):
        deadlift.on_frame(frame.pose, frame.t_s, frame.t_s, frame.image)
        assert deadlift.screen(frame.t_s).stick is None
