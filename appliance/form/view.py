"""Which view the camera has of the lifter: side, front or oblique, decided per set.

From standing frames: the shoulders' horizontal spread over the torso length is near 0
side-on and about 0.7 face-on. A median over about a second, with a margin before the
decided view changes, so it does not flicker frame to frame. Until the lifter has stood
in view, bent-over frames give a provisional answer.
"""

from __future__ import annotations

import statistics
from collections import deque

from appliance.form.features import FrameFeatures
from appliance.form.thresholds import Thresholds


class ViewTracker:
    """``update`` every frame; ``view`` is ``side``, ``front``, ``oblique`` or ``unknown``."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.th = thresholds
        self.view = "unknown"
        self._from_standing = False
        self._standing: deque[tuple[float, float]] = deque()
        self._any: deque[tuple[float, float]] = deque()

    def reset(self) -> None:
        """A new set or person: decide again."""
        self.__init__(self.th)  # type: ignore[misc]

    def update(self, features: FrameFeatures, standing: bool) -> str:
        """Take a frame (``standing``: upright); return the view decided so far."""
        th = self.th
        # A far shoulder MoveNet cannot see is guessed next to the near one: still side-on.
        if not features.seen("shoulder", "hip", min_score=th.min_score):
            return self.view
        t = features.t_s
        ratio = features.shoulder_width_px / max(1e-6, features.torso_px)
        for keep, window in ((standing, self._standing), (True, self._any)):
            if keep:
                window.append((t, ratio))
            while window and window[0][0] < t - th.view_hold_s:
                window.popleft()
        for window in (self._standing, self._any):
            if window and window[-1][0] - window[0][0] >= 0.5 * th.view_hold_s:
                if window is self._standing:
                    self._from_standing = True
                elif self._from_standing:
                    break  # once seen standing, bent-over frames no longer decide
                self.view = self._decide(float(statistics.median(r for _, r in window)))
                break
        return self.view

    def _decide(self, ratio: float) -> str:
        th = self.th
        margin = th.view_margin if self.view != "unknown" else 0.0
        side_below = th.side_below + (margin if self.view == "side" else -margin)
        front_above = th.front_above - (margin if self.view == "front" else -margin)
        if ratio < side_below:
            return "side"
        if ratio > front_above:
            return "front"
        return "oblique"


def view_during(samples: list[FrameFeatures], decided: str, thresholds: Thresholds) -> str:
    """The view during one rep: the shoulders' spread over the rep's standing torso length
    (its longest), when that is clearly one view; else the view ``decided`` for the set.
    A lifter who turns around between reps passes through a front view while standing, and
    the set's view then lags the first rep after the turn."""
    seen = [f for f in samples if f.seen("shoulder", "hip", min_score=thresholds.min_score)]
    if len(seen) < 5:
        return decided
    lengths = sorted(f.torso_px for f in seen)
    torso = lengths[int(0.9 * (len(lengths) - 1))]
    ratio = statistics.median(f.shoulder_width_px for f in seen) / max(1e-6, torso)
    margin = thresholds.view_margin
    if ratio < thresholds.side_below - margin:
        return "side"
    if ratio > thresholds.front_above + margin:
        return "front"
    if thresholds.side_below + margin < ratio < thresholds.front_above - margin:
        return "oblique"
    return decided
