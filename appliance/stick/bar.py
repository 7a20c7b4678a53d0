"""Is a found line a thin bar (a stick), or the edge of something wide?

A stick 2.5-3.2 cm thick shows as a thin stripe that differs from the picture on *both*
sides (brighter or darker); the edge of a back, a shirt, an arm, a door jamb or a rack
upright differs on one side only, or is far wider. ``bar_support`` samples the working
picture across the line at points spread over its seen parts and returns the fraction
of them that look like such a stripe.

Units: working pixels of the ``Patch`` (see ``appliance.stick.lines``); grey levels 0..255.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from appliance.stick.lines import Patch

HALF_WIDTH = 0.032
"""The stick's half thickness as a fraction of the body scale ``S`` (1.6 cm of 0.5 m)."""

MIN_CONTRAST = 6.0
"""Grey levels a stripe must differ from both its sides by."""

STEP_RATIO = 0.1
"""A stripe differs from its weaker side by at least this fraction of the step between
its two sides."""

SAMPLES = 24


def bar_support(
    patch: Patch,
    point: tuple[float, float],
    direction: tuple[float, float],
    spans: Sequence[tuple[float, float]],
    body_scale: float,
) -> float:
    """The fraction (0..1) of sample points along the line's seen ``spans`` (frame pixels
    from ``point`` along the unit ``direction``) where a thin stripe runs along it."""
    total = sum(b - a for a, b in spans)
    if total <= 0:
        return 0.0
    ts: list[float] = []
    for a, b in spans:
        n = max(1, round(SAMPLES * (b - a) / total))
        ts.extend(a + (np.arange(n) + 0.5) * (b - a) / n)
    best = stripe(patch, point, direction, np.asarray(ts), body_scale)
    return float(np.mean(best >= MIN_CONTRAST)) if len(best) else 0.0


def stripe(
    patch: Patch,
    point: tuple[float, float],
    direction: tuple[float, float],
    ts: np.ndarray,
    body_scale: float,
) -> np.ndarray:
    """How strongly (grey levels) a thin stripe runs along the line at each of ``ts``
    (frame pixels from ``point`` along the unit ``direction``)."""
    hw = max(1.0, HALF_WIDTH * body_scale * patch.scale)
    t = ts * patch.scale
    px, py = patch.to_work(*point)
    ux, uy = direction
    nx, ny = -uy, ux
    reach = hw + 4.5
    d = np.arange(-reach, reach + 1e-6, 0.5)
    xs = (px + t[:, None] * ux + d[None, :] * nx).astype(np.float32)
    ys = (py + t[:, None] * uy + d[None, :] * ny).astype(np.float32)
    grey = patch.grey.astype(np.float32)
    values = cv2.remap(grey, xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    best = np.zeros(len(t))
    for shift in np.arange(-2.5, 2.51, 0.5):
        rel = d - shift
        centre = values[:, np.abs(rel) <= max(0.6, 0.7 * hw)].mean(axis=1)
        left = values[:, (rel >= -(hw + 3.5)) & (rel <= -(hw + 1.0))].mean(axis=1)
        right = values[:, (rel >= hw + 1.0) & (rel <= hw + 3.5)].mean(axis=1)
        a, b = centre - left, centre - right
        same = np.sign(a) == np.sign(b)
        weaker = np.minimum(np.abs(a), np.abs(b))
        # A step edge with a thin halo (compression ringing) differs a little from both
        # sides but far more from one than the other: not a stripe.
        response = np.where(same & (weaker >= STEP_RATIO * np.abs(left - right)), weaker, 0.0)
        best = np.maximum(best, response)
    return best


def extend(
    patch: Patch,
    point: tuple[float, float],
    direction: tuple[float, float],
    lo: float,
    hi: float,
    body_scale: float,
    limit: float,
) -> tuple[float, float]:
    """``(lo, hi)`` pushed outward (frame pixels along the line) while the stripe goes on,
    by at most ``limit`` pixels each way: line detectors often stop short of a thin
    stick's ends or break it where it crosses a busy background."""
    step = 1.0 / patch.scale  # one working pixel
    out = []
    for sign, start in ((1.0, hi), (-1.0, lo)):
        ts = start + sign * step * np.arange(1, max(2, int(limit / step)))
        wx, wy = patch.to_work(point[0], point[1])
        xs = wx + ts * patch.scale * direction[0]
        ys = wy + ts * patch.scale * direction[1]
        h, w = patch.grey.shape
        inside = (xs >= 1) & (ys >= 1) & (xs <= w - 2) & (ys <= h - 2)
        ts = ts[: int(np.argmin(inside)) if not inside.all() else len(ts)]
        if len(ts) == 0:
            out.append(start)
            continue
        strong = stripe(patch, point, direction, ts, body_scale) >= MIN_CONTRAST
        end, misses = start, 0
        for t, ok in zip(ts, strong, strict=True):
            if ok:
                end, misses = float(t), 0
            else:
                misses += 1
                if misses > 2:
                    break
        out.append(end)
    return out[1], out[0]


def unit(dx: float, dy: float) -> tuple[float, float]:
    """``(dx, dy)`` scaled to length 1."""
    n = math.hypot(dx, dy) or 1.0
    return dx / n, dy / n
