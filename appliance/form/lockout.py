"""The lockout faults: how far the lifter got toward standing at the top of a rep.

Measured as hip extension, the trunk against the leg line (degrees; 0 standing tall, +
still bent, - leaning back): a camera that is not level tilts both lines alike.
"""

from __future__ import annotations

from appliance.form.rep_context import SWING, RepContext, Unjudged, Verdict, is_swing, median, seen


def lockout_extension(ctx: RepContext) -> float:
    """How far the lifter got toward standing at the top: the hip extension (trunk
    against the leg line, degrees; 0 standing tall, + still bent, - leaning back) at its
    most extended, as the lower quartile of the top's frames (the minimum of noisy frames
    would read every lockout as a lean back)."""
    top = seen(ctx, ctx.top, "shoulder", "hip", "ankle")
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
            median([s.hinge_deg for s in later[:third]])
            - median([s.hinge_deg for s in later[-third:]])
        )
        knees = abs(
            median([s.features.knees_flexion_deg for s in later[:third]])
            - median([s.features.knees_flexion_deg for s in later[-third:]])
        )  # a squat's trunk stays put while the knees drive: that is no stall
        level = median([s.hinge_deg for s in later])
        # Clearly short of upright (the slow, jittery end of a good ascent is no stall),
        # well up from the bottom (a squat's trunk holds still while the knees drive).
        stalled = moved <= th.stall_deg and knees <= th.stall_knee_deg
        risen = w.peak_deg - level >= th.lockout_share * (w.peak_deg - w.top_deg)
        if th.stall_min_deg <= level <= th.top_max_deg and stalled and risen:
            return median([s.features.hip_extension_deg(ctx.facing) for s in later])
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
        return extension - median(earlier) < -th.hyperextension_deg, metrics
    return False, metrics
