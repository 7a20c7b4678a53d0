"""Where on the body a stick may be: the few body measures the stick detector needs.

All positions are frame pixels (x right, y down). ``torso_px`` — the distance from the
hips' midpoint to the shoulders' midpoint — is the body's own ruler: every tolerance of
the stick room is a fraction of it, so the same numbers hold near and far from the camera.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from appliance.types import KEYPOINT_INDEX, Pose

MIN_SCORE = 0.2
"""Keypoint confidence (0..1) below which a point is not used."""

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Body:
    """The body measures of one pose, in frame pixels.

    ``axis``: unit vector from the hips' midpoint to the shoulders' midpoint. ``elbows``:
    the elbow points seen (0, 1 or 2). ``head``: the ear (else nose) point used for the
    back of the head, or ``None``. ``facing``: +1 when the face points to +x of the image,
    -1 to -x, 0 when it cannot be told (front or back view). ``spread``: the shoulders'
    horizontal spread over the torso length (large facing the camera, small side-on).
    """

    shoulders: Point
    hips: Point
    torso_px: float
    axis: Point
    elbows: tuple[Point, ...]
    wrists: tuple[Point, ...]
    head: Point | None
    facing: int
    spread: float
    shoulder_pts: tuple[Point, ...]

    @property
    def elbow_mid(self) -> Point | None:
        """The elbows' midpoint (or the one elbow seen), or ``None``."""
        if not self.elbows:
            return None
        return (
            sum(p[0] for p in self.elbows) / len(self.elbows),
            sum(p[1] for p in self.elbows) / len(self.elbows),
        )


def _point(xy: npt.NDArray[np.float64], scores: npt.NDArray[np.float32], name: str) -> Point | None:
    i = KEYPOINT_INDEX[name]
    if float(scores[i]) < MIN_SCORE:
        return None
    return (float(xy[i, 0]), float(xy[i, 1]))


def _mid(a: Point | None, b: Point | None) -> Point | None:
    if a is None:
        return b
    if b is None:
        return a
    return ((a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0)


def body_of(pose: Pose | None) -> Body | None:
    """The body measures of ``pose``, or ``None`` without a person, shoulders and hips."""
    if pose is None or not pose.person_present:
        return None
    xy, scores = pose.xy_px, pose.scores
    ls, rs = _point(xy, scores, "left_shoulder"), _point(xy, scores, "right_shoulder")
    lh, rh = _point(xy, scores, "left_hip"), _point(xy, scores, "right_hip")
    shoulders, hips = _mid(ls, rs), _mid(lh, rh)
    if shoulders is None or hips is None:
        return None
    dx, dy = shoulders[0] - hips[0], shoulders[1] - hips[1]
    torso = math.hypot(dx, dy)
    if torso < 8.0:
        return None
    elbows = tuple(
        p for p in (_point(xy, scores, "left_elbow"), _point(xy, scores, "right_elbow")) if p
    )
    wrists = tuple(
        p for p in (_point(xy, scores, "left_wrist"), _point(xy, scores, "right_wrist")) if p
    )
    ear = _mid(_point(xy, scores, "left_ear"), _point(xy, scores, "right_ear"))
    nose = _point(xy, scores, "nose")
    facing = 0
    if ear is not None and nose is not None and abs(nose[0] - ear[0]) > 0.08 * torso:
        facing = 1 if nose[0] > ear[0] else -1
    spread = abs(ls[0] - rs[0]) / torso if ls is not None and rs is not None else 0.0
    return Body(
        shoulders=shoulders,
        hips=hips,
        torso_px=torso,
        axis=(dx / torso, dy / torso),
        elbows=elbows,
        wrists=wrists,
        head=ear if ear is not None else nose,
        facing=facing,
        spread=spread,
        shoulder_pts=tuple(p for p in (ls, rs) if p is not None),
    )
