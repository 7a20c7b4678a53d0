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
_MIN_KNEE_TRAVEL_DEG = 15.0  # knees that barely move cannot lead the way up
NO_BASELINE = "needs your standing posture first (stand still for a second before the set)"


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


def _knee_at_bottom(ctx: RepContext) -> float:
    return _median(
        [s.features.knee_flexion_deg() for s in _seen(ctx, ctx.bottom, "hip", "knee", "ankle")]
    )


def judge_squatting(ctx: RepContext) -> Verdict:
    """Knees bent a lot while the trunk stays upright for the depth (side), or the hips
    dropping toward knee height (front)."""
    th = ctx.th
    if ctx.view == "side":
        knee = _knee_at_bottom(ctx)
        trunk = ctx.window.peak_deg
        metrics = {"knee_flexion_deg": knee}
        return knee > th.squat_knee_deg and knee - trunk > th.squat_knee_over_trunk_deg, metrics
    bottom = _seen(ctx, ctx.bottom, "hip", "knee")
    top = _seen(ctx, ctx.top or ctx.bottom, "hip", "knee")
    at_bottom = _median([s.features.knee.y - s.features.hip.y for s in bottom])
    standing = _median([s.features.knee.y - s.features.hip.y for s in top])
    if standing <= 1e-6:
        raise Unjudged("can't see your hips above your knees")
    ratio = at_bottom / standing
    return ratio < th.squat_front_hip_drop, {"hip_height_ratio": ratio}


def judge_locked_knees(ctx: RepContext) -> Verdict:
    """Knees nearly straight at the bottom of a real hinge."""
    knee = _knee_at_bottom(ctx)
    locked = knee < ctx.th.locked_knee_deg and ctx.window.peak_deg > 30.0
    return locked, {"knee_flexion_deg": knee}


def judge_bar_drift(ctx: RepContext) -> Verdict:
    """Wrists far in front of the shin line while bent over (deadlift)."""
    w = ctx.window
    bent = [s for s in ctx.between(w.start_s, w.lockout_s) if s.hinge_deg > 30.0]
    seen = _seen(ctx, bent, "wrist", "knee", "ankle")
    offsets = sorted(s.features.wrist_ahead_of_shin(ctx.facing) for s in seen)
    drift = offsets[int(0.75 * (len(offsets) - 1))]
    return drift > ctx.th.bar_drift_shank, {"bar_offset_shank": drift}


def judge_shallow_hinge(ctx: RepContext) -> Verdict:
    """The trunk never got near a real hinge (and it was not a squat instead)."""
    peak = ctx.window.peak_deg
    if peak >= ctx.th.shallow_trunk_deg:
        return False, {"trunk_angle_deg": peak}
    knee = _knee_at_bottom(ctx)
    return knee <= ctx.th.squat_knee_deg, {"trunk_angle_deg": peak}


def _top_trunk(ctx: RepContext, most_upright: bool) -> float:
    """Trunk angle at the top (degrees, forward +): the typical one, or the typical one of
    the most upright third (where a lean back shows)."""
    top = _seen(ctx, ctx.top, "shoulder", "hip")
    angles = sorted(s.features.trunk_signed_deg(ctx.facing) for s in top)
    return _median(angles[: max(1, len(angles) // 3)] if most_upright else angles)


def judge_incomplete_lockout(ctx: RepContext) -> Verdict:
    """The trunk does not come back to standing at the top."""
    top = _top_trunk(ctx, most_upright=False)
    if ctx.baseline is None:
        return top > ctx.th.incomplete_lockout_uncalibrated_deg, {"lockout_trunk_deg": top}
    behind = top - ctx.baseline.trunk_deg(ctx.facing)
    return behind > ctx.th.incomplete_lockout_deg, {"lockout_trunk_deg": behind}


def judge_hyperextension(ctx: RepContext) -> Verdict:
    """Leaning back past standing at lockout."""
    if ctx.baseline is None:
        raise Unjudged(NO_BASELINE)
    lean = _top_trunk(ctx, most_upright=True) - ctx.baseline.trunk_deg(ctx.facing)
    return lean < -ctx.th.hyperextension_deg, {"lockout_trunk_deg": lean}


def _neck_at_bottom(ctx: RepContext) -> float:
    bottom = _seen(ctx, ctx.bottom, "ear", "shoulder", "hip")
    return _median([s.features.neck_flexion_deg(ctx.facing) for s in bottom])


def judge_head_up(ctx: RepContext) -> Verdict:
    """Ear raised above the hip→shoulder line against neutral (side); a face turned to the
    mirror, nose above the shoulders, while bent over (front)."""
    if ctx.view == "side":
        if ctx.baseline is None:
            raise Unjudged(NO_BASELINE)
        extension = ctx.baseline.neck_deg(ctx.facing) - _neck_at_bottom(ctx)
        return extension > ctx.th.head_up_deg, {"neck_extension_deg": extension}
    bottom = _seen(ctx, ctx.bottom, "nose", "shoulder", "hip")
    th = ctx.th
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
    """The spine rounds: the torso shortens (a curve is shorter than its arc) *and* the
    head drops toward the floor with the shoulders. Against the calibrated neutral head,
    the two add up; without one, both must show on their own, because lifters who keep a
    flat back with the chest up also shorten the torso a little in the camera's eye."""
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
        rounded = ratio < th.rounded_uncalibrated_ratio and neck > th.rounded_uncalibrated_neck_deg
        return rounded, metrics
    drop = neck - ctx.baseline.neck_deg(ctx.facing)
    metrics["neck_flexion_deg"] = drop
    head = drop / th.rounded_neck_deg
    return head >= th.rounded_min_head_share and shrink + head >= 1.0, metrics


def judge_hips_rise_early(ctx: RepContext) -> Verdict:
    """On the way up the hips rise before the chest: the knees straighten (lifting the
    hips) while the trunk stays as bent as at the bottom. Two measures must agree: how
    far the knees' straightening runs ahead of the trunk's rise (upper quartile over the
    ascent, as a share of each), and how much the trunk had risen (degrees) by the time
    the knees were 80 % straight. A conventional pull's first phase (knees first, back
    angle held) still lets the trunk rise by then; a "stripper pull" does not."""
    ascent = _seen(ctx, ctx.ascent, "shoulder", "hip", "knee", "ankle")
    if len(ascent) < 6:
        raise Unjudged("the way up was too quick to see")
    knees = [s.features.knee_flexion_deg() for s in ascent]
    trunk = [s.hinge_deg for s in ascent]
    knee_from, knee_to = _median(knees[:3]), _median(knees[-3:])
    trunk_from, trunk_to = _median(trunk[:3]), _median(trunk[-3:])
    if knee_from - knee_to < _MIN_KNEE_TRAVEL_DEG or trunk_from - trunk_to < 1.0:
        return False, {"knee_lead": 0.0}
    knee_done = [(knee_from - k) / (knee_from - knee_to) for k in knees]
    trunk_done = [(trunk_from - t) / (trunk_from - trunk_to) for t in trunk]
    leads = sorted(k - t for k, t in zip(knee_done, trunk_done, strict=True))
    lead = leads[int(0.75 * (len(leads) - 1))]
    straight = next((i for i, done in enumerate(knee_done) if done >= 0.8), len(knees) - 1)
    risen = trunk_from - _median(trunk[max(0, straight - 1) : straight + 2])
    early = lead > ctx.th.hips_early_knee_lead and risen < ctx.th.hips_early_trunk_rise_deg
    return early, {"knee_lead": lead, "trunk_rise_at_straight_knees_deg": risen}


def _is_set_up_at_the_bar(ctx: RepContext) -> bool:
    """A deadlift pulled from the floor: knees bent well past a hinge at the bottom and a
    pause there (gripping the bar). The way down to it is unloaded, not an eccentric."""
    th = ctx.th
    try:
        knees_bent = _knee_at_bottom(ctx) > th.squat_knee_deg
    except Unjudged:
        return ctx.window.bottom_pause_s >= th.setup_pause_unseen_knees_s
    return knees_bent and ctx.window.bottom_pause_s >= th.setup_pause_s


def judge_rushed(ctx: RepContext) -> Verdict:
    """The lowering was a drop: its middle 80 % took less than ``rushed_descent_s``."""
    w = ctx.window
    if w.from_floor:
        raise Unjudged("the rep started at the floor: no lowering to time")
    if w.descent_s is None:
        raise Unjudged("the way down was not seen")
    if ctx.mode == "deadlift" and _is_set_up_at_the_bar(ctx):
        raise Unjudged("the rep started from the bar at rest: the way down was a set-up")
    return w.descent_s < ctx.th.rushed_descent_s, {"descent_10_90_s": w.descent_s}


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
