"""Camera pairs: one performance seen at once by the mirror's front camera and a second
camera beside the lifter (``side``: about 90° round) or half-way round (``oblique``:
about 45°), each with its own placement, frame size, frame rate, pose-model noise and
clock.

``make_pair(name, seed, second=...)`` gives ``(front, side, entry)``. The lifter lifts
facing the mirror (a front view, yaw 75..90°); the scenario classes are those a mirror
meets that way (``PAIR_SCENARIOS``). ``front`` is on the front camera's clock, which is
also the performance's (the world clock); ``side`` is on its own: its frame at ``t``
seconds was taken at ``t + entry["side_offset_s"]`` on the front's clock (the side camera
started ``side_offset_s`` seconds after the front one; negative: before). Both sets'
``reps`` are on their own clock. ``entry`` is the labels entry of the pair (docs/labels.md,
"Camera pairs"), without ``path`` and ``side_path``.

Units: seconds, metres, degrees, pixels, frames per second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from appliance.synthetic.camera import Placement
from appliance.synthetic.failures import fail_side
from appliance.synthetic.lifter import SyntheticSet, render, view_of
from appliance.synthetic.noise import Noise
from appliance.synthetic.scenarios import camera, labels, perform, reps_view
from appliance.synthetic.spec import FPS_CHOICES, FRAME_SIZES, SCENARIOS, sample_spec
from appliance.synthetic.viewpoint import around, on_clock, world_timeline

PAIR_SCENARIOS = (
    "front_set",
    "walk_in_turn",
    "walk_in_depth",
    "floor_setup_start",
    "floor_walk_in",
    "pickup_on_the_way",
    "stand_still",
    "fidget",
    "walk_through",
    "pickup_only",
)
"""The scenario classes a pair is made of: every one whose lifter can face the mirror."""
SECOND_VIEWS: dict[str, tuple[float, float]] = {"side": (85.0, 95.0), "oblique": (40.0, 50.0)}
"""Where the second camera stands: degrees round the lifting spot from the front camera
(either way round), by the view it gives of a lifter facing the mirror."""
OFFSET_RANGE_S = (-2.0, 2.0)
REP_LEAD_S = 0.5  # a drawn side camera starts at least this long before the first rep
SIDE_KEYS = (
    "side_azimuth_deg",
    "side_distance_m",
    "side_camera_height_m",
    "side_width",
    "side_height",
    "side_vfov_deg",
    "side_fps",
    "side_offset_s",
    "side_tail_s",
    "side_noise",
)
"""Overrides of the second camera (``make_pair``), each a ``SecondCamera`` field."""


@dataclass(frozen=True)
class SecondCamera:
    """The second camera: ``view`` (``side``/``oblique``, its placement); ``azimuth_deg``
    round the lifting spot from the front camera (+: toward the front picture's right);
    ``distance_m`` from the spot; ``camera_height_m`` above the floor; frame ``width`` ×
    ``height`` pixels; ``vfov_deg``; ``fps``; ``offset_s``, when its first frame was taken
    on the front's clock; ``tail_s``, how much longer than the front it records (negative:
    shorter); its pose model's ``noise``."""

    view: str
    azimuth_deg: float
    distance_m: float
    camera_height_m: float
    width: int
    height: int
    vfov_deg: float
    fps: float
    offset_s: float
    tail_s: float
    noise: Noise

    def placement(self, lifter_height_m: float) -> Placement:
        """The camera as the renderer places it (level, looking at the lifting spot)."""
        return Placement.pinhole(
            camera_height_m=self.camera_height_m,
            distance_m=self.distance_m,
            lifter_height_m=lifter_height_m,
            vfov_deg=self.vfov_deg,
        )


def second_camera(
    view: str,
    rng: np.random.Generator,
    given: dict[str, Any],
    *,
    first_rep_s: float | None = None,
    walk_from: str = "",
) -> SecondCamera:
    """A ``view`` camera drawn from ``rng`` (every value drawn, so overriding one leaves
    the rest as they were), ``given`` overrides (``SIDE_KEYS``) applied. Unless given: the
    camera stands on the side the lifter does not walk in from (``walk_from`` ``left`` or
    ``right`` of the front picture; else either side), out of their way; the offset is
    drawn from -2..+2 s but no later than ``REP_LEAD_S`` before the first rep
    (``first_rep_s`` on the front's clock), so the side camera sees every rep."""
    lo, hi = SECOND_VIEWS[view]
    sign = 1.0 if rng.random() < 0.5 else -1.0
    sign = {"left": 1.0, "right": -1.0}.get(walk_from, sign)
    size = FRAME_SIZES[int(rng.integers(len(FRAME_SIZES)))]
    latest = OFFSET_RANGE_S[1]
    if first_rep_s is not None:
        latest = min(latest, max(0.0, first_rep_s - REP_LEAD_S))
    drawn: dict[str, Any] = {
        "side_azimuth_deg": sign * float(rng.uniform(lo, hi)),
        "side_distance_m": float(rng.uniform(2.0, 3.5)),
        "side_camera_height_m": float(rng.uniform(0.6, 1.3)),
        "side_width": size[0],
        "side_height": size[1],
        "side_vfov_deg": float(rng.random()),  # the fraction of the lens range (below)
        "side_fps": float(FPS_CHOICES[int(rng.integers(len(FPS_CHOICES)))]),
        "side_offset_s": round(float(rng.uniform(OFFSET_RANGE_S[0], latest)), 3),
        "side_tail_s": round(float(rng.uniform(-0.5, 1.0)), 3),
        "side_noise": Noise(
            jitter_px=float(rng.uniform(1.5, 3.5)),
            dropout_rate=float(rng.uniform(0.005, 0.02)),
            swap_rate=float(rng.uniform(0.005, 0.02)),
            empty_rate=float(rng.uniform(0.005, 0.02)),
            empty_run_rate=float(rng.uniform(0.001, 0.004)) if rng.random() < 0.5 else 0.0,
        ),
    }
    v = {**drawn, **given}
    width, height = int(v["side_width"]), int(v["side_height"])
    if "side_vfov_deg" not in given:
        lens = (60.0, 75.0) if height > width else (45.0, 60.0)
        v["side_vfov_deg"] = lens[0] + drawn["side_vfov_deg"] * (lens[1] - lens[0])
    if float(v["side_fps"]) <= 0 or width <= 0 or height <= 0:
        raise ValueError("side_fps, side_width and side_height must be above 0")
    return SecondCamera(
        view=view,
        azimuth_deg=float(v["side_azimuth_deg"]),
        distance_m=float(v["side_distance_m"]),
        camera_height_m=float(v["side_camera_height_m"]),
        width=width,
        height=height,
        vfov_deg=float(v["side_vfov_deg"]),
        fps=float(v["side_fps"]),
        offset_s=float(v["side_offset_s"]),
        tail_s=float(v["side_tail_s"]),
        noise=v["side_noise"],
    )


def make_pair(
    name: str,
    seed: int = 0,
    *,
    second: str = "side",
    side_fails_at_s: float | None = None,
    side_failure: str = "stall",
    **overrides: Any,
) -> tuple[SyntheticSet, SyntheticSet, dict[str, Any]]:
    """The ``name`` scenario (``PAIR_SCENARIOS``) from ``seed``, performed once and seen by
    the front camera and a ``second`` (``side``/``oblique``) camera: ``(front, side,
    entry)``. ``overrides`` are ``make_scenario``'s (they fix the lifter, the set and the
    front camera: ``fps``, ``width``, ``noise``, ...; ``view`` must stay ``front``) plus
    ``SIDE_KEYS`` for the second camera. ``side_fails_at_s`` (front's clock) makes the
    side camera fail from then on, as ``side_failure`` says (``FAILURES``). The same
    arguments give the same pair. The performance (and so the labels), the front camera
    and its noise are those of ``make_scenario(name, seed, view="front", ...)``; the
    front file equals that recording wherever the lifter stands or lifts (walking legs
    may differ by a fraction of a stride: both cameras take the gait from one fine world
    clock, ``viewpoint.FINE_HZ``, so that they agree)."""
    if name not in PAIR_SCENARIOS:
        raise ValueError(f"no pair for {name!r}; one of {', '.join(PAIR_SCENARIOS)}")
    if second not in SECOND_VIEWS:
        raise ValueError(f"second must be one of {', '.join(SECOND_VIEWS)}, got {second!r}")
    given = {k: overrides.pop(k) for k in SIDE_KEYS if k in overrides}
    overrides.setdefault("view", "front")
    spec = sample_spec(name, np.random.default_rng([seed, SCENARIOS.index(name)]), overrides)
    if view_of(spec.yaw_deg) != "front":
        raise ValueError(f"in a pair the lifter faces the mirror (yaw 70..90°), not {spec.yaw_deg}")
    streams = np.random.SeedSequence([seed, 7919]).spawn(4)
    motion_rng, noise_rng, side_rng, side_noise_rng = (np.random.default_rng(s) for s in streams)
    placement = camera(spec)
    performance = perform(spec, placement, motion_rng)
    world, end_s = world_timeline(performance), performance.t
    first = world.reps[0].start_s if world.reps else None
    cam = second_camera(second, side_rng, given, first_rep_s=first, walk_from=spec.walk_from)
    size = (spec.width, spec.height)
    front_frames = max(1, math.ceil(end_s * spec.fps))
    front = render(
        around(on_clock(world, 0.0, spec.fps, front_frames), 0.0, spec.distance_m),
        body=spec.body,
        mode=spec.mode,
        view=reps_view(spec),
        placement=placement,
        noise=spec.noise,
        fps=spec.fps,
        size=size,
        rng=noise_rng,
    )
    side_frames = max(1, math.ceil((end_s + cam.tail_s - cam.offset_s) * cam.fps))
    side = render(
        around(
            on_clock(world, cam.offset_s, cam.fps, side_frames), cam.azimuth_deg, cam.distance_m
        ),
        body=spec.body,
        mode=spec.mode,
        view=None if front.view is None else view_of(_lifting_yaw(spec.yaw_deg, spec.facing, cam)),
        placement=cam.placement(spec.body.height_m),
        noise=cam.noise,
        fps=cam.fps,
        size=(cam.width, cam.height),
        rng=side_noise_rng,
    )
    entry = labels(spec, front)
    entry["second_view"] = cam.view
    entry["side_offset_s"] = cam.offset_s
    entry["side_failure"] = None
    entry["tags"].update(
        {
            "second_view": cam.view,
            "side_facing": _side_facing(spec.yaw_deg, spec.facing, cam),
            "side_fps": int(cam.fps) if cam.fps.is_integer() else cam.fps,
            "side_width": cam.width,
            "side_height": cam.height,
            "side_camera_height_m": round(cam.camera_height_m, 2),
            "side_distance_m": round(cam.distance_m, 2),
            "side_noise_px": round(cam.noise.jitter_px, 2),
            "side_failure": "none",
        }
    )
    if side_fails_at_s is not None:
        side, entry = fail_side(side, entry, side_fails_at_s, side_failure)
    return front, side, entry


def _lifting_heading(yaw_deg: float, facing: str, cam: SecondCamera) -> float:
    """The lifter's heading to the second camera while lifting (see ``stage.heading``)."""
    return (yaw_deg if facing == "right" else 180.0 - yaw_deg) + cam.azimuth_deg


def _lifting_yaw(yaw_deg: float, facing: str, cam: SecondCamera) -> float:
    heading = np.radians(_lifting_heading(yaw_deg, facing, cam))
    return float(np.degrees(np.arccos(min(1.0, abs(float(np.cos(heading)))))))


def _side_facing(yaw_deg: float, facing: str, cam: SecondCamera) -> str:
    """Which way the lifter faces in the second camera's picture while lifting."""
    heading = np.radians(_lifting_heading(yaw_deg, facing, cam))
    return "right" if np.cos(heading) > 0 else "left"
