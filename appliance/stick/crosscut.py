"""Is a line found along the spine a rod, or a body's outline? Read across it at the frame's
own resolution.

A rod 2.5-3.2 cm thick is a thing of its own lying on the picture: across its axis the
picture shows either its own colour, not a blend of the two sides it lies between, or its
own shaded rims (a lit cylinder is darker at both edges than along its middle), so that
from its middle the picture falls away on *both* sides within a rod's width. A body's
outline (the top of a back in a hinge) is one edge, between the shirt and what lies
behind it: a lit band along it has the shirt's colour, and on the shirt's side it fades
over several rod widths as the body turns away from the light. At the strip's working
resolution (``appliance.stick.lines``, a torso of 64 pixels) such a band reads as a thin
stripe; at the frame's, where the rod spans several pixels, the two differ.

``crosscut`` takes the median across-profile along a line (one rod is one material along
its length; the body's hands and head in front of it are outvoted) and says which of the
two a rod shows. Units: frame pixels, colour levels 0..255 (RGB).
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from appliance.stick.bar import HALF_WIDTH
from appliance.types import RGBImage

RESOLVED_PX = 2.5
"""A rod's half width (``HALF_WIDTH`` x S, frame pixels) from which its middle and both
edges lie in pixels of their own; below it the frame cannot tell one edge from two and
the line is not judged here."""

OWN_COLOUR = 30.0
"""Colour levels (RGB distance) by which a rod's middle lies off the blend of the colours
either side of it (1-1.75 half widths out). Body outlines taken for a stick on the tuning
renders: 12-23 (a lit band is the shirt's colour, brightened); rods without rims there:
35 and more."""

OWN_RIMS = 12.0
"""Grey (or warmth) levels by which the picture falls from a rod's middle on both sides
within its width (0.5-1.25 half widths out): its shaded rims. Body outlines: 5-10.5 on the
body's side; rods whose colour is a blend of their sides (a white rod between a dark shirt
and a white wall): 13 and more."""

CENTRE = 0.75  # half widths: the rod's middle is looked for this far either side of the line
STEP = 0.25  # half widths between the profile's columns
SAMPLES = 48  # points along the line where the profile is read

Floats = npt.NDArray[np.float64]


def _profile(image: RGBImage, ends: tuple[float, float, float, float], hw: float) -> Floats:
    """The median RGB across-profile ``(columns, 3)`` along the line between ``ends``
    (``x1, y1, x2, y2``), columns ``STEP`` half widths apart from -2.5 to 2.5 (``hw``:
    the rod's half width, frame pixels)."""
    x1, y1, x2, y2 = ends
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    ts = np.linspace(0.05 * length, 0.95 * length, SAMPLES)
    ds = np.arange(-2.5, 2.5 + 1e-6, STEP) * hw
    xs = (x1 + ts[:, None] * ux - ds[None, :] * uy).astype(np.float32)
    ys = (y1 + ts[:, None] * uy + ds[None, :] * ux).astype(np.float32)
    values = cv2.remap(image, xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return np.median(np.asarray(values, np.float64), axis=0)


def _window(a: float, b: float) -> slice:
    """Columns from ``a`` to ``b`` half widths (of ``_profile``'s -2.5..2.5)."""
    return slice(round((a + 2.5) / STEP), round((b + 2.5) / STEP) + 1)


def own_colour(profile: Floats) -> float:
    """How far (colour levels) the middle lies off the blend of its two sides, at the best
    middle within ``CENTRE``."""
    best = 0.0
    for c in np.arange(-CENTRE, CENTRE + 1e-6, STEP):
        core = profile[_window(c - 0.25, c + 0.25)].mean(axis=0)
        left = profile[_window(c - 1.75, c - 1.0)].mean(axis=0)
        right = profile[_window(c + 1.0, c + 1.75)].mean(axis=0)
        span = right - left
        t = float(np.clip((core - left) @ span / max(float(span @ span), 1e-6), 0.0, 1.0))
        best = max(best, float(np.linalg.norm(core - (left + t * span))))
    return best


def own_rims(profile: Floats) -> float:
    """How far (levels) the picture falls from the middle on its weaker side within a
    rod's width, in grey or in warmth (red less blue: a wooden rod), at the best middle
    and sign."""
    grey = profile @ np.array([0.299, 0.587, 0.114])
    warm = profile[:, 0] - profile[:, 2]
    best = 0.0
    for channel in (grey, warm):
        for c in np.arange(-CENTRE, CENTRE + 1e-6, STEP):
            mid = channel[_window(c, c)][0]
            left, right = channel[_window(c - 1.25, c - 0.5)], channel[_window(c + 0.5, c + 1.25)]
            for sign in (1.0, -1.0):
                best = max(best, min(sign * (mid - left).max(), sign * (mid - right).max()))
    return float(best)


def crosscut(image: RGBImage, ends: tuple[float, float, float, float], scale: float) -> bool:
    """Whether the line between ``ends`` (frame pixels) shows a rod's cross-section rather
    than one edge (see the module docstring); ``True`` when the rod would be too thin in
    the frame to tell (``RESOLVED_PX``). ``scale``: the body's scale S (pixels)."""
    hw = HALF_WIDTH * scale
    if hw < RESOLVED_PX:
        return True
    profile = _profile(image, ends, hw)
    return own_colour(profile) >= OWN_COLOUR or own_rims(profile) >= OWN_RIMS
