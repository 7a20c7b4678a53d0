"""The form evaluator in the rooms of coaching.md ("Views"): each test is a situation a
lifter would recognise, built with ``make_scenario`` (synthetic keypoints, no MoveNet).

Seeds were picked once, one per situation, and are not tuned to pass. A situation the
evaluator still gets wrong is marked ``xfail`` with what it does instead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest

from appliance.form import FormEvaluator, SetSummary
from appliance.synthetic import Noise
from appliance.synthetic.lifter import SyntheticSet
from appliance.synthetic.scenarios import make_scenario
from appliance.synthetic.spec import Tempo
from appliance.types import FAULT_IDS, KEYPOINT_INDEX, FormUpdate, Rep
from tests.test_form_synthetic import SIDE_ONLY  # coaching.md's side-only faults, restated once

MIN_SCORE = 0.3  # the evaluator's default confidence floor (thresholds.min_score)
LIFTING = ("descending", "bottom", "ascending")


def known(reason: str) -> pytest.MarkDecorator:
    """A situation the evaluator gets wrong today: what it does instead."""
    return pytest.mark.xfail(strict=False, reason=reason)


@dataclass(frozen=True)
class Run:
    synthetic: SyntheticSet
    labels: dict[str, Any]
    summary: SetSummary
    updates: list[FormUpdate]

    @property
    def counted(self) -> int:
        return len(self.summary.reps)


_RUNS: dict[str, Run] = {}


def run(name: str, seed: int, **overrides: Any) -> Run:
    """The scenario made and evaluated frame by frame (once per session per arguments)."""
    key = repr((name, seed, sorted(overrides.items())))
    if key not in _RUNS:
        synthetic, labels = make_scenario(name, seed, **overrides)
        evaluator = FormEvaluator(synthetic.mode)
        updates = [evaluator.update(frame.pose, frame.t_s) for frame in synthetic.frames()]
        _RUNS[key] = Run(synthetic, labels, evaluator.summary(), updates)
    return _RUNS[key]


def found_for(result: Run, truth_index: int) -> Rep | None:
    """The counted rep around the true rep's bottom (``truth_index`` 0-based), if any."""
    bottom = result.synthetic.reps[truth_index].bottom_s
    return next((r for r in result.summary.reps if r.start_s <= bottom <= r.end_s), None)


def assert_named_on_exactly(result: Run, fault: str, on: dict[int, frozenset[str]]) -> None:
    """``fault`` is named on the counted rep of each true rep numbered in ``on`` (1-based)
    and on no other."""
    for index in range(len(result.synthetic.reps)):
        rep = found_for(result, index)
        assert rep is not None, describe(result)
        assert (fault in rep.faults) == (index + 1 in on), describe(result)


def every_counted_rep_is_a_real_one(result: Run) -> bool:
    """Each counted rep spans the bottom of a true rep (no ghost from a bend-over)."""
    bottoms = [truth.bottom_s for truth in result.synthetic.reps]
    return all(any(r.start_s <= b <= r.end_s for b in bottoms) for r in result.summary.reps)


def describe(result: Run) -> str:
    spans = [(r.start_s, r.end_s, r.faults) for r in result.summary.reps]
    truth = [(t.start_s, t.end_s) for t in result.synthetic.reps]
    return f"counted {result.counted}: {spans}; true {len(truth)}: {truth}"


# -- walking in and turning to lift ----------------------------------------------------


@pytest.mark.parametrize(
    ("walk_from", "facing", "seed"),
    [
        ("left", "right", 101),
        ("right", "left", 102),
        ("left", "left", 103),  # walks in heading right, turns 180° to lift facing left
        ("right", "right", 104),  # the mirror image of that
    ],
    ids=["from-left-lifts-facing-right", "from-right-lifts-facing-left",
         "from-left-turns-180-to-face-left", "from-right-turns-180-to-face-right"],
)  # fmt: skip
def test_a_lifter_who_walks_in_from_the_side_and_turns_to_lift_gets_all_8_reps(
    walk_from: str, facing: str, seed: int
) -> None:
    result = run("walk_in_turn", seed, walk_from=walk_from, facing=facing, view="side", reps=8)
    assert result.counted == 8, describe(result)
    assert every_counted_rep_is_a_real_one(result), describe(result)
    assert result.summary.view == "side"


@pytest.mark.parametrize(("facing", "seed"), [("right", 105), ("left", 106)])
def test_a_lifter_who_walks_up_toward_the_camera_and_turns_side_on_gets_every_rep(
    facing: str, seed: int
) -> None:
    result = run("walk_in_depth", seed, facing=facing, view="side", reps=6)
    assert result.counted == 6, describe(result)
    assert every_counted_rep_is_a_real_one(result), describe(result)
    assert result.summary.view == "side"


# -- turning around between reps -------------------------------------------------------


def test_turning_around_between_reps_still_counts_every_rep_and_the_hips_stay_seen() -> None:
    result = run("turn_around", 107, reps=6, turn_after=3, severity="none")
    assert result.counted == 6, describe(result)
    after_turn = result.synthetic.reps[3].start_s  # the first rep facing the other way
    poses = result.synthetic.poses
    hips = [KEYPOINT_INDEX["left_hip"], KEYPOINT_INDEX["right_hip"]]
    told_no_hips = [
        update.t_s
        for update, pose in zip(result.updates, poses, strict=True)
        if update.t_s >= after_turn
        and update.phase in LIFTING
        and "hips" in update.missing
        and pose is not None
        and max(pose.yx_score[hips, 2]) >= MIN_SCORE  # the hips really are visible
    ]
    assert told_no_hips == []
    # "I can't see your hips" anywhere in the set only when neither hip is seen.
    for update, pose in zip(result.updates, poses, strict=True):
        if "hips" in update.missing and pose is not None:
            assert max(pose.yx_score[hips, 2]) < MIN_SCORE, update.t_s


def test_after_turning_around_the_clean_reps_are_judged_clean_from_the_new_near_side() -> None:
    result = run("turn_around", 107, reps=6, turn_after=3, severity="none")
    assert result.counted == 6, describe(result)
    assert [r.faults for r in result.summary.reps] == [()] * 6, describe(result)


# -- pulls from the floor ----------------------------------------------------------------


@pytest.mark.parametrize(("load", "seed"), [("barbell", 108), ("kettlebell", 109)])
def test_a_set_that_starts_at_the_floor_counts_every_pull_and_not_the_set_down(
    load: str, seed: int
) -> None:
    result = run("floor_setup_start", seed, load=load, reps=5, severity="none")
    assert result.counted == 5, describe(result)
    assert every_counted_rep_is_a_real_one(result), describe(result)


@pytest.mark.parametrize(("load", "seed"), [("barbell", 110), ("kettlebell", 111)])
def test_walking_in_and_setting_up_at_the_floor_counts_every_pull_and_not_the_set_down(
    load: str, seed: int
) -> None:
    result = run("floor_walk_in", seed, load=load, reps=5, severity="none")
    assert result.counted == 5, describe(result)
    assert every_counted_rep_is_a_real_one(result), describe(result)


def test_a_lifter_facing_the_mirror_who_sets_up_at_a_kettlebell_has_pull_one_counted() -> None:
    # Knees bent toward a low camera shorten the shins on the picture as much as the trunk:
    # only the arms hanging to the handle show how long the standing torso is.
    result = run(
        "floor_setup_start", 141, view="front", load="kettlebell", camera_height_m=0.97,
        reps=6, severity="none",
    )  # fmt: skip
    assert result.counted == 6, describe(result)
    assert every_counted_rep_is_a_real_one(result), describe(result)


@pytest.mark.parametrize(("load", "seed"), [("kettlebell", 160), ("barbell", 161)])
def test_a_lifter_who_sets_up_squatting_at_the_weight_has_pull_one_counted_and_called_a_squat(
    load: str, seed: int
) -> None:
    # First seen crouched at the weight with the trunk under 30°: the knees say it is the
    # floor, and the squat is named on the pulls that squat, not on their neighbours.
    squats = {1: frozenset({"squatting"}), 4: frozenset({"squatting"})}  # rep numbers
    result = run(
        "floor_setup_start", seed, view="side", load=load, style="floor_pull", reps=5,
        faults=squats, severity="clear",
    )  # fmt: skip
    assert result.counted == 5, describe(result)
    assert_named_on_exactly(result, "squatting", squats)


@pytest.mark.parametrize(
    "view",
    [
        "side",
        pytest.param("front", marks=known(
            "the mirror's camera reads a mildly squatted trunk (38°) at 45° and more on 3 of "
            "these 10 sets, as bent over the weight as a floor pull's set-up: the set is "
            "taken for one from the floor and its last rep waits for a lowering (the RDLs "
            "after it do not withdraw a call made at a paused set-up: see _withdraw_floor_call)"
        )),
    ],
)  # fmt: skip
def test_a_lifter_who_pauses_a_mildly_squatted_first_rep_then_hinges_has_every_rep_counted(
    view: str,
) -> None:
    # A mild squat's trunk (38°) reads up to about 41° side-on: under a floor pull's 45°.
    squat = {1: frozenset({"squatting"})}
    for seed in range(174, 184):
        result = run(
            f"{view}_set", seed, view=view, load="kettlebell", style="rdl", reps=3,
            faults=squat, severity="mild",
            tempo=Tempo(descent_s=1.8, bottom_s=1.4, ascent_s=1.2, top_s=1.0),
        )  # fmt: skip
        assert result.counted == 3, describe(result)


@pytest.mark.parametrize("view", ["side", "front"])
def test_a_lifter_who_picks_the_kettlebell_up_walking_in_and_walks_off_with_it_has_all_rdls_counted(
    view: str,
) -> None:
    # Bent over the weight on first sight: taken for a set-up at the floor, whose pulls
    # wait for the next lowering; the first RDL after it turns with the hips high, so it
    # was a pickup, and the last rep (no set-down follows) counts too.
    for seed in range(194, 214):
        result = run(
            "pickup_on_the_way", seed, view=view, load="kettlebell", style="rdl", reps=5,
            pickup="in", severity="none",
        )  # fmt: skip
        assert result.counted == 5, describe(result)
        assert every_counted_rep_is_a_real_one(result), describe(result)


@pytest.mark.parametrize("view", ["side", "oblique"])
def test_a_lifter_who_picks_the_kettlebell_up_walking_in_and_begins_with_a_shallow_rdl_counts_it(
    view: str,
) -> None:
    # The first RDL after the pickup bends only 38°: too shallow to tell from a lean at
    # the top of a pull, so it is held back; the next, deeper one turns with the hips
    # high, which makes the first-sight pull a pickup and the held-back rep a rep (before:
    # 2 of 5 counted, every shallow rep taken for a lean at the top of a floor pull).
    result = run(
        "pickup_on_the_way", 214, view=view, load="kettlebell", style="rdl", reps=5,
        pickup="in", severity="mild",
    )  # fmt: skip
    assert result.counted == 5, describe(result)
    assert every_counted_rep_is_a_real_one(result), describe(result)


def test_flat_backs_seen_by_a_side_camera_low_on_the_floor_are_never_called_rounded() -> None:
    # From 0.62 m the camera looks up at the bent-over torso: it reads a little short and
    # the head a few degrees low, which alone is no rounding (2 of these 60 reps were).
    for seed in range(180, 190):
        result = run(
            "side_set", seed, view="side", style="rdl", load="barbell", reps=6,
            severity="none", camera_height_m=0.62,
        )  # fmt: skip
        assert result.counted == 6, describe(result)
        assert not any("rounded_back" in rep.faults for rep in result.summary.reps), describe(
            result
        )


@pytest.mark.parametrize("seed", range(190, 194))
def test_a_mildly_rounded_back_seen_by_a_side_camera_low_on_the_floor_is_still_called(
    seed: int,
) -> None:
    rounded = {2: frozenset({"rounded_back"}), 4: frozenset({"rounded_back"})}
    result = run(
        "side_set", seed, view="side", style="rdl", load="barbell", reps=5, faults=rounded,
        severity="mild", camera_height_m=0.62,
    )  # fmt: skip
    assert result.counted == 5, describe(result)
    assert_named_on_exactly(result, "rounded_back", rounded)


@pytest.mark.parametrize(("view", "seed"), [("side", 170), ("front", 171)])
def test_a_lifter_who_squats_down_to_a_kettlebell_then_pulls_it_has_the_set_down_not_counted(
    view: str, seed: int
) -> None:
    # Set up squatted (the trunk under 40°, like a squat paused at its bottom): the pulls
    # after it, bent over the weight with the hips dropped, show the set is from the floor.
    squat = {1: frozenset({"squatting"})}
    result = run(
        "floor_walk_in", seed, view=view, load="kettlebell", style="floor_pull", reps=4,
        faults=squat, severity="clear",
    )  # fmt: skip
    assert result.counted == 4, describe(result)
    assert every_counted_rep_is_a_real_one(result), describe(result)


@pytest.mark.parametrize(("view", "seed"), [("side", 172), ("front", 173)])
def test_a_lifter_who_pauses_a_squatted_first_rep_then_hinges_has_every_rep_counted(
    view: str, seed: int
) -> None:
    # The first rep looks like a squatted set-up at the floor (a long pause, hips low,
    # trunk upright); the RDLs after it keep the hips high: no pull, no floor set.
    squat = {1: frozenset({"squatting"})}
    result = run(
        f"{view}_set", seed, view=view, load="kettlebell", style="rdl", reps=4, faults=squat,
        severity="clear", tempo=Tempo(descent_s=1.8, bottom_s=1.4, ascent_s=1.2, top_s=1.0),
    )  # fmt: skip
    assert result.counted == 4, describe(result)
    assert every_counted_rep_is_a_real_one(result), describe(result)


@pytest.mark.parametrize(("view", "seed"), [("side", 200), ("front", 201), ("oblique", 202)])
def test_a_lifter_who_squats_the_hinge_and_never_quite_stands_up_gets_every_squat_counted(
    view: str, seed: int
) -> None:
    # A squat that stops 35° short of standing leans no further at its bottom (28°) than
    # at its top: the hips going down and back up make the rep, the trunk does not swing.
    squats = {n: frozenset({"squatting", "incomplete_lockout"}) for n in (2, 3, 5)}
    result = run(
        f"{view}_set", seed, view=view, style="dowel", reps=6, faults=squats, severity="clear"
    )
    assert result.counted == 6, describe(result)
    if view == "side":
        assert_named_on_exactly(result, "squatting", squats)
        assert_named_on_exactly(result, "incomplete_lockout", squats)


@pytest.mark.parametrize(
    "seed",
    [
        pytest.param(140, marks=known(
            "a camera 1.38 m up looks down on the thighs: at the set-up the hips read 0.78 of "
            "their standing height above the knees, over the 0.75 that means a floor set, so "
            "the final set-down is counted as a seventh rep (9 of seeds 140-149 pass)"
        )),
        141,
    ],
)  # fmt: skip
def test_walking_up_to_the_bar_facing_a_high_mirror_camera_counts_every_pull_and_not_the_set_down(
    seed: int,
) -> None:
    result = run(
        "floor_walk_in", seed, view="front", load="barbell", camera_height_m=1.38, reps=6,
        severity="none",
    )  # fmt: skip
    assert result.counted == 6, describe(result)
    assert every_counted_rep_is_a_real_one(result), describe(result)


def test_ankles_the_model_keeps_losing_one_at_a_time_are_no_steps() -> None:
    # Facing the camera the ankles stand apart: when one drops out, the middle of the feet
    # must not jump to the other one, or the lifter looks as if they stepped into a rep.
    synthetic, _ = make_scenario("front_set", 190, view="front", reps=6, fps=15.0, severity="none")
    poses = list(synthetic.poses)
    for index, pose in enumerate(poses):
        if pose is None or index % 2 == 0:
            continue
        ankle = "left_ankle" if index % 4 == 1 else "right_ankle"  # every other frame
        yx_score = pose.yx_score.copy()
        yx_score[KEYPOINT_INDEX[ankle], 2] = 0.05
        poses[index] = replace(pose, yx_score=yx_score)
    evaluator = FormEvaluator(synthetic.mode)
    for frame in replace(synthetic, poses=poses).frames():
        evaluator.update(frame.pose, frame.t_s)
    assert len(evaluator.summary().reps) == 6


def test_ankles_that_wander_just_before_a_later_rep_of_the_set_do_not_lose_it() -> None:
    # Half a second of a small lifter's ankles at 15 fps is a handful of points: a slip of
    # a third of a torso in the last of them is the model, not a step, when the feet stood
    # on that spot through the set's earlier reps.
    synthetic, _ = make_scenario("side_set", 191, view="side", reps=5, fps=15.0, severity="none")
    last = synthetic.reps[-1]
    poses = list(synthetic.poses)
    for index, pose in enumerate(poses):
        t_s = index / synthetic.fps
        if pose is None or not last.start_s - 0.25 <= t_s < last.start_s + 0.1:
            continue
        yx_score = pose.yx_score.copy()
        hip, shoulder = (
            yx_score[KEYPOINT_INDEX["left_hip"]],
            yx_score[KEYPOINT_INDEX["left_shoulder"]],
        )
        torso_x = abs(hip[0] - shoulder[0]) * pose.height / pose.width  # as a share of the width
        for ankle in ("left_ankle", "right_ankle"):
            yx_score[KEYPOINT_INDEX[ankle], 1] += 0.35 * torso_x
        poses[index] = replace(pose, yx_score=yx_score)
    evaluator = FormEvaluator(synthetic.mode)
    for frame in replace(synthetic, poses=poses).frames():
        evaluator.update(frame.pose, frame.t_s)
    assert len(evaluator.summary().reps) == 5


# -- bending over that is not a rep --------------------------------------------------------


@pytest.mark.parametrize(("pickup", "seed"), [("in", 112), ("out", 113)])
def test_picking_something_up_on_the_way_in_or_out_counts_only_the_real_reps(
    pickup: str, seed: int
) -> None:
    result = run("pickup_on_the_way", seed, pickup=pickup, reps=4, severity="none")
    assert result.counted == 4, describe(result)
    assert every_counted_rep_is_a_real_one(result), describe(result)


@pytest.mark.parametrize(
    ("name", "seed", "overrides"),
    [
        ("pickup_only", 114, {"walk_from": "left"}),
        ("pickup_only", 115, {"walk_from": "right"}),
        ("stand_still", 116, {}),
        ("fidget", 117, {}),
        ("fidget", 118, {}),
        ("walk_through", 119, {"walk_from": "left"}),
        ("walk_through", 120, {"walk_from": "far"}),
        ("fidget", 1554342070, {}),
    ],
    ids=["pickup-walking-right", "pickup-walking-left", "standing-still", "fidgeting-1",
         "fidgeting-2", "walking-across", "walking-up-and-away",
         "half-turned-stepping-aside-and-back"],
)  # fmt: skip
def test_no_rep_is_counted_when_nobody_lifts(
    name: str, seed: int, overrides: dict[str, Any]
) -> None:
    result = run(name, seed, **overrides)
    assert result.counted == 0, describe(result)


# -- facing the mirror ----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "view", "seed"), [("front_set", "front", 121),
                                                    ("oblique_set", "oblique", 122)])  # fmt: skip
def test_a_set_facing_or_half_facing_the_mirror_is_counted_and_its_view_reported(
    name: str, view: str, seed: int
) -> None:
    result = run(name, seed, reps=6, severity="none")
    assert result.counted == 6, describe(result)
    assert result.summary.view == view
    assert result.labels["view"] == view


def test_a_front_set_lists_the_side_only_faults_as_unjudged_for_want_of_a_side_view() -> None:
    result = run("front_set", 123, style="rdl", reps=5, severity="none")
    assert result.counted == 5, describe(result)
    for fault in SIDE_ONLY:
        assert fault in result.summary.unjudged, fault
        assert "side view" in result.summary.unjudged[fault]
    for fault in ("squatting", "head_up", "rushed"):
        assert fault not in result.summary.unjudged


# -- cameras, framings, lifters and loads ----------------------------------------------------

SETUPS: dict[str, dict[str, Any]] = {
    "15fps": {"fps": 15.0},
    "30fps": {"fps": 30.0},
    "60fps": {"fps": 60.0},
    "portrait-480x640": {"width": 480, "height": 640},
    "portrait-720x1280": {"width": 720, "height": 1280},
    "landscape-640x480": {"width": 640, "height": 480},
    "landscape-1280x720": {"width": 1280, "height": 720},
    "camera-0.9m": {"camera_height_m": 0.9},
    "camera-1.4m": {"camera_height_m": 1.4},
    "distance-2.5m": {"distance_m": 2.5},
    "distance-3.5m": {"distance_m": 3.5},
    "lifter-1.55m": {"lifter_height_m": 1.55},
    "lifter-1.90m": {"lifter_height_m": 1.90},
    "no-load-dowel": {"load": "none", "style": "dowel"},
    "kettlebell-rdl": {"load": "kettlebell", "style": "rdl"},
    "barbell-rdl": {"load": "barbell", "style": "rdl"},
    "barbell-good-morning": {"load": "barbell", "style": "good_morning"},
    "barbell-floor-pull-from-standing": {"load": "barbell", "style": "floor_pull"},
    "kettlebell-floor-pull-from-standing": {"load": "kettlebell", "style": "floor_pull"},
    "small-lifter-far-in-portrait-at-15fps": {
        "fps": 15.0, "width": 480, "height": 640, "distance_m": 3.5, "lifter_height_m": 1.55,
    },
    "tall-lifter-close-low-camera-at-60fps": {
        "fps": 60.0, "width": 1280, "height": 720, "distance_m": 2.5, "lifter_height_m": 1.90,
        "camera_height_m": 0.9,
    },
}  # fmt: skip


FLOOR_FROM_STANDING = known(
    "touch-the-floor pulls from standing: the first rep's pause at the floor with bent knees "
    "is taken for a set-up at the weight, so each pull is confirmed only by the next "
    "lowering and the last pull (the lifter then stands holding the weight) is never "
    "counted: 5 of 6 (and 7 of 8 at seeds 135 and 139)"
)
SETUP_PARAMS = [
    pytest.param(name, id=name, marks=FLOOR_FROM_STANDING if "floor-pull" in name else ())
    for name in SETUPS
]


@pytest.mark.parametrize("setup", SETUP_PARAMS)
def test_a_side_set_is_counted_exactly_whatever_the_camera_framing_lifter_and_load(
    setup: str,
) -> None:
    result = run("side_set", 124, reps=6, severity="none", **SETUPS[setup])
    assert result.counted == 6, describe(result)
    assert result.summary.view == "side"


def test_clean_side_sets_whatever_the_camera_framing_lifter_and_load_get_almost_no_fault() -> None:
    reps = 0
    flagged: dict[str, int] = {}
    for setup in SETUPS:
        result = run("side_set", 124, reps=6, severity="none", **SETUPS[setup])
        reps += result.counted
        for rep in result.summary.reps:
            for fault in rep.faults:
                flagged[fault] = flagged.get(fault, 0) + 1
    assert reps > 0
    assert all(n <= reps / 20 for n in flagged.values()), f"of {reps} clean reps: {flagged}"


@pytest.mark.parametrize(("view", "seed"), [("side", 125), ("oblique", 126), ("front", 127)])
def test_noisy_keypoints_with_swaps_and_empty_frames_still_count_exactly(
    view: str, seed: int
) -> None:
    noise = Noise(
        jitter_px=3.5, dropout_rate=0.02, swap_rate=0.02, empty_rate=0.02, empty_run_rate=0.004
    )
    name = {"side": "side_set", "oblique": "oblique_set", "front": "front_set"}[view]
    result = run(name, seed, reps=6, severity="none", noise=noise)
    assert result.counted == 6, describe(result)


# -- faults ---------------------------------------------------------------------------------

FAULT_STYLE: dict[str, tuple[str, int]] = {
    "rounded_back": ("rdl", 131),
    "head_up": ("dowel", 132),
    "squatting": ("rdl", 133),
    "locked_knees": ("dowel", 134),
    "bar_drift": ("floor_pull", 135),
    "shallow_hinge": ("rdl", 136),
    "incomplete_lockout": ("good_morning", 137),
    "hyperextension": ("rdl", 138),
    "hips_rise_early": ("floor_pull", 139),
    "rushed": ("dowel", 140),
}
"""The style each fault is shown in (one it can happen in) and the seed of its set."""
assert set(FAULT_STYLE) == set(FAULT_IDS)
FAULTY_REPS = (2, 3, 5, 6, 8)  # of 8


MISSED: dict[tuple[str, str], str] = {}
"""(fault, severity) the evaluator misses today, with what it does instead (none at the
last run; a clear shallow hinge of ~25 deg was not counted as a rep at an earlier one)."""
FAULT_CASES = [
    pytest.param(
        fault,
        severity,
        id=f"{fault}-{severity}",
        marks=known(MISSED[fault, severity]) if (fault, severity) in MISSED else (),
    )
    for fault in FAULT_IDS
    for severity in ("mild", "clear")
]


@pytest.mark.parametrize(("fault", "severity"), FAULT_CASES)
def test_a_fault_is_found_on_at_least_4_of_its_5_faulty_reps_in_a_side_set(
    fault: str, severity: str
) -> None:
    style, seed = FAULT_STYLE[fault]
    faults = {rep: {fault} for rep in FAULTY_REPS}
    result = run("side_set", seed, style=style, reps=8, faults=faults, severity=severity)
    # A faulty rep that is not counted is a fault not found.
    found = [
        (rep := found_for(result, n - 1)) is not None and fault in rep.faults for n in FAULTY_REPS
    ]
    assert sum(found) >= 4, describe(result)


FALSE_FLAGS: dict[str, str] = {}
"""The good twins the evaluator flags today, by the fault of their faulty twin."""
GOOD_TWINS = [
    pytest.param(fault, id=f"twin-of-{fault}", marks=known(FALSE_FLAGS[fault]) if fault in
                 FALSE_FLAGS else ())
    for fault in FAULT_IDS
]  # fmt: skip


@pytest.mark.parametrize("fault", GOOD_TWINS)
def test_the_good_twin_of_a_faulty_side_set_gets_no_fault(fault: str) -> None:
    """The same seed and style as the fault's set, every rep good (floor pulls from
    standing lose their last rep, see the setups test: only counted reps are checked)."""
    style, seed = FAULT_STYLE[fault]
    result = run("side_set", seed, style=style, reps=8, severity="none")
    assert result.counted >= 7, describe(result)
    assert all(r.faults == () for r in result.summary.reps), describe(result)


@pytest.mark.parametrize("seed", [180, 181, 182])
def test_a_lifter_who_looks_up_a_little_on_floor_pulls_has_it_named_on_those_pulls(
    seed: int,
) -> None:
    # Mild: 35° of neck extension at the bottom, which reads about 20° on the keypoints.
    looks_up = {2: frozenset({"head_up"}), 4: frozenset({"head_up"})}
    result = run(
        "floor_walk_in", seed, view="side", style="floor_pull", reps=5, faults=looks_up,
        severity="mild",
    )  # fmt: skip
    assert result.counted == 5, describe(result)
    assert_named_on_exactly(result, "head_up", looks_up)


def test_a_lifter_whose_bar_drifts_out_on_the_last_reps_hears_it_on_each_of_them() -> None:
    # A mild drift (about 0.55 shank lengths) is within what good real pulls reach, but
    # far from where this lifter kept the bar on their own first three reps.
    result = run(
        "side_set", 150, style="rdl", load="barbell", reps=6, severity="mild",
        faults={4: ["bar_drift"], 5: ["bar_drift"], 6: ["bar_drift"]},
    )  # fmt: skip
    assert result.counted == 6, describe(result)
    drifted = ["bar_drift" in rep.faults for rep in result.summary.reps]
    assert drifted == [False, False, False, True, True, True]


def test_a_lean_back_held_at_the_top_is_not_taken_for_the_lifters_new_way_of_standing() -> None:
    # Reps 6-8 end leaning back, held 1.5 s each, over 30 s into the set: the baseline
    # refreshes on those holds but keeps the lifter's own standing angles, so reps 9 and
    # 10, locked out as at the start, are not called incomplete.
    result = run(
        "side_set", 160, style="dowel", reps=10, severity="mild",
        faults={6: ["hyperextension"], 7: ["hyperextension"], 8: ["hyperextension"]},
        tempo=Tempo(descent_s=1.8, bottom_s=0.3, ascent_s=1.2, top_s=1.5),
    )  # fmt: skip
    assert [set(rep.faults) for rep in result.summary.reps] == [set()] * 5 + [
        {"hyperextension"}
    ] * 3 + [set()] * 2


def test_one_frame_with_the_shoulders_misplaced_does_not_make_the_mirror_forget_the_lifter() -> (
    None
):
    synthetic, _ = make_scenario(
        "side_set", 170, style="dowel", reps=4, severity="none",
        tempo=Tempo(descent_s=1.8, bottom_s=0.3, ascent_s=1.2, top_s=1.5),
    )  # fmt: skip
    between = synthetic.reps[2].start_s - 0.3  # standing tall, between reps 2 and 3
    evaluator = FormEvaluator(synthetic.mode)
    baselines = set()
    for frame in synthetic.frames():
        pose = frame.pose
        if pose is not None and abs(frame.t_s - between) < 0.5 / synthetic.fps:
            # MoveNet puts both shoulders halfway down to the hips on this one frame
            rows = pose.yx_score.copy()
            for side in ("left", "right"):
                shoulder, hip = KEYPOINT_INDEX[f"{side}_shoulder"], KEYPOINT_INDEX[f"{side}_hip"]
                rows[shoulder, :2] = (rows[shoulder, :2] + rows[hip, :2]) / 2.0
            pose = replace(pose, yx_score=rows)
        evaluator.update(pose, frame.t_s)
        if evaluator.calibrator.baseline is not None:
            baselines.add(evaluator.calibrator.baseline.t_s)
    assert len(baselines) == 1  # taken once, before the first rep, and kept
