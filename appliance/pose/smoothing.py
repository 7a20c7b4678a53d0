"""The One Euro filter (Casiez, Roussel and Vogel, CHI 2012) for keypoint coordinates.

A low-pass filter whose cutoff rises with speed: steady when the lifter is still, little
lag when they move. Works on whole arrays at once (all 17 keypoints' x and y together).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def _alpha(cutoff_hz: FloatArray | float, dt_s: float) -> FloatArray | float:
    tau = 1.0 / (2.0 * math.pi * np.asarray(cutoff_hz))
    return 1.0 / (1.0 + tau / dt_s)


class OneEuroFilter:
    """Filters arrays of values sampled at timestamps in seconds.

    ``min_cutoff_hz``: cutoff when still. ``beta``: cutoff increase per unit of speed
    (value units per second). ``d_cutoff_hz``: cutoff for the speed estimate.
    """

    def __init__(self, min_cutoff_hz: float, beta: float, d_cutoff_hz: float) -> None:
        self.min_cutoff_hz = min_cutoff_hz
        self.beta = beta
        self.d_cutoff_hz = d_cutoff_hz
        self._value: FloatArray | None = None
        self._speed: FloatArray | None = None
        self._t_s = 0.0

    def reset(self) -> None:
        """Forget the past (the person left, or a new one came)."""
        self._value = None
        self._speed = None

    def __call__(self, value: FloatArray, t_s: float) -> FloatArray:
        """The filtered ``value`` at time ``t_s`` (seconds, increasing)."""
        value = np.asarray(value, dtype=np.float64)
        if self._value is None or self._speed is None or value.shape != self._value.shape:
            self._value, self._speed, self._t_s = value.copy(), np.zeros_like(value), t_s
            return value.copy()
        dt_s = t_s - self._t_s
        if dt_s <= 0.0:
            # Same or older timestamp (a repeated frame): nothing new to learn from it.
            return self._value.copy()
        speed = (value - self._value) / dt_s
        a_d = _alpha(self.d_cutoff_hz, dt_s)
        self._speed = a_d * speed + (1.0 - a_d) * self._speed
        cutoff = self.min_cutoff_hz + self.beta * np.abs(self._speed)
        a = _alpha(cutoff, dt_s)
        self._value = a * value + (1.0 - a) * self._value
        self._t_s = t_s
        return self._value.copy()
