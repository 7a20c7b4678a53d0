"""Two cameras, one verdict (issue 12): the mirror's front camera and a side camera,
each evaluated as one camera is, fused so every fault is judged by the camera that can
see it and every rep is counted once.

The material is the synthetic lifter seen by both cameras at once (``make_pair``), each
camera with its own noise, frame rate and clock.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from appliance.analyze.command import Reported
from appliance.analyze.paired import SideSource, report_for_pair
from appliance.coach import CuePolicy, phrases
from appliance.config import Config
from appliance.form import FormEvaluator
from appliance.fusion import PairedEvaluator
from appliance.fusion.pairing import FRONT, merged_frames
from appliance.synthetic import make_pair
from appliance.synthetic.lifter import SyntheticSet
from appliance.types import CueEvent, FormUpdate, Pose, Rep


def fused(
    front: SyntheticSet, side: SyntheticSet, entry: dict[str, Any]
) -> tuple[PairedEvaluator, list[FormUpdate], list[CueEvent]]:
    """Both recordings through the fused evaluator and the cue policy, as analyze does."""
    evaluator = PairedEvaluator(front.mode)
    policy = CuePolicy(front.mode)
    updates: list[FormUpdate] = []
    cues: list[CueEvent] = []
    for camera, frame in merged_frames(front.frames(), side.frames(), entry["side_offset_s"]):
        if camera == FRONT:
            update = evaluator.update(frame.pose, frame.t_s)
            updates.append(update)
            cues.extend(policy.update(update))
        else:
            evaluator.update_side(frame.pose, frame.t_s)
    evaluator.summary()
    # Each rep begins no earlier than the last one ended, whichever camera timed each.
    assert all(a.end_s <= b.start_s for a, b in itertools.pairwise(evaluator.reps))
    return evaluator, updates, cues


def front_alone(front: SyntheticSet) -> FormEvaluator:
    evaluator = FormEvaluator(front.mode)
    for frame in front.frames():
        evaluator.update(frame.pose, frame.t_s)
    evaluator.summary()
    return evaluator


def analysed_pair(
    front: SyntheticSet, side: SyntheticSet, entry: dict[str, Any], folder: Path
) -> Reported:
    """Both recordings written as keypoints files and analysed as ``analyze FRONT
    --side-source SIDE --side-offset S`` does."""
    front.write_jsonl(folder / "front.jsonl")
    side.write_jsonl(folder / "side.jsonl")
    return report_for_pair(
        str(folder / "front.jsonl"),
        SideSource(str(folder / "side.jsonl"), entry["side_offset_s"]),
        mode=front.mode,
        config=Config(),
    )


def labelled_faults(entry: dict[str, Any]) -> list[set[str]]:
    return [set(rep["faults"]) for rep in entry["rep_labels"]]


def test_a_lifter_facing_the_mirror_gets_her_lockout_judged_by_the_side_camera() -> None:
    faults = {rep: {"hyperextension"} for rep in (2, 4)}
    front, side, entry = make_pair(
        "front_set", 3, reps=5, faults=faults, severity="clear", style="rdl"
    )
    alone = front_alone(front)
    assert all("hyperextension" in rep.unjudged for rep in alone.reps)  # the mirror can't

    evaluator, _, _ = fused(front, side, entry)
    reps = evaluator.reps
    assert len(reps) == entry["reps"] == 5
    for rep, truth in zip(reps, labelled_faults(entry), strict=True):
        assert ("hyperextension" in rep.faults) == ("hyperextension" in truth)
        assert rep.judged_by["hyperextension"] == "side"


def test_a_lifter_facing_the_mirror_with_a_side_camera_never_hears_turn_sideways() -> None:
    front, side, entry = make_pair("front_set", 5, reps=6)
    _, updates, cues = fused(front, side, entry)
    assert [c.text for c in cues if c.text == phrases.TURN_SIDEWAYS] == []
    assert any(u.side_camera == "ok" for u in updates)

    policy = CuePolicy(front.mode)  # the same set seen by the mirror alone is told to turn
    evaluator = FormEvaluator(front.mode)
    said = [c.text for f in front.frames() for c in policy.update(evaluator.update(f.pose, f.t_s))]
    assert phrases.TURN_SIDEWAYS in said


@pytest.mark.parametrize("failure", ["stall", "drop", "blank"])
def test_a_side_camera_that_fails_mid_set_leaves_every_rep_counted(failure: str) -> None:
    _, _, entry = make_pair("front_set", 7, reps=8, style="rdl")
    middle = entry["rep_labels"][3]["end_s"] + 0.3
    front, side, entry = make_pair(
        "front_set", 7, reps=8, style="rdl", side_fails_at_s=middle, side_failure=failure
    )
    evaluator, updates, _ = fused(front, side, entry)
    assert len(evaluator.reps) == 8
    states = [u.side_camera for u in updates]
    assert states[0] in ("waiting", "ok")
    if failure in ("stall", "drop"):
        assert states[-1] == "lost"  # and the mirror's camera carried the rest
    # Reps before the failure were judged by the side camera, the rest by the front alone.
    before = [r for r in evaluator.reps if r.end_s < middle]
    after = [r for r in evaluator.reps if r.start_s > middle + 1.5]
    assert before
    assert all(r.judged_by.get("hyperextension") == "side" for r in before)
    assert after
    assert all("hyperextension" in r.unjudged for r in after)


def test_reps_the_low_mirror_camera_runs_together_are_each_counted_with_the_side_camera() -> None:
    # Every lockout stops 35° short: from a camera at 0.9 m the mirror's camera reads one
    # top as still bent over and runs two reps into one; the side camera sees both.
    front, side, entry = make_pair(
        "front_set", 22, reps=8, style="dowel", severity="clear", camera_height_m=0.9,
        faults={i: ["incomplete_lockout"] for i in range(1, 9)},
    )  # fmt: skip
    # The mirror's camera alone ran two together here (7 reps) until the evaluator learnt
    # to see those tops; either way the two cameras together count every rep.
    assert len(front_alone(front).reps) in (7, 8)
    evaluator, _, _ = fused(front, side, entry)
    assert len(evaluator.reps) == 8


def test_someone_walking_past_the_mirror_toward_the_side_camera_is_no_rep() -> None:
    for seed in range(4):
        front, side, entry = make_pair("pickup_only", seed)
        evaluator, _, _ = fused(front, side, entry)
        assert evaluator.reps == [], f"seed {seed}"


def test_the_two_clocks_are_put_together_by_the_offset() -> None:
    front, side, entry = make_pair("front_set", 9, reps=4, side_offset_s=1.5)
    assert entry["side_offset_s"] == 1.5
    evaluator, _, _ = fused(front, side, entry)
    assert len(evaluator.reps) == 4
    for rep, truth in zip(evaluator.reps, entry["rep_labels"], strict=True):
        assert truth["start_s"] - 0.6 <= rep.bottom_s <= truth["end_s"]
    assert all(len(cams) == 2 for cams in evaluator.rep_cameras)  # both found every rep


def test_the_report_says_which_camera_judged_each_fault(tmp_path: Path) -> None:
    faults = {rep: {"hyperextension"} for rep in (1, 2, 3)}
    front, side, entry = make_pair(
        "front_set", 11, reps=3, faults=faults, severity="clear", style="rdl"
    )
    reported = analysed_pair(front, side, entry, tmp_path)
    report = json.loads(json.dumps(reported.report))
    assert report["version"] == 1
    assert len(report["reps"]) == 3
    assert report["cameras"]["side"].endswith("side.jsonl")
    for rep in report["reps"]:
        assert rep["judged_by"]["hyperextension"] == "side"
        assert "hyperextension" in rep["faults"]


def test_the_summary_names_the_camera_that_judged_the_faults_the_mirror_cannot_see(
    tmp_path: Path,
) -> None:
    from appliance.analyze.summary import format_summary

    front, side, entry = make_pair("front_set", 13, reps=3, style="rdl")
    reported = analysed_pair(front, side, entry, tmp_path)
    text = format_summary(reported.report)
    side_line = next(line for line in text.splitlines() if line.strip().startswith("side camera"))
    assert "rounded_back" in side_line
    assert "hyperextension" in side_line
    assert "Turn sideways" not in text
    assert "needs a side view" not in text


def side_alone(side: SyntheticSet) -> FormEvaluator:
    """The side recording through one camera's evaluator, every frame of it."""
    return front_alone(side)


def test_a_lifter_whose_pulls_stop_short_of_lockout_gets_each_counted_and_called_by_the_side() -> (
    None
):
    # A floor set whose second and third pulls stop short of lockout. The side camera once
    # read the lifter as still bent over and made one rep of three (the hips standing up
    # now separate them); the fused set counts each pull once and the side camera, which
    # sees the hip's extension, calls the short lockouts.
    front, side, entry = make_pair("floor_walk_in", 788632324)
    assert entry["reps"] == 6
    assert len(side_alone(side).reps) == 6
    evaluator, _, _ = fused(front, side, entry)
    assert len(evaluator.reps) == 6
    for rep, truth in zip(evaluator.reps, entry["rep_labels"], strict=True):
        assert rep.start_s - 0.6 <= truth["start_s"] <= rep.end_s
        # The side camera saw no lockout between them: each short one is called, by it.
        if "incomplete_lockout" in truth["faults"]:
            assert "incomplete_lockout" in rep.faults, (truth, rep)
            assert rep.judged_by["incomplete_lockout"] == "side"


def test_a_lifter_who_sets_the_bar_down_and_walks_out_of_the_side_view_gets_no_extra_rep() -> None:
    # Four pulls from the floor. The mirror's camera takes the set for one started
    # standing and counts the weight set down as a fifth rep; the side camera saw the
    # set-up at the bar, then lost the lifter walking off, and with them its call that the
    # set was pulled from the floor. The call, once made, holds for the set.
    front, side, entry = make_pair("floor_walk_in", 757571042)
    assert entry["reps"] == 4
    assert len(front_alone(front).reps) > 4
    assert side_alone(side).detector.floor_set is False  # forgotten with the lifter
    evaluator, _, _ = fused(front, side, entry)
    assert len(evaluator.reps) == 4


def test_a_lifter_who_picks_up_the_bar_on_the_way_in_keeps_her_last_rep() -> None:
    # Eight RDLs after picking the bar up on the way in: from the front the pick-up reads
    # as a set-up at the bar, which would leave the last rep waiting for a set-down. The
    # first RDL turns with the hips high, so the mirror's camera withdraws that call; the
    # side camera, which found the set's first rep, saw no floor set at all.
    front, side, entry = make_pair("pickup_on_the_way", 1916714114)
    assert entry["reps"] == 8
    front_only = front_alone(front)
    assert front_only.detector.floor_call_withdrawn  # the pick-up read as a set-up at first
    assert not front_only.detector.floor_set
    assert len(front_only.reps) == 8
    assert not side_alone(side).detector.floor_set
    evaluator, _, _ = fused(front, side, entry)
    assert len(evaluator.reps) == 8


def test_a_lifter_already_set_up_at_the_bar_gets_her_first_pull_and_no_set_down_counted() -> None:
    # The cameras start with the lifter bent over the bar, squatting it up (trunk under
    # 30° side-on): the side camera takes her for standing and misses the first pull, and
    # counts the weight set down at the end. The mirror's camera pulled the set from the
    # floor: three reps, not two and not four.
    front, side, entry = make_pair("floor_setup_start", 2009118502)
    assert entry["reps"] == 3
    evaluator, _, _ = fused(front, side, entry)
    assert len(evaluator.reps) == 3
    assert "front" in evaluator.rep_cameras[0]
    for rep, truth in zip(evaluator.reps, entry["rep_labels"], strict=True):
        assert rep.start_s - 0.6 <= truth["start_s"] <= rep.end_s


def test_a_lifter_who_turns_to_walk_off_after_setting_the_bell_down_gets_no_extra_pull() -> None:
    # Seven pulls from a set-up at the kettlebell. The mirror's camera takes the set for
    # one started standing: it misses the first pull and counts the bell set down. The side
    # camera saw the floor set, but the lifter turning to walk off after the set-down
    # foreshortened the torso to it, which read as the lowering that confirms a pull. A
    # pull is confirmed by a lowering made where the lifter stands, facing as they pulled.
    front, side, entry = make_pair("floor_setup_start", 842927500)
    assert entry["reps"] == 7
    assert len(front_alone(front).reps) == 7  # but the first pull missed, the set-down in
    assert len(side_alone(side).reps) == 7
    evaluator, _, _ = fused(front, side, entry)
    assert len(evaluator.reps) == 7
    for rep, truth in zip(evaluator.reps, entry["rep_labels"], strict=True):
        assert rep.start_s - 0.6 <= truth["start_s"] <= rep.end_s


def test_a_squatted_rep_straight_after_an_incomplete_lockout_is_counted_by_the_side_camera() -> (
    None
):
    # Nine good mornings; the fourth stops short of lockout (trunk still 18° forward) and
    # the fifth is squatted from there. The squat bends the knees from its first moment,
    # so the knees just after the trunk began to move read as a bob at the floor (bent
    # past 50°): the side camera dropped the rep, and the fused set with it. The knees at
    # the top the rep left were straight.
    front, side, entry = make_pair("walk_in_depth", 621801104)
    assert entry["reps"] == 9
    assert entry["rep_labels"][4]["faults"] == ["squatting"]
    assert len(side_alone(side).reps) == 9
    evaluator, _, _ = fused(front, side, entry)
    assert len(evaluator.reps) == 9
    assert "squatting" in evaluator.reps[4].faults


def test_a_fidgeting_lifter_who_steps_aside_and_back_gets_no_rep_from_the_oblique_camera() -> None:
    # She stands at the mirror fidgeting and takes a step to the side and back. The step
    # takes her further from the oblique camera, whose picture of her torso shrinks with
    # her distance: it reads as a hinge and that camera counts a rep, which it sees
    # better than the mirror's camera. Her feet end where they began, but the mirror's
    # camera saw them stray from where they stood for the length of the "rep".
    front, side, entry = make_pair("fidget", 429253368, second="oblique")
    assert entry["reps"] == 0
    assert len(side_alone(side).reps) == 1
    assert len(front_alone(front).reps) == 0
    evaluator, _, _ = fused(front, side, entry)
    assert evaluator.reps == []


def test_a_lifter_who_bends_for_the_bar_facing_the_side_camera_on_her_way_in_gets_no_rep() -> None:
    # She walks in toward the side camera and picks the bar up on the way, square-on to
    # it and not side-on to the mirror: the side camera counts the bend (her feet hardly
    # move in its picture), the mirror's camera, which saw her walk, does not. Then nine
    # RDLs at the mirror.
    front, side, entry = make_pair("pickup_on_the_way", 1487148630)
    assert entry["reps"] == 9
    assert len(side_alone(side).reps) == 10
    evaluator, _, _ = fused(front, side, entry)
    assert len(evaluator.reps) == 9


def test_a_camera_that_first_sees_her_bent_over_the_bar_on_her_way_in_makes_no_floor_set() -> None:
    # She walks in past the mirror's camera and picks the bar up as she comes into the
    # side camera's picture: its first sight of her is bent over the bar, a set started at
    # the floor to it, which would make her last RDL the bar set down, until her first RDL
    # turns with the hips high and it withdraws the call. The mirror's camera watched her
    # walk in: the side camera saw her arrive, not set up at the bar.
    front, side, entry = make_pair("pickup_on_the_way", 2043858583)
    assert entry["reps"] == 3
    side_only = side_alone(side)
    assert side_only.detector.floor_call_withdrawn
    assert len(side_only.reps) == 3
    evaluator, _, _ = fused(front, side, entry)
    assert len(evaluator.reps) == 3


def test_shallow_hinges_the_side_camera_saw_but_did_not_count_are_counted_with_the_mirror() -> None:
    # Seven hinges with a dowel, three of them shallow. Two of those stop at 22° side-on,
    # under the depth the side camera counts a rep at (it has a nod or a sway to tell from
    # a rep on its own); the mirror's camera counted them. The side camera saw the trunk go
    # down and come back with the feet planted: both cameras saw a shallow hinge.
    front, side, entry = make_pair("pickup_on_the_way", 1188790700)
    assert entry["reps"] == 7
    assert len(side_alone(side).reps) == 5
    evaluator, _, _ = fused(front, side, entry)
    assert len(evaluator.reps) == 7
    for rep, truth in zip(evaluator.reps, entry["rep_labels"], strict=True):
        assert truth["start_s"] <= rep.bottom_s <= truth["end_s"]


def test_a_side_camera_that_started_first_judges_the_back_as_it_would_alone() -> None:
    # The side camera started 1.4 s before the mirror's and saw the lifter stand still
    # then: its evaluator takes her standing posture from those frames, as alone, and
    # judges every rep's back and lockout as it would alone.
    front, side, entry = make_pair("front_set", 1479951897)
    assert entry["side_offset_s"] < -1.0
    alone = side_alone(side).reps
    evaluator, _, _ = fused(front, side, entry)
    assert len(evaluator.reps) == len(alone) == entry["reps"]
    for rep, own in zip(evaluator.reps, alone, strict=True):
        for fault in ("rounded_back", "hyperextension"):
            assert rep.judged_by[fault] == "side"
            assert (fault in rep.faults) == (fault in own.faults)


def test_a_lifter_set_up_at_the_bar_before_the_mirror_camera_started_gets_her_first_pull() -> None:
    # The side camera started 1.9 s before the mirror's, with the lifter already set up at
    # the bar: it saw her whole first pull from the floor, the mirror's camera only from its
    # first frame on. The pull is counted once, found by both cameras, and dated from the
    # mirror camera's first frame (the set is the front recording's).
    front, side, entry = make_pair("floor_setup_start", 1, side_offset_s=-1.9)
    assert entry["reps"] == 4
    evaluator, _, _ = fused(front, side, entry)
    assert len(evaluator.reps) == 4
    assert evaluator.rep_cameras[0] == ("side", "front")
    first = evaluator.reps[0]
    label = entry["rep_labels"][0]
    assert first.start_s == 0.0 <= first.bottom_s < label["end_s"]
    assert label["start_s"] < first.end_s


def test_a_side_camera_unplugged_mid_floor_set_costs_no_pull_it_had_not_confirmed() -> None:
    # A pull from the floor is a rep once the lifter lowers again: the side camera saw the
    # fourth pull but was unplugged before the lowering that would have confirmed it. The
    # mirror's camera counted it; the side camera's silence is no verdict on it.
    front, side, entry = make_pair(
        "floor_setup_start", 275180403, side_fails_at_s=16.903, side_failure="drop"
    )
    assert entry["reps"] == 9
    evaluator, _, _ = fused(front, side, entry)
    assert len(evaluator.reps) == 9


def test_a_side_camera_that_goes_blank_at_a_lockout_leaves_the_mirror_cameras_rep() -> None:
    # A shallow dowel hinge: the side camera's picture goes blank just as the lifter comes
    # up, before the moment after the lockout in which it would have judged the rep. The
    # mirror's camera found it, and it counts.
    front, side, entry = make_pair(
        "walk_in_turn", 172755024, side_fails_at_s=9.029, side_failure="blank"
    )
    assert entry["reps"] == 1
    evaluator, _, _ = fused(front, side, entry)
    assert len(evaluator.reps) == 1
    assert evaluator.rep_cameras == (("front",),)


class _ReportsABend(FormEvaluator):
    """The mirror's camera's evaluator, reporting one deep bend (60°) judged in ``view``
    at ``at_s`` besides what it finds itself."""

    def __init__(self, mode: str, view: str, at_s: float) -> None:
        super().__init__(mode)
        self.bend_view, self.at_s = view, at_s
        self.views_of_reps: list[str] = []

    @property
    def rep_views(self) -> tuple[str, ...]:
        return (*super().rep_views, *self.views_of_reps)

    def update(self, pose: Pose | None, t_s: float) -> FormUpdate:
        update = super().update(pose, t_s)
        if self.views_of_reps or t_s < self.at_s:
            return update
        bend = Rep(
            1, self.at_s - 3.0, self.at_s - 1.5, self.at_s - 0.5, (), 100,
            {"trunk_angle_deg": 60.0}, {},
        )  # fmt: skip
        self.reps.append(bend)
        self.views_of_reps.append(self.bend_view)
        return replace(update, completed_rep=bend)


@pytest.mark.parametrize("view", ["front", "oblique"])
def test_a_deep_bend_only_the_mirror_camera_reported_is_no_rep_when_the_side_camera_saw_her_upright(
    view: str,
) -> None:
    # A lifter stands still, seen by both cameras; the mirror's camera reports a 60° bend
    # (as it may when someone steps up to the mirror: the torso's picture shortens). The
    # side camera measures the trunk's inclination itself and saw it stay upright: no rep,
    # however the mirror's camera judged it.
    front, side, entry = make_pair("stand_still", 3)
    assert front.duration_s > 8.0
    evaluator = PairedEvaluator(front.mode)
    evaluator.front = _ReportsABend(front.mode, view, at_s=6.0)
    for camera, frame in merged_frames(front.frames(), side.frames(), entry["side_offset_s"]):
        if camera == FRONT:
            evaluator.update(frame.pose, frame.t_s)
        else:
            evaluator.update_side(frame.pose, frame.t_s)
    evaluator.summary()
    assert evaluator.front.reps  # it did report the bend
    assert evaluator.reps == []


class _MissesARep(FormEvaluator):
    """The mirror's camera's evaluator, missing its ``hidden``-th rep (as a camera may miss
    a pull in the middle of a set)."""

    def __init__(self, mode: str, hidden: int) -> None:
        super().__init__(mode)
        self.hidden = hidden
        self.dropped: int | None = None

    @property
    def rep_views(self) -> tuple[str, ...]:
        views = list(super().rep_views)
        if self.dropped is not None:
            del views[self.dropped]
        return tuple(views)

    def update(self, pose: Pose | None, t_s: float) -> FormUpdate:
        update = super().update(pose, t_s)
        if update.completed_rep is None or self.dropped is not None:
            return update
        if len(self.reps) < self.hidden:
            return update
        self.reps.pop()
        self.dropped = self.hidden - 1
        return replace(update, completed_rep=None)


def test_a_pull_the_mirror_camera_missed_mid_floor_set_is_no_weight_set_down() -> None:
    # A set pulled from the floor; the mirror's camera misses the third pull. The side
    # camera found it, as deep as any pull: it is not the weight set down at the end, since
    # both cameras count pulls after it. The set keeps every rep.
    front, side, entry = make_pair("floor_setup_start", 4)
    evaluator = PairedEvaluator(front.mode)
    evaluator.front = _MissesARep(front.mode, hidden=3)
    for camera, frame in merged_frames(front.frames(), side.frames(), entry["side_offset_s"]):
        if camera == FRONT:
            evaluator.update(frame.pose, frame.t_s)
        else:
            evaluator.update_side(frame.pose, frame.t_s)
    evaluator.summary()
    assert evaluator.front.detector.floor_set
    assert len(evaluator.front.reps) == entry["reps"] - 1
    assert len(evaluator.reps) == entry["reps"]
    assert evaluator.rep_cameras[2] == ("side",)
