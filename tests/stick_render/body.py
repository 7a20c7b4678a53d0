"""Where the body is in front of a rendered object, from a frame's keypoints.

Masks are rough shapes around the keypoints (a torso polygon, thick limbs, a head disc),
sized in torso lengths; they stand in for a segmentation nobody has here.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from appliance.types import KEYPOINT_INDEX, Pose

Mask = npt.NDArray[np.bool_]
Points = dict[str, tuple[float, float]]


def points(pose: Pose, min_score: float = 0.2) -> Points:
    """Keypoints scored at least ``min_score``, by name, in frame pixels."""
    xy = pose.xy_px
    return {
        name: (float(xy[i, 0]), float(xy[i, 1]))
        for name, i in KEYPOINT_INDEX.items()
        if float(pose.scores[i]) >= min_score
    }


def mid(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """The midpoint of two points."""
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def torso_length(p: Points) -> float | None:
    """Hips' midpoint to shoulders' midpoint, pixels (``None`` if any of the four is unseen)."""
    need = ("left_shoulder", "right_shoulder", "left_hip", "right_hip")
    if not all(n in p for n in need):
        return None
    s, h = mid(p["left_shoulder"], p["right_shoulder"]), mid(p["left_hip"], p["right_hip"])
    return math.hypot(s[0] - h[0], s[1] - h[1])


def _limb(
    mask: npt.NDArray[np.uint8], a: tuple[float, float], b: tuple[float, float], w: float
) -> None:
    cv2.line(mask, (round(a[0]), round(a[1])), (round(b[0]), round(b[1])), 255, max(1, round(w)))


def body_mask(
    p: Points,
    shape: tuple[int, int],
    torso: bool = True,
    arms: tuple[str, ...] = ("upper", "fore"),
    legs: bool = True,
    head: bool = True,
) -> Mask:
    """Pixels covered by the chosen body parts (``shape``: height, width)."""
    t = torso_length(p) or 50.0
    mask = np.zeros(shape, np.uint8)
    if torso:
        names = ("left_shoulder", "right_shoulder", "right_hip", "left_hip")
        pts = [p[n] for n in names if n in p]
        if len(pts) >= 3:
            hull = cv2.convexHull(np.round(np.array(pts)).astype(np.int32))
            cv2.fillConvexPoly(mask, hull, 255)
            cv2.polylines(mask, [hull], True, 255, max(1, round(0.22 * t)))
    for side in ("left", "right"):
        pairs = []
        if "upper" in arms:
            pairs.append((f"{side}_shoulder", f"{side}_elbow", 0.2))
        if "fore" in arms:
            pairs.append((f"{side}_elbow", f"{side}_wrist", 0.16))
        if legs:
            pairs += [(f"{side}_hip", f"{side}_knee", 0.28), (f"{side}_knee", f"{side}_ankle", 0.2)]
        for a, b, w in pairs:
            if a in p and b in p:
                _limb(mask, p[a], p[b], w * t)
    if head:
        centre = p.get("nose") or (
            mid(p["left_ear"], p["right_ear"]) if "left_ear" in p and "right_ear" in p else None
        )
        if centre is not None:
            cv2.circle(mask, (round(centre[0]), round(centre[1])), max(1, round(0.24 * t)), 255, -1)
    return mask > 0
