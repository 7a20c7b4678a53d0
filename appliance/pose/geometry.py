"""Square crop regions of a frame and the exact mapping from model input back to the frame.

A ``CropRegion`` is a square in frame pixels that may extend past the frame's edges; the
parts outside are black padding. The whole frame letterboxed is just the square of side
``max(width, height)`` centred on the frame, so letterboxing and MoveNet's crop-from-the-
previous-frame are the same operation.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from appliance.types import RGBImage


@dataclass(frozen=True, slots=True)
class CropRegion:
    """A square: top-left corner ``(x0, y0)`` and side ``size``, all in frame pixels."""

    x0: float
    y0: float
    size: float

    @classmethod
    def whole_frame(cls, width: int, height: int) -> CropRegion:
        """The letterbox square: the frame centred in a square of side max(width, height)."""
        size = float(max(width, height))
        return cls((width - size) / 2.0, (height - size) / 2.0, size)


@dataclass(frozen=True, slots=True)
class InputMapping:
    """Where a frame rectangle landed in the model input, for mapping keypoints back.

    Frame pixels ``[fx0, fx1) x [fy0, fy1)`` were resized onto input pixels
    ``[ix0, ix0 + iw) x [iy0, iy0 + ih)``; the rest of the input is black.
    """

    fx0: int
    fy0: int
    fx1: int
    fy1: int
    ix0: int
    iy0: int
    iw: int
    ih: int
    input_size: int

    def to_frame_px(
        self, yx_input: npt.NDArray[np.float32]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Map (y, x) rows normalised to the model input to frame pixels; returns (x, y)."""
        s = self.input_size
        x = self.fx0 + (yx_input[:, 1] * s - self.ix0) * ((self.fx1 - self.fx0) / self.iw)
        y = self.fy0 + (yx_input[:, 0] * s - self.iy0) * ((self.fy1 - self.fy0) / self.ih)
        return x.astype(np.float64), y.astype(np.float64)

    def to_frame_normalised(
        self, ys: Sequence[float], xs: Sequence[float], width: int, height: int
    ) -> tuple[list[float], list[float]]:
        """Map y and x normalised to the model input (float32 values, as the model gives
        them) to y and x normalised to the ``width`` x ``height`` frame: two lists of
        Python floats holding float32 values.

        Bit for bit what ``to_frame_px`` followed by a division by the frame's size and a
        float32 array gives: the same operations in the same order, each rounded to float32
        where NumPy computes in float32 (one operation on float32 values done in float64
        and rounded to float32 is exactly the float32 operation). Once a frame on 17 points,
        where plain Python costs less than a dozen NumPy calls.
        """
        s = self.input_size
        ky, kx = round_f32([(self.fy1 - self.fy0) / self.ih, (self.fx1 - self.fx0) / self.iw])
        return (
            _to_frame(ys, s, self.iy0, ky, self.fy0, height),
            _to_frame(xs, s, self.ix0, kx, self.fx0, width),
        )


def round_f32(values: Iterable[float]) -> list[float]:
    """``values`` rounded to float32 (to nearest, as NumPy casts), as Python floats."""
    return array("f", values).tolist()


def _to_frame(
    values: Sequence[float], input_size: int, i0: int, scale: float, f0: int, frame_size: int
) -> list[float]:
    """One axis of ``to_frame_normalised``: ``f0 + (v * input_size - i0) * scale`` in
    float32, then divided by ``frame_size`` in float64 and rounded to float32."""
    done = round_f32([v * input_size for v in values])
    done = round_f32([v - i0 for v in done])
    done = round_f32([v * scale for v in done])
    done = round_f32([f0 + v for v in done])
    return round_f32([v / frame_size for v in done])


class InputBuffers:
    """Memory that ``crop_to_input`` reuses from frame to frame for one stream of frames:
    the model input square, and the double-size scratch image of ``resize_for_model``.

    Saves allocating (and the kernel zero-filling) about 0.5 MB a frame. The model input
    returned with these buffers is overwritten by the next call: hand it to the model
    before cropping the next frame.
    """

    def __init__(self, input_size: int) -> None:
        self.input_size = input_size
        self.canvas = np.zeros((input_size, input_size, 3), dtype=np.uint8)
        self.double = np.empty((2 * input_size, 2 * input_size, 3), dtype=np.uint8)
        # Where the last frame's pixels went in the canvas (iy0, ix0, ih, iw); black around.
        self.placed: tuple[int, int, int, int] | None = None


def crop_to_input(
    image: RGBImage,
    region: CropRegion,
    input_size: int,
    *,
    best_quality: bool = False,
    buffers: InputBuffers | None = None,
) -> tuple[npt.NDArray[np.uint8], InputMapping]:
    """Cut ``region`` out of ``image`` and resize it to an ``input_size`` square.

    The part of the region inside the frame is resized on its own and placed on a black
    square, so the mapping back is exact for any region, inside the frame or not.
    ``best_quality`` uses plain area averaging computed exactly (``area_resize``: for still
    images, where time is no issue). With ``buffers`` (of this ``input_size``) the square
    is ``buffers.canvas``, resized into in place: the same pixels, no new memory.
    """
    height, width = image.shape[:2]
    scale = input_size / region.size
    fx0 = max(0, math.floor(region.x0))
    fy0 = max(0, math.floor(region.y0))
    fx1 = min(width, math.ceil(region.x0 + region.size))
    fy1 = min(height, math.ceil(region.y0 + region.size))
    if fx1 - fx0 < 1 or fy1 - fy0 < 1:
        raise ValueError(f"crop region {region} does not overlap the {width}x{height} frame")
    ix0 = min(input_size - 1, max(0, round((fx0 - region.x0) * scale)))
    iy0 = min(input_size - 1, max(0, round((fy0 - region.y0) * scale)))
    iw = max(1, min(input_size - ix0, round((fx1 - fx0) * scale)))
    ih = max(1, min(input_size - iy0, round((fy1 - fy0) * scale)))
    patch = image[fy0:fy1, fx0:fx1]
    mapping = InputMapping(fx0, fy0, fx1, fy1, ix0, iy0, iw, ih, input_size)
    if buffers is None:
        canvas = np.zeros((input_size, input_size, 3), dtype=np.uint8)
        scratch = None
    else:
        if buffers.input_size != input_size:
            raise ValueError(f"buffers for {buffers.input_size} px, not {input_size} px")
        canvas, scratch = buffers.canvas, buffers.double
        if buffers.placed != (iy0, ix0, ih, iw):
            canvas.fill(0)  # black where this frame's pixels will not go
            buffers.placed = (iy0, ix0, ih, iw)
    target = canvas[iy0 : iy0 + ih, ix0 : ix0 + iw]
    if best_quality:
        target[...] = area_resize(patch, iw, ih)
    else:
        resize_for_model(patch, iw, ih, dst=target, scratch=scratch)
    return canvas, mapping


def resize_for_model(
    patch: RGBImage,
    width: int,
    height: int,
    *,
    dst: RGBImage | None = None,
    scratch: RGBImage | None = None,
) -> RGBImage:
    """Resize ``patch`` to ``width`` x ``height`` pixels, fast and without heavy aliasing.

    Area averaging is the right filter for shrinking, but at a fractional ratio OpenCV's
    costs ~1.5 ms on a 1080p frame, a third of the model's time. Bilinear to twice the size
    and then an exact 2:1 area step costs ~0.2 ms and keeps most of its anti-aliasing;
    below 2:1, bilinear alone barely aliases.

    ``dst``: a ``(height, width, 3)`` array (a view is fine) to write the result into and
    return. ``scratch``: an array at least ``(2 * height, 2 * width, 3)`` for the double-size
    step. Neither changes a pixel of the result.
    """
    patch_h, patch_w = patch.shape[:2]
    if patch_w > 2 * width and patch_h > 2 * height:
        double_dst = None if scratch is None else scratch[: 2 * height, : 2 * width]
        double = cv2.resize(
            patch, (2 * width, 2 * height), dst=double_dst, interpolation=cv2.INTER_LINEAR
        )
        resized = cv2.resize(double, (width, height), dst=dst, interpolation=cv2.INTER_AREA)
    else:
        resized = cv2.resize(patch, (width, height), dst=dst, interpolation=cv2.INTER_LINEAR)
    if dst is None:
        return np.asarray(resized, dtype=np.uint8)
    if resized is not dst:  # OpenCV allocated instead (cannot happen for a right-sized view)
        dst[...] = resized
    return dst


def area_resize(patch: RGBImage, width: int, height: int) -> RGBImage:
    """Resize ``patch`` to ``width`` x ``height`` by area averaging, in integer arithmetic.

    Each output pixel is the mean of the source area it covers (source pixels partly
    inside count by the part inside), rounded half up: the filter of OpenCV's
    ``INTER_AREA``, whose results it matches within one level. OpenCV's computes in
    floating point with CPU-specific code, and on arm64 rounds some values one level
    apart from x86 (83 of the 110,592 of the peer's image2 as the model's input), enough
    to move a MoveNet keypoint by 4 input pixels; this gives the same bytes on any CPU.

    The exact integral of the source over ``[0, y) x [0, x)`` is the bilinear
    interpolation of its integral image (``cv2.integral``: integer sums, exact whatever
    the order). Scaled by ``height * width``, it is an integer at every output pixel's
    corner, so a pixel's mean is an integer divided by ``src_height * src_width``.
    """
    src_h, src_w = patch.shape[:2]
    if width < 1 or height < 1 or src_w < 1 or src_h < 1:
        raise ValueError(f"cannot resize {src_w}x{src_h} pixels to {width}x{height}")
    # int32 sums while they fit; float64 holds integers below 2**53 exactly
    depth = cv2.CV_32S if 255 * src_h * src_w < 2**31 else cv2.CV_64F
    integral = np.asarray(cv2.integral(patch, sdepth=depth))
    if integral.ndim == 2:
        integral = integral[:, :, np.newaxis]
    # Output edge k lies at k * src / size source pixels: at pixel q, fraction r / size.
    qy, ry = np.divmod(np.arange(height + 1, dtype=np.int64) * src_h, height)
    qx, rx = np.divmod(np.arange(width + 1, dtype=np.int64) * src_w, width)
    qy1, qx1 = np.minimum(qy + 1, src_h), np.minimum(qx + 1, src_w)  # weight 0 when r == 0

    def at(rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        return integral[np.ix_(rows, cols)].astype(np.int64)

    wy0, wy1 = (height - ry)[:, None, None], ry[:, None, None]
    wx0, wx1 = (width - rx)[None, :, None], rx[None, :, None]
    corners = wy0 * (wx0 * at(qy, qx) + wx1 * at(qy, qx1)) + wy1 * (
        wx0 * at(qy1, qx) + wx1 * at(qy1, qx1)
    )
    sums = corners[1:, 1:] - corners[1:, :-1] - corners[:-1, 1:] + corners[:-1, :-1]
    area = src_h * src_w
    resized = ((sums + area // 2) // area).astype(np.uint8)
    return resized.reshape((height, width, *patch.shape[2:]))
