"""The synthetic lifter's public face: ``make_set`` → a ``SyntheticSet`` of poses.

A set is a timeline of joint angles (``timeline``), turned into 3-D keypoints
(``kinematics``), seen by a camera (``camera``) and a noisy pose model (``noise``). It
plugs into the pipeline like a keypoints-file source (``frames()``) and can be written as
a keypoints JSONL file (interfaces.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from appliance.synthetic.body import Body
from appliance.synthetic.camera import Placement, project, project_world
from appliance.synthetic.faults import Channel, Severity
from appliance.synthetic.kinematics import skeleton
from appliance.synthetic.noise import Noise, observe
from appliance.synthetic.timeline import RepTruth, Tempo, Timeline, build_timeline
from appliance.types import MODES, Frame, Pose

Array = npt.NDArray[np.float64]


def view_of(yaw_deg: float) -> str:
    """The view a camera yaw gives: ``side`` up to 20°, ``front`` from 70°, else
    ``oblique`` (the names of the analysis report)."""
    if yaw_deg <= 20.0:
        return "side"
    return "front" if yaw_deg >= 70.0 else "oblique"


@dataclass(frozen=True)
class JointAngles:
    """The true joint angles of every frame (``t_s`` seconds): knee flexion, trunk
    inclination (hip→shoulder line from vertical, forward +), neck extension relative to
    the trunk, elbow angle (degrees); spine ``rounding`` 0..1; ``bar_offset`` (wrists in
    front of the legs, fraction of height); ``yaw_deg`` of the lifter to the camera."""

    t_s: Array
    knee_deg: Array
    trunk_deg: Array
    neck_deg: Array
    rounding: Array
    bar_offset: Array
    elbow_deg: Array
    yaw_deg: Array


@dataclass(frozen=True)
class SyntheticSet:
    """A generated set: one pose (or ``None``: nobody in the frame) per frame at ``fps``,
    frame ``width``×``height`` pixels, ``mode`` (drill/deadlift), ``view``
    (side/front/oblique, ``None`` when it changes during the reps), the true ``reps``
    and, for checks, the true ``angles`` and ``body``."""

    poses: list[Pose | None]
    fps: float
    width: int
    height: int
    mode: str
    view: str | None
    reps: list[RepTruth]
    angles: JointAngles = field(repr=False)
    body: Body = field(default_factory=Body)

    @property
    def duration_s(self) -> float:
        """Length of the set, seconds."""
        return len(self.poses) / self.fps

    def frames(self) -> Iterator[Frame]:
        """The set as source frames: ``image`` is ``None``, ``pose`` the keypoints."""
        for index, pose in enumerate(self.poses):
            yield Frame(index, index / self.fps, self.width, self.height, None, pose)

    def write_jsonl(self, path: str | Path) -> Path:
        """The set as a keypoints JSONL file (interfaces.md), through the one writer."""
        from appliance.sources.keypoints_file import write_keypoints_jsonl

        frames = ((frame.t_s, frame.pose) for frame in self.frames())
        write_keypoints_jsonl(path, frames, width=self.width, height=self.height, fps=self.fps)
        return Path(path)


def make_set(
    mode: str = "deadlift",
    reps: int = 5,
    faults: Mapping[int, set[str] | frozenset[str]] | None = None,
    yaw_deg: float = 0.0,
    fps: float = 30.0,
    width: int = 640,
    height: int = 480,
    seed: int = 0,
    noise: Noise | None = None,
    body: Body | None = None,
    tempo: Tempo | None = None,
    walk_in: bool = False,
    leave: bool = False,
    *,
    facing: str = "right",
    severity: Severity = None,
    placement: Placement | None = None,
    pickup: bool = False,
    stand_s: float = 2.0,
) -> SyntheticSet:
    """Generate a set of ``reps`` hinges.

    ``faults`` maps 1-based rep numbers to coaching.md fault ids built into that rep
    (``severity`` 0..1 or ``"mild"``/``"clear"``, one for all or per fault id; default
    0.8, between mild and clear: see ``faults.apply_fault``). ``yaw_deg`` 0..90 turns
    the lifter from side view to facing the camera; ``facing`` is which way they face in
    side view. The set starts with ``stand_s`` seconds standing still (calibration) — or,
    with ``walk_in``, with the lifter walking into an empty frame; ``leave`` ends with them
    walking out. ``pickup`` (deadlift) lifts the bar from the floor before calibration and
    puts it down after the last rep. ``noise`` defaults to ``Noise()``; ``Noise.none()``
    gives exact keypoints. ``body`` defaults to ``Body.default()``; ``tempo`` to
    ``Tempo()``. Equal arguments give an identical set.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if not 0.0 <= yaw_deg <= 90.0:
        raise ValueError(f"yaw_deg must be 0..90, got {yaw_deg}")
    if reps < 0 or fps <= 0 or width <= 0 or height <= 0 or stand_s < 0:
        raise ValueError("reps, stand_s must be >= 0 and fps, width, height > 0")
    faults = dict(faults or {})
    if any(not 1 <= index <= reps for index in faults):
        raise ValueError(f"fault rep numbers must be 1..{reps}, got {sorted(faults)}")
    if pickup and mode != "deadlift":
        raise ValueError("pickup is for deadlift mode (the drill has no bar on the floor)")
    body = body or Body.default()
    placement = placement or Placement()
    noise = Noise() if noise is None else noise
    motion_rng, noise_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2)
    )
    walk_m = placement.walk_distance_m(width, height, body.height_m)
    tl = build_timeline(
        mode=mode,
        reps=reps,
        faults=faults,
        severity=severity,
        fps=fps,
        stand_trunk_deg=body.stand_trunk_deg,
        height_m=body.height_m,
        tempo=tempo or Tempo(),
        yaw_deg=yaw_deg,
        walk_in_m=walk_m if walk_in else None,
        leave_m=walk_m if leave else None,
        pickup=pickup,
        stand_s=stand_s,
        rng=motion_rng,
    )
    return render(
        tl,
        body=body,
        mode=mode,
        view=view_of(yaw_deg),
        placement=placement,
        noise=noise,
        fps=fps,
        size=(width, height),
        rng=noise_rng,
        facing=facing,
    )


def render(
    tl: Timeline,
    *,
    body: Body,
    mode: str,
    view: str | None,
    placement: Placement,
    noise: Noise,
    fps: float,
    size: tuple[int, int],
    rng: np.random.Generator,
    facing: str = "right",
) -> SyntheticSet:
    """A timeline seen by the camera (``size`` = width, height pixels) through the pose
    model's ``noise`` (drawn from ``rng``). The lifter is placed by the timeline's
    ``heading_deg``/``x_m``/``z_m`` when it has them, else by its ``yaw_deg`` and
    ``root_m`` with ``facing``. Left/right swaps happen while the lifter is within 30°
    of profile."""
    width, height = size
    skel = skeleton(body, tl, mode)
    if tl.heading_deg is not None and tl.x_m is not None and tl.z_m is not None:
        xy, visibility = project_world(
            skel.points,
            skel.face,
            tl.heading_deg,
            tl.x_m,
            tl.z_m,
            body.height_m,
            placement,
            width,
            height,
        )
    else:
        xy, visibility = project(
            skel.points,
            skel.face,
            tl.yaw_deg,
            tl.root_m,
            facing,
            body.height_m,
            placement,
            width,
            height,
        )
    rows = observe(xy, visibility, width, height, noise, tl.yaw_deg <= 30.0, rng)
    poses = [
        None if r is None else Pose(r, width, height, i / fps, True) for i, r in enumerate(rows)
    ]
    p = tl.posture.T
    angles = JointAngles(
        t_s=tl.t_s,
        knee_deg=p[Channel.KNEE],
        trunk_deg=p[Channel.TRUNK],
        neck_deg=p[Channel.NECK],
        rounding=p[Channel.ROUND],
        bar_offset=p[Channel.BAR],
        elbow_deg=p[Channel.ELBOW],
        yaw_deg=tl.yaw_deg,
    )
    return SyntheticSet(poses, fps, width, height, mode, view, list(tl.reps), angles, body)
