"""The synthetic lifter in real rooms: scenarios, their labels, and the labelled corpus.

Each test is a situation a mirror meets. Positions are measured on the keypoints the
way the evaluator would see them (pixels), or on the model's own truth (``angles``)
where the point is what was built rather than what shows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from appliance.synthetic import Noise
from appliance.synthetic.__main__ import main
from appliance.synthetic.camera import Placement, project_world
from appliance.synthetic.corpus import scenario_order
from appliance.synthetic.lifter import SyntheticSet
from appliance.synthetic.scenarios import SCENARIOS, make_scenario
from appliance.synthetic.spec import NO_REP, sample_spec
from appliance.synthetic.styles import GOOD_BOTTOM, STYLES
from appliance.types import FAULT_IDS, KEYPOINT_INDEX

CLEAN = Noise.none()
TAGS = {
    "scenario",
    "facing",
    "fps",
    "width",
    "height",
    "orientation",
    "camera_height_m",
    "distance_m",
    "lifter_height_m",
    "load",
    "style",
    "noise_px",
    "severity",
    "faults",
}


_MADE: dict[str, tuple[SyntheticSet, dict[str, Any]]] = {}


def scenario(name: str, seed: int = 1, **overrides: Any) -> tuple[SyntheticSet, dict[str, Any]]:
    """``make_scenario``, made once per test session for the same arguments."""
    key = repr((name, seed, sorted(overrides.items())))
    if key not in _MADE:
        _MADE[key] = make_scenario(name, seed, **overrides)
    return _MADE[key]


def point(s: SyntheticSet, name: str) -> np.ndarray:
    """(n, 2) pixel track of a keypoint, the mean of left and right for paired ones."""
    keys = [name] if name == "nose" else [f"left_{name}", f"right_{name}"]
    nan = np.full(2, np.nan)
    rows = [
        nan if p is None else p.xy_px[[KEYPOINT_INDEX[k] for k in keys]].mean(axis=0)
        for p in s.poses
    ]
    return np.array(rows)


def frames(s: SyntheticSet, t0: float, t1: float) -> slice:
    return slice(max(0, round(t0 * s.fps)), min(len(s.poses), round(t1 * s.fps) + 1))


def facing(s: SyntheticSet, t0: float, t1: float) -> str:
    """Which way the nose points (from the ears), over a stretch of time."""
    ahead = (point(s, "nose")[:, 0] - point(s, "ear")[:, 0])[frames(s, t0, t1)]
    return "right" if np.nanmedian(ahead) > 0 else "left"


def width_ratios(s: SyntheticSet) -> np.ndarray:
    """Shoulder width over torso length per frame: small side-on, large facing the camera."""
    i, j = KEYPOINT_INDEX["left_shoulder"], KEYPOINT_INDEX["right_shoulder"]
    nan = np.full(2, np.nan)
    across = np.array([nan if p is None else p.xy_px[i] - p.xy_px[j] for p in s.poses])
    torso = point(s, "shoulder") - point(s, "hip")
    return np.abs(across[:, 0]) / np.linalg.norm(torso, axis=1)


def width_ratio(s: SyntheticSet, t0: float, t1: float) -> float:
    """The median ``width_ratios`` over a stretch of time."""
    return float(np.nanmedian(width_ratios(s)[frames(s, t0, t1)]))


def stretches(mask: np.ndarray) -> int:
    """How many separate runs of True."""
    return int(np.sum(mask[1:] & ~mask[:-1]) + mask[0])


# --- walking in, turning, lifting ----------------------------------------------------------


@pytest.mark.parametrize(("walk_from", "lift_facing"), [("left", "right"), ("right", "left")])
def test_a_lifter_who_walks_in_and_lifts_facing_the_way_they_walked_gets_8_labelled_reps(
    walk_from: str, lift_facing: str
) -> None:
    s, labels = scenario(
        "walk_in_turn", 3, walk_from=walk_from, facing=lift_facing, reps=8, view="side"
    )
    present = [p is not None for p in s.poses]
    assert not present[0]  # the picture is empty before they come in
    entering = point(s, "hip")[present.index(True), 0]
    assert entering < s.width / 4 if walk_from == "left" else entering > 3 * s.width / 4
    assert labels["reps"] == 8
    assert labels["view"] == "side"
    assert [r["faults"] is not None for r in labels["rep_labels"]] == [True] * 8
    for rep in s.reps:
        assert facing(s, rep.start_s, rep.end_s) == lift_facing


@pytest.mark.parametrize(("walk_from", "lift_facing"), [("left", "left"), ("right", "right")])
def test_a_lifter_who_walks_in_then_turns_round_lifts_facing_the_other_way(
    walk_from: str, lift_facing: str
) -> None:
    s, labels = scenario(
        "walk_in_turn", 4, walk_from=walk_from, facing=lift_facing, reps=3, view="side", noise=CLEAN
    )
    first = s.reps[0]
    walking = "right" if walk_from == "left" else "left"
    arrive = next(i for i, p in enumerate(s.poses) if p is not None) / s.fps
    assert facing(s, arrive + 0.3, arrive + 1.0) == walking
    assert all(facing(s, r.start_s, r.end_s) == lift_facing for r in s.reps)
    # Halfway round, the lifter is square to the camera (or to its back).
    turning = width_ratios(s)[frames(s, arrive, first.start_s)]
    assert np.nanmax(turning) > 0.6 > 0.3 > width_ratio(s, first.start_s, first.end_s)
    assert labels["tags"]["facing"] == lift_facing


def test_a_lifter_who_enters_far_back_walks_toward_the_mirror_and_turns_side_on_to_lift() -> None:
    s, labels = scenario("walk_in_depth", 5, facing="left", view="side", reps=2, noise=CLEAN)
    size = (point(s, "ankle") - point(s, "nose"))[:, 1]
    first = s.reps[0]
    assert size[0] < 0.8 * np.nanmedian(size[frames(s, first.start_s - 1.0, first.start_s)])
    assert width_ratio(s, 0.0, 0.5) > 0.6  # walking in facing the camera
    assert width_ratio(s, first.start_s - 0.5, first.start_s) < 0.3  # then side-on
    assert all(facing(s, r.start_s, r.end_s) == "left" for r in s.reps)
    assert labels["view"] == "side"
    assert labels["reps"] == 2


def test_a_lifter_who_turns_around_between_reps_keeps_a_side_view_facing_the_other_way() -> None:
    s, labels = scenario("turn_around", 6, facing="right", reps=4, turn_after=2, noise=CLEAN)
    assert [facing(s, r.start_s, r.end_s) for r in s.reps] == ["right", "right", "left", "left"]
    assert labels["view"] == "side"
    assert labels["tags"]["facing"] == "right>left"
    assert labels["reps"] == 4


def test_a_lifter_who_turns_from_side_to_front_between_reps_has_no_single_view() -> None:
    s, labels = scenario("side_to_front", 7, facing="left", reps=3, turn_after=1, noise=CLEAN)
    first, last = s.reps[0], s.reps[-1]
    assert width_ratio(s, first.start_s - 0.5, first.start_s) < 0.3
    assert width_ratio(s, last.start_s - 0.5, last.start_s) > 0.6
    assert labels["view"] is None
    assert labels["tags"]["facing"] == "left>camera"


@pytest.mark.parametrize(
    ("view", "low", "high"), [("side", 0.0, 0.3), ("oblique", 0.3, 0.65), ("front", 0.6, 2.0)]
)
def test_a_lifter_facing_the_mirror_side_on_at_an_angle_or_square_shows_that_view(
    view: str, low: float, high: float
) -> None:
    s, labels = scenario(f"{view}_set", 8, reps=2, noise=CLEAN)
    assert labels["view"] == view
    assert low <= width_ratio(s, 0.0, s.reps[0].start_s) <= high
    yaw = s.angles.yaw_deg[0]
    assert {"side": yaw <= 15, "oblique": 30 <= yaw <= 60, "front": yaw >= 75}[view]


# --- sets from the floor ---------------------------------------------------------------------


@pytest.mark.parametrize("load", ["barbell", "kettlebell"])
def test_a_recording_that_starts_bent_over_the_weight_pulls_from_the_floor_and_sets_it_down(
    load: str,
) -> None:
    s, labels = scenario(
        "floor_setup_start", 9, load=load, reps=3, view="side", severity="none", noise=CLEAN
    )
    knee, trunk = s.angles.knee_deg, s.angles.trunk_deg
    (k_lo, k_hi), (t_lo, t_hi) = GOOD_BOTTOM[("floor_pull", load)]
    assert k_lo - 4 <= knee[0] <= k_hi + 4  # bent over the weight from the first frame
    assert t_lo - 6 <= trunk[0] <= t_hi + 6
    hip, kn, ankle, wrist = (point(s, n)[0] for n in ("hip", "knee", "ankle", "wrist"))
    assert hip[1] < kn[1] - 10  # hips above the knees
    shank = np.linalg.norm(kn - ankle)
    assert ankle[1] - wrist[1] < 0.85 * shank  # hands down at the weight
    assert all(r.from_floor for r in s.reps)
    for rep in s.reps:  # the pull leaves the floor at start_s and locks out at end_s
        a, e = frames(s, rep.start_s, rep.end_s).start, frames(s, rep.start_s, rep.end_s).stop - 1
        assert knee[a] > 60
        assert trunk[e] - s.body.stand_trunk_deg < 6 or "incomplete_lockout" in rep.faults
    # Down to the floor once more than there are reps: the set-down, which is no rep.
    assert stretches(knee > 60) == labels["reps"] + 1
    assert knee[-1] < 8
    assert labels["reps"] == 3
    assert labels["rep_labels"][0]["start_s"] == pytest.approx(s.reps[0].start_s, abs=1e-3)


def test_a_lifter_who_walks_in_settles_then_bends_to_the_bar_and_pauses_before_rep_1() -> None:
    s, labels = scenario("floor_walk_in", 10, reps=2, view="side", noise=CLEAN)
    knee = s.angles.knee_deg
    first = s.reps[0]
    bend = next(i for i in range(len(knee)) if knee[i] > 10) / s.fps
    feet = point(s, "ankle")[frames(s, bend - 1.0, bend)]
    assert np.ptp(feet[:, 0]) < 1.0  # feet still for a second before bending
    reached = next(
        i for i in range(len(knee)) if knee[i] > knee[round(first.start_s * s.fps)] - 0.5
    )
    assert 0.8 <= first.start_s - reached / s.fps <= 2.05  # the set-up pause
    assert s.poses[0] is None
    assert stretches(knee > 60) == labels["reps"] + 1


# --- pick-ups and sequences without reps --------------------------------------------------


def test_a_lifter_who_picks_up_the_kettlebell_while_walking_in_never_stops_around_it() -> None:
    s, labels = scenario(
        "pickup_on_the_way", 11, pickup="in", style="rdl", load="kettlebell", noise=CLEAN
    )
    knee = s.angles.knee_deg
    first = s.reps[0]
    pick = int(np.argmax(knee[: round(first.start_s * s.fps)])) / s.fps
    assert knee[round(pick * s.fps)] > 50
    hips = point(s, "hip")[:, 0]
    shank_px = np.nanmedian(np.linalg.norm(point(s, "knee") - point(s, "ankle"), axis=1))
    for t in (pick - 1.0, pick - 0.5, pick, pick + 0.5):
        moved = abs(hips[round((t + 0.5) * s.fps)] - hips[round(t * s.fps)])
        assert moved > 0.3 * shank_px  # still walking
    assert first.start_s > pick + 1.0
    assert labels["reps"] == len(s.reps) >= 1


def test_a_lifter_who_walks_in_picks_something_up_and_walks_out_does_no_rep() -> None:
    s, labels = scenario("pickup_only", 12, noise=CLEAN)
    assert labels["reps"] == 0
    assert labels["rep_labels"] == []
    assert labels["view"] is None
    assert stretches(s.angles.knee_deg > 50) == 1
    assert s.poses[0] is None
    assert s.poses[-1] is None


@pytest.mark.parametrize("name", ["stand_still", "fidget"])
def test_a_lifter_who_only_stands_or_fidgets_does_no_rep(name: str) -> None:
    s, labels = scenario(name, 13, noise=CLEAN)
    assert labels["reps"] == 0
    assert 10.0 <= s.duration_s <= 26.0
    trunk = s.angles.trunk_deg - s.body.stand_trunk_deg
    assert np.abs(trunk).max() < 10  # sways stay well short of a hinge
    xy = np.array([p.xy_px for p in s.poses if p is not None])
    moved = np.ptp(xy, axis=0).max() / s.height  # the furthest any keypoint went
    assert (moved > 0.03) == (name == "fidget")


def test_a_fidgeting_lifter_looks_at_the_floor_moves_an_arm_and_steps_aside() -> None:
    seen = set()
    for seed in range(6):
        s, _ = scenario("fidget", seed, noise=CLEAN)
        if s.angles.neck_deg.min() < -25:
            seen.add("look down")
        if np.ptp(point(s, "hip")[:, 0]) > 0.1 * np.nanmedian(
            (point(s, "ankle") - point(s, "nose"))[:, 1]
        ):
            seen.add("step aside")
        if (point(s, "wrist")[:, 1] < point(s, "hip")[:, 1] - 20).any():
            seen.add("arm up")
    assert seen == {"look down", "step aside", "arm up"}


@pytest.mark.parametrize("walk_from", ["left", "right", "far"])
def test_a_lifter_who_walks_through_does_no_rep(walk_from: str) -> None:
    s, labels = scenario("walk_through", 14, walk_from=walk_from)
    assert labels["reps"] == 0
    assert labels["tags"]["facing"] == "walking"
    assert (s.poses[0] is None) == (walk_from != "far")


# --- cameras, rates, noise -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fps", "size", "orientation"),
    [
        (15.0, (640, 480), "landscape"),
        (60.0, (720, 1280), "portrait"),
        (30.0, (480, 640), "portrait"),
    ],
)
def test_any_rate_and_framing_gives_frames_on_that_clock_and_labels_that_say_so(
    fps: float, size: tuple[int, int], orientation: str
) -> None:
    s, labels = scenario("side_set", 15, fps=fps, width=size[0], height=size[1], reps=2)
    assert s.fps == fps
    assert (s.width, s.height) == size
    assert len(s.poses) == pytest.approx(s.duration_s * fps, abs=1)
    tags = labels["tags"]
    assert (tags["fps"], tags["width"], tags["height"]) == (fps, *size)
    assert tags["orientation"] == orientation
    body = (point(s, "ankle") - point(s, "nose"))[:, 1]
    assert 0.25 * s.height < np.nanmedian(body) < 0.95 * s.height  # the lifter fits


def test_a_camera_at_an_absolute_height_sees_its_own_height_at_the_middle_of_the_frame() -> None:
    placement = Placement.pinhole(
        camera_height_m=1.1, distance_m=3.0, lifter_height_m=1.6, vfov_deg=50.0
    )
    assert placement.camera_y_m(1.6) == placement.camera_y_m(1.9) == 1.1
    points = np.zeros((3, 17, 3))
    points[:, :, 1] = 1.1  # at camera height: nearer, at the spot, further
    z = np.array([-1.0, 0.0, 3.0])
    xy, _ = project_world(
        points, np.zeros((3, 3)), np.zeros(3), np.zeros(3), z, 1.6, placement, 640, 480
    )
    assert np.allclose(xy[..., 1], 240.0)
    assert Placement(camera_height=0.6).camera_y_m(1.8) == pytest.approx(1.08)


def test_the_pose_model_loses_whole_frames_now_and_then_sometimes_a_few_in_a_row() -> None:
    noisy = Noise(empty_rate=0.01, empty_run_rate=0.004)
    s, _ = scenario("stand_still", 16, noise=noisy, still_s=20.0, fps=30.0)
    empty = np.array([p is None for p in s.poses])
    assert 0.01 < empty.mean() < 0.06
    runs = np.diff(np.flatnonzero(np.diff(np.concatenate([[0], empty, [0]]).astype(int))))[::2]
    assert runs.max() >= 3


# --- what correct looks like, and each fault mild and clear -------------------------------


@pytest.mark.parametrize(("style", "load"), sorted(GOOD_BOTTOM))
def test_good_reps_look_right_for_their_style_and_load(style: str, load: str) -> None:
    name = "floor_setup_start" if STYLES[style].from_floor else "side_set"
    s, labels = scenario(name, 17, style=style, load=load, reps=4, severity="none", noise=CLEAN)
    (k_lo, k_hi), (t_lo, t_hi) = GOOD_BOTTOM[(style, load)]
    a = s.angles
    for rep in s.reps:
        b = round(rep.bottom_s * s.fps)
        assert k_lo - 4 <= a.knee_deg[b] <= k_hi + 4
        assert t_lo - 6 <= a.trunk_deg[b] <= t_hi + 6
        assert 0 <= a.neck_deg[b] <= 10
        assert a.rounding[b] < 0.05
        assert abs(a.trunk_deg[round(rep.end_s * s.fps)] - s.body.stand_trunk_deg) < 1.5
        if not rep.from_floor:
            assert rep.bottom_s - rep.start_s >= 1.2  # a controlled lowering
    assert labels["tags"]["faults"] == "none"


def bottom(s: SyntheticSet, rep: int = 2) -> int:
    return round(s.reps[rep - 1].bottom_s * s.fps)


CASES = [  # fault, style, load, what to look at, mild value, clear value
    ("rounded_back", "rdl", "barbell", "rounding", 0.45, 0.8),
    ("head_up", "dowel", "none", "neck_deg", 35.0, 55.0),
    ("squatting", "rdl", "kettlebell", "knee_deg", 105.0, 125.0),
    ("squatting", "dowel", "none", "trunk_deg", 38.0, 28.0),
    ("locked_knees", "good_morning", "none", "knee_deg", 4.0, 0.0),
    ("bar_drift", "rdl", "barbell", "bar_offset", 0.6, 0.9),
    ("shallow_hinge", "good_morning", "barbell", "trunk_deg", 38.0, 25.0),
    ("incomplete_lockout", "dowel", "none", "lockout", 20.0, 35.0),
    ("hyperextension", "rdl", "kettlebell", "lockout", -12.0, -22.0),
]


@pytest.mark.parametrize(("fault", "style", "load", "what", "mild", "clear"), CASES)
def test_each_fault_is_built_mild_and_clear_as_defined(
    fault: str, style: str, load: str, what: str, mild: float, clear: float
) -> None:
    for severity, expected in (("mild", mild), ("clear", clear)):
        s, labels = scenario(
            "side_set", 18, style=style, load=load, reps=2, faults={2: {fault}}, severity=severity
        )
        assert labels["rep_labels"][1]["faults"] == [fault]
        assert labels["tags"]["severity"] == severity
        a, i = s.angles, bottom(s)
        if what == "lockout":
            value = a.trunk_deg[round(s.reps[1].end_s * s.fps)] - s.body.stand_trunk_deg
        elif what == "bar_offset":
            value = a.bar_offset[i] / s.body.shank
        else:
            value = getattr(a, what)[i]
        tolerance = {"bar_offset": 0.01, "lockout": 1.0}.get(what, 0.6)  # lockouts vary ±0.5°
        assert value == pytest.approx(expected, abs=tolerance)


def test_from_the_floor_a_squat_sinks_25_degrees_deeper_with_the_chest_15_degrees_up() -> None:
    good, _ = scenario("floor_setup_start", 19, reps=2, severity="none", noise=CLEAN)
    mild, _ = scenario("floor_setup_start", 19, reps=2, faults={2: {"squatting"}}, severity="mild")
    clear, _ = scenario(
        "floor_setup_start", 19, reps=2, faults={2: {"squatting"}}, severity="clear"
    )
    i = round(good.reps[1].start_s * good.fps)
    j, k = (round(s.reps[1].start_s * s.fps) for s in (mild, clear))
    assert mild.angles.knee_deg[j] == pytest.approx(good.angles.knee_deg[i] + 25, abs=0.5)
    assert mild.angles.trunk_deg[j] == pytest.approx(good.angles.trunk_deg[i] - 15, abs=0.5)
    assert clear.angles.knee_deg[k] >= 124.5
    assert clear.angles.trunk_deg[k] <= 28.5


@pytest.mark.parametrize(("severity", "share"), [("mild", 0.4), ("clear", 0.3)])
def test_hips_rising_early_straighten_the_knees_first_while_the_trunk_stays(
    severity: str, share: float
) -> None:
    bad, _ = scenario(
        "floor_setup_start", 20, reps=2, faults={2: {"hips_rise_early"}}, severity=severity
    )
    rep = bad.reps[1]
    span = frames(bad, rep.start_s, rep.end_s)
    knee, trunk = bad.angles.knee_deg[span], bad.angles.trunk_deg[span]
    cut = round(share * (len(knee) - 1))
    assert knee[cut] - knee[-1] < 0.05 * (knee[0] - knee[-1])  # knees done by then
    assert trunk[0] - trunk[cut] < 5
    good, _ = scenario("floor_setup_start", 20, reps=2, severity="none")
    rep = good.reps[1]
    span = frames(good, rep.start_s, rep.end_s)
    trunk = good.angles.trunk_deg[span]
    assert trunk[0] - trunk[round(share * (len(trunk) - 1))] > 5  # the chest rises with the hips


@pytest.mark.parametrize(("severity", "seconds"), [("mild", 0.7), ("clear", 0.4)])
def test_a_rushed_lowering_takes_well_under_the_good_1_2_s(severity: str, seconds: float) -> None:
    s, _ = scenario("side_set", 21, reps=3, faults={2: {"rushed"}}, severity=severity)
    lowering = [r.bottom_s - r.start_s for r in s.reps]
    assert lowering[1] == pytest.approx(seconds, abs=0.06)
    assert min(lowering[0], lowering[2]) >= 1.2


def test_faults_come_mixed_with_good_reps_and_only_where_the_style_allows_them() -> None:
    shares = []
    for seed in range(300):
        name = SCENARIOS[seed % len(SCENARIOS)]
        spec = sample_spec(name, np.random.default_rng(seed), {})
        if name in NO_REP:
            assert spec.reps == 0
            assert not spec.faults
            continue
        assert 1 <= spec.reps <= 10
        allowed = set(STYLES[spec.style].faults)
        assert all(ids <= allowed for ids in spec.faults.values())
        if spec.faults:
            shares.append(len(spec.faults) / spec.reps)
            assert spec.severity in ("mild", "clear")
    assert 0.3 <= np.median(shares) <= 0.6
    assert min(shares) >= 0.1  # one faulty rep in a short set still counts


def test_a_request_the_style_cannot_show_is_refused() -> None:
    with pytest.raises(ValueError, match="floor_pull cannot show"):
        make_scenario("floor_walk_in", 1, faults={1: {"locked_knees"}})
    with pytest.raises(ValueError, match="dowel cannot show"):
        make_scenario("side_set", 1, style="dowel", faults={1: {"bar_drift"}})
    with pytest.raises(ValueError, match="unknown scenario"):
        make_scenario("handstand", 1)
    with pytest.raises(ValueError, match="cannot override"):
        make_scenario("side_set", 1, colour="red")
    with pytest.raises(ValueError, match=r"needs 1\.\.30 reps"):
        make_scenario("floor_walk_in", 1, reps=0)
    with pytest.raises(ValueError, match="has no reps"):
        make_scenario("fidget", 1, reps=3)
    with pytest.raises(ValueError, match="turn_after"):
        make_scenario("turn_around", 1, reps=3, turn_after=3)


# --- labels and the corpus ----------------------------------------------------------------


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_is_labelled_in_the_labels_format(name: str) -> None:
    s, labels = scenario(name, 22)
    assert set(labels) == {"mode", "view", "reps", "rep_labels", "tags"}
    assert labels["mode"] in ("drill", "deadlift")
    assert labels["view"] in ("side", "front", "oblique", None)
    assert labels["reps"] == len(labels["rep_labels"]) == len(s.reps)
    assert (labels["reps"] == 0) == (name in NO_REP)
    ends = [0.0]
    for rep in labels["rep_labels"]:
        assert ends[-1] <= rep["start_s"] < rep["end_s"] < s.duration_s
        assert set(rep["faults"]) <= set(FAULT_IDS)
        ends.append(rep["end_s"])
    assert set(labels["tags"]) == TAGS
    assert labels["tags"]["scenario"] == name
    assert json.loads(json.dumps(labels)) == labels


def test_the_same_seed_makes_the_same_recording_and_another_seed_another() -> None:
    a, _ = make_scenario("floor_walk_in", 5)
    b, _ = make_scenario("floor_walk_in", 5)
    c, _ = make_scenario("floor_walk_in", 6)
    same = all(
        (p is None and q is None)
        or (p is not None and q is not None and (p.yx_score == q.yx_score).all())
        for p, q in zip(a.poses, b.poses, strict=True)
    )
    assert same
    assert a.reps != c.reps


def test_every_scenario_class_comes_round_in_any_run_of_its_length() -> None:
    order = scenario_order(200, np.random.default_rng(3))
    k = len(SCENARIOS)
    assert all(set(order[i : i + k]) == set(SCENARIOS) for i in range(0, 200 - k, k))
    assert set(order[:40]) == set(SCENARIOS)


def test_the_corpus_command_writes_labelled_sets_the_same_way_every_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = []
    for folder in ("a", "b"):
        out = tmp_path / folder
        assert main(["--out", str(out), "--seed", "5", "--sets", "15", "--fps-list", "15,30"]) == 0
        runs.append(out)
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("wrote 15 sets to")
    a, b = runs
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert names == ["labels.json"] + [f"set-{i:04d}.jsonl" for i in range(1, 16)]
    assert all((a / n).read_bytes() == (b / n).read_bytes() for n in names)
    labels = json.loads((a / "labels.json").read_text())
    assert (labels["format"], labels["version"]) == ("hinge-mirror-labels", 1)
    assert [f["path"] for f in labels["files"]] == names[1:]
    assert len({f["tags"]["scenario"] for f in labels["files"][:14]}) == len(SCENARIOS)
    assert {f["tags"]["fps"] for f in labels["files"]} <= {15, 30}
    header = json.loads((a / "set-0001.jsonl").read_text().splitlines()[0])
    assert header["format"] == "movenet-keypoints"


def test_the_corpus_command_refuses_nonsense(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["--out", str(tmp_path), "--sets", "0"]) == 2
    assert "sets" in capsys.readouterr().err
