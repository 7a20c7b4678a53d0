"""A walk between two points of the floor: speeding up over the first and slowing down
over the last ``EASE_M`` metres (or starting/ending at cruising speed), cruising between.

Times in seconds, distances in metres, speeds in metres per second; positions ``(x, z)``
on the floor (see ``choreo``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
EASE_M = 0.5  # walking speeds up over the first and slows down over the last 0.5 m


@dataclass(frozen=True)
class Walk:
    """A walk from ``p0`` to ``p1`` starting at ``t0`` (s), cruising at ``v`` (m/s)."""

    t0: float
    p0: tuple[float, float]
    p1: tuple[float, float]
    v: float
    ease_in: bool
    ease_out: bool

    @property
    def length(self) -> float:
        return math.dist(self.p0, self.p1)

    def phases(self) -> tuple[float, float, float, float, float, float]:
        """(speed-up s, cruise s, slow-down s, cruise speed, speed-up m, slow-down m)."""
        e_in, e_out, v = EASE_M * self.ease_in, EASE_M * self.ease_out, self.v
        if e_in + e_out > self.length:
            k = self.length / (e_in + e_out)
            e_in, e_out, v = e_in * k, e_out * k, v * math.sqrt(k)
        cruise = (self.length - e_in - e_out) / v
        return 2 * e_in / v, cruise, 2 * e_out / v, v, e_in, e_out

    @property
    def seconds(self) -> float:
        t_in, cruise, t_out, *_ = self.phases()
        return t_in + cruise + t_out

    def distance(self, t: Array) -> Array:
        """Metres travelled at times ``t`` (clipped to the walk)."""
        t_in, cruise, t_out, v, e_in, _ = self.phases()
        dt = np.clip(t - self.t0, 0.0, t_in + cruise + t_out)
        speeding = v * dt**2 / (2 * max(t_in, 1e-9))
        u = dt - t_in - cruise
        slowing = e_in + v * cruise + v * u - v * u**2 / (2 * max(t_out, 1e-9))
        s = np.where(dt < t_in, speeding, np.where(u <= 0, e_in + v * (dt - t_in), slowing))
        return np.clip(s, 0.0, self.length)
