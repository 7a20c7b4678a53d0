"""Straight line segments in a region of a frame: the raw material of the stick detector.

Two classical detectors are offered, both from OpenCV: the line segment detector (LSD,
``cv2.createLineSegmentDetector``: gradient-aligned regions, no thresholds to tune) and the
probabilistic Hough transform on Canny edges (``cv2.HoughLinesP``). ``LINE_METHOD`` is the
one the appliance uses; ``tests/stick_render`` measures both (see README.md "The stick").

A region is cut from the frame, turned grey and shrunk so the torso spans about
``WORK_TORSO_PX`` pixels (never enlarged): the cost then depends on the body's size in
torso lengths, not on the camera's resolution. Segments come back in frame pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from appliance.types import RGBImage

LINE_METHODS: tuple[str, ...] = ("lsd", "hough", "ridge")
LINE_METHOD = "lsd"
"""The method the appliance uses (chosen by measurement on the rendered set)."""

WORK_TORSO_PX = 64.0
"""The torso's length (pixels) in the shrunk working region."""

Segments = npt.NDArray[np.float64]
"""``(N, 4)`` rows of ``x1, y1, x2, y2`` in frame pixels."""


@dataclass(frozen=True, slots=True)
class Region:
    """A rectangle of the frame, ``[x0, x1) x [y0, y1)`` in whole pixels."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def empty(self) -> bool:
        """True when the rectangle holds too few pixels to search."""
        return self.x1 - self.x0 < 8 or self.y1 - self.y0 < 8


def clip_region(x0: float, y0: float, x1: float, y1: float, width: int, height: int) -> Region:
    """The rectangle (frame pixels, any order of corners) cut to a frame of that size."""
    lo_x, hi_x = sorted((x0, x1))
    lo_y, hi_y = sorted((y0, y1))
    return Region(
        max(0, int(lo_x)), max(0, int(lo_y)), min(width, int(hi_x) + 1), min(height, int(hi_y) + 1)
    )


_LSD: cv2.LineSegmentDetector | None = None


def _lsd() -> cv2.LineSegmentDetector:
    global _LSD  # one detector object, made on first use (it keeps no state between calls)
    if _LSD is None:
        _LSD = cv2.createLineSegmentDetector(cv2.LSD_REFINE_STD, scale=1.0)
    return _LSD


def work_grey(
    image: RGBImage, region: Region, torso_px: float
) -> tuple[npt.NDArray[np.uint8], float]:
    """The region as a grey image shrunk so the torso is ``WORK_TORSO_PX`` long, and the
    factor (working pixels per frame pixel, at most 1)."""
    crop = image[region.y0 : region.y1, region.x0 : region.x1]
    step = max(1, int(torso_px / (2.0 * WORK_TORSO_PX)))  # cheap decimation of big frames
    if step > 1:
        crop = crop[::step, ::step]
    grey = cv2.cvtColor(np.ascontiguousarray(crop), cv2.COLOR_RGB2GRAY)
    scale = min(1.0, WORK_TORSO_PX / max(torso_px / step, 1.0))
    if scale < 1.0:
        size = (max(8, round(grey.shape[1] * scale)), max(8, round(grey.shape[0] * scale)))
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    scale /= step
    return np.asarray(grey, dtype=np.uint8), scale


@dataclass(frozen=True, slots=True)
class Patch:
    """A searched region: its shrunk grey picture (``grey``, working pixels), the factor
    from frame to working pixels (``scale``), where it lies in the frame (``region``) and
    the segments found in it (``segments``, frame pixels)."""

    grey: npt.NDArray[np.uint8]
    scale: float
    region: Region
    segments: Segments

    def to_work(self, x: float, y: float) -> tuple[float, float]:
        """Frame pixels to working pixels."""
        return ((x - self.region.x0) * self.scale, (y - self.region.y0) * self.scale)


def find_segments(
    image: RGBImage,
    region: Region,
    torso_px: float,
    method: str = LINE_METHOD,
) -> Patch:
    """Straight segments inside ``region`` of ``image`` (RGB), in frame pixels.

    ``method``: ``"lsd"`` or ``"hough"`` (see the module docstring). Segments shorter
    than a fifth of the torso are dropped: no stick shows that little of itself.
    """
    if region.empty:
        return Patch(np.zeros((8, 8), np.uint8), 1.0, region, np.zeros((0, 4)))
    grey, scale = work_grey(image, region, torso_px)
    min_len = 0.2 * torso_px * scale
    found: Any
    if method == "lsd":
        found = _lsd().detect(grey)[0]
    elif method == "hough":
        edges = cv2.Canny(grey, 40, 120)
        found = cv2.HoughLinesP(
            edges, 1, np.pi / 180, threshold=int(min_len), minLineLength=int(min_len), maxLineGap=3
        )
    elif method == "ridge":
        # Thin bright or dark stripes only (top-hat and black-hat), then Hough on them.
        k = max(3, 2 * round(0.05 * torso_px * scale) + 1)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
        ridge = np.maximum(
            cv2.morphologyEx(grey, cv2.MORPH_TOPHAT, kernel),
            cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, kernel),
        )
        _, mask = cv2.threshold(ridge, 10, 255, cv2.THRESH_BINARY)
        found = cv2.HoughLinesP(
            mask, 1, np.pi / 180, threshold=int(min_len), minLineLength=int(min_len), maxLineGap=4
        )
    else:
        raise ValueError(f"unknown line method {method!r}: expected one of {LINE_METHODS}")
    rows = np.zeros((0, 4)) if found is None else found.reshape(-1, 4).astype(np.float64)
    if len(rows):
        lengths = np.hypot(rows[:, 2] - rows[:, 0], rows[:, 3] - rows[:, 1])
        rows = rows[lengths >= min_len] / scale
        rows[:, [0, 2]] += region.x0
        rows[:, [1, 3]] += region.y0
    return Patch(grey, scale, region, rows)
