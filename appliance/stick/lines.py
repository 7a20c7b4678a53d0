"""Straight line segments in a strip of a frame: the raw material of the stick detector.

A strip is a rectangle of the frame turned to lie along a direction (the way a stick is
expected to run, see ``appliance.stick.detect.Band``), cut out and shrunk in one affine
warp so the torso spans about ``WORK_TORSO_PX`` pixels (never enlarged): the cost then
depends on the body's size in torso lengths, not on the camera's resolution, and a band
that lies aslant in the frame costs no more than a level one.

Two classical detectors are offered, both from OpenCV: the line segment detector (LSD,
``cv2.createLineSegmentDetector``: gradient-aligned regions, no thresholds to tune) and the
probabilistic Hough transform on Canny edges (``cv2.HoughLinesP``); ``"ridge"`` is Hough on
thin stripes only. ``LINE_METHOD`` is the one the appliance uses; ``tests/stick_render``
measures them (see README.md "The stick"). Segments come back in frame pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from appliance.types import RGBImage

LINE_METHODS: tuple[str, ...] = ("lsd", "hough", "ridge")
LINE_METHOD = "lsd"
"""The method the appliance uses (chosen by measurement on the rendered set)."""

WORK_TORSO_PX = 64.0
"""The torso's length (pixels) in the shrunk working strip."""

LSD_SCALE = 1.0
"""LSD's own pre-scaling of the strip (its default): blurs away pixel noise, costs less."""

Segments = npt.NDArray[np.float64]
"""``(N, 4)`` rows of ``x1, y1, x2, y2`` in frame pixels."""

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Patch:
    """A searched strip: its grey picture (``grey``, working pixels), the frame's size
    (``frame``: width, height; the strip may run off it), the working pixels per frame
    pixel (``scale``), the frame-to-working affine map (``affine``, 2 x 3) and the
    segments found in it (``segments``, frame pixels); its colour (``colour``, RGB
    working pixels) for ``tinted``."""

    grey: npt.NDArray[np.uint8]
    frame: tuple[int, int]
    scale: float
    affine: npt.NDArray[np.float64]
    segments: Segments
    colour: npt.NDArray[np.uint8] | None = None
    warmth: bool = False  # ``grey`` is the strip's warmth (``tinted``), not its grey
    rim: bool = False  # stripes are read against the stick's own rims (``rimmed``)

    def tinted(self) -> Patch | None:
        """This strip with its warmth (red less blue, 128 for grey) for its grey
        picture, or ``None`` without its colour: a wooden rod is warm where a white wall
        and a grey or dark shirt are not, so it shows there as a stripe when in grey it
        lies between them as a step (a pale rod on a dark back against a pale wall)."""
        if self.colour is None:
            return None
        rgb = self.colour.astype(np.int16)
        warm = np.clip(rgb[:, :, 0] - rgb[:, :, 2] + 128, 0, 255).astype(np.uint8)
        return replace(self, grey=warm, colour=None, warmth=True, rim=False)

    def rimmed(self) -> Patch:
        """This strip with its stripes read against the stick's own shaded rims, not the
        picture beside it (``appliance.stick.bar.stripe``): a lit rod is brighter along its
        middle than at its edges, so a pale rod on a back's outline, between a dark shirt
        and a white wall, still shows as a bright core between darker rims."""
        return replace(self, rim=True)

    def to_work(self, x: float, y: float) -> Point:
        """Frame pixels to working pixels."""
        a = self.affine
        return (
            float(a[0, 0] * x + a[0, 1] * y + a[0, 2]),
            float(a[1, 0] * x + a[1, 1] * y + a[1, 2]),
        )

    def in_frame(
        self, xs: npt.NDArray[np.float64], ys: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.bool_]:
        """Which frame points (pixels) lie inside the frame."""
        return (xs >= 0) & (ys >= 0) & (xs <= self.frame[0] - 1) & (ys <= self.frame[1] - 1)

    def turn(self, dx: float, dy: float) -> Point:
        """A frame direction as a working one (same length in frame units)."""
        a = self.affine / self.scale
        return (float(a[0, 0] * dx + a[0, 1] * dy), float(a[1, 0] * dx + a[1, 1] * dy))


_LSD: cv2.LineSegmentDetector | None = None


def _lsd() -> cv2.LineSegmentDetector:
    global _LSD  # one detector object, made on first use (it keeps no state between calls)
    if _LSD is None:
        _LSD = cv2.createLineSegmentDetector(cv2.LSD_REFINE_STD, scale=LSD_SCALE)
    return _LSD


def strip_of(
    image: RGBImage,
    origin: Point,
    u: Point,
    n: Point,
    along: tuple[float, float],
    across: tuple[float, float],
    torso_px: float,
) -> Patch:
    """The strip of ``image`` (RGB) of the points ``origin + t u + o n`` (unit vectors
    ``u``, ``n`` at a right angle; ``t`` in ``along``, ``o`` in ``across``, frame pixels),
    grey and shrunk so the torso is ``WORK_TORSO_PX`` long, with no segments found in it
    yet."""
    scale = min(1.0, WORK_TORSO_PX / max(torso_px, 1.0))
    width = max(8, math.ceil((along[1] - along[0]) * scale))
    height = max(8, math.ceil((across[1] - across[0]) * scale))
    ocv: Any = cv2  # OpenCV's stubs do not follow the matrix types through
    affine = _affine(origin, u, n, along, across, scale)
    if scale < 0.5:  # warped at twice the size, then shrunk by area: read point by point,
        # a far smaller picture would alias a thin stick away
        twice = _affine(origin, u, n, along, across, 2.0 * scale)
        twice[:, 2] += 0.5  # so each pair of fine pixels averages to its coarse pixel's centre
        colour = ocv.warpAffine(image, twice, (2 * width, 2 * height), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
        colour = ocv.resize(colour, (width, height), interpolation=cv2.INTER_AREA)
    else:
        colour = ocv.warpAffine(image, affine, (width, height), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
    grey = np.asarray(ocv.cvtColor(colour, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    frame = (image.shape[1], image.shape[0])
    return Patch(grey, frame, scale, affine, np.zeros((0, 4)), np.asarray(colour, np.uint8))


def _affine(
    origin: Point,
    u: Point,
    n: Point,
    along: tuple[float, float],
    across: tuple[float, float],
    scale: float,
) -> npt.NDArray[np.float64]:
    """The 2 x 3 map from frame pixels to a strip's pixels at ``scale``."""
    rows = scale * np.array([[u[0], u[1]], [n[0], n[1]]])
    shift = -rows @ np.array(origin) - scale * np.array([along[0], across[0]])
    return np.hstack([rows, shift[:, None]])


def find_segments(patch: Patch, torso_px: float, method: str = LINE_METHOD) -> Patch:
    """``patch`` with the straight segments in it (frame pixels).

    ``method``: one of ``LINE_METHODS`` (see the module docstring). Segments shorter than
    a fifth of the torso (``torso_px``, frame pixels) are dropped: no stick shows that
    little of itself.
    """
    grey, scale, affine = patch.grey, patch.scale, patch.affine
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
        rows = rows[np.hypot(rows[:, 2] - rows[:, 0], rows[:, 3] - rows[:, 1]) >= min_len]
        # Working pixels back to frame pixels: p = A^-1 (w - b), A = scale x (rows u, n).
        lin, off = affine[:, :2], affine[:, 2]
        back = np.linalg.inv(lin)
        pts = (rows.reshape(-1, 2) - off) @ back.T
        rows = pts.reshape(-1, 4)
    if len(rows):  # not the smear past the frame's edge
        rows = rows[patch.in_frame((rows[:, 0] + rows[:, 2]) / 2, (rows[:, 1] + rows[:, 3]) / 2)]
    return replace(patch, segments=rows)
