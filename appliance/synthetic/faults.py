"""Rep plans: the joint angles of a good rep, and each coaching fault as a deviation of them.

A posture is a vector of ``CHANNELS`` (see ``Channel``): knee flexion (degrees, 0 =
straight), trunk inclination (degrees from vertical, forward positive, measured on the
hip→shoulder line), neck extension relative to the trunk (degrees, positive = head up),
spine rounding (0..1; 1 bends the spine through ``MAX_ROUNDING_DEG``), bar offset (the
wrists' horizontal distance in front of the leg line, fraction of standing height;
deadlift only) and elbow angle (degrees, 180 = straight).

A rep goes standing → ``bottom`` → ``lockout`` (a pull from the floor: from ``bottom``,
the set-up at the weight, to ``lockout``); the fault ids are those of coaching.md.
Severities are 0..1 or the names of ``SEVERITIES``: ``"mild"`` (0.5) is still plainly the
fault, as a coach would call it; ``"clear"`` (1.0) is unmistakable.
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
    # A clear shallow hinge bottoms out at 25°, a clear incomplete lockout stops at 35°:
    # together the "lockout" would lie below the bottom, a movement no lifter makes.
    frozenset({"shallow_hinge", "incomplete_lockout"}),
)
DEFAULT_SEVERITY = 0.8
"""Severity (0..1) used when none is given: between mild and clear."""
SEVERITIES: dict[str, float] = {"none": 0.0, "mild": 0.5, "clear": 1.0}
"""Named severities: what each name means on the 0..1 scale."""
NOMINAL_SHANK = 0.246  # shank length, fraction of height (Body.default), for bar offsets

Severity = float | str | Mapping[str, float | str] | None
"""One severity for every fault (number or name), one per fault id, or ``None`` (default)."""

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


def warp(**spans: tuple[float, float]) -> Array:
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
    descent_warp: Array = field(default_factory=lambda: warp(knee=(0.0, 0.7), round=(0.2, 1.0)))
    ascent_warp: Array = field(default_factory=lambda: warp(knee=(0.25, 1.0), round=(0.0, 0.8)))
    faults: frozenset[str] = frozenset()
    floor: bool = False  # a pull from the floor: ``bottom`` is the set-up at the weight
    shank: float = NOMINAL_SHANK  # the lifter's shank, fraction of height (bar offsets)


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


def _number(value: float | str, fault: str) -> float:
    if isinstance(value, str):
        if value not in SEVERITIES:
            raise ValueError(f"severity of {fault} must be 0..1 or one of {list(SEVERITIES)}")
        return SEVERITIES[value]
    return float(value)


def severity_of(severity: Severity, fault: str) -> float:
    """The severity (0..1) for ``fault``: a number or name for all, a per-fault mapping,
    or the default ``DEFAULT_SEVERITY``."""
    if severity is None:
        value = DEFAULT_SEVERITY
    elif isinstance(severity, Mapping):
        value = _number(severity.get(fault, DEFAULT_SEVERITY), fault)
    else:
        value = _number(severity, fault)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"severity of {fault} must be 0..1, got {value}")
    return value


def level(
    sev: float, good: float, mild: float, clear: float, default: float | None = None
) -> float:
    """The value at severity ``sev``: ``good`` at 0, ``mild`` at 0.5, ``clear`` at 1,
    straight lines between — through ``default`` at ``DEFAULT_SEVERITY`` when given (the
    number the evaluator's tests were tuned on before mild and clear were named)."""
    knots = [(0.0, good), (0.5, mild), (1.0, clear)]
    if default is not None:
        knots.insert(2, (DEFAULT_SEVERITY, default))
    return float(np.interp(sev, [k[0] for k in knots], [k[1] for k in knots]))


def apply_fault(plan: RepPlan, fault: str, sev: float) -> None:
    """Turn ``plan`` into a rep showing ``fault`` at severity ``sev`` (0..1), in place.

    Mild (0.5) / clear (1.0), from the plan's own good rep (0 leaves it good):
    rounded_back bends the spine (rounding 0.45 / 0.8; the head drops with the shoulders);
    head_up extends the neck 35° / 55° at the bottom; squatting sinks the hips with the
    trunk upright: knees 105° / 125°, trunk 38° / 28° (from the floor: knees 25° deeper
    and the trunk 15° more upright than the good set-up / knees 125°+, trunk 28° or
    less); locked_knees keeps the knees at 4° / 0° through the lowering; bar_drift holds
    the wrists 0.6 / 0.9 shank lengths in front of the legs when bent over; shallow_hinge
    stops the trunk at 38° / 25° with soft knees; incomplete_lockout comes up only to a
    trunk 20° / 35° forward of standing, knees bent 10° / 16°; hyperextension leans back
    12° / 22° past standing at lockout; hips_rise_early straightens the knees over the
    first 40 % / 30 % of the ascent while the trunk stays (< 5°), from at least 32° / 40°
    of knee bend; rushed lowers in 0.7 s / 0.4 s. Between, values follow ``level``; the
    default severity 0.8 keeps its former rounding 0.8 and lean-back 16°.
    """
    bottom, lockout = plan.bottom, plan.lockout
    K, T = Channel.KNEE, Channel.TRUNK
    if fault == "rounded_back":
        bottom[Channel.ROUND] = level(sev, bottom[Channel.ROUND], 0.45, 0.8, 0.8)
    elif fault == "head_up":
        bottom[Channel.NECK] = level(sev, bottom[Channel.NECK], 35.0, 55.0)
    elif fault == "squatting":
        k, t = bottom[K], bottom[T]
        if plan.floor:
            mild, clear = (
                (k + 25.0, t - 15.0),
                (min(135.0, max(125.0, k + 35.0)), min(28.0, t - 22)),
            )
        else:
            mild, clear = (105.0, 38.0), (125.0, 28.0)
        bottom[K] = level(sev, k, mild[0], clear[0])
        bottom[T] = level(sev, t, mild[1], clear[1])
    elif fault == "locked_knees":
        bottom[K] = level(sev, bottom[K], 4.0, 0.0)
        lockout[K] = min(lockout[K], bottom[K])
        plan.descent_warp[K] = (0.0, 1.0)
    elif fault == "bar_drift":
        bottom[Channel.BAR] = level(sev, bottom[Channel.BAR], 0.6 * plan.shank, 0.9 * plan.shank)
    elif fault == "shallow_hinge":
        bottom[T] = level(sev, bottom[T], 38.0, 25.0)
        bottom[K] = min(bottom[K], 20.0)
    elif fault == "incomplete_lockout":
        lockout[T] += level(sev, 0.0, 20.0, 35.0)
        lockout[K] = max(lockout[K], min(bottom[K], level(sev, lockout[K], 10.0, 16.0)))
    elif fault == "hyperextension":
        lockout[T] -= level(sev, 0.0, 12.0, 22.0, 16.0)
        lockout[K] = 0.0
    elif fault == "hips_rise_early":
        bottom[K] = max(bottom[K], level(sev, bottom[K], 32.0, 40.0))
        knees_done = level(sev, 1.0, 0.4, 0.3)
        plan.ascent_warp[K] = (0.0, knees_done)
        plan.ascent_warp[T] = (0.8 * knees_done, 1.0)
        plan.ascent_warp[Channel.ROUND] = (0.8 * knees_done, 1.0)
    elif fault == "rushed":
        plan.descent_s = level(sev, plan.descent_s, 0.7, 0.4)
        plan.bottom_s = min(plan.bottom_s, 0.1)
    else:  # pragma: no cover - check_faults runs first
        raise ValueError(f"unknown fault {fault!r}")
    plan.faults = plan.faults | {fault}


def faulty_rep(plan: RepPlan, faults: set[str] | frozenset[str], severity: Severity) -> RepPlan:
    """``plan`` with every fault in ``faults`` applied, in the order of ``FAULTS``."""
    for fault in FAULTS:
        if fault in faults:
            apply_fault(plan, fault, severity_of(severity, fault))
    return plan
