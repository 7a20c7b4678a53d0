"""Judging one finished rep: each fault of coaching.md with the measure it describes.

A fault is judged only in a view that can show it and only on keypoints confident enough;
otherwise it is *unjudged* for this rep, with the reason — never a guess. Angles in
degrees, times in seconds, lengths as fractions of the lifter's own torso or shank.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from appliance.form.lockout import judge_hyperextension, judge_incomplete_lockout
from appliance.form.rep_context import (
    SWING,
    RepContext,
    Sample,
    Unjudged,
    Verdict,
    is_swing,
    knee_at_bottom,
    median,
    seen,
)
from appliance.types import FAULT_IDS

__all__ = ["RepContext", "RepJudgement", "Sample", "Unjudged", "judge_rep", "knee_at_bottom"]

SIDE_ONLY = frozenset(
    {
        "rounded_back",
        "locked_knees",
        "bar_drift",
        "shallow_hinge",
        "incomplete_lockout",
        "hyperextension",
        "hips_rise_early",
    }
)
ANY_VIEW = frozenset({"rushed"})
DEADLIFT_ONLY = frozenset({"bar_drift", "hips_rise_early"})
# Judged side-on and front-on, not at an angle: head_up's front rule reads a face turned to
# the camera, which at an angle is turned partly away (real MoveNet faces score about 0.6
# there even standing and looking ahead, under ``head_up_face_score``), and the ear's rise
# above the trunk line is foreshortened: unjudged, never a guessed "no".
NOT_AT_AN_ANGLE = frozenset({"head_up"})
VIEW_PHRASES = {"front": "the front", "oblique": "an angle", "unknown": "an unclear angle"}
OBLIQUE_FACE = "needs a side or a front view (the camera sees your face at an angle)"


def judge_squatting(ctx: RepContext) -> Verdict:
    """The hinge turned into a squat (coaching.md: a relation of hips, knees and trunk,
    never knee flexion alone). Side-on: knees well bent and the trunk no more inclined than
    the shins — in a squat trunk and shins run nearly parallel as the hips sink toward the
    knees; in any hinge, floor pulls included, the trunk leans well past the shins. From
    the front: the hips dropped near knee height with the trunk still fairly upright."""
    th = ctx.th
    if ctx.view == "side":
        bottom = seen(ctx, ctx.bottom, "shoulder", "hip", "knee", "ankle")
        knee = median([s.features.knee_flexion_deg() for s in bottom])
        trunk = median([s.features.trunk_signed_deg(ctx.facing) for s in bottom])
        shin = median([s.features.shin_signed_deg(ctx.facing) for s in bottom])
        metrics = {"knee_flexion_deg": knee, "shin_deg": shin, "trunk_over_shin_deg": trunk - shin}
        limit = th.squat_trunk_over_shin_deg + th.squat_depth_slope * max(0.0, knee - 100.0)
        squat = knee >= th.squat_min_knee_deg and trunk - shin <= limit
        return squat, metrics
    bottom = seen(ctx, ctx.bottom, "hip", "knee")
    top = seen(ctx, ctx.top or ctx.bottom, "hip", "knee")
    at_bottom = median([s.features.knee.y - s.features.hip.y for s in bottom])
    standing = median([s.features.knee.y - s.features.hip.y for s in top])
    if standing <= 1e-6:
        raise Unjudged("can't see your hips above your knees")
    ratio = at_bottom / standing
    upright = ctx.window.peak_deg < th.squat_front_trunk_deg
    return ratio < th.squat_front_hip_drop and upright, {"hip_height_ratio": ratio}


def judge_locked_knees(ctx: RepContext) -> Verdict:
    """Knees nearly straight at the bottom of a real hinge."""
    bottom = seen(ctx, ctx.bottom, "hip", "knee", "ankle")
    knee = median([s.features.knee_bend_signed_deg(ctx.facing) for s in bottom])
    locked = knee < ctx.th.locked_knee_deg and ctx.window.peak_deg > 30.0
    return locked, {"knee_flexion_deg": knee}


def judge_bar_drift(ctx: RepContext) -> Verdict:
    """Wrists far in front of the shin line while bent over (deadlift)."""
    if is_swing(ctx):
        raise Unjudged(SWING)
    w = ctx.window
    bent = [s for s in ctx.between(w.start_s, w.lockout_s) if s.hinge_deg > 30.0]
    visible = seen(ctx, bent, "wrist", "knee", "ankle")
    offsets = sorted(s.features.wrist_ahead_of_shin(ctx.facing) for s in visible)
    drift = offsets[int(0.75 * (len(offsets) - 1))]
    th, earlier = ctx.th, ctx.earlier_bar_offsets
    drifted = drift > th.bar_drift_shank or (
        len(earlier) >= 2
        and drift > th.bar_drift_own_min_shank
        and drift - median(list(earlier)) > th.bar_drift_own_shank
    )
    return drifted, {"bar_offset_shank": drift}


def judge_shallow_hinge(ctx: RepContext) -> Verdict:
    """The trunk never got near a real hinge, and the knees did not make up the depth (a
    squat, or a floor pull, which reaches the bar with bent knees)."""
    peak = ctx.window.peak_deg
    if peak >= ctx.th.shallow_trunk_deg:
        return False, {"trunk_angle_deg": peak}
    knee = knee_at_bottom(ctx)
    return knee < ctx.th.shallow_max_knee_deg, {"trunk_angle_deg": peak}


def _neck_at_bottom(ctx: RepContext) -> float:
    bottom = seen(ctx, ctx.bottom, "ear", "shoulder", "hip")
    return median([s.features.neck_flexion_deg(ctx.facing) for s in bottom])


def judge_head_up(ctx: RepContext) -> Verdict:
    """Side-on: the ear raised above the hip→shoulder line against the calibrated neutral;
    without one, raised far above it or the face turned up. From the front: a clearly
    visible face, nose above the shoulders, while bent over (at an angle: unjudged, see
    ``NOT_AT_AN_ANGLE``)."""
    th = ctx.th
    if ctx.view == "side":
        if is_swing(ctx):
            raise Unjudged(SWING)
        neck = _neck_at_bottom(ctx)
        if ctx.baseline is not None:
            extension = ctx.baseline.neck_deg(ctx.facing) - neck
            return extension > th.head_up_deg, {"neck_extension_deg": extension}
        bottom = seen(ctx, ctx.bottom, "ear", "nose")
        gaze = median([s.features.gaze_down_deg(ctx.facing) for s in bottom])
        metrics = {"neck_extension_deg": -neck, "gaze_down_deg": gaze}
        return -neck > th.head_up_uncalibrated_deg or gaze < th.head_up_gaze_deg, metrics
    if ctx.window.peak_deg < th.head_up_front_bent_deg:
        return False, {"face_up_share": 0.0}
    bottom = seen(ctx, ctx.bottom, "nose", "shoulder", "hip")
    raised = [
        f.face_score > th.head_up_face_score
        and f.shoulder.y - f.nose.y > th.head_up_nose_torso * f.torso_px
        for f in (s.features for s in bottom)
    ]
    share = sum(raised) / len(raised)
    return share > 0.5, {"face_up_share": share}


def torso_reference_px(ctx: RepContext) -> float:
    """The lifter's standing torso length (pixels): the calibrated one, or the rep's own
    longest (90th percentile, so one stretched frame does not set it)."""
    lengths = sorted(
        s.features.torso_px
        for s in ctx.samples
        if s.features.seen("shoulder", "hip", min_score=ctx.th.min_score)
    )
    own = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0.0
    return max(own, ctx.baseline.torso_px if ctx.baseline else 0.0)


def judge_rounded_back(ctx: RepContext) -> Verdict:
    """The spine rounds: the head drops toward the floor with the shoulders (the ear
    below the hip→shoulder line: the upper back bends past the chord) and the torso
    shortens (a curve is shorter than its arc). Against the calibrated neutral head the
    two add up; without one, either a clearly dropped head with some shortening, or a
    clearly shortened torso with the head not held up."""
    th = ctx.th
    reference = torso_reference_px(ctx)
    if reference <= 0:
        raise Unjudged("can't see you standing tall to compare")
    bottom = seen(ctx, ctx.bottom, "shoulder", "hip")
    ratio = median([s.features.torso_px for s in bottom]) / reference
    neck = _neck_at_bottom(ctx)
    metrics = {"torso_ratio": ratio, "neck_flexion_deg": neck}
    shrink = max(0.0, 1.0 - ratio) / th.rounded_torso_shrink
    if ctx.baseline is None:
        dropped = neck > th.rounded_uncalibrated_neck_deg and ratio < th.rounded_some_shrink
        shortened = ratio < th.rounded_uncalibrated_ratio and neck > th.rounded_head_held_deg
        return dropped or shortened, metrics
    drop = neck - ctx.baseline.neck_deg(ctx.facing)
    metrics["neck_flexion_deg"] = drop
    head = drop / th.rounded_neck_deg
    return head >= th.rounded_min_head_share and shrink + head >= 1.0, metrics


def judge_hips_rise_early(ctx: RepContext) -> Verdict:
    """On the way up the hips rise before the chest: from the deepest knee bend of the
    rep (coaching.md: not the deepest trunk angle — by then the hips have shot up), the
    knees straighten while the trunk angle barely changes. Measured when the knees have
    done ``hips_early_knee_share`` of their straightening: how much of its own rise the
    trunk had done by then, and in degrees."""
    th = ctx.th
    w = ctx.window
    way = seen(ctx, ctx.between(w.start_s, w.lockout_s), "shoulder", "hip", "knee", "ankle")
    if len(way) < 6:
        raise Unjudged("the way up was too quick to see")
    knees = [s.features.knees_flexion_deg for s in way]
    smooth = [median(knees[max(0, i - 1) : i + 2]) for i in range(len(knees))]
    deepest = max(range(len(smooth)), key=smooth.__getitem__)
    ascent = way[deepest:]
    if len(ascent) < 4:
        raise Unjudged("the way up was too quick to see")
    knee = smooth[deepest:]
    trunk = [s.features.trunk_signed_deg(ctx.facing) for s in ascent]
    knee_to, trunk_from, trunk_to = median(knee[-3:]), median(trunk[:3]), median(trunk[-3:])
    knee_travel, trunk_rise = knee[0] - knee_to, trunk_from - trunk_to
    if knee_travel < th.hips_early_min_knee_deg or trunk_rise < 1.0:
        return False, {"trunk_rise_share_at_knees": 1.0}
    done = next(
        i for i, k in enumerate(knee) if k <= knee[0] - th.hips_early_knee_share * knee_travel
    )
    risen = trunk_from - median(trunk[max(0, done - 1) : done + 2])
    share = risen / trunk_rise
    early = share < th.hips_early_trunk_share and risen < th.hips_early_trunk_rise_deg
    return early, {"trunk_rise_share_at_knees": share, "trunk_rise_at_knees_deg": risen}


def _is_set_up_at_the_bar(ctx: RepContext) -> bool:
    """A deadlift pulled from the floor: knees bent well past a hinge at the bottom and a
    pause there (gripping the bar). The way down to it is unloaded, not an eccentric."""
    th = ctx.th
    try:
        knees_bent = knee_at_bottom(ctx) > th.squat_min_knee_deg
    except Unjudged:
        return ctx.window.bottom_pause_s >= th.setup_pause_unseen_knees_s
    return knees_bent and ctx.window.bottom_pause_s >= th.setup_pause_s


def judge_rushed(ctx: RepContext) -> Verdict:
    """The lowering was a drop: its middle 80 % took less than ``rushed_descent_s``."""
    w = ctx.window
    if w.from_floor or w.floor_set:
        raise Unjudged("the rep started at the floor: no lowering to time")
    if w.descent_s is None:
        raise Unjudged("the way down was not seen")
    if ctx.mode == "deadlift" and _is_set_up_at_the_bar(ctx):
        raise Unjudged("the rep started from the bar at rest: the way down was a set-up")
    if is_swing(ctx):
        raise Unjudged(SWING)
    limit = ctx.th.rushed_descent_s
    if ctx.view != "side":
        # Facing the camera the first ~20° of a hinge read as upright (the length margin
        # of the hinge signal), so its 10-90 % takes about 0.8 of the time it does side-on.
        limit *= ctx.th.rushed_front_share
    return w.descent_s < limit, {"descent_10_90_s": w.descent_s}


JUDGES: dict[str, Callable[[RepContext], Verdict]] = {
    "rounded_back": judge_rounded_back,
    "head_up": judge_head_up,
    "squatting": judge_squatting,
    "locked_knees": judge_locked_knees,
    "bar_drift": judge_bar_drift,
    "shallow_hinge": judge_shallow_hinge,
    "incomplete_lockout": judge_incomplete_lockout,
    "hyperextension": judge_hyperextension,
    "hips_rise_early": judge_hips_rise_early,
    "rushed": judge_rushed,
}
assert tuple(JUDGES) == FAULT_IDS


@dataclass(frozen=True)
class RepJudgement:
    """The faults found (priority order), the unjudged ones with reasons, the metrics."""

    faults: tuple[str, ...]
    unjudged: dict[str, str]
    metrics: dict[str, float]


def judge_rep(ctx: RepContext) -> RepJudgement:
    """Judge every fault that applies to this mode, in this view."""
    faults: list[str] = []
    unjudged: dict[str, str] = {}
    w = ctx.window
    metrics: dict[str, float] = {
        "trunk_angle_deg": round(w.peak_deg, 1),
        "ascent_s": round(w.lockout_s - w.bottom_s, 2),
    }
    for fault, judge in JUDGES.items():
        if fault in DEADLIFT_ONLY and ctx.mode != "deadlift":
            continue
        if ctx.view == "unknown" and fault not in ANY_VIEW:
            unjudged[fault] = "can't tell the camera's angle yet"
            continue
        if fault in SIDE_ONLY and ctx.view != "side":
            seen_from = VIEW_PHRASES.get(ctx.view, ctx.view)
            unjudged[fault] = f"needs a side view (the camera sees you from {seen_from})"
            continue
        if fault in NOT_AT_AN_ANGLE and ctx.view == "oblique":
            unjudged[fault] = OBLIQUE_FACE
            continue
        try:
            found, measured = judge(ctx)
        except Unjudged as reason:
            unjudged[fault] = str(reason)
            continue
        metrics.update({k: round(v, 3) for k, v in measured.items()})
        if found:
            faults.append(fault)
    if "squatting" in faults and "shallow_hinge" in faults:
        faults.remove("shallow_hinge")
    return RepJudgement(tuple(faults), unjudged, metrics)
