"""The rep counter alone, fed the hinge signal a lifter makes (degrees, shares, seconds)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from appliance.form.reps import RepDetector, RepWindow
from appliance.form.thresholds import DEFAULT_THRESHOLDS

FPS = 30.0


def between(t: float, points: list[tuple[float, float]]) -> float:
    """The value at ``t`` of the line through ``points`` ((seconds, value), in time order)."""
    for (t0, v0), (t1, v1) in itertools.pairwise(points):
        if t0 <= t <= t1:
            return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    return points[-1][1] if t > points[-1][0] else points[0][1]


def reps_of(
    trunk: Callable[[float], float], hips: Callable[[float], float], seconds: float
) -> list[RepWindow]:
    detector = RepDetector(DEFAULT_THRESHOLDS)
    found = []
    for frame in range(int(seconds * FPS)):
        t = frame / FPS
        window = detector.update(t, trunk(t), None, hips(t))
        if window is not None:
            found.append(window)
    return found


def test_a_squat_from_a_top_with_soft_knees_begins_at_that_top_not_at_an_earlier_one() -> None:
    # An RDL, then a top held on soft knees (the hips never as high as standing), then a
    # squat the hips begin. The squat began when the hips went down at 8 s.
    trunk: list[tuple[float, float]] = [
        (0, 2),
        (2, 2),
        (3, 50),
        (4, 2),
        (8.3, 2),
        (9, 28),
        (10, 2),
        (13, 2),
    ]
    hips: list[tuple[float, float]] = [
        (0, 1.0),
        (2, 1.0),
        (4, 0.95),
        (4.5, 0.75),
        (8, 0.75),
        (8.5, 0.45),
        (9.2, 0.4),
    ]
    hips += [(10, 1.0), (13, 1.0)]
    reps = reps_of(lambda t: between(t, trunk), lambda t: between(t, hips), 13.0)
    assert len(reps) == 2
    rdl, squat = reps
    assert rdl.start_s < 2.5
    assert 7.5 <= squat.start_s <= 8.5
    assert 8.5 <= squat.bottom_s <= 9.5
