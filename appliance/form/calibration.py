"""Calibration: the lifter's own standing posture, the baseline faults are judged against.

When the lifter stands upright and still for about a second, the frames of that moment
become the baseline: torso length (pixels), standing trunk angle and neutral head
position. A torso much longer or shorter than the baseline means someone else stepped in.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass

from appliance.form.features import FrameFeatures
from appliance.form.thresholds import Thresholds


@dataclass(frozen=True)
class Baseline:
    """Standing frames of one person; angles come out signed once the facing is known."""

    frames: tuple[FrameFeatures, ...]
    t_s: float  # when it was taken, seconds

    @property
    def torso_px(self) -> float:
        """Standing hip-to-shoulder length (pixels)."""
        return float(statistics.median(f.torso_px for f in self.frames))

    def trunk_deg(self, facing: float) -> float:
        """Standing trunk angle from vertical, forward + (degrees)."""
        return float(statistics.median(f.trunk_signed_deg(facing) for f in self.frames))

    def neck_deg(self, facing: float) -> float:
        """Neutral head position: ear below (+) or above (-) the trunk line (degrees)."""
        return float(statistics.median(f.neck_flexion_deg(facing) for f in self.frames))


class Calibrator:
    """Watches standing frames; ``baseline`` is set once the lifter stood still long enough."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.th = thresholds
        self.baseline: Baseline | None = None
        self._still: deque[FrameFeatures] = deque()

    def reset(self) -> None:
        """Forget the person."""
        self.baseline = None
        self._still.clear()

    def update(self, features: FrameFeatures, hinge_deg: float) -> bool:
        """Take a frame; True when it (re)calibrated on this frame."""
        th = self.th
        seen = features.seen("shoulder", "hip", "ear", min_score=th.min_score)
        if not seen or hinge_deg > th.calibration_upright_deg:
            self._still.clear()
            return False
        if self.baseline is not None and self._other_person(features):
            self.reset()
        self._still.append(features)
        first = self._still[0]
        if not self._is_still(first, features):
            while self._still and not self._is_still(self._still[0], features):
                self._still.popleft()
            return False
        if features.t_s - first.t_s < th.calibration_hold_s:
            return False
        if self.baseline is not None and features.t_s - self.baseline.t_s < 30.0:
            return False  # keep the first baseline of a set; refresh only after a long rest
        self.baseline = Baseline(tuple(self._still), features.t_s)
        self._still.clear()
        return True

    def _is_still(self, then: FrameFeatures, now: FrameFeatures) -> bool:
        dt = now.t_s - then.t_s
        if dt <= 0:
            return True
        torso = max(1e-6, now.torso_px)
        moved = math.hypot(now.hip.x - then.hip.x, now.hip.y - then.hip.y) + math.hypot(
            now.shoulder.x - then.shoulder.x, now.shoulder.y - then.shoulder.y
        )
        # Over the hold the drift allowed is about one second's worth.
        return moved / torso <= self.th.calibration_still_per_s * max(1.0, dt)

    def _other_person(self, features: FrameFeatures) -> bool:
        assert self.baseline is not None
        ratio = features.torso_px / max(1e-6, self.baseline.torso_px)
        return abs(ratio - 1.0) > self.th.person_change_ratio
