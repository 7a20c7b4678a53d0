"""What one scenario recording is: the room, the camera, the lifter, the set — drawn from a
seed, any of it overridable (``sample_spec``).

Units: seconds, metres, degrees, pixels. ``yaw_deg`` is the lifter's angle from profile
while lifting (0 side-on, 90 facing the camera); ``facing`` which way a side-on lifter
faces in the picture (for oblique and front sets: the side they turned from).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from appliance.synthetic.body import Body
from appliance.synthetic.faults import CONFLICTS
from appliance.synthetic.noise import Noise
from appliance.synthetic.styles import STYLES, check_style
from appliance.synthetic.timeline import Tempo

STANDING_SETS = ("side_set", "oblique_set", "front_set")
MOVING_SETS = ("walk_in_turn", "walk_in_depth", "turn_around", "side_to_front")
FLOOR_SETS = ("floor_setup_start", "floor_walk_in")
PICKUP_SETS = ("pickup_on_the_way",)
NO_REP = ("pickup_only", "stand_still", "fidget", "walk_through")
SCENARIOS = STANDING_SETS + MOVING_SETS + FLOOR_SETS + PICKUP_SETS + NO_REP
"""Every scenario class, in the order the corpus cycles through them."""

VIEW_YAW = {"side": (0.0, 15.0), "oblique": (30.0, 60.0), "front": (75.0, 90.0)}
FRAME_SIZES = ((640, 480), (1280, 720), (480, 640), (720, 1280))
FPS_CHOICES = (15.0, 30.0, 60.0)


@dataclass(frozen=True)
class Spec:
    """One recording. ``style`` is a ``styles.STYLES`` name or ``"none"`` (no reps);
    ``faults`` maps 1-based reps to fault ids; ``severity`` ``none``/``mild``/``clear``;
    ``walk_from`` ``left``/``right``/``far``/``""`` (already there); ``turn_after`` the
    rep after which a turning lifter turns; ``pickup`` ``in``/``out`` (on the way in or
    out); ``still_s`` standing still before the reps (no-rep sequences: their length);
    ``vfov_deg`` the camera's vertical field of view."""

    scenario: str
    style: str
    load: str
    mode: str
    reps: int
    faults: Mapping[int, frozenset[str]]
    severity: str
    facing: str
    yaw_deg: float
    walk_from: str
    leave: bool
    turn_after: int
    pickup: str
    still_s: float
    fps: float
    width: int
    height: int
    camera_height_m: float
    distance_m: float
    vfov_deg: float
    body: Body = field(repr=False)
    noise: Noise
    tempo: Tempo


class _Pick:
    """Values drawn from the rng (always, so overriding one leaves the rest as they
    were), replaced by an override of the same name when there is one."""

    def __init__(self, rng: np.random.Generator, overrides: Mapping[str, Any]) -> None:
        self.rng, self.overrides = rng, dict(overrides)

    def __call__(self, name: str, drawn: Any) -> Any:
        return self.overrides.pop(name) if name in self.overrides else drawn

    def choice(self, name: str, options: Iterable[Any]) -> Any:
        options = list(options)
        return self(name, options[int(self.rng.integers(len(options)))])

    def uniform(self, name: str, lo: float, hi: float) -> float:
        return float(self(name, float(self.rng.uniform(lo, hi))))


def sample_spec(name: str, rng: np.random.Generator, overrides: Mapping[str, Any]) -> Spec:
    """A ``name`` scenario drawn from ``rng``; ``overrides`` fix any ``Spec`` field, plus
    ``view`` (side/oblique/front: a yaw in its range), ``lifter_height_m`` and
    ``jitter_px``. ``ValueError`` for an unknown scenario, field or impossible request."""
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; one of {', '.join(SCENARIOS)}")
    known = {f.name for f in fields(Spec)} | {"view", "lifter_height_m", "jitter_px"}
    unknown = sorted(set(overrides) - known)
    if unknown or "scenario" in overrides:
        raise ValueError(f"cannot override {unknown or ['scenario']}; known: {sorted(known)}")
    pick = _Pick(rng, overrides)
    style = pick.choice("style", _styles(name))
    load = pick.choice("load", STYLES[style].loads if style in STYLES else ("none",))
    if style != "none":
        check_style(style, load)
    mode = pick.choice("mode", ("drill", "deadlift")) if style == "none" else STYLES[style].mode
    views = {"oblique_set": "oblique", "front_set": "front"}
    odds = (
        [1.0, 0.0, 0.0] if name in ("side_set", "turn_around", "side_to_front") else [0.6, 0.2, 0.2]
    )
    view = pick("view", views.get(name, ["side", "oblique", "front"][_odds(rng, odds)]))
    yaw = pick.uniform("yaw_deg", *VIEW_YAW[view])
    low = 2 if name in ("turn_around", "side_to_front") else 1
    reps = int(pick("reps", 0 if name in NO_REP else int(rng.integers(low, 11))))
    severity = pick.choice("severity", ("none", "mild", "mild", "clear", "clear"))
    if reps == 0 or style == "none":
        severity = "none"
    drawn = _faults(rng, STYLES[style].faults if style in STYLES else (), reps, severity)
    faults = {int(k): frozenset(v) for k, v in pick("faults", drawn).items()}
    if faults and severity == "none":
        severity = "clear"
    _check_faults(style, reps, faults)
    body = Body.random(rng)
    body = replace(body, height_m=pick.uniform("lifter_height_m", 1.55, 1.90))
    size = FRAME_SIZES[int(rng.integers(len(FRAME_SIZES)))]
    width, height = int(pick("width", size[0])), int(pick("height", size[1]))
    fps = float(pick.choice("fps", FPS_CHOICES))
    noise = Noise(
        jitter_px=pick.uniform("jitter_px", 1.5, 3.5),
        dropout_rate=float(rng.uniform(0.005, 0.02)),
        swap_rate=float(rng.uniform(0.005, 0.02)),
        empty_rate=float(rng.uniform(0.005, 0.02)),
        empty_run_rate=float(rng.uniform(0.001, 0.004)) if rng.random() < 0.5 else 0.0,
    )
    tempo = Tempo(
        descent_s=float(rng.uniform(1.4, 2.4)),
        bottom_s=float(rng.uniform(0.1, 0.8)),
        ascent_s=float(rng.uniform(0.8, 1.6)),
        top_s=float(rng.uniform(0.6, 1.5)),
    )
    walk_from = _walk_from(name, rng)
    spec = Spec(
        scenario=name,
        style=style,
        load=load,
        mode=mode,
        reps=reps,
        faults=faults,
        severity=severity,
        facing=pick.choice("facing", ("right", "left")),
        yaw_deg=yaw,
        walk_from=pick("walk_from", walk_from),
        leave=bool(pick("leave", bool(rng.random() < 0.5))),
        turn_after=int(pick("turn_after", int(rng.integers(1, max(2, reps))))),
        pickup=pick.choice("pickup", ("in", "out")),
        still_s=pick.uniform("still_s", *((10.0, 20.0) if name in NO_REP else (1.5, 3.0))),
        fps=fps,
        width=width,
        height=height,
        camera_height_m=pick.uniform("camera_height_m", 0.9, 1.4),
        distance_m=pick.uniform("distance_m", 2.5, 3.5),
        vfov_deg=pick.uniform("vfov_deg", *((60.0, 75.0) if height > width else (45.0, 60.0))),
        body=pick("body", body),
        noise=pick("noise", noise),
        tempo=pick("tempo", tempo),
    )
    if pick.overrides:
        raise ValueError(f"overrides not used: {sorted(pick.overrides)}")
    if name in NO_REP and spec.reps != 0:
        raise ValueError(f"{name} has no reps, got reps={spec.reps}")
    if name not in NO_REP and not low <= spec.reps <= 30:
        raise ValueError(f"{name} needs {low}..30 reps, got {spec.reps}")
    if name in ("turn_around", "side_to_front") and not 1 <= spec.turn_after < spec.reps:
        raise ValueError(f"turn_after must be 1..{spec.reps - 1} for {name}")
    return spec


def _styles(name: str) -> tuple[str, ...]:
    if name in NO_REP:
        return ("none",)
    if name in FLOOR_SETS:
        return ("floor_pull",)
    return ("dowel", "good_morning", "rdl")


def _odds(rng: np.random.Generator, weights: list[float]) -> int:
    p = np.asarray(weights, dtype=np.float64)
    return int(rng.choice(len(p), p=p / p.sum()))


def _walk_from(name: str, rng: np.random.Generator) -> str:
    side = ("left", "right")[int(rng.integers(2))]
    if name == "walk_in_depth":
        return "far"
    if name == "walk_through":
        return ("left", "right", "far")[int(rng.integers(3))]
    if name in ("walk_in_turn", "floor_walk_in", "pickup_on_the_way", "pickup_only"):
        return side
    return ""


def _faults(
    rng: np.random.Generator, allowed: tuple[str, ...], reps: int, severity: str
) -> dict[int, frozenset[str]]:
    """30..60 % of the reps faulty (at least one), with one or two faults chosen for the
    set; a faulty rep shows one of them, now and then both. The draws are the same
    whatever the severity, so a good set and its faulty twin share everything else."""
    order = rng.permutation(max(1, len(allowed)))
    single, share = rng.random() < 0.65, float(rng.uniform(0.3, 0.6))
    faulty, both = rng.permutation(max(1, reps)), rng.random(max(1, reps)) < 0.25
    if severity == "none" or reps == 0 or not allowed:
        return {}
    chosen = [allowed[int(i)] for i in order[:2]]
    if single or frozenset(chosen) in CONFLICTS:
        chosen = chosen[:1]
    picked = sorted(int(i) + 1 for i in faulty[: max(1, round(reps * share))])
    out: dict[int, frozenset[str]] = {}
    for n, rep in enumerate(picked):
        two = len(chosen) == 2 and bool(both[n])
        out[rep] = frozenset(chosen if two else [chosen[n % len(chosen)]])
    return out


def _check_faults(style: str, reps: int, faults: Mapping[int, frozenset[str]]) -> None:
    allowed = STYLES[style].faults if style in STYLES else ()
    for rep, ids in faults.items():
        if not 1 <= rep <= reps:
            raise ValueError(f"fault rep numbers must be 1..{reps}, got {rep}")
        wrong = sorted(set(ids) - set(allowed))
        if wrong:
            raise ValueError(
                f"{style} cannot show {wrong}: its faults are {', '.join(allowed) or 'none'}"
            )
        for pair in CONFLICTS:
            if pair <= ids:
                raise ValueError(f"faults {sorted(pair)} contradict each other on one rep")
