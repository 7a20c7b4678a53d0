"""The camera: body-frame points (metres) → frame pixels, and how visible each point is.

World frame (metres): ``X`` to the right of the picture, ``Y`` up from the floor, ``Z``
away from the camera. The lifter stands at ``X = 0`` on the floor, ``distance_m`` in
front of the camera, and is turned by ``yaw`` (degrees): 0 is a side view (facing the
picture's right or left), 90 faces the camera (the mirror), 30..60 is oblique. The
projection is a pinhole looking horizontally (mild perspective at 3 m), or orthographic
when ``distance_m`` is ``None``. ``project_world`` places a lifter who moves about the
room instead: a heading (degrees, 0 faces the picture's right, 90 the camera, 180 the
left, -90 away) and a position ``(X, Z)`` relative to the lifting spot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from appliance.types import KEYPOINT_INDEX, KEYPOINT_NAMES

Array = npt.NDArray[np.float64]

FACINGS = ("right", "left")
FAR_SIDE_FACTOR = 0.45  # score multiplier of a limb hidden behind the body in profile
_LEFT = np.array([name.startswith("left_") for name in KEYPOINT_NAMES])
_RIGHT = np.array([name.startswith("right_") for name in KEYPOINT_NAMES])
_FACE = np.array([name in ("nose", "left_eye", "right_eye") for name in KEYPOINT_NAMES])
_HIPS = [KEYPOINT_INDEX["left_hip"], KEYPOINT_INDEX["right_hip"]]
_SHOULDERS = [KEYPOINT_INDEX["left_shoulder"], KEYPOINT_INDEX["right_shoulder"]]


@dataclass(frozen=True)
class Placement:
    """Where the lifter is in the picture: ``height_frac`` of the frame height is the
    standing height (at the lifter's distance); the point between the ankles is at
    ``center_x`` of the width and ``floor_y`` of the height (fractions); the camera is
    ``distance_m`` away (``None``: orthographic) at ``camera_height`` of the lifter's
    height, or at ``camera_height_m`` metres above the floor when that is given."""

    height_frac: float = 0.7
    center_x: float = 0.5
    floor_y: float = 0.92
    distance_m: float | None = 3.0
    camera_height: float = 0.6
    camera_height_m: float | None = None

    def __post_init__(self) -> None:
        if not 0.05 <= self.height_frac <= 2.0:
            raise ValueError(f"height_frac must be 0.05..2, got {self.height_frac}")
        if self.distance_m is not None and self.distance_m < 1.0:
            raise ValueError(f"distance_m must be at least 1 m (or None), got {self.distance_m}")

    @classmethod
    def pinhole(
        cls,
        *,
        camera_height_m: float,
        distance_m: float,
        lifter_height_m: float,
        vfov_deg: float,
        center_x: float = 0.5,
    ) -> Placement:
        """A level camera ``camera_height_m`` above the floor, ``distance_m`` from the
        lifting spot, its optical centre in the middle of the frame, seeing ``vfov_deg``
        degrees vertically — widened (a wider lens) if the lifter's head (plus 0.12 m) or
        feet (minus 0.12 m) would leave the frame. The frame's pixels scale with it."""
        seen_m = 2.0 * distance_m * float(np.tan(np.radians(vfov_deg) / 2.0))
        need_m = 2.0 * max(lifter_height_m + 0.12 - camera_height_m, camera_height_m + 0.12)
        seen_m = max(seen_m, need_m)
        return cls(
            height_frac=lifter_height_m / seen_m,
            center_x=center_x,
            floor_y=0.5 + camera_height_m / seen_m,
            distance_m=distance_m,
            camera_height_m=camera_height_m,
        )

    def camera_y_m(self, height_m: float) -> float:
        """Camera height above the floor, metres, for a lifter ``height_m`` tall."""
        if self.camera_height_m is not None:
            return self.camera_height_m
        return self.camera_height * height_m

    def pixels_per_m(self, frame_height: int, height_m: float) -> float:
        """Scale at the lifter's distance, pixels per metre."""
        return self.height_frac * frame_height / height_m

    def walk_distance_m(self, width: int, height: int, height_m: float) -> float:
        """How far the lifter must walk to be wholly out of the picture (metres)."""
        half = max(self.center_x, 1.0 - self.center_x) * width
        return half / self.pixels_per_m(height, height_m) + 0.8


def axes(yaw_deg: Array, facing: str) -> tuple[Array, Array]:
    """The lifter's forward and left unit vectors in the world, ``(n, 3)`` each."""
    if facing not in FACINGS:
        raise ValueError(f"facing must be 'right' or 'left', got {facing!r}")
    sign = 1.0 if facing == "right" else -1.0
    yaw = np.radians(yaw_deg)
    zero = np.zeros_like(yaw)
    forward = np.stack([sign * np.cos(yaw), zero, -np.sin(yaw)], axis=1)
    left = np.stack([np.sin(yaw), zero, sign * np.cos(yaw)], axis=1)
    return forward, left


def project(
    points: Array,
    face: Array,
    yaw_deg: Array,
    root_m: Array,
    facing: str,
    height_m: float,
    placement: Placement,
    width: int,
    height: int,
) -> tuple[Array, Array]:
    """``(xy_px, visibility)``: ``(n, 17, 2)`` pixel positions and ``(n, 17)`` factors
    0..1 by which a point's confidence drops when it is hidden: far-side limbs in
    profile, a face turned away, hips behind a trunk bent towards the camera.
    ``root_m`` moves the lifter along their yaw-0 facing direction (walking)."""
    forward, left = axes(yaw_deg, facing)
    sign = 1.0 if facing == "right" else -1.0
    offset = np.stack([sign * root_m, np.zeros_like(root_m)], axis=1)
    return _project(points, face, forward, left, offset, height_m, placement, width, height)


def project_world(
    points: Array,
    face: Array,
    heading_deg: Array,
    x_m: Array,
    z_m: Array,
    height_m: float,
    placement: Placement,
    width: int,
    height: int,
) -> tuple[Array, Array]:
    """Like ``project`` for a lifter anywhere in the room: ``heading_deg`` per frame (0
    faces the picture's right, 90 the camera, 180 the left, -90 away from the camera),
    ``x_m`` to the right of and ``z_m`` further from the camera than the lifting spot."""
    h = np.radians(heading_deg)
    zero = np.zeros_like(h)
    forward = np.stack([np.cos(h), zero, -np.sin(h)], axis=1)
    left = np.stack([np.sin(h), zero, np.cos(h)], axis=1)
    offset = np.stack([x_m, z_m], axis=1)
    return _project(points, face, forward, left, offset, height_m, placement, width, height)


def _project(
    points: Array,
    face: Array,
    forward: Array,
    left: Array,
    offset: Array,
    height_m: float,
    placement: Placement,
    width: int,
    height: int,
) -> tuple[Array, Array]:
    up = np.array([0.0, 1.0, 0.0])
    world = (
        points[..., 0:1] * forward[:, None, :]
        + points[..., 1:2] * up
        + points[..., 2:3] * left[:, None, :]
    )
    world[..., 0] += offset[:, 0:1]
    world[..., 2] += offset[:, 1:2]
    if placement.distance_m is None:
        scale = np.ones(world.shape[:2])
    else:
        scale = placement.distance_m / (placement.distance_m + world[..., 2])
    f = placement.pixels_per_m(height, height_m)
    cam_y = placement.camera_y_m(height_m)
    v_cam = placement.floor_y * height - f * cam_y
    xy = np.empty((*world.shape[:2], 2))
    xy[..., 0] = placement.center_x * width + f * world[..., 0] * scale
    xy[..., 1] = v_cam - f * (world[..., 1] - cam_y) * scale
    return xy, _visibility(points, face, forward, left)


def _visibility(points: Array, face: Array, forward: Array, left: Array) -> Array:
    n = len(points)
    vis = np.ones((n, len(KEYPOINT_NAMES)))
    left_to_camera = -left[:, 2]  # +1: the left side faces the camera
    vis[:, _LEFT] *= 1.0 - (1 - FAR_SIDE_FACTOR) * np.maximum(0.0, -left_to_camera)[:, None]
    vis[:, _RIGHT] *= 1.0 - (1 - FAR_SIDE_FACTOR) * np.maximum(0.0, left_to_camera)[:, None]
    face_to_camera = -(face[:, 0] * forward[:, 2] + face[:, 2] * left[:, 2])
    vis[:, _FACE] *= (0.7 + 0.3 * face_to_camera)[:, None]
    # Front on, a trunk bent towards the camera hides the hips behind it.
    torso = points[:, _SHOULDERS].mean(axis=1) - points[:, _HIPS].mean(axis=1)
    lean = np.clip(torso[:, 0] / np.maximum(np.linalg.norm(torso[:, :2], axis=1), 1e-9), 0, 1)
    toward = np.maximum(0.0, -forward[:, 2])
    vis[:, _HIPS] *= (1.0 - 0.35 * lean * toward**2)[:, None]
    return vis
