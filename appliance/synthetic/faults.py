"""Rep plans: the joint angles of a good rep, and each coaching fault as a deviation of them.

A posture is a vector of ``CHANNELS`` (see ``Channel``): knee flexion (degrees, 0 =
straight), trunk inclination (degrees from vertical, forward positive, measured on the
hip→shoulder line), neck extension relative to the trunk (degrees, positive = head up),
spine rounding (0..1; 1 bends the spine through ``MAX_ROUNDING_DEG``), bar offset (the
wrists' horizontal distance in front of the leg line, fraction of standing height;
deadlift only) and elbow angle (degrees, 180 = straight).

A rep goes standing → ``bottom`` → ``lockout``; the fault ids are those of coaching.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from appliance.types import FAULT_IDS

Array = npt.NDArray[np.float64]

FAULTS: tuple[str, ...] = FAULT_IDS  # every coaching.md fault can be built
DEADLIFT_ONLY = frozenset({"bar_drift"})
CONFLICTS: tuple[frozenset[str], ...] = (
    frozenset({"squatting", "locked_knees"}),
    frozenset({"squatting", "shallow_hinge"}),
    frozenset({"incomplete_lockout", "hyperextension"}),
)
DEFAULT_SEVERITY = 0.8
"""Severity (0..1) used when none is given: clearly faulty, not absurd."""

MAX_ROUNDING_DEG = 90.0
"""Total spine bend (degrees) at rounding 1."""

MIN_GOOD_DESCENT_S = 1.2


class Channel(IntEnum):
    """Index of each joint-angle channel in a posture vector."""

    KNEE = 0
    TRUNK = 1
    NECK = 2
    ROUND = 3
    BAR = 4
    ELBOW = 5


CHANNELS = len(Channel)


def _warp(**spans: tuple[float, float]) -> Array:
    """Per-channel (start, end) fractions of a transition; unnamed channels use (0, 1)."""
    warp = np.tile([0.0, 1.0], (CHANNELS, 1))
    for name, span in spans.items():
        warp[Channel[name.upper()]] = span
    return warp


@dataclass
class RepPlan:
    """One rep: postures at the bottom and at lockout, phase durations (seconds) and the
    timing of each channel within the descent and the ascent (``*_warp``: rows of
    (start, end) fractions of the phase)."""

    bottom: Array
    lockout: Array
    descent_s: float
    bottom_s: float
    ascent_s: float
    top_s: float
    descent_warp: Array = field(default_factory=lambda: _warp(knee=(0.0, 0.7), round=(0.2, 1.0)))
    ascent_warp: Array = field(default_factory=lambda: _warp(knee=(0.25, 1.0), round=(0.0, 0.8)))
    faults: frozenset[str] = frozenset()


def standing_posture(mode: str, stand_trunk_deg: float) -> Array:
    """The calibration posture: knees soft (3.5°), trunk at the body's standing angle."""
    elbow = 90.0 if mode == "drill" else 175.0
    bar = 0.045 if mode == "deadlift" else 0.0
    return np.array([3.5, stand_trunk_deg, 0.0, 0.0, bar, elbow])


def good_rep(
    mode: str,
    stand_trunk_deg: float,
    durations: tuple[float, float, float, float],
    rng: np.random.Generator,
) -> RepPlan:
    """A good rep: knees 16..24° at the bottom, trunk 75..85° (deadlift) or 63..77° (drill),
    neck 0..8° extension, spine flat, bar 3.5..5 % of height in front of the legs, full
    lockout at the standing angle with knees 2..5°."""
    bottom = standing_posture(mode, stand_trunk_deg)
    bottom[Channel.KNEE] = rng.uniform(16.0, 24.0)
    bottom[Channel.TRUNK] = rng.uniform(75.0, 85.0) if mode == "deadlift" else rng.uniform(63, 77)
    bottom[Channel.NECK] = rng.uniform(0.0, 8.0)
    bottom[Channel.ROUND] = rng.uniform(0.0, 0.04)
    if mode == "deadlift":
        bottom[Channel.BAR] = rng.uniform(0.035, 0.05)
    else:
        bottom[Channel.ELBOW] = rng.uniform(85.0, 95.0)
    lockout = standing_posture(mode, stand_trunk_deg)
    lockout[Channel.KNEE] = rng.uniform(2.0, 5.0)
    lockout[Channel.TRUNK] += rng.uniform(-0.5, 0.5)
    lockout[Channel.ELBOW] = bottom[Channel.ELBOW]
    return RepPlan(bottom, lockout, *durations)


def check_faults(faults: set[str] | frozenset[str], mode: str) -> None:
    """Raise ``ValueError`` for an unknown id, a deadlift-only fault in the drill, or a
    contradictory pair (e.g. squatting with locked knees)."""
    unknown = set(faults) - set(FAULTS)
    if unknown:
        raise ValueError(f"unknown fault ids {sorted(unknown)}; known: {', '.join(FAULTS)}")
    if mode == "drill" and faults & DEADLIFT_ONLY:
        raise ValueError(f"{sorted(faults & DEADLIFT_ONLY)} only exist in deadlift mode")
    for pair in CONFLICTS:
        if pair <= faults:
            raise ValueError(f"faults {sorted(pair)} contradict each other on one rep")


def severity_of(severity: float | Mapping[str, float] | None, fault: str) -> float:
    """The severity (0..1) for ``fault``: a number for all, a per-fault mapping, or the
    default ``DEFAULT_SEVERITY``."""
    if severity is None:
        value = DEFAULT_SEVERITY
    elif isinstance(severity, Mapping):
        value = float(severity.get(fault, DEFAULT_SEVERITY))
    else:
        value = float(severity)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"severity of {fault} must be 0..1, got {value}")
    return value


def apply_fault(plan: RepPlan, fault: str, sev: float) -> None:
    """Turn ``plan`` into a rep showing ``fault`` at severity ``sev`` (0..1), in place.

    At the default severity 0.8: rounded_back bends the spine 72° at the bottom;
    head_up extends the neck 48°; squatting bends the knees to 88° with the trunk at
    ~44°; locked_knees keeps the knees under 4°; bar_drift holds the wrists a further
    12 % of height (~half a shank) in front of the legs; shallow_hinge stops the trunk at
    about half the good depth; incomplete_lockout comes up only to 32 % of the depth;
    hyperextension leans back 16° at lockout; hips_rise_early straightens the knees
    (from ~36°) in the first half of the ascent while the trunk stays down; rushed
    lowers in ~0.5 s.
    """
    bottom, lockout = plan.bottom, plan.lockout
    K, T = Channel.KNEE, Channel.TRUNK
    if fault == "rounded_back":
        bottom[Channel.ROUND] = sev
    elif fault == "head_up":
        bottom[Channel.NECK] = 60.0 * sev
    elif fault == "squatting":
        bottom[K] = 40.0 + 60.0 * sev
        bottom[T] -= (bottom[T] - 35.0) * sev
    elif fault == "locked_knees":
        bottom[K] = 15.0 * (1.0 - sev)
        lockout[K] = min(lockout[K], bottom[K], 1.0)
        plan.descent_warp[K] = (0.0, 1.0)
    elif fault == "bar_drift":
        bottom[Channel.BAR] += 0.15 * sev
    elif fault == "shallow_hinge":
        bottom[T] *= 1.0 - 0.6 * sev
        bottom[K] *= 1.0 - 0.4 * sev
    elif fault == "incomplete_lockout":
        residual = 0.4 * sev
        for channel in (K, T):
            lockout[channel] += (bottom[channel] - lockout[channel]) * residual
    elif fault == "hyperextension":
        lockout[T] -= 20.0 * sev
        lockout[K] = 0.0
    elif fault == "hips_rise_early":
        bottom[K] = max(bottom[K], 20.0 + 20.0 * sev)
        plan.ascent_warp[K] = (0.0, 1.0 - 0.55 * sev)
        plan.ascent_warp[T] = (0.5 * sev, 1.0)
        plan.ascent_warp[Channel.ROUND] = (0.5 * sev, 1.0)
    elif fault == "rushed":
        plan.descent_s = max(0.3, 1.2 - 0.9 * sev)
        plan.bottom_s = min(plan.bottom_s, 0.1)
    else:  # pragma: no cover - check_faults runs first
        raise ValueError(f"unknown fault {fault!r}")
    plan.faults = plan.faults | {fault}


def faulty_rep(
    plan: RepPlan, faults: set[str] | frozenset[str], severity: float | Mapping[str, float] | None
) -> RepPlan:
    """``plan`` with every fault in ``faults`` applied, in the order of ``FAULTS``."""
    for fault in FAULTS:
        if fault in faults:
            apply_fault(plan, fault, severity_of(severity, fault))
    return plan
