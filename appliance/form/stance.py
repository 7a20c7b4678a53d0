"""Whether the lifter's feet stay put: the difference between a rep and a pick-up on the way.

A rep starts from a settled stance and the feet stay planted through it; someone who bends
to pick something up while walking in or out keeps moving. The stance point is the middle
of the two ankles (the hips when no ankle is seen, which move more during a hinge, so they
get their own limit); on a frame where the model loses one ankle, the seen one stands in
for the middle at the offset last seen between them, so a dropped ankle is no step.
``travel`` measures how far it moved in a time span, in lengths of the lifter's standing
torso, between robust medians so fumbled frames are not steps.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass

from appliance.form.features import FrameFeatures

_KEEP_S = 40.0  # seconds of stance history kept (longer than any rep)
# (t_s, feet x, feet y (None: no ankle seen), hip x, hip y, standing torso px) per frame
_Sample = tuple[float, float | None, float | None, float, float, float]


@dataclass(frozen=True, slots=True)
class Travel:
    """How far the stance point moved (torso lengths) and what it was measured on:
    ``feet`` (ankles) or ``hips``."""

    distance: float
    on: str


class StanceTracker:
    """``update`` every frame the lifter is seen; ``travel(t0, t1)`` afterwards."""

    def __init__(self, min_score: float) -> None:
        self.min_score = min_score
        self._samples: deque[_Sample] = deque()
        # From each ankle to the middle of both (pixels), when last both were seen.
        self._to_middle: tuple[tuple[float, float], tuple[float, float]] | None = None

    def reset(self) -> None:
        """Somebody new."""
        self._samples.clear()
        self._to_middle = None

    def update(self, features: FrameFeatures, torso_px: float) -> None:
        """Take a frame; ``torso_px`` is the lifter's standing torso length now (pixels)."""
        fx, fy = self._middle(features)
        t = features.t_s
        self._samples.append((t, fx, fy, features.hip.x, features.hip.y, max(1.0, torso_px)))
        while self._samples and self._samples[0][0] < t - _KEEP_S:
            self._samples.popleft()

    def _middle(self, features: FrameFeatures) -> tuple[float | None, float | None]:
        feet = features.feet
        if feet.score < self.min_score:
            return None, None
        seen = [a.score >= self.min_score for a in features.ankles]
        if all(seen):
            self._to_middle = (
                (feet.x - features.ankles[0].x, feet.y - features.ankles[0].y),
                (feet.x - features.ankles[1].x, feet.y - features.ankles[1].y),
            )
            return feet.x, feet.y
        if self._to_middle is None:
            return feet.x, feet.y
        one = 0 if seen[0] else 1
        ankle, (dx, dy) = features.ankles[one], self._to_middle[one]
        return ankle.x + dx, ankle.y + dy

    def seen_since(self, t_s: float) -> bool:
        """True when the lifter was already seen at ``t_s`` (seconds) or before."""
        return bool(self._samples) and self._samples[0][0] <= t_s

    def travel(self, t0: float, t1: float) -> Travel | None:
        """How far the stance point moved between ``t0`` and ``t1`` (seconds), in torso
        lengths; on the feet when they were seen on most of those frames, else on
        the hips; ``None`` with fewer than three frames."""
        span = [s for s in self._samples if t0 <= s[0] <= t1]
        if len(span) < 3:
            return None
        points, on = _stance_points(span)
        return Travel(_spread([(x, y, scale) for _, x, y, scale in points]), on)

    def strayed(self, t0: float, t1: float, before_s: float) -> Travel | None:
        """How far the stance point got between ``t0`` and ``t1`` (seconds) from where it
        stood in the ``before_s`` seconds before: the furthest of the medians of the span's
        thirds from the median before, in torso lengths. A step out and back within the
        span, which ``travel`` (first third to last) does not see, counts. On the feet or
        the hips as ``travel`` chooses; ``None`` with fewer than three frames before or in
        the span."""
        points, on = _stance_points([s for s in self._samples if t0 - before_s <= s[0] <= t1])
        start = [p for p in points if p[0] < t0]
        during = [p for p in points if p[0] >= t0]
        if len(start) < 3 or len(during) < 3:
            return None
        x0, y0 = statistics.median(p[1] for p in start), statistics.median(p[2] for p in start)
        third = max(1, len(during) // 3)
        furthest = 0.0
        for part in (during[:third], during[third:-third] or during, during[-third:]):
            x1, y1 = statistics.median(p[1] for p in part), statistics.median(p[2] for p in part)
            furthest = max(furthest, math.hypot(x1 - x0, y1 - y0))
        return Travel(furthest / statistics.median(p[3] for p in points), on)


def _stance_points(
    samples: list[_Sample],
) -> tuple[list[tuple[float, float, float, float]], str]:
    """The stance point of ``samples`` as (t_s, x, y, scale): the feet's when they were
    seen on most of the frames (only those frames), else the hips' (every frame); and
    which it is."""
    feet = [(s[0], s[1], s[2], s[5]) for s in samples if s[1] is not None and s[2] is not None]
    if len(feet) >= 0.6 * len(samples):
        return feet, "feet"
    return [(s[0], s[3], s[4], s[5]) for s in samples], "hips"


def _spread(points: list[tuple[float, float, float]]) -> float:
    """How far the point got from where it was: the distance between the medians of the
    first and the last third of the span, over the scale. Medians, because ankles hidden
    behind a plate on the floor wander by a third of a torso from frame to frame."""
    third = max(1, len(points) // 3)
    first, last = points[:third], points[-third:]
    x0, y0 = statistics.median(p[0] for p in first), statistics.median(p[1] for p in first)
    x1, y1 = statistics.median(p[0] for p in last), statistics.median(p[1] for p in last)
    scale = statistics.median(p[2] for p in points)
    return math.hypot(x1 - x0, y1 - y0) / scale
