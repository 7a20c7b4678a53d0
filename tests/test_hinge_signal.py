"""The torso length's jitter, kept step by step, is the median step over the window's last
90 lengths, as sorting them all each frame gave."""

from __future__ import annotations

import itertools
import math

import numpy as np

from appliance.form.hinge import HingeSignal
from appliance.form.thresholds import Thresholds


def _sorted_jitter(lengths: list[float]) -> float:
    if len(lengths) < 5:
        return 0.0
    steps = sorted(abs(b - a) / max(1.0, b) for a, b in itertools.pairwise(lengths[-90:]))
    return 1.2 * 1.4826 * steps[len(steps) // 2] / math.sqrt(2.0)


def test_a_noisy_torso_with_pauses_in_view_has_the_jitter_of_its_last_90_lengths() -> None:
    rng = np.random.default_rng(7)
    signal = HingeSignal(Thresholds())
    t = 0.0
    for frame in range(600):
        # 30 fps, with the lifter out of view now and then: gaps that empty the window, or
        # leave it the last half second
        window_s = Thresholds().torso_window_s
        gap_s = (1.05 if frame % 300 else 0.95) * window_s
        t += 1 / 30 if frame % 150 else gap_s
        length = float(200.0 + rng.normal(0.0, 4.0) - (30.0 if frame % 60 > 40 else 0.0))
        signal._remember((t, length, 0.0, 0.0))
        kept = [sample[1] for sample in signal._torso]
        assert signal._length_jitter() == _sorted_jitter(kept)
