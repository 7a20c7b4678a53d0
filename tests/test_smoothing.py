"""The One Euro filter: steady when still, quick when moving, forgetful when told."""

from __future__ import annotations

import numpy as np

from appliance.pose.smoothing import OneEuroFilter


def test_jitter_on_a_still_point_is_mostly_removed():
    rng = np.random.default_rng(1)
    smoother = OneEuroFilter(min_cutoff_hz=1.5, beta=5.0, d_cutoff_hz=1.0)
    raw = 0.5 + rng.normal(0, 0.005, size=(300, 2))
    out = np.array([smoother(v, i / 30) for i, v in enumerate(raw)])
    assert out[30:].std() < raw[30:].std() / 2.5


def test_a_fast_movement_is_followed_within_a_few_frames():
    smoother = OneEuroFilter(min_cutoff_hz=1.5, beta=5.0, d_cutoff_hz=1.0)
    for i in range(30):
        smoother(np.array([0.3]), i / 30)
    # The hips travel 0.3 of the frame in a third of a second, then stop.
    for i in range(10):
        last = smoother(np.array([0.3 + 0.03 * (i + 1)]), (30 + i) / 30)
    for i in range(5):
        last = smoother(np.array([0.6]), (40 + i) / 30)
    assert abs(last[0] - 0.6) < 0.02


def test_after_a_reset_the_first_value_passes_straight_through():
    smoother = OneEuroFilter(1.5, 5.0, 1.0)
    smoother(np.array([0.1]), 0.0)
    smoother(np.array([0.1]), 0.1)
    smoother.reset()
    assert smoother(np.array([0.9]), 0.2)[0] == 0.9


def test_a_repeated_timestamp_does_not_divide_by_zero():
    smoother = OneEuroFilter(1.5, 5.0, 1.0)
    smoother(np.array([0.1]), 1.0)
    assert np.isfinite(smoother(np.array([0.5]), 1.0)).all()
