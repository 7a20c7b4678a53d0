"""Is a found line a thin bar (a stick), or the edge of something wide?

A stick 2.5-3.2 cm thick shows as a thin stripe that differs from the picture on *both*
sides (brighter or darker); the edge of a back, a shirt, an arm, a door jamb or a rack
upright differs on one side only, or is far wider. ``stripe`` samples the working picture
across a line at points along it and says, at each, how strongly such a stripe runs there
and how bright its middle is (one stick is one material: its brightness stays much the
same along it, where the things it lines up with by chance differ).

Units: positions in frame pixels (converted to the working pixels of the ``Patch``, see
``appliance.stick.lines``); grey levels 0..255.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from appliance.stick.lines import Patch

HALF_WIDTH = 0.032
"""The stick's half thickness as a fraction of the body scale ``S`` (1.6 cm of 0.5 m)."""

MIN_CONTRAST = 6.0
"""Grey levels a stripe must differ from both its sides by."""

SIDE = (1.0, 2.5)
"""Working pixels past the stick's edge where its sides are read: close enough that a bar
a few times thicker (a door jamb, a rack upright) fills them too."""

STEP_RATIO = 0.5
"""A stripe differs from its weaker side by at least this fraction of the step between
its two sides."""

RIM = (0.4, 0.5)
"""Read against its rims (``Patch.rimmed``): the core's half width (of the stick's half
width) and the rims' half width (working pixels) about the stick's edges."""

RIM_CONTRAST = 8.0
"""Grey levels a core must be brighter than both rims by (noise fills so thin a read)."""

RIM_STEP_RATIO = 0.4
"""``STEP_RATIO`` read against the rims: they are the rod's edges blended with what lies
beside it (one may be a dark shirt, the other a white wall)."""

MIXING = 0.45
"""Working pixels: a stripe of half width ``hw`` shows about ``1 - MIXING / hw`` of its own
grey level in its middle (the rest is its surroundings, blurred in)."""

Floats = npt.NDArray[np.float64]


def stripe(
    patch: Patch,
    point: tuple[float, float],
    direction: tuple[float, float],
    ts: Floats,
    body_scale: float,
    max_shift: float = 2.5,
) -> tuple[Floats, Floats, Floats]:
    """At each of ``ts`` (frame pixels from ``point`` along the unit ``direction``): how
    strongly (grey levels, 0 for none) a thin stripe runs along the line within
    ``max_shift`` working pixels of it, the grey level of that stripe's middle, and how far
    from the line it runs (frame pixels along ``(-uy, ux)`` for ``direction`` ``(ux, uy)``:
    a quarter turn clockwise on the screen, where y points down)."""
    hw = max(1.0, HALF_WIDTH * body_scale * patch.scale)
    t = ts * patch.scale
    px, py = patch.to_work(*point)
    ux, uy = patch.turn(*direction)
    nx, ny = patch.turn(-direction[1], direction[0])
    reach = hw + SIDE[1] + max_shift
    d = np.arange(-reach, reach + 1e-6, 0.5)
    t32, d32 = t.astype(np.float32)[:, None], d.astype(np.float32)[None, :]
    xs = (np.float32(px) + t32 * np.float32(ux)) + d32 * np.float32(nx)
    ys = (np.float32(py) + t32 * np.float32(uy)) + d32 * np.float32(ny)
    values = cv2.remap(patch.grey, xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    # Means over runs of columns (offsets across the line), for every shift at once,
    # from running sums: ``(len(ts), len(shifts))`` each (float32 holds them exactly).
    sums = np.zeros((len(t), len(d) + 1), np.float32)
    np.cumsum(values, axis=1, dtype=np.float32, out=sums[:, 1:])
    shifts = np.arange(-max_shift, max_shift + 0.01, 0.5)

    def mean(lo: Floats, hi: Floats) -> Floats:
        # The columns from lo to hi (inclusive) for each shift: the shifts lie on the
        # columns' grid, so each window is the first one moved one column per shift.
        a = int(np.searchsorted(d, lo[0] - 1e-6))
        b = int(np.searchsorted(d, hi[0] + 1e-6, "right"))
        k = len(lo)
        return (sums[:, b : b + k] - sums[:, a : a + k]) / max(1, b - a)

    if patch.rim:  # a bright core against the rod's own shaded rims (``Patch.rimmed``)
        half = max(0.5, RIM[0] * hw)
        centre = mean(shifts - half, shifts + half)
        left = mean(shifts - hw - RIM[1], shifts - hw + RIM[1])
        right = mean(shifts + hw - RIM[1], shifts + hw + RIM[1])
    else:
        half = max(0.6, 0.7 * hw)
        centre = mean(shifts - half, shifts + half)
        left = mean(shifts - hw - SIDE[1], shifts - hw - SIDE[0])
        right = mean(shifts + hw + SIDE[0], shifts + hw + SIDE[1])
    a, b = centre - left, centre - right
    weaker = np.minimum(np.abs(a), np.abs(b))
    # A step edge with a thin halo (compression ringing) differs a little from both sides
    # but far more from one than the other: not a stripe.
    ratio = RIM_STEP_RATIO if patch.rim else STEP_RATIO
    stripe_like = (np.sign(a) == np.sign(b)) & (weaker >= ratio * np.abs(left - right))
    if patch.rim:  # clearly: noise fills so thin a read
        stripe_like &= weaker >= RIM_CONTRAST
    response = np.where(stripe_like, weaker, 0.0)
    k = np.argmax(response, axis=1)
    rows = np.arange(len(t))
    best = response[rows, k]
    seen = best > 0
    # The stick's own grey level: a thin stripe's middle is mixed with what lies beside
    # it (blur, resampling), by about ``mix`` of its weight: unmixed, one stick reads the
    # same over a dark shirt and a pale wall.
    mix = float(np.clip(1.0 - MIXING / hw, 0.4, 1.0))
    sides = (left[rows, k] + right[rows, k]) / 2.0
    level = np.where(seen, sides + (centre[rows, k] - sides) / mix, 0.0)
    where = np.where(seen, shifts[k], 0.0)
    return best, level, where / patch.scale


def unit(dx: float, dy: float) -> tuple[float, float]:
    """``(dx, dy)`` scaled to length 1."""
    n = math.hypot(dx, dy) or 1.0
    return dx / n, dy / n
