"""Judging one finished rep: each fault of coaching.md with the measure it describes.

A fault is judged only in a view that can show it and only on keypoints confident enough;
otherwise it is *unjudged* for this rep, with the reason — never a guess. Angles in
degrees, times in seconds, lengths as fractions of the lifter's own torso or shank.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from appliance.form.calibration import Baseline
from appliance.form.features import FrameFeatures
from appliance.form.reps import RepWindow
from appliance.form.thresholds import Thresholds
from appliance.types import FAULT_IDS

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
PART_NAMES = {
    "ear": "head",
    "shoulder": "shoulders",
    "hip": "hips",
    "knee": "knees",
    "ankle": "feet",
    "wrist": "hands",
    "nose": "face",
}
VIEW_PHRASES = {"front": "the front", "oblique": "an angle", "unknown": "an unclear angle"}
NO_BASELINE = "needs your standing posture first (stand still for a second before the set)"
SWING = "not judged on a kettlebell swing (its bell path, speed and lean are its own)"


@dataclass(frozen=True)
class Sample:
    """One frame of a rep: its features and the hinge signal (degrees)."""

    features: FrameFeatures
    hinge_deg: float


@dataclass
class RepContext:
    """Everything a fault judge may look at for one rep."""

    window: RepWindow
    samples: list[Sample]  # from the rep's start to the end of its top window
    baseline: Baseline | None
    view: str
    mode: str
    facing: float  # +1 the lifter faces right in the image, -1 left
    th: Thresholds
    # Hip extension (degrees, see ``FrameFeatures.hip_extension_deg``) at the lockouts of
    # this set's earlier reps: the lifter's own reference when there is no calibration.
    earlier_lockouts: tuple[float, ...] = ()

    def between(self, start_s: float, end_s: float) -> list[Sample]:
        """Samples with ``start_s <= t <= end_s``."""
        return [s for s in self.samples if start_s <= s.features.t_s <= end_s]

    @property
    def bottom(self) -> list[Sample]:
        """The deepest stretch: within 8° of the rep's deepest inclination."""
        w = self.window
        near = [s for s in self.between(w.start_s, w.lockout_s) if s.hinge_deg >= w.peak_deg - 8.0]
        return near or self.between(w.bottom_s, w.bottom_s)

    @property
    def top(self) -> list[Sample]:
        """From lockout to the end of the top window."""
        return [s for s in self.samples if s.features.t_s >= self.window.lockout_s]

    @property
    def ascent(self) -> list[Sample]:
        """From the bottom to lockout."""
        return self.between(self.window.bottom_s, self.window.lockout_s)


class Unjudged(Exception):
    """Raised by a judge that cannot decide; the message is the reason."""


Verdict = tuple[bool, dict[str, float]]


def _seen(ctx: RepContext, samples: Sequence[Sample], *parts: str) -> list[Sample]:
    """The samples where all ``parts`` are seen; ``Unjudged`` if too few."""
    good = [s for s in samples if s.features.seen(*parts, min_score=ctx.th.min_score)]
    if not samples or len(good) < ctx.th.min_seen_share * len(samples):
        missing = [
            PART_NAMES.get(p, p)
            for p in parts
            if sum(getattr(s.features, p).score >= ctx.th.min_score for s in samples)
            < ctx.th.min_seen_share * max(1, len(samples))
        ]
        if not missing:  # each part is seen often enough, just not all at once
            missing = [PART_NAMES.get(p, p) for p in parts]
        names = ", ".join(missing[:-1]) + " and " + missing[-1] if len(missing) > 1 else missing[0]
        raise Unjudged(f"can't see your {names} clearly enough")
    return good


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def is_swing(ctx: RepContext) -> bool:
    """A kettlebell swing, not a pull: at the top the arms float the bell up in front,
    wrists at least ``swing_wrist_torso`` torso lengths above the hips (a deadlift's
    lockout has them hanging at the thighs)."""
    if ctx.mode != "deadlift":
        return False
    w = ctx.window
    th = ctx.th
    near_top = [
        s.features
        for s in ctx.between(w.lockout_s - 0.3, w.lockout_s + 0.5)
        if s.features.seen("wrist", "hip", "shoulder", min_score=th.min_score)
    ]
    raised = [f for f in near_top if f.hip.y - f.wrist.y > th.swing_wrist_torso * f.torso_px]
    return len(raised) >= 2


def knee_at_bottom(ctx: RepContext) -> float:
    """Median knee flexion over the rep's deepest stretch (degrees)."""
    return _median(
        [s.features.knee_flexion_deg() for s in _seen(ctx, ctx.bottom, "hip", "knee", "ankle")]
    )


def judge_squatting(ctx: RepContext) -> Verdict:
    """The hinge turned into a squat (coaching.md: a relation of hips, knees and trunk,
    never knee flexion alone). Side-on: knees well bent and the trunk no more inclined than
    the shins — in a squat trunk and shins run nearly parallel as the hips sink toward the
    knees; in any hinge, floor pulls included, the trunk leans well past the shins. From
    the front: the hips dropped near knee height with the trunk still fairly upright."""
    th = ctx.th
    if ctx.view == "side":
        bottom = _seen(ctx, ctx.bottom, "shoulder", "hip", "knee", "ankle")
        knee = _median([s.features.knee_flexion_deg() for s in bottom])
        trunk = _median([s.features.trunk_signed_deg(ctx.facing) for s in bottom])
        shin = _median([s.features.shin_signed_deg(ctx.facing) for s in bottom])
        metrics = {"knee_flexion_deg": knee, "shin_deg": shin, "trunk_over_shin_deg": trunk - shin}
        limit = th.squat_trunk_over_shin_deg + th.squat_depth_slope * max(0.0, knee - 100.0)
        squat = knee >= th.squat_min_knee_deg and trunk - shin <= limit
        return squat, metrics
    bottom = _seen(ctx, ctx.bottom, "hip", "knee")
    top = _seen(ctx, ctx.top or ctx.bottom, "hip", "knee")
    at_bottom = _median([s.features.knee.y - s.features.hip.y for s in bottom])
    standing = _median([s.features.knee.y - s.features.hip.y for s in top])
    if standing <= 1e-6:
        raise Unjudged("can't see your hips above your knees")
    ratio = at_bottom / standing
    upright = ctx.window.peak_deg < th.squat_front_trunk_deg
    return ratio < th.squat_front_hip_drop and upright, {"hip_height_ratio": ratio}


def judge_locked_knees(ctx: RepContext) -> Verdict:
    """Knees nearly straight at the bottom of a real hinge."""
    bottom = _seen(ctx, ctx.bottom, "hip", "knee", "ankle")
    knee = _median([s.features.knee_bend_signed_deg(ctx.facing) for s in bottom])
    locked = knee < ctx.th.locked_knee_deg and ctx.window.peak_deg > 30.0
    return locked, {"knee_flexion_deg": knee}


def judge_bar_drift(ctx: RepContext) -> Verdict:
    """Wrists far in front of the shin line while bent over (deadlift)."""
    if is_swing(ctx):
        raise Unjudged(SWING)
    w = ctx.window
    bent = [s for s in ctx.between(w.start_s, w.lockout_s) if s.hinge_deg > 30.0]
    seen = _seen(ctx, bent, "wrist", "knee", "ankle")
    offsets = sorted(s.features.wrist_ahead_of_shin(ctx.facing) for s in seen)
    drift = offsets[int(0.75 * (len(offsets) - 1))]
    return drift > ctx.th.bar_drift_shank, {"bar_offset_shank": drift}


def judge_shallow_hinge(ctx: RepContext) -> Verdict:
    """The trunk never got near a real hinge, and the knees did not make up the depth (a
    squat, or a floor pull, which reaches the bar with bent knees)."""
    peak = ctx.window.peak_deg
    if peak >= ctx.th.shallow_trunk_deg:
        return False, {"trunk_angle_deg": peak}
    knee = knee_at_bottom(ctx)
    return knee < ctx.th.shallow_max_knee_deg, {"trunk_angle_deg": peak}


def lockout_extension(ctx: RepContext) -> float:
    """How far the lifter got toward standing at the top: the hip extension (trunk
    against the leg line, degrees; 0 standing tall, + still bent, - leaning back) at its
    most extended, as the lower quartile of the top's frames (the minimum of noisy frames
    would read every lockout as a lean back)."""
    top = _seen(ctx, ctx.top, "shoulder", "hip", "ankle")
    values = sorted(s.features.hip_extension_deg(ctx.facing) for s in top)
    return values[int(0.25 * (len(values) - 1))]


def first_stop_extension(ctx: RepContext) -> float | None:
    """The hip extension where the drive up first stopped near the top (degrees): trunk
    and knees both still for a moment, well up from the bottom; ``None`` when it never
    paused short of lockout. A lifter who stalls bent over and only straightens up when
    the set is over (or turns away) has still not locked out."""
    th = ctx.th
    w = ctx.window
    rising = [
        s
        for s in ctx.between(w.bottom_s, w.lockout_s)
        if s.features.seen("shoulder", "hip", "ankle", min_score=th.min_score)
    ]
    for i, sample in enumerate(rising):
        later = [s for s in rising[i:] if s.features.t_s <= sample.features.t_s + th.stall_s]
        if len(later) < 3 or later[-1].features.t_s - sample.features.t_s < 0.8 * th.stall_s:
            continue
        third = max(1, len(later) // 3)  # medians: one jittery frame is not a movement
        moved = abs(
            _median([s.hinge_deg for s in later[:third]])
            - _median([s.hinge_deg for s in later[-third:]])
        )
        knees = abs(
            _median([s.features.knees_flexion_deg for s in later[:third]])
            - _median([s.features.knees_flexion_deg for s in later[-third:]])
        )  # a squat's trunk stays put while the knees drive: that is no stall
        level = _median([s.hinge_deg for s in later])
        # Clearly short of upright (the slow, jittery end of a good ascent is no stall),
        # well up from the bottom (a squat's trunk holds still while the knees drive).
        stalled = moved <= th.stall_deg and knees <= 2.0 * th.stall_deg
        risen = w.peak_deg - level >= th.lockout_share * (w.peak_deg - w.top_deg)
        if th.stall_min_deg <= level <= th.top_max_deg and stalled and risen:
            return _median([s.features.hip_extension_deg(ctx.facing) for s in later])
    return None


def _standing_extension(ctx: RepContext) -> float | None:
    baseline = ctx.baseline
    return None if baseline is None else baseline.hip_extension_deg(ctx.facing)


def judge_incomplete_lockout(ctx: RepContext) -> Verdict:
    """The hips do not come through at the top: the trunk stays bent forward of the legs,
    against the calibrated standing posture, or else against standing tall (0°)."""
    th = ctx.th
    extension = lockout_extension(ctx)
    stalled = first_stop_extension(ctx)
    if stalled is not None:
        extension = max(extension, stalled)
    standing = _standing_extension(ctx)
    metrics = {"lockout_hip_extension_deg": extension}
    if standing is not None:
        metrics["lockout_vs_standing_deg"] = extension - standing
        return extension - standing > th.incomplete_lockout_deg, metrics
    return extension > th.incomplete_lockout_uncalibrated_deg, metrics


def judge_hyperextension(ctx: RepContext) -> Verdict:
    """Leaning back past standing at the top: the trunk behind the leg line, against the
    calibrated standing posture; without one, against standing tall with a wide margin
    (a barbell at the hips pulls the hip keypoint forward: good lockouts read up to about
    -20°), or against the lifter's own earlier lockouts in the set."""
    th = ctx.th
    if is_swing(ctx):
        raise Unjudged(SWING)  # at the top of a swing the lifter leans back to balance the bell
    extension = lockout_extension(ctx)
    standing = _standing_extension(ctx)
    metrics = {"lockout_hip_extension_deg": extension}
    if standing is not None:
        metrics["lockout_vs_standing_deg"] = extension - standing
        return extension - standing < -th.hyperextension_deg, metrics
    if extension < -th.hyperextension_uncalibrated_deg:
        return True, metrics
    earlier = ctx.earlier_lockouts
    if len(earlier) >= 2:
        return extension - _median(earlier) < -th.hyperextension_deg, metrics
    return False, metrics


def _neck_at_bottom(ctx: RepContext) -> float:
    bottom = _seen(ctx, ctx.bottom, "ear", "shoulder", "hip")
    return _median([s.features.neck_flexion_deg(ctx.facing) for s in bottom])


def judge_head_up(ctx: RepContext) -> Verdict:
    """Side-on: the ear raised above the hip→shoulder line against the calibrated neutral;
    without one, raised far above it or the face turned up. From the front: a clearly
    visible face, nose above the shoulders, while bent over."""
    th = ctx.th
    if ctx.view == "side":
        if is_swing(ctx):
            raise Unjudged(SWING)
        neck = _neck_at_bottom(ctx)
        if ctx.baseline is not None:
            extension = ctx.baseline.neck_deg(ctx.facing) - neck
            return extension > th.head_up_deg, {"neck_extension_deg": extension}
        bottom = _seen(ctx, ctx.bottom, "ear", "nose")
        gaze = _median([s.features.gaze_down_deg(ctx.facing) for s in bottom])
        metrics = {"neck_extension_deg": -neck, "gaze_down_deg": gaze}
        return -neck > th.head_up_uncalibrated_deg or gaze < th.head_up_gaze_deg, metrics
    if ctx.window.peak_deg < th.head_up_front_bent_deg:
        return False, {"face_up_share": 0.0}
    bottom = _seen(ctx, ctx.bottom, "nose", "shoulder", "hip")
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
    bottom = _seen(ctx, ctx.bottom, "shoulder", "hip")
    ratio = _median([s.features.torso_px for s in bottom]) / reference
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
    way = _seen(ctx, ctx.between(w.start_s, w.lockout_s), "shoulder", "hip", "knee", "ankle")
    if len(way) < 6:
        raise Unjudged("the way up was too quick to see")
    knees = [s.features.knees_flexion_deg for s in way]
    smooth = [_median(knees[max(0, i - 1) : i + 2]) for i in range(len(knees))]
    deepest = max(range(len(smooth)), key=smooth.__getitem__)
    ascent = way[deepest:]
    if len(ascent) < 4:
        raise Unjudged("the way up was too quick to see")
    knee = smooth[deepest:]
    trunk = [s.features.trunk_signed_deg(ctx.facing) for s in ascent]
    knee_to, trunk_from, trunk_to = _median(knee[-3:]), _median(trunk[:3]), _median(trunk[-3:])
    knee_travel, trunk_rise = knee[0] - knee_to, trunk_from - trunk_to
    if knee_travel < th.hips_early_min_knee_deg or trunk_rise < 1.0:
        return False, {"trunk_rise_share_at_knees": 1.0}
    done = next(
        i for i, k in enumerate(knee) if k <= knee[0] - th.hips_early_knee_share * knee_travel
    )
    risen = trunk_from - _median(trunk[max(0, done - 1) : done + 2])
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
