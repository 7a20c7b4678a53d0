"""Draw a straight rod (a wooden dowel, a metal or PVC pipe) into a real frame.

The rod is rendered in its own straight frame (length x thickness, one pixel per frame
pixel, with an analytic anti-aliased edge), shaded as a lit cylinder (diffuse across its
width, a specular stripe for metal and PVC, grain along a wooden one), warped into the
frame, smeared along its motion during the exposure, hidden where ``occluder`` says the
body is in front, and composited. Units: frame pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

Mask = npt.NDArray[np.bool_]
Image = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Material:
    """``base``: RGB 0..255; ``shine``: strength of the specular stripe (0 matte wood, ~0.8
    metal); ``grain``: strength of wood grain (0..0.2)."""

    name: str
    base: tuple[int, int, int]
    shine: float
    grain: float


MATERIALS: tuple[Material, ...] = (
    Material("pale wood", (196, 158, 108), 0.10, 0.10),
    Material("dark wood", (120, 78, 44), 0.08, 0.12),
    Material("metal", (160, 162, 168), 0.85, 0.0),
    Material("black pvc", (38, 38, 40), 0.55, 0.0),
    Material("white pvc", (225, 225, 220), 0.30, 0.0),
)


def _texture(
    length: int, radius: float, material: Material, rng: np.random.Generator
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], float]:
    """Colour ``(h, length, 3)`` 0..1 and alpha ``(h, length)`` of a straight rod along x, and
    the row of its axis."""
    pad = 2
    h = math.ceil(2 * radius) + 2 * pad
    axis = h / 2.0
    v = np.arange(h, dtype=np.float32) + 0.5 - axis  # distance from the axis, pixels
    alpha_col = np.clip(radius + 0.5 - np.abs(v), 0.0, 1.0)
    n = np.clip(v / max(radius, 0.5), -1.0, 1.0)
    light = 0.55 + 0.45 * np.sqrt(1.0 - n**2) - 0.15 * n  # lit from above
    shine = material.shine * np.exp(-(((n + 0.35) / 0.22) ** 2))
    base = np.array(material.base, dtype=np.float32) / 255.0
    colour = base[None, None, :] * light[:, None, None] + shine[:, None, None]
    colour = np.repeat(colour, length, axis=1)
    if material.grain > 0:
        x = np.arange(length, dtype=np.float32)
        phase = rng.uniform(0, 6.28)
        grain = 1.0 + material.grain * np.sin(x / rng.uniform(5, 12) + phase + 2.0 * n[:, None])
        colour *= grain[:, :, None]
    alpha = np.repeat(alpha_col[:, None], length, axis=1)
    ends = np.clip(np.minimum(np.arange(length) + 0.5, length - np.arange(length) - 0.5), 0, 1)
    alpha = alpha * ends[None, :]
    return np.clip(colour, 0, 1).astype(np.float32), alpha.astype(np.float32), axis


def draw_rod(
    image: Image,
    p1: tuple[float, float],
    p2: tuple[float, float],
    radius: float,
    material: Material,
    rng: np.random.Generator,
    occluder: Mask | None = None,
    motion: tuple[float, float] = (0.0, 0.0),
) -> tuple[Image, npt.NDArray[np.float32]]:
    """``image`` with the rod from ``p1`` to ``p2`` (frame pixels, ``radius`` pixels) drawn
    in, and its coverage (0..1 per pixel, after occlusion). ``motion``: how far the rod moves
    during the exposure (pixels), for motion blur."""
    h, w = image.shape[:2]
    dx, dy = p2[0] - p1[0], p2[1] - p1[1]
    length = max(2, round(math.hypot(dx, dy)))
    ux, uy = dx / length, dy / length
    colour, alpha, axis = _texture(length, max(radius, 0.6), material, rng)
    # Texture (u, v) -> frame: p1 + u * (ux, uy) + (v - axis) * (-uy, ux)
    affine = np.array([[ux, -uy, p1[0] + axis * uy], [uy, ux, p1[1] - axis * ux]], dtype=np.float64)
    warp = {"flags": cv2.INTER_LINEAR, "borderMode": cv2.BORDER_CONSTANT, "borderValue": 0}
    ocv: Any = cv2  # OpenCV's stubs do not follow float32 arrays through
    premult: Any = ocv.warpAffine(colour * alpha[:, :, None], affine, (w, h), **warp)
    cover: Any = ocv.warpAffine(alpha, affine, (w, h), **warp)
    blur = math.hypot(*motion)
    if blur >= 1.0:
        k = math.ceil(blur) | 1
        kernel = np.zeros((k, k), np.float32)
        c = k // 2
        for s in np.linspace(-0.5, 0.5, 4 * k):
            kernel[round(c + s * motion[1]), round(c + s * motion[0])] += 1.0
        kernel /= kernel.sum()
        premult = ocv.filter2D(premult, -1, kernel)
        cover = ocv.filter2D(cover, -1, kernel)
    if occluder is not None:
        keep: Any = ocv.GaussianBlur((~occluder).astype(np.float32), (3, 3), 0)
        premult *= keep[:, :, None]
        cover *= keep
    # Sensor noise on the rod, like the rest of the picture has.
    noise = rng.normal(0.0, 0.012, premult.shape).astype(np.float32) * cover[:, :, None]
    out = image.astype(np.float32) / 255.0 * (1.0 - cover[:, :, None]) + premult + noise
    return (np.clip(out, 0, 1) * 255.0 + 0.5).astype(np.uint8), cover


def draw_box(
    image: Image,
    p1: tuple[float, float],
    p2: tuple[float, float],
    half_width: float,
    colour: tuple[int, int, int],
    occluder: Mask | None = None,
    shade: float = 0.15,
) -> Image:
    """A flat-faced bar (a door jamb, a rack upright, a plate seen edge-on) from ``p1`` to
    ``p2``, ``half_width`` pixels either side, lit a little unevenly, behind ``occluder``."""
    h, w = image.shape[:2]
    layer = np.zeros((h, w), np.uint8)
    dx, dy = p2[0] - p1[0], p2[1] - p1[1]
    n = math.hypot(dx, dy) or 1.0
    ox, oy = -dy / n * half_width, dx / n * half_width
    poly = np.array(
        [
            (p1[0] + ox, p1[1] + oy),
            (p2[0] + ox, p2[1] + oy),
            (p2[0] - ox, p2[1] - oy),
            (p1[0] - ox, p1[1] - oy),
        ],
        dtype=np.float32,
    )
    cv2.fillConvexPoly(layer, np.round(poly * 16).astype(np.int32), 255, cv2.LINE_AA, 4)
    a = layer.astype(np.float32) / 255.0
    if occluder is not None:
        a *= ~occluder
    ys, xs = np.mgrid[0:h, 0:w]
    side = ((xs - p1[0]) * -dy + (ys - p1[1]) * dx) / n / max(half_width, 1.0)
    col = np.array(colour, np.float32)[None, None, :] * (1.0 - shade * side[:, :, None])
    out = image.astype(np.float32) * (1 - a[:, :, None]) + col * a[:, :, None]
    return np.clip(out, 0, 255).astype(np.uint8)


def jpeg_round_trip(image: Image, quality: int = 85) -> Image:
    """The picture as a camera's encoder would leave it (RGB in, RGB out)."""
    ok, data = cv2.imencode(
        ".jpg",
        cv2.cvtColor(image, cv2.COLOR_RGB2BGR),
        [
            cv2.IMWRITE_JPEG_QUALITY,
            quality,
        ],
    )
    assert ok
    ocv: Any = cv2
    return np.asarray(ocv.cvtColor(ocv.imdecode(data, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB))
