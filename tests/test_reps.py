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
    trunk: Callable[[float], float],
    hips: Callable[[float], float | None],
    seconds: float,
    reaches_floor: Callable[[RepWindow, bool], bool] | None = None,
) -> list[RepWindow]:
    detector = RepDetector(DEFAULT_THRESHOLDS, reaches_floor)
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


def floor_set_reps(trunk: list[tuple[float, float]], floor: list[tuple[float, float]],
                   seconds: float) -> list[RepWindow]:  # fmt: skip
    """The reps of a deadlift set whose lifter is first seen bent over the weight, and goes
    down to it on the floor in the ``floor`` periods (seconds), hips high otherwise."""

    def reaches_floor(rep: RepWindow, unseen: bool) -> bool:
        return any(a <= rep.bottom_s <= b for a, b in floor)

    return reps_of(lambda t: between(t, trunk), lambda t: None, seconds, reaches_floor)


def test_a_lean_at_the_top_of_a_pull_from_the_floor_is_no_rep() -> None:
    # Seen first bent over the bar, pulled, leaned 28° at the top (knees straight, hips
    # high), then back down to the floor for two more pulls and the set-down.
    trunk: list[tuple[float, float]] = [
        (0, 50),
        (1, 50),
        (2, 2),
        (3, 2),
        (3.8, 28),
        (4.6, 2),
        (5.5, 2),
        (6.5, 50),
    ]
    trunk += [(7.5, 50), (8.5, 2), (9.5, 2), (10.5, 50), (11.5, 50), (12.5, 2), (13.5, 2)]
    trunk += [(14.5, 50), (15, 50), (16, 2), (18, 2)]
    floor = [(0, 1.2), (6.3, 7.8), (10.3, 11.8), (14.3, 15.2)]
    reps = floor_set_reps(trunk, floor, 18.0)
    assert all(rep.peak_deg >= 40 for rep in reps)
    assert len(reps) == 3  # the three pulls; the set-down is none


def test_a_shallow_first_rdl_after_a_pickup_counts_once_a_deeper_one_shows_it() -> None:
    # Seen first bent over the kettlebell (picked up walking in: a pull on first sight),
    # then RDLs from standing with the hips high: the first only 35° (as shallow as a lean
    # at the top of a pull), then 70°.
    trunk: list[tuple[float, float]] = [
        (0, 50),
        (1, 50),
        (2, 2),
        (3, 2),
        (4.2, 35),
        (5, 35),
        (6, 2),
        (7, 2),
    ]
    trunk += [(8.5, 70), (9.2, 70), (10.5, 2), (11.5, 2), (13, 70), (13.7, 70), (15, 2)]
    trunk += [(17, 2)]
    reps = floor_set_reps(trunk, [(0, 1.2)], 17.0)
    assert [round(rep.peak_deg) for rep in reps] == [50, 35, 70, 70]
    assert [rep.start_s for rep in reps] == sorted(rep.start_s for rep in reps)


def test_reps_confirmed_together_are_all_handed_on_even_if_the_lifter_then_leaves() -> None:
    # The shallow RDL and the deeper one that shows the pickup are confirmed on one frame;
    # the lifter is lost (reset) on the next: both reps still come out.
    trunk: list[tuple[float, float]] = [(0, 50), (1, 50), (2, 2), (3, 2), (4.2, 35), (5, 35)]
    trunk += [(6, 2), (7, 2), (8.5, 70), (9.2, 70), (10.5, 2), (12, 2)]
    detector = RepDetector(DEFAULT_THRESHOLDS, lambda rep, unseen: rep.bottom_s <= 1.2)
    found = []
    for frame in range(int(12 * FPS)):
        t = frame / FPS
        window = detector.update(t, between(t, trunk), None, None)
        if window is not None:
            found.append(window)
            if window.peak_deg < 40:
                detector.reset()  # the frame after the shallow one was handed on
    assert [round(rep.peak_deg) for rep in found] == [50, 35, 70]
