"""Scenarios: what real rooms do, as labelled synthetic recordings.

``make_scenario(name, seed, **overrides)`` gives a ``SyntheticSet`` and its labels entry
(docs/labels.md, without ``path``). The scenario classes (``SCENARIOS``):

- ``side_set`` — at the spot from the first frame, side-on (yaw 0..15°, facing right or
  left): stands still 1.5..3 s, reps, settles; maybe walks out.
- ``oblique_set`` / ``front_set`` — the same, turned 30..60° / 75..90° toward the camera.
- ``walk_in_turn`` — walks in across the picture from the left or right (``walk_from``),
  turns to the lifting direction (which may be the opposite way: a 180° turn, through
  facing the camera or facing away), stands still, reps; maybe walks out.
- ``walk_in_depth`` — enters far back, small, walking toward the camera (front view),
  stops at the spot, turns 90° to lift side-on (or as ``yaw_deg`` says); maybe walks away.
- ``turn_around`` — side-on reps, after rep ``turn_after`` turns to face the other way,
  settles, more reps (the view stays side).
- ``side_to_front`` — side-on reps, then turns to face the camera for the rest (view
  ``None``: it changes during the reps).
- ``floor_setup_start`` — pulls from the floor (barbell or kettlebell); the recording
  starts with the lifter bent over the weight; each rep pulls to lockout and lowers to the
  floor; the weight is set down, let go, and the lifter stands up (not a rep).
- ``floor_walk_in`` — the same after walking in empty-handed, settling (feet still
  1..2.5 s), bending to the weight and a set-up pause of 0.8..2 s.
- ``pickup_on_the_way`` — picks the weight up without stopping on the way in (or bends for
  something on the way out), lifts at the spot in between.
- ``pickup_only`` — walks across the picture, picks something up without stopping, walks
  out: 0 reps.
- ``stand_still`` — stands at the spot 10..20 s: 0 reps.
- ``fidget`` — stands at the spot 10..20 s with weight shifts, trunk sways under 10°, arm
  movements, a look at the floor, a step to the side: 0 reps.
- ``walk_through`` — walks in (across or toward the camera), maybe pauses, walks out: 0 reps.

Overrides are ``spec.Spec`` fields (``reps``, ``faults``, ``severity``, ``style``,
``load``, ``facing``, ``yaw_deg``, ``walk_from``, ``leave``, ``turn_after``, ``pickup``,
``fps``, ``width``, ``height``, ``camera_height_m``, ``distance_m``, ``noise``, ``body``,
``tempo``, ...) plus ``view`` (side/oblique/front) and ``lifter_height_m``, ``jitter_px``.
The same name, seed and overrides give the same recording.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from appliance.synthetic import norep, scripts
from appliance.synthetic.camera import Placement
from appliance.synthetic.choreo import Choreo
from appliance.synthetic.faults import FAULTS, RepPlan, check_faults, faulty_rep, severity_of
from appliance.synthetic.lifter import SyntheticSet, render, view_of
from appliance.synthetic.spec import SCENARIOS, Spec, sample_spec
from appliance.synthetic.stage import Stage, stage
from appliance.synthetic.styles import floor_setup, good_plan

__all__ = [
    "SCENARIOS",
    "SCRIPTS",
    "build",
    "camera",
    "labels",
    "make_scenario",
    "perform",
    "reps_view",
]

SCRIPTS: dict[str, Callable[[Stage], Choreo]] = {
    "side_set": scripts.standing_set,
    "oblique_set": scripts.standing_set,
    "front_set": scripts.standing_set,
    "walk_in_turn": scripts.walk_in_turn,
    "walk_in_depth": scripts.walk_in_turn,
    "turn_around": scripts.turn_around,
    "side_to_front": scripts.side_to_front,
    "floor_setup_start": lambda s: scripts.floor_set(s, walk_in=False),
    "floor_walk_in": lambda s: scripts.floor_set(s, walk_in=True),
    "pickup_on_the_way": scripts.pickup_on_the_way,
    "pickup_only": norep.pickup_only,
    "stand_still": norep.stand_still,
    "fidget": norep.fidget,
    "walk_through": norep.walk_through,
}


def make_scenario(
    name: str, seed: int = 0, **overrides: Any
) -> tuple[SyntheticSet, dict[str, Any]]:
    """The ``name`` scenario (see the module docstring) drawn from ``seed``, with
    ``overrides`` fixed: ``(set, labels entry)``. E.g. ``make_scenario("walk_in_turn", 3,
    walk_from="left", facing="right", reps=8)``: a lifter who walks in from the left and
    turns to lift facing right, 8 reps. ``ValueError`` for an unknown name or override."""
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; one of {', '.join(SCENARIOS)}")
    spec = sample_spec(name, np.random.default_rng([seed, SCENARIOS.index(name)]), overrides)
    return build(spec, seed)


def build(spec: Spec, seed: int = 0) -> tuple[SyntheticSet, dict[str, Any]]:
    """Render ``spec`` (motion and noise drawn from ``seed``) and label it."""
    motion_rng, noise_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence([seed, 7919]).spawn(2)
    )
    placement = camera(spec)
    c = perform(spec, placement, motion_rng)
    synthetic = render(
        c.timeline(spec.fps),
        body=spec.body,
        mode=spec.mode,
        view=reps_view(spec),
        placement=placement,
        noise=spec.noise,
        fps=spec.fps,
        size=(spec.width, spec.height),
        rng=noise_rng,
    )
    return synthetic, labels(spec, synthetic)


def camera(spec: Spec) -> Placement:
    """The scenario's camera (the mirror's, for a lifter facing it): level, at the
    spec's height and distance, with its field of view."""
    return Placement.pinhole(
        camera_height_m=spec.camera_height_m,
        distance_m=spec.distance_m,
        lifter_height_m=spec.body.height_m,
        vfov_deg=spec.vfov_deg,
    )


def perform(spec: Spec, placement: Placement, rng: np.random.Generator) -> Choreo:
    """The performance of ``spec`` (rep plans and moves drawn from ``rng``), walking in
    and out of ``placement``'s picture: the one choreography any camera may watch."""
    walk_m = placement.walk_distance_m(spec.width, spec.height, spec.body.height_m)
    return SCRIPTS[spec.scenario](stage(spec, rng, _plans(spec, rng), walk_m))


def _plans(spec: Spec, rng: np.random.Generator) -> list[RepPlan]:
    if spec.reps == 0:
        return []
    setup = floor_setup(spec.body, spec.load, rng) if spec.style == "floor_pull" else None
    severity = {f: severity_of(spec.severity, f) for f in FAULTS} if spec.faults else None
    plans = []
    for index in range(1, spec.reps + 1):
        wanted = spec.faults.get(index, frozenset())
        check_faults(wanted, spec.mode)
        durations = spec.tempo.durations(rng)
        plan = good_plan(spec.style, spec.load, spec.body, durations, rng, setup)
        plans.append(faulty_rep(plan, wanted, severity))
    return plans


def reps_view(spec: Spec) -> str | None:
    """The view during the reps: ``None`` when it changes (or there are no reps while
    moving about)."""
    if spec.scenario == "side_to_front":
        return None
    if spec.reps == 0 and spec.scenario not in ("stand_still", "fidget"):
        return None
    return view_of(spec.yaw_deg)


def _facing(spec: Spec) -> str:
    view = view_of(spec.yaw_deg)
    lifting = "camera" if view == "front" else spec.facing
    if spec.scenario == "turn_around":
        return f"{spec.facing}>{'left' if spec.facing == 'right' else 'right'}"
    if spec.scenario == "side_to_front":
        return f"{spec.facing}>camera"
    if spec.scenario in ("pickup_only", "walk_through"):
        return "walking"
    return lifting


def labels(spec: Spec, synthetic: SyntheticSet) -> dict[str, Any]:
    """The labels entry (docs/labels.md) of a rendered ``spec``, without ``path``."""
    reps = [
        {
            "start_s": round(r.start_s, 3),
            "end_s": round(r.end_s, 3),
            "faults": [f for f in FAULTS if f in r.faults],
        }
        for r in synthetic.reps
    ]
    shown = [f for f in FAULTS if any(f in r.faults for r in synthetic.reps)]
    tags: dict[str, Any] = {
        "scenario": spec.scenario,
        "facing": _facing(spec),
        "fps": int(spec.fps) if float(spec.fps).is_integer() else spec.fps,
        "width": spec.width,
        "height": spec.height,
        "orientation": "portrait" if spec.height > spec.width else "landscape",
        "camera_height_m": round(spec.camera_height_m, 2),
        "distance_m": round(spec.distance_m, 2),
        "lifter_height_m": round(spec.body.height_m, 2),
        "load": spec.load,
        "style": spec.style,
        "noise_px": round(spec.noise.jitter_px, 2),
        "severity": spec.severity if shown else "none",
        "faults": ",".join(shown) if shown else "none",
    }
    entry: dict[str, Any] = {
        "mode": spec.mode,
        "view": synthetic.view,
        "reps": len(synthetic.reps),
        "rep_labels": reps,
        "tags": tags,
    }
    return entry
