"""MoveNet's crop-from-the-previous-frame ("smart cropping").

Follows the algorithm of the MoveNet TF Hub tutorial and tfjs-models: centre the next crop
on the hips; make it big enough for the torso (x1.9) *and* for every confident keypoint of
the whole body (x1.2); fall back to the whole frame when the torso is not visible or the
crop would be larger than the frame. The TensorFlow Raspberry Pi example measures the body
extent from one torso joint only (a loop-variable slip); here every confident keypoint
counts, so outstretched arms and feet stay inside the crop.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from appliance.pose.geometry import CropRegion
from appliance.types import KEYPOINT_INDEX

TORSO_EXPANSION = 1.9
BODY_EXPANSION = 1.2
_TORSO = [KEYPOINT_INDEX[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")]
_HIPS = [KEYPOINT_INDEX["left_hip"], KEYPOINT_INDEX["right_hip"]]
_SHOULDERS = [KEYPOINT_INDEX["left_shoulder"], KEYPOINT_INDEX["right_shoulder"]]
# Below this side (pixels) a crop is degenerate: the keypoints collapsed onto each other.
_MIN_CROP_SIDE_PX = 16.0


def torso_visible(yx_score: npt.NDArray[np.float32], min_score: float) -> bool:
    """True when at least one hip and one shoulder score ``min_score`` or more."""
    scores = yx_score[:, 2]
    return bool(scores[_HIPS].max() >= min_score and scores[_SHOULDERS].max() >= min_score)


def next_crop_region(
    yx_score: npt.NDArray[np.float32], width: int, height: int, min_score: float
) -> CropRegion:
    """The crop for the next frame from this frame's keypoints (normalised y, x, score)."""
    if not torso_visible(yx_score, min_score):
        return CropRegion.whole_frame(width, height)
    y_px = yx_score[:, 0].astype(np.float64) * height
    x_px = yx_score[:, 1].astype(np.float64) * width
    centre_x = float(x_px[_HIPS].mean())
    centre_y = float(y_px[_HIPS].mean())

    torso_x = np.abs(x_px[_TORSO] - centre_x).max()
    torso_y = np.abs(y_px[_TORSO] - centre_y).max()
    confident = yx_score[:, 2] >= min_score
    body_x = np.abs(x_px[confident] - centre_x).max()
    body_y = np.abs(y_px[confident] - centre_y).max()

    half = max(torso_x * TORSO_EXPANSION, torso_y * TORSO_EXPANSION)
    half = max(half, body_x * BODY_EXPANSION, body_y * BODY_EXPANSION)
    half = min(half, max(centre_x, width - centre_x, centre_y, height - centre_y))
    if half > max(width, height) / 2.0 or 2.0 * half < _MIN_CROP_SIDE_PX:
        return CropRegion.whole_frame(width, height)
    return CropRegion(centre_x - half, centre_y - half, 2.0 * half)
