"""The hinge signal: the trunk's inclination from vertical (degrees), in every view.

Side-on it is the 2-D angle of the near hip→shoulder line. Turned toward the camera the
trunk also bends along the line of sight, which shows only as a shorter torso: the part of
the lifter's standing torso length missing from the picture is that depth. Within the
length's noise nothing is added, so standing reads as upright.
"""

from __future__ import annotations

import bisect
import math
from collections import deque

from appliance.form.features import FrameFeatures
from appliance.form.thresholds import Thresholds

# The standing torso length is known to within this share (noise, perspective, sway): a
# torso this much shorter than standing still counts as upright.
_LENGTH_NOISE = 0.05
_JITTER_MARGIN = 1.2  # and this many times the frame-to-frame jitter of the length on top
_JITTER_FRAMES = 90  # the jitter of the last this many lengths
_REFERENCE_SHARE = 0.9  # the reference torso: this percentile of the recent lengths
# Hip-to-shoulder over knee-to-ankle is 1.17 in anthropometric tables (Drillis & Contini);
# a shin tilted forward toward the camera looks up to 10 % shorter: the lower bound.
_TORSO_PER_SHANK = 1.05
# Hip-to-shoulder over shoulder→elbow→wrist is 0.87 in the same tables (0.288 / (0.186 +
# 0.146) of height); 0.70 leaves 20 % for long arms and keypoints placed off the joints.
# Arms hanging to a bar on the floor stay across the line of sight while shins and trunk
# foreshorten: the bound that holds at a floor set-up, where the shins' does not.
_TORSO_PER_ARM = 0.70
# Hip-to-knee over hip-to-shoulder is 0.85 in the same tables (0.245 / 0.288 of height);
# a standing thigh is at least this long in the picture for a set first seen crouched.
_THIGH_PER_TORSO = 0.7


class _Ordered:
    """A window's values kept in order as they come and go: its order statistics every
    frame without sorting the window each time."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def add(self, value: float) -> None:
        bisect.insort(self.values, value)

    def remove(self, value: float) -> None:
        i = bisect.bisect_left(self.values, value)
        if i < len(self.values) and self.values[i] == value:
            del self.values[i]
        else:  # a value that does not order (NaN): the very object
            i = next(i for i, v in enumerate(self.values) if v is value)
            del self.values[i]

    def median(self) -> float | None:
        return self.values[len(self.values) // 2] if self.values else None

    def share(self, share: float) -> float:
        """The value ``share`` (0..1) of the way up the order (the window is not empty)."""
        return self.values[int(share * (len(self.values) - 1))]


class HingeSignal:
    """``update`` every frame the lifter's shoulders and hips are seen."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.th = thresholds
        # (t_s, torso_px, shank_px, arms_px; 0 when unseen) over the last ``torso_window_s``
        self._torso: deque[tuple[float, float, float, float]] = deque()
        # (t_s, hip-to-knee height px) over the same window, when hip and knee are seen
        self._thigh: deque[tuple[float, float]] = deque()
        # the same windows' values in order: torso lengths, seen shanks, seen arms, thighs
        self._lengths, self._shanks, self._arms, self._thighs = (_Ordered() for _ in range(4))
        self._reference: float | None = None  # reference_torso of the window as it is
        # the last frame-to-frame steps of the torso length (shares of it), at most
        # _JITTER_FRAMES - 1 of them and only between lengths still in the window; in order
        self._steps: deque[float] = deque()
        self._ordered_steps = _Ordered()

    def reset(self) -> None:
        """Somebody new."""
        self.__init__(self.th)  # type: ignore[misc]

    def hips_share(self, features: FrameFeatures) -> float | None:
        """Take this frame's hip and knee (once a frame, after ``update``) and return how
        high the hips stand above the knees now, as a share of standing (1 standing, under
        0.3 in a deep squat; vertical distances, so in any view); ``None`` when the hip or
        the knee is not seen. Standing is a high percentile of the window's heights,
        and never under what the standing torso says a thigh must be."""
        t = features.t_s
        if features.seen("hip", "knee", min_score=self.th.min_score):
            height = features.knee.y - features.hip.y
            self._thigh.append((t, height))
            self._thighs.add(height)
        while self._thigh and self._thigh[0][0] < t - self.th.torso_window_s:
            self._thighs.remove(self._thigh.popleft()[1])
        if not self._thigh or self._thigh[-1][0] != t:
            return None
        standing = max(
            self._thighs.share(_REFERENCE_SHARE), _THIGH_PER_TORSO * self.reference_torso()
        )
        return self._thigh[-1][1] / standing if standing > 0.0 else None

    def update(self, features: FrameFeatures, view: str, facing: float) -> float:
        """The inclination now (degrees) in ``view``; ``facing`` +1/-1 which way a
        side-on lifter faces (0 unknown)."""
        t = features.t_s
        shoulder, hip = features.mid_shoulder, features.mid_hip  # steadier than one side
        seen_shank = features.seen("knee", "ankle", min_score=self.th.min_score)
        shank = math.hypot(features.knee.x - features.ankle.x, features.knee.y - features.ankle.y)
        torso = math.hypot(shoulder.x - hip.x, shoulder.y - hip.y)
        self._remember((t, torso, shank if seen_shank else 0.0, features.arms_px))
        if view == "side":
            # Side-on a shorter torso is rounding or noise: the angle itself, and leaning
            # back past vertical (a lockout's overextension) is no way down into a hinge.
            if facing and features.trunk_signed_deg(facing) < 0.0:
                return 0.0
            return features.trunk_2d_deg
        dx, up = shoulder.x - hip.x, hip.y - shoulder.y
        reference = self.reference_torso() * (1.0 - _LENGTH_NOISE - self._length_jitter())
        depth_sq = max(0.0, reference * reference - up * up - dx * dx)
        return math.degrees(math.atan2(math.sqrt(dx * dx + depth_sq), up))

    def _remember(self, sample: tuple[float, float, float, float]) -> None:
        """Add this frame's (t_s, torso, shank, arms) and drop those out of the window."""
        if self._torso:
            before, now = self._torso[-1][1], sample[1]
            self._steps.append(abs(now - before) / max(1.0, now))
            self._ordered_steps.add(self._steps[-1])
        self._torso.append(sample)
        for ordered, value in self._ordered_values(sample):
            ordered.add(value)
        while self._torso[0][0] < sample[0] - self.th.torso_window_s:
            for ordered, value in self._ordered_values(self._torso.popleft()):
                ordered.remove(value)
        while len(self._steps) > min(len(self._torso), _JITTER_FRAMES) - 1:
            self._ordered_steps.remove(self._steps.popleft())
        self._reference = None

    def _ordered_values(
        self, sample: tuple[float, float, float, float]
    ) -> list[tuple[_Ordered, float]]:
        """Where each of a sample's values is kept in order (shanks and arms when seen)."""
        _, length, shank, arms = sample
        kept = [(self._lengths, length)]
        if shank > 0.0:
            kept.append((self._shanks, shank))
        if arms > 0.0:
            kept.append((self._arms, arms))
        return kept

    def _length_jitter(self) -> float:
        """How much the torso length jumps from one frame to the next lately, as a share of
        it (a robust standard deviation of one frame's length): small or far lifters and
        noisy cameras need a wider margin before a shorter torso means a hinge."""
        step = self._ordered_steps.median()
        if len(self._torso) < 5 or step is None:
            return 0.0
        return _JITTER_MARGIN * 1.4826 * step / math.sqrt(2.0)

    def reference_torso(self) -> float:
        """The lifter's standing torso length at their distance now (pixels): a high
        percentile of the lengths of the last ``torso_window_s``, and never under what the
        shins or the arms say it must be (body proportions: a set that starts bent over the
        bar has shown no standing torso yet; its arms hang to the bar at full length, and its
        shins stand nearly upright unless the knees bend toward the camera)."""
        if self._reference is None:  # worked out once a frame
            self._reference = self._reference_of_window()
        return self._reference

    def _reference_of_window(self) -> float:
        if not self._lengths.values:
            return 0.0
        shank, arms = self._shanks.median(), self._arms.median()
        from_shins = _TORSO_PER_SHANK * shank if shank is not None else 0.0
        from_arms = _TORSO_PER_ARM * arms if arms is not None else 0.0
        return max(self._lengths.share(_REFERENCE_SHARE), from_shins, from_arms)
