"""Where on the body a stick may be: the few body measures the stick detector needs.

All positions are frame pixels (x right, y down). ``torso_px`` — the distance from the
hips' midpoint to the shoulders' midpoint — is the body's own ruler: every tolerance of
the stick room is a fraction of it, so the same numbers hold near and far from the camera.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from appliance.types import KEYPOINT_INDEX, Pose

MIN_SCORE = 0.2
"""Keypoint confidence (0..1) below which a point is not used."""

FACE_AHEAD = 0.06
"""Of the torso: how far the nose must lie ahead of the ears (square to the torso) for the
face's direction, and so the back's, to count as told."""

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Body:
    """The body measures of one pose, in frame pixels.

    ``axis``: unit vector from the hips' midpoint to the shoulders' midpoint. ``elbows``:
    the elbow points seen (0, 1 or 2). ``head``: the ear (else nose) point used for the
    back of the head, or ``None``. ``back``: the unit vector square to ``axis`` that points
    from the chest to the back (away from the face), or ``None`` when the face does not
    tell (front or back view, head unseen). ``spread``: the shoulders' horizontal spread
    over the torso length (large facing the camera, small side-on; the elbows' when a
    shoulder is unseen). ``facing``: whether
    the person faces the camera (their left shoulder right of their right one in the
    picture; ``False``: the back is seen; ``None``: a shoulder unseen). ``size``: the
    largest body scale seen of this person lately (the tracker's memory; 0 for none).
    ``elbow_mid``: the elbows' midpoint (or the one elbow seen), or ``None``.
    """

    shoulders: Point
    hips: Point
    torso_px: float
    axis: Point
    elbows: tuple[Point, ...]
    wrists: tuple[Point, ...]
    head: Point | None
    back: Point | None
    spread: float
    shoulder_pts: tuple[Point, ...]
    facing: bool | None = None
    size: float = 0.0  # the body scale seen lately (pixels; the tracker's memory), or 0
    elbow_mid: Point | None = field(init=False, default=None)  # the elbows' midpoint

    def __post_init__(self) -> None:
        object.__setattr__(self, "elbow_mid", _mean(self.elbows))


def _mean(points: tuple[Point, ...]) -> Point | None:
    """The points' midpoint, or ``None`` for none."""
    if not points:
        return None
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _point(rows: list[list[float]], width: int, height: int, name: str) -> Point | None:
    y, x, score = rows[KEYPOINT_INDEX[name]]
    return (x * width, y * height) if score >= MIN_SCORE else None


def _mid(a: Point | None, b: Point | None) -> Point | None:
    if a is None:
        return b
    if b is None:
        return a
    return ((a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0)


_LAST: tuple[Pose | None, Body | None] = (None, None)


def body_of(pose: Pose | None) -> Body | None:
    """The body measures of ``pose``, or ``None`` without a person, shoulders and hips.
    (The last pose's answer is kept: the tracker, the rep judge and the set-up check all
    ask about the same pose each frame.)"""
    global _LAST
    if pose is None or not pose.person_present:
        return None
    if _LAST[0] is pose:
        return _LAST[1]
    body = _measure(pose)
    _LAST = (pose, body)
    return body


def _measure(pose: Pose) -> Body | None:
    rows: list[list[float]] = pose.yx_score.tolist()
    size = (pose.width, pose.height)
    ls, rs = _point(rows, *size, "left_shoulder"), _point(rows, *size, "right_shoulder")
    lh, rh = _point(rows, *size, "left_hip"), _point(rows, *size, "right_hip")
    shoulders, hips = _mid(ls, rs), _mid(lh, rh)
    if shoulders is None or hips is None:
        return None
    dx, dy = shoulders[0] - hips[0], shoulders[1] - hips[1]
    torso = math.hypot(dx, dy)
    if torso < 8.0:
        return None
    elbows = tuple(
        p for p in (_point(rows, *size, "left_elbow"), _point(rows, *size, "right_elbow")) if p
    )
    wrists = tuple(
        p for p in (_point(rows, *size, "left_wrist"), _point(rows, *size, "right_wrist")) if p
    )
    ear = _mid(_point(rows, *size, "left_ear"), _point(rows, *size, "right_ear"))
    nose = _point(rows, *size, "nose")
    back = None
    if ear is not None and nose is not None:
        # The face points where the nose lies from the ears, measured square to the torso
        # (not along the image's x: in a deep hinge the torso is level and the face
        # points down).
        nx, ny = -dy / torso, dx / torso
        ahead = (nose[0] - ear[0]) * nx + (nose[1] - ear[1]) * ny
        if abs(ahead) > FACE_AHEAD * torso:
            back = (-nx, -ny) if ahead > 0 else (nx, ny)
    spread = 0.0
    if ls is not None and rs is not None:
        spread = abs(ls[0] - rs[0]) / torso
    elif len(elbows) == 2:  # a shoulder unseen: the elbows hang beside them
        spread = abs(elbows[0][0] - elbows[1][0]) / torso
    return Body(
        shoulders=shoulders,
        hips=hips,
        torso_px=torso,
        axis=(dx / torso, dy / torso),
        elbows=elbows,
        wrists=wrists,
        head=ear if ear is not None else nose,
        back=back,
        spread=spread,
        shoulder_pts=tuple(p for p in (ls, rs) if p is not None),
        facing=ls[0] > rs[0] if ls is not None and rs is not None else None,
    )
