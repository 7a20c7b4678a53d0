"""MoveNet's crop-from-the-previous-frame ("smart cropping").

Follows the algorithm of the MoveNet TF Hub tutorial and tfjs-models: centre the next crop
on the hips; make it big enough for the torso (x1.9) *and* for every confident keypoint of
the whole body (x1.2); fall back to the whole frame when the torso is not visible or the
crop would be larger than the frame. The TensorFlow Raspberry Pi example measures the body
extent from one torso joint only (a loop-variable slip); here every confident keypoint
counts, so outstretched arms and feet stay inside the crop.

Runs once per frame on the pose's critical path, on 17 points: plain Python floats cost
less here than a dozen small NumPy calls. Scores are float32 and compared as float32 with
the threshold rounded to float32, as NumPy compares them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from appliance.pose.geometry import CropRegion
from appliance.types import KEYPOINT_INDEX

TORSO_EXPANSION = 1.9
BODY_EXPANSION = 1.2
_TORSO = [KEYPOINT_INDEX[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")]
_HIPS = [KEYPOINT_INDEX["left_hip"], KEYPOINT_INDEX["right_hip"]]
_SHOULDERS = [KEYPOINT_INDEX["left_shoulder"], KEYPOINT_INDEX["right_shoulder"]]
_LEFT_HIP, _RIGHT_HIP = _HIPS
_TORSO_SET = frozenset(_TORSO)
# Below this side (pixels) a crop is degenerate: the keypoints collapsed onto each other.
_MIN_CROP_SIDE_PX = 16.0


@functools.lru_cache(maxsize=16)
def _float32(threshold: float) -> float:
    """``threshold`` rounded to float32: a float32 score is >= it exactly when NumPy's
    ``score >= threshold`` (a Python float meets a float32 array as float32) is true."""
    return float(np.float32(threshold))


def _torso_visible(scores: Sequence[float], min_score: float) -> bool:
    return max(scores[i] for i in _HIPS) >= min_score and (
        max(scores[i] for i in _SHOULDERS) >= min_score
    )


def torso_visible(yx_score: npt.NDArray[np.float32], min_score: float) -> bool:
    """True when at least one hip and one shoulder score ``min_score`` or more."""
    return _torso_visible(yx_score[:, 2].tolist(), _float32(min_score))


def next_crop_region(
    yx_score: npt.NDArray[np.float32], width: int, height: int, min_score: float
) -> CropRegion:
    """The crop for the next frame from this frame's keypoints (normalised y, x, score)."""
    ys, xs, scores = yx_score.T.tolist()
    return crop_from_points(ys, xs, scores, width, height, min_score)


def crop_from_points(
    ys: Sequence[float],
    xs: Sequence[float],
    scores: Sequence[float],
    width: int,
    height: int,
    min_score: float,
) -> CropRegion:
    """``next_crop_region`` of the keypoints given as three lists of float32 values."""
    min_score = _float32(min_score)
    if not _torso_visible(scores, min_score):
        return CropRegion.whole_frame(width, height)
    centre_x = (xs[_LEFT_HIP] * width + xs[_RIGHT_HIP] * width) / 2
    centre_y = (ys[_LEFT_HIP] * height + ys[_RIGHT_HIP] * height) / 2
    # The farthest torso joint and confident keypoint from the hips' centre along either
    # axis (pixels). max(a * k, b * k) == max(a, b) * k exactly (rounding is monotonic), so
    # one expansion per extent does what one per axis would.
    torso = body = 0.0
    for i, (y, x, score) in enumerate(zip(ys, xs, scores, strict=True)):
        extent = max(abs(x * width - centre_x), abs(y * height - centre_y))
        if score >= min_score and extent > body:
            body = extent
        if i in _TORSO_SET and extent > torso:
            torso = extent

    half = max(torso * TORSO_EXPANSION, body * BODY_EXPANSION)
    half = min(half, max(centre_x, width - centre_x, centre_y, height - centre_y))
    if half > max(width, height) / 2.0 or 2.0 * half < _MIN_CROP_SIDE_PX:
        return CropRegion.whole_frame(width, height)
    return CropRegion(centre_x - half, centre_y - half, 2.0 * half)
