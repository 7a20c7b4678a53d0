"""The One Euro filter (Casiez, Roussel and Vogel, CHI 2012) for keypoint coordinates.

A low-pass filter whose cutoff rises with speed: steady when the lifter is still, little
lag when they move. Works on many values at once (all 17 keypoints' x and y together),
each filtered on its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
_TWO_PI = 2.0 * math.pi


def _alpha(cutoff_hz: float, dt_s: float) -> float:
    """The smoothing factor for a cutoff (Hz) over ``dt_s`` seconds."""
    tau = 1.0 / (_TWO_PI * cutoff_hz)
    return 1.0 / (1.0 + tau / dt_s)


class OneEuroFilter:
    """Filters arrays of values sampled at timestamps in seconds.

    ``min_cutoff_hz``: cutoff when still. ``beta``: cutoff increase per unit of speed
    (value units per second). ``d_cutoff_hz``: cutoff for the speed estimate.

    It runs on every frame's 34 coordinates in the pose stage, where plain Python floats
    cost less than a dozen NumPy calls on tiny arrays (``filter_values``); arrays are
    converted (``__call__``). Both compute in float64.
    """

    def __init__(self, min_cutoff_hz: float, beta: float, d_cutoff_hz: float) -> None:
        self.min_cutoff_hz = min_cutoff_hz
        self.beta = beta
        self.d_cutoff_hz = d_cutoff_hz
        self._value: list[float] | None = None
        self._speed: list[float] | None = None
        self._t_s = 0.0

    def reset(self) -> None:
        """Forget the past (the person left, or a new one came)."""
        self._value = None
        self._speed = None

    def __call__(self, value: npt.ArrayLike, t_s: float) -> FloatArray:
        """The filtered ``value`` (an array of any shape) at time ``t_s`` (seconds,
        increasing): a new float64 array of its shape."""
        array = np.asarray(value, dtype=np.float64)
        filtered = self.filter_values(array.ravel().tolist(), t_s)
        return np.array(filtered, dtype=np.float64).reshape(array.shape)

    def filter_values(self, values: Sequence[float], t_s: float) -> list[float]:
        """The filtered ``values`` at time ``t_s`` (seconds, increasing): a new list.

        A different number of values than last time starts over, as ``reset`` does.
        """
        value, speed = self._value, self._speed
        if value is None or speed is None or len(values) != len(value):
            self._value, self._speed, self._t_s = list(values), [0.0] * len(values), t_s
            return list(values)
        dt_s = t_s - self._t_s
        if dt_s <= 0.0:
            # Same or older timestamp (a repeated frame): nothing new to learn from it.
            return list(value)
        a_d = _alpha(self.d_cutoff_hz, dt_s)
        keep_d = 1.0 - a_d
        min_cutoff, beta = self.min_cutoff_hz, self.beta
        new_value: list[float] = []
        new_speed: list[float] = []
        for v, prev, s in zip(values, value, speed, strict=True):
            s = a_d * ((v - prev) / dt_s) + keep_d * s
            # _alpha(min_cutoff + beta * |speed|, dt_s), inline: this loop is the cost
            a = 1.0 / (1.0 + (1.0 / (_TWO_PI * (min_cutoff + beta * abs(s)))) / dt_s)
            new_value.append(a * v + (1.0 - a) * prev)
            new_speed.append(s)
        self._value, self._speed, self._t_s = new_value, new_speed, t_s
        return list(new_value)
