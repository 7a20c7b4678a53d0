"""What a fault judge sees of one finished rep, and the helpers every judge shares.

Angles in degrees, times in seconds, lengths as fractions of the lifter's own torso.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from appliance.form.calibration import Baseline
from appliance.form.features import FrameFeatures
from appliance.form.reps import RepWindow
from appliance.form.thresholds import Thresholds

PART_NAMES = {
    "ear": "head",
    "shoulder": "shoulders",
    "hip": "hips",
    "knee": "knees",
    "ankle": "feet",
    "wrist": "hands",
    "nose": "face",
}
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
    # Wrists ahead of the shin line (shank lengths, see ``judge_bar_drift``) on this set's
    # earlier reps: where this lifter keeps the weight when it stays close.
    earlier_bar_offsets: tuple[float, ...] = ()

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


def seen(ctx: RepContext, samples: Sequence[Sample], *parts: str) -> list[Sample]:
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


def median(values: Sequence[float]) -> float:
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
    return median(
        [s.features.knee_flexion_deg() for s in seen(ctx, ctx.bottom, "hip", "knee", "ankle")]
    )
