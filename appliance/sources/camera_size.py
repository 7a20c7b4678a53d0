"""Recorded frames shrunk to a camera's stream size, as the live loop would receive them.

On the appliance the model reads the camera's small stream (``[camera]`` width x height,
640x480 by default), which the Pi's ISP scales at no CPU cost. A 1080p recording costs
the pose stage more than any live frame does (cropping and resizing six times the
pixels); ``bench`` shrinks recordings with this so its numbers are the live loop's, and
counts the shrinking in the decode stage, where the ISP does it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import cv2
import numpy as np

from appliance.config import CameraConfig
from appliance.types import Frame


def fitted_size(width: int, height: int, box_width: int, box_height: int) -> tuple[int, int]:
    """``width`` x ``height`` (pixels) shrunk to fit in the box, keeping its shape; never
    enlarged."""
    scale = min(1.0, box_width / width, box_height / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def as_camera_delivers(frames: Iterable[Frame], camera: CameraConfig) -> Iterator[Frame]:
    """``frames`` with every image larger than the camera's stream shrunk to fit it (area
    averaging); smaller images, and keypoints-only frames, unchanged."""
    for frame in frames:
        image = frame.image
        if image is None:
            yield frame
            continue
        height, width = image.shape[:2]
        size = fitted_size(width, height, camera.width, camera.height)
        if size == (width, height):
            yield frame
            continue
        small = np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)
        yield Frame(frame.index, frame.t_s, size[0], size[1], small, frame.pose)
