"""One performance, any camera: its timeline on a camera's own clock, and seen from a
camera placed elsewhere around the lifting spot.

A choreography is sampled once, finely (``FINE_HZ``), on the *world clock* (seconds from
its start, which is also the front camera's clock). ``on_clock`` takes from it the frames
of a camera that runs at its own ``fps`` and started ``start_s`` seconds after the world
clock's zero (negative: before it); the timeline it returns is on the camera's own clock
(its first frame at 0 s), rep truths included. Before the world's zero the lifter carries
on as at zero (walking on at the same velocity and cadence, or standing still); after the
end, they stay as they ended.

``around`` moves the camera: ``azimuth_deg`` is how far round the lifting spot the camera
stands from the front camera (degrees, positive toward the front picture's right: +90
looks at the lifting spot from the front picture's right-hand side), ``distance_m`` from
the spot. Positions are metres, headings degrees (see ``choreo``).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt

from appliance.synthetic.choreo import Choreo
from appliance.synthetic.timeline import Timeline

Array = npt.NDArray[np.float64]

FINE_HZ = 1200.0
"""Rate of the world-clock sampling every camera's frames are taken from (Hz); 15, 24,
25, 30 and 60 fps frames at offset 0 fall on its grid."""
NEAREST_M = 0.8
"""A lifter closer than this to a camera's plane (metres) is beside or behind it: out of
its picture."""


def world_timeline(c: Choreo) -> Timeline:
    """The whole choreography on the world clock at ``FINE_HZ``."""
    return c.timeline(FINE_HZ)


def on_clock(world: Timeline, start_s: float, fps: float, frames: int) -> Timeline:
    """``frames`` frames at ``fps`` of a camera whose first frame is at ``start_s`` on the
    world clock, from ``world`` (a ``world_timeline``). The result's ``t_s`` and rep truths
    are on the camera's clock (world time minus ``start_s``)."""
    if fps <= 0 or frames < 1:
        raise ValueError(f"fps must be > 0 and frames >= 1, got {fps}, {frames}")
    local = np.arange(frames) / fps
    t = start_s + local
    grid = world.t_s
    n = len(grid)

    def lin(values: Array) -> Array:
        return np.interp(t, grid, values)

    def carried_on(values: Array) -> Array:
        """Interpolated, and before zero extrapolated at the rate it had at zero."""
        rate = (values[1] - values[0]) * FINE_HZ if n > 1 else 0.0
        return np.where(t < 0.0, values[0] + rate * t, lin(values))

    def optional(values: Array | None) -> Array | None:
        return None if values is None else lin(values)

    index = np.clip(np.searchsorted(grid, t, side="right") - 1, 0, n - 1)
    reps = tuple(
        replace(
            r, start_s=r.start_s - start_s, bottom_s=r.bottom_s - start_s, end_s=r.end_s - start_s
        )
        for r in world.reps
    )
    return Timeline(
        local,
        np.stack([lin(column) for column in world.posture.T], axis=1),
        lin(world.yaw_deg),
        lin(world.root_m),
        lin(world.walk_amp),
        carried_on(world.walk_phase),
        world.arm_mode[index],
        reps,
        load=optional(world.load),
        grip_floor_m=optional(world.grip_floor_m),
        grip=optional(world.grip),
        arm_swing_deg=optional(world.arm_swing_deg),
        arm_bend_deg=optional(world.arm_bend_deg),
        heading_deg=optional(world.heading_deg),
        x_m=None if world.x_m is None else carried_on(world.x_m),
        z_m=None if world.z_m is None else carried_on(world.z_m),
    )


def around(tl: Timeline, azimuth_deg: float, distance_m: float) -> Timeline:
    """``tl`` (placed by heading and position, as a choreography's is) as seen by a camera
    ``azimuth_deg`` round the lifting spot from the front camera, ``distance_m`` from the
    spot, looking at it level. Frames where the lifter is within ``NEAREST_M`` of that
    camera's plane put them far outside its picture."""
    if tl.heading_deg is None or tl.x_m is None or tl.z_m is None:
        raise ValueError("around needs a timeline placed by heading and position")
    phi = np.radians(azimuth_deg)
    x = tl.x_m * np.cos(phi) + tl.z_m * np.sin(phi)
    z = -tl.x_m * np.sin(phi) + tl.z_m * np.cos(phi)
    hidden = distance_m + z < NEAREST_M
    x = np.where(hidden, 1000.0, x)
    z = np.where(hidden, 0.0, z)
    heading = tl.heading_deg + azimuth_deg
    yaw = np.degrees(np.arccos(np.clip(np.abs(np.cos(np.radians(heading))), 0.0, 1.0)))
    return replace(tl, heading_deg=heading, yaw_deg=yaw, x_m=x, z_m=z)
