"""Lifting styles: what a good rep looks like for each load (coaching.md, "What correct
looks like depends on the load"), and which faults each style can show.

Good bottom postures (knee flexion; trunk inclination from vertical, degrees):

- ``dowel`` — the drill, no load, stick cradled in the elbows: knees 12..25°, trunk 60..80°.
- ``good_morning`` — no load or a barbell across the upper back: knees 10..20°, trunk 70..90°.
- ``rdl`` — barbell or kettlebell held at the hips, from standing: knees 15..30°, trunk
  60..85°.
- ``floor_pull`` — from the floor: a barbell with knees 70..100°, trunk 45..60° (hips
  above the knees); a kettlebell between the feet with knees 80..105°, trunk 40..55°.

Every good rep: flat back, neck 0..8° extension, the weight within 0.2 shank lengths of
the legs, full lockout at the standing angle. For a pull from the floor the set-up is
solved so the hands reach the weight on the floor (``floor_setup``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from appliance.synthetic.body import Body
from appliance.synthetic.faults import FAULTS, Channel, RepPlan, warp
from appliance.synthetic.kinematics import PLATE_RADIUS_M, skeleton
from appliance.synthetic.timeline import (
    ARM_BACK,
    ARM_BAR,
    ARM_BELL,
    ARM_DOWEL,
    Timeline,
)
from appliance.types import KEYPOINT_INDEX

Array = npt.NDArray[np.float64]
Range = tuple[float, float]

LOADS = ("none", "kettlebell", "barbell")
KETTLEBELL_HANDLE_M = 0.24  # handle height of a competition kettlebell on the floor
_NO_FLOOR = ("locked_knees", "shallow_hinge", "rushed")
_DEADLIFT_ONLY = ("bar_drift", "hips_rise_early")


@dataclass(frozen=True)
class Style:
    """A way of hinging: its evaluator ``mode``, the ``loads`` it is done with, whether
    each rep is a pull ``from_floor``, and the coaching.md ``faults`` it can show."""

    name: str
    mode: str
    loads: tuple[str, ...]
    from_floor: bool
    faults: tuple[str, ...]


STYLES: dict[str, Style] = {
    "dowel": Style(
        "dowel", "drill", ("none",), False, tuple(f for f in FAULTS if f not in _DEADLIFT_ONLY)
    ),
    "good_morning": Style(
        "good_morning",
        "drill",
        ("none", "barbell"),
        False,
        tuple(f for f in FAULTS if f not in _DEADLIFT_ONLY),
    ),
    "rdl": Style("rdl", "deadlift", ("barbell", "kettlebell"), False, FAULTS),
    "floor_pull": Style(
        "floor_pull",
        "deadlift",
        ("barbell", "kettlebell"),
        True,
        tuple(f for f in FAULTS if f not in _NO_FLOOR),
    ),
}

GOOD_BOTTOM: dict[tuple[str, str], tuple[Range, Range]] = {
    ("dowel", "none"): ((12.0, 25.0), (60.0, 80.0)),
    ("good_morning", "none"): ((10.0, 20.0), (70.0, 90.0)),
    ("good_morning", "barbell"): ((10.0, 20.0), (70.0, 90.0)),
    ("rdl", "barbell"): ((15.0, 30.0), (60.0, 85.0)),
    ("rdl", "kettlebell"): ((15.0, 30.0), (60.0, 85.0)),
    ("floor_pull", "barbell"): ((70.0, 100.0), (45.0, 60.0)),
    ("floor_pull", "kettlebell"): ((80.0, 105.0), (40.0, 55.0)),
}
"""Good bottom (knee flexion range, trunk inclination range), degrees, by (style, load)."""

LOAD_MASS: dict[tuple[str, str], float] = {
    ("good_morning", "barbell"): 0.35,
    ("rdl", "barbell"): 0.5,
    ("rdl", "kettlebell"): 0.25,
    ("floor_pull", "barbell"): 0.6,
    ("floor_pull", "kettlebell"): 0.3,
}
"""Mass of the weight, fraction of body mass (none: 0)."""


def check_style(style: str, load: str) -> Style:
    """The named style; ``ValueError`` for an unknown style or a load it is not done with."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, got {style!r}")
    if load not in STYLES[style].loads:
        raise ValueError(f"{style} is done with {' or '.join(STYLES[style].loads)}, not {load!r}")
    return STYLES[style]


def arm_mode(style: str, load: str) -> int:
    """Where the hands are while lifting (a ``timeline`` arm mode)."""
    if style == "dowel":
        return ARM_DOWEL
    if style == "good_morning":
        return ARM_BACK
    return ARM_BELL if load == "kettlebell" else ARM_BAR


def grip_floor_m(load: str, height_m: float) -> float:
    """Wrist height (metres) with the hands on the weight resting on the floor."""
    base = KETTLEBELL_HANDLE_M if load == "kettlebell" else PLATE_RADIUS_M
    return base + 0.03 * height_m


def stand_posture(style: str, load: str, stand_trunk_deg: float) -> Array:
    """Standing with the weight: knees soft (3.5°), trunk at the standing angle, elbows
    bent 90° around the dowel or straight, a bar 4.5 % of height in front of the thighs
    or a kettlebell 1 %."""
    elbow = 90.0 if style == "dowel" else 175.0
    bar = {"barbell": 0.045, "kettlebell": 0.01}.get(load, 0.0) if style != "good_morning" else 0.0
    return np.array([3.5, stand_trunk_deg, 0.0, 0.0, bar, elbow])


def good_plan(
    style: str,
    load: str,
    body: Body,
    durations: tuple[float, float, float, float],
    rng: np.random.Generator,
    setup: tuple[float, float] | None = None,
) -> RepPlan:
    """A good rep of ``style``: bottom within ``GOOD_BOTTOM`` (or, from the floor, within
    ±3° knee / ±2° trunk of the lifter's ``setup`` from ``floor_setup``), neck 0..8°,
    spine flat, the weight close to the legs, full lockout with knees 2..5°. A pull from
    the floor straightens knees and trunk together (coaching.md: "chest and hips rise
    together"); its lowering sends the hips back before the knees bend."""
    info = check_style(style, load)
    stand = stand_posture(style, load, body.stand_trunk_deg)
    bottom = stand.copy()
    (k_lo, k_hi), (t_lo, t_hi) = GOOD_BOTTOM[(style, load)]
    if info.from_floor:
        knee, trunk = setup if setup is not None else floor_setup(body, load, rng)
        bottom[Channel.KNEE] = knee + rng.uniform(-3.0, 3.0)
        bottom[Channel.TRUNK] = trunk + rng.uniform(-2.0, 2.0)
    else:
        bottom[Channel.KNEE] = rng.uniform(k_lo, k_hi)
        bottom[Channel.TRUNK] = rng.uniform(t_lo, t_hi)
    bottom[Channel.NECK] = rng.uniform(0.0, 8.0)
    bottom[Channel.ROUND] = rng.uniform(0.0, 0.04)
    if load == "barbell" and style != "good_morning":
        bottom[Channel.BAR] = rng.uniform(0.03, 0.045)
    elif load == "kettlebell":
        bottom[Channel.BAR] = rng.uniform(-0.01, 0.02)
    if style == "dowel":
        bottom[Channel.ELBOW] = rng.uniform(85.0, 95.0)
    lockout = stand.copy()
    lockout[Channel.KNEE] = rng.uniform(2.0, 5.0)
    lockout[Channel.TRUNK] += rng.uniform(-0.5, 0.5)
    lockout[Channel.ELBOW] = bottom[Channel.ELBOW]
    plan = RepPlan(bottom, lockout, *durations, floor=info.from_floor, shank=body.shank)
    if info.from_floor:  # chest and hips rise together; lowering, the hips go back first
        plan.ascent_warp = warp(knee=(0.0, 0.8), round=(0.0, 0.8))
        plan.descent_warp = warp(knee=(0.3, 1.0), trunk=(0.0, 0.85), round=(0.2, 1.0))
    return plan


def floor_setup(body: Body, load: str, rng: np.random.Generator) -> tuple[float, float]:
    """(knee, trunk) degrees of a good set-up at a ``load`` on the floor: the trunk drawn
    from the style's range, the knees bent until the straight arms reach the weight
    (kept in range; then the trunk is solved instead)."""
    (k_lo, k_hi), (t_lo, t_hi) = GOOD_BOTTOM[("floor_pull", load)]
    trunk = float(rng.uniform(t_lo, t_hi))
    target = grip_floor_m(load, body.height_m)
    knees = np.arange(40.0, 141.0, 2.0)
    knee = _crossing(knees, _wrist_heights(body, load, knees, np.full_like(knees, trunk)), target)
    if k_lo <= knee <= k_hi:
        return knee, trunk
    knee = float(np.clip(knee, k_lo, k_hi))
    trunks = np.arange(20.0, 91.0, 1.5)
    heights = _wrist_heights(body, load, np.full_like(trunks, knee), trunks)
    return knee, float(np.clip(_crossing(trunks, heights, target), t_lo - 5.0, t_hi + 5.0))


def _crossing(xs: Array, heights: Array, target: float) -> float:
    """Where ``heights`` (falling as ``xs`` grows) reach ``target``; the nearer end if never."""
    below = np.flatnonzero(heights <= target)
    if len(below) == 0:
        return float(xs[-1])
    i = int(below[0])
    if i == 0:
        return float(xs[0])
    a, b = heights[i - 1], heights[i]
    return float(xs[i - 1] + (xs[i] - xs[i - 1]) * (a - target) / max(a - b, 1e-9))


def _wrist_heights(body: Body, load: str, knee: Array, trunk: Array) -> Array:
    """Wrist height (metres) of straight arms hanging to the weight, for each posture; the
    weight rests on the floor (no load in the balance)."""
    n = len(knee)
    posture = np.tile(stand_posture("floor_pull", load, body.stand_trunk_deg), (n, 1))
    posture[:, Channel.KNEE], posture[:, Channel.TRUNK] = knee, trunk
    zeros = np.zeros(n)
    arms = np.full(n, ARM_BELL if load == "kettlebell" else ARM_BAR, dtype=np.int8)
    tl = Timeline(
        zeros, posture, zeros, zeros, zeros, zeros, arms, (), load=zeros, grip_floor_m=zeros
    )
    points = skeleton(body, tl, "deadlift").points
    return points[:, KEYPOINT_INDEX["right_wrist"], 1]
