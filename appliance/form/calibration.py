"""Calibration: the lifter's own standing posture, the baseline faults are judged against.

When the lifter stands upright and still for about a second, the frames of that moment
become the baseline: torso length (pixels), standing trunk angle and neutral head
position. A torso much longer or shorter than the baseline means someone else stepped in.

A known lifter's last baseline can be given as a ``prior``: their standing trunk and head
angles are theirs from one day to the next (the camera does not move), so once a few
upright frames give today's torso length the prior stands in until they stand still long
enough for a fresh baseline. A lifter who walks in and goes straight to the bar is then
still judged against their own posture.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass, replace
from typing import Any

from appliance.form.features import FrameFeatures
from appliance.form.thresholds import Thresholds

_REFRESH_S = 30.0  # a set keeps its first baseline; after this long a new one may replace it
_STEADY_SHARE = 0.8  # of the frames in the window must be steady (the rest: MoveNet slips)
_PRIOR_FRAMES = 10  # upright frames whose median torso length scales a prior (~1/3 s)
# A refresh that finds the trunk, head or hips more than this away from the set's baseline
# (degrees) is a held fault, not a new way of standing (half the smallest fault margin:
# hyperextension's 10°): the lean back held at a lockout would otherwise become "standing"
# and every good lockout after it an incomplete one.
_POSTURE_DRIFT_DEG = 5.0
# Someone else: a torso off by ``person_change_ratio`` on every frame for this long
# (seconds, and at least 3 frames). One frame's swapped or misplaced shoulder is not a
# new person, and forgetting the baseline mid-set lets a held fault become the next one.
_PERSON_CHANGE_S = 0.5


@dataclass(frozen=True)
class Baseline:
    """One person's standing posture, taken at ``t_s`` (seconds).

    ``torso_px``: hip-to-shoulder length (pixels). Angles are kept for a lifter facing
    right; facing left mirrors them, so the signed ones flip sign.
    """

    t_s: float
    torso_px: float
    trunk_right_deg: float
    neck_right_deg: float
    hip_extension_right_deg: float = 0.0

    @classmethod
    def from_frames(cls, frames: list[FrameFeatures], t_s: float) -> Baseline:
        """The medians of the standing frames, measured the way the lifter faced then (the
        nose ahead of the ear) and kept as for a lifter facing right."""
        ahead = statistics.median(f.nose.x - f.ear.x for f in frames)
        facing = 1.0 if ahead >= 0 else -1.0
        return cls(
            t_s=t_s,
            torso_px=float(statistics.median(f.torso_px for f in frames)),
            trunk_right_deg=float(statistics.median(f.trunk_signed_deg(facing) for f in frames)),
            neck_right_deg=float(statistics.median(f.neck_flexion_deg(facing) for f in frames)),
            hip_extension_right_deg=float(
                statistics.median(f.hip_extension_deg(facing) for f in frames)
            ),
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Baseline | None:
        """A baseline as stored (``dataclasses.asdict``), or ``None`` if it is not one."""
        try:
            values = {
                name: float(data.get(name, field.default))  # type: ignore[union-attr]
                for name, field in cls.__dataclass_fields__.items()
            }
        except (AttributeError, TypeError, ValueError):
            return None
        if not all(math.isfinite(v) for v in values.values()) or values["torso_px"] <= 0:
            return None
        return cls(**values)

    # The angles are the body's own (forward +, however the lifter faces the camera), so a
    # lifter who calibrated facing one way and lifts facing the other keeps them: ``facing``
    # says which way the lifter faces now, for callers that mirror image coordinates.

    def trunk_deg(self, facing: float) -> float:
        """Standing trunk angle from vertical, forward + (degrees)."""
        del facing
        return self.trunk_right_deg

    def hip_extension_deg(self, facing: float) -> float:
        """Standing trunk against the leg line, forward + (degrees)."""
        del facing
        return self.hip_extension_right_deg

    def neck_deg(self, facing: float) -> float:
        """Neutral head position: ear below (+) or above (-) the trunk line (degrees)."""
        del facing
        return self.neck_right_deg


class Calibrator:
    """Watches standing frames; ``baseline`` is set once the lifter stood still long enough."""

    def __init__(self, thresholds: Thresholds, prior: Baseline | None = None) -> None:
        self.th = thresholds
        self.baseline: Baseline | None = None
        self.prior = prior
        self.from_prior = False  # the baseline in use is the prior, not taken today
        self._still: deque[FrameFeatures] = deque()
        self._other_since: float | None = None  # first frame of the current odd torsos
        self._other_frames = 0

    def reset(self) -> None:
        """Forget the person (and the prior: whoever comes next must stand still)."""
        self.baseline = None
        self.prior = None
        self.from_prior = False
        self._still.clear()
        self._other_since, self._other_frames = None, 0

    def update(self, features: FrameFeatures, hinge_deg: float) -> bool:
        """Take a frame; True when it (re)calibrated on this frame."""
        th = self.th
        if self.baseline is not None and features.t_s - self.baseline.t_s < _REFRESH_S:
            if not self._other_person(features):
                self._other_since, self._other_frames = None, 0
                return False  # keep the set's baseline; refresh only after a long rest
            if self._other_since is None:
                self._other_since = features.t_s
            self._other_frames += 1
            if self._other_frames < 3 or features.t_s - self._other_since < _PERSON_CHANGE_S:
                return False
            self.reset()
        if not features.seen("shoulder", "hip", "ear", min_score=th.min_score):
            return False  # a frame MoveNet fumbled (a left/right swap) neither helps nor breaks
        if hinge_deg > th.calibration_upright_deg:
            self._still.clear()
            return False
        self._still.append(features)
        while self._still[0].t_s < features.t_s - th.calibration_hold_s:
            self._still.popleft()
        if self.baseline is None and self.prior is not None and len(self._still) >= _PRIOR_FRAMES:
            # Dated a refresh period ago, so a fresh baseline may replace it at once.
            torso = float(statistics.median(f.torso_px for f in self._still))
            self.baseline = replace(self.prior, t_s=features.t_s - _REFRESH_S, torso_px=torso)
            self.from_prior = True
        steady = self._steady_frames()
        if len(steady) < _STEADY_SHARE * len(self._still):
            self._still.popleft()  # moving: the window starts again from later frames
            return False
        if features.t_s - self._still[0].t_s < 0.9 * th.calibration_hold_s:
            return False
        fresh = Baseline.from_frames(steady, features.t_s)
        if (
            self.baseline is not None
            and not self.from_prior
            and not _same_posture(self.baseline, fresh)
        ):
            fresh = replace(self.baseline, t_s=fresh.t_s, torso_px=fresh.torso_px)
        self.baseline = fresh
        self.from_prior = False
        self._still.clear()
        return True

    def _steady_frames(self) -> list[FrameFeatures]:
        """The frames whose hip and shoulder sit near the window's median position."""
        frames = self._still
        hip_x = statistics.median(f.hip.x for f in frames)
        hip_y = statistics.median(f.hip.y for f in frames)
        shoulder_x = statistics.median(f.shoulder.x for f in frames)
        shoulder_y = statistics.median(f.shoulder.y for f in frames)
        limit = self.th.calibration_still_torso
        return [
            f
            for f in frames
            if math.hypot(f.hip.x - hip_x, f.hip.y - hip_y)
            + math.hypot(f.shoulder.x - shoulder_x, f.shoulder.y - shoulder_y)
            <= limit * max(1e-6, f.torso_px)
        ]

    def _other_person(self, features: FrameFeatures) -> bool:
        assert self.baseline is not None
        ratio = features.torso_px / max(1e-6, self.baseline.torso_px)
        return abs(ratio - 1.0) > self.th.person_change_ratio


def _same_posture(old: Baseline, new: Baseline) -> bool:
    """Whether two standing postures agree within ``_POSTURE_DRIFT_DEG`` on every angle."""
    pairs = (
        (old.trunk_right_deg, new.trunk_right_deg),
        (old.neck_right_deg, new.neck_right_deg),
        (old.hip_extension_right_deg, new.hip_extension_right_deg),
    )
    return all(abs(a - b) <= _POSTURE_DRIFT_DEG for a, b in pairs)
