"""Choreography: a set as a sequence of moves about a room — walking, turning, standing,
fidgeting, picking something up, reps from standing or pulls from the floor — sampled
into a ``Timeline`` for the kinematics and the camera.

Times are seconds from the start, distances metres, angles degrees. Position ``(x, z)``:
``x`` to the picture's right, ``z`` away from the camera, ``(0, 0)`` the lifting spot.
Heading: 0 faces the picture's right, 90 the camera, 180 the left, -90 away; a turn
interpolates the numbers given (0 → 180 turns through facing the camera, 0 → -180
through facing away). The lifter walks where they face.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from appliance.synthetic.faults import Channel, RepPlan
from appliance.synthetic.timeline import (
    STRIDE_HEIGHTS,
    WALK_SPEED_M_S,
    Keys,
    RepTruth,
    Timeline,
    sample_smooth,
)
from appliance.synthetic.walking import Walk

Array = npt.NDArray[np.float64]
STEP_CADENCE_HZ = 0.9  # gait cycles per second of stepping on the spot (turns, side steps)
Key = tuple[float, float]


class Choreo:
    """Builds one set. ``stand`` is the standing posture (``Channel`` order), ``heading``
    and ``pos`` where the lifter starts, ``arm`` the arm mode, ``grip`` 0..1 how far the
    hands are on the weight, ``load`` its mass in the balance (fraction of body mass)."""

    def __init__(
        self,
        stand: Array,
        *,
        height_m: float,
        heading: float,
        pos: tuple[float, float] = (0.0, 0.0),
        arm: int = 0,
        grip: float = 1.0,
        load: float = 0.0,
    ) -> None:
        self.stand = stand.copy()
        self.height_m = height_m
        self.keys = Keys(stand)
        self.heading, self.pos, self.start_pos = heading, pos, pos
        self.heading_keys: list[Key] = [(0.0, heading)]
        self.moves: list[Walk] = []
        self.steps: list[tuple[float, float, float]] = []  # (t0, t1, amplitude) on the spot
        self.arm_keys: list[tuple[float, int]] = [(0.0, arm)]
        self.grip_keys: list[Key] = [(0.0, grip)]
        self.load_keys: list[Key] = [(0.0, load)]
        self.swing_keys: list[Key] = [(0.0, 0.0)]
        self.bend_keys: list[Key] = [(0.0, 0.0)]
        self.truths: list[RepTruth] = []

    @property
    def t(self) -> float:
        """Seconds choreographed so far."""
        return self.keys.t

    # --- being somewhere -----------------------------------------------------------------

    def hold(self, seconds: float) -> None:
        """Keep the posture (standing still, feet planted)."""
        self.keys.hold(seconds)

    def pose(self, seconds: float, posture: Array, warp: Array | None = None) -> None:
        """Move to ``posture`` over ``seconds`` (a minimum-jerk blend)."""
        if warp is None:
            self.keys.move(seconds, posture)
        else:
            self.keys.move(seconds, posture, warp)

    def turn_to(self, heading: float, seconds: float | None = None) -> None:
        """Turn on the spot to ``heading`` (stepping round): 1 s for 90°, 1.5 s for 180°."""
        change = abs(heading - self.heading)
        if change < 1e-6:
            return
        seconds = seconds or 0.5 + change / 180.0
        _key(self.heading_keys, self.t, self.heading)
        _key(self.heading_keys, self.t + seconds, heading)
        self.steps.append((self.t, self.t + seconds, 0.3))
        self.heading = heading
        self.hold(seconds)

    def walk_to(
        self,
        pos: tuple[float, float],
        *,
        speed: float = WALK_SPEED_M_S,
        ease_in: bool = True,
        ease_out: bool = True,
        pick: Array | None = None,
        at: float = 0.5,
        grab: float | None = None,
    ) -> None:
        """Walk straight to ``pos`` (turning to face the way first); ``ease_in=False``
        starts at full speed (entering the picture), ``ease_out=False`` ends at it
        (leaving). With ``pick``, bend down to that posture and straighten again without
        stopping, the lowest point ``at`` (0..1) of the way through the walk (0.9 s down,
        0.25 s there, 0.9 s up); ``grab`` takes hold of a weight of that mass there."""
        dx, dz = pos[0] - self.pos[0], pos[1] - self.pos[1]
        if math.hypot(dx, dz) < 1e-6:
            return
        way = math.degrees(math.atan2(-dz, dx))
        way += 360.0 * round((self.heading - way) / 360.0)  # the nearest equivalent
        if abs(way - self.heading) > 2.0:
            self.turn_to(way)
        move = Walk(self.t, self.pos, pos, speed, ease_in, ease_out)
        self.moves.append(move)
        self.pos = pos
        if pick is None:
            self.hold(move.seconds)
            return
        end = move.t0 + move.seconds
        self.hold(float(np.clip(at * move.seconds - 1.0, 0.2, move.seconds - 2.3)))
        upright = self.keys.postures[-1]
        self.pose(0.9, pick)
        if grab is not None:
            self.ramp(self.grip_keys, 1.0, 0.25)
            self.ramp(self.load_keys, grab, 0.25)
        self.hold(0.25)
        self.pose(0.9, upright)
        self.hold(max(0.0, end - self.t))

    def step_to(self, pos: tuple[float, float], seconds: float, stepping: bool = True) -> None:
        """Move to a nearby ``pos`` over ``seconds`` without turning: a step sideways or
        back, or (``stepping=False``) a weight shift with the feet planted."""
        probe = Walk(self.t, self.pos, pos, 1.0, True, True)
        self.moves.append(Walk(self.t, self.pos, pos, probe.seconds / seconds, True, True))
        if stepping:
            self.steps.append((self.t, self.t + seconds, 0.35))
        self.pos = pos
        self.hold(seconds)

    # --- hands and weight ----------------------------------------------------------------

    def arms(self, mode: int) -> None:
        """Hands to arm mode ``mode`` from now."""
        self.arm_keys.append((self.t, mode))

    def ramp(self, keys: list[Key], value: float, seconds: float, at: float | None = None) -> None:
        """Change a piecewise-linear quantity (``grip_keys``, ``load_keys``) to ``value``
        over ``seconds`` from ``at`` (default now)."""
        start = max(self.t if at is None else at, keys[-1][0])
        _key(keys, start, keys[-1][1])
        _key(keys, start + seconds, value)

    def arm_gesture(self, seconds: float, swing_deg: float, bend_deg: float) -> None:
        """Hanging arms raised ``swing_deg`` forward and bent ``bend_deg`` more, over
        ``seconds`` (0, 0 lowers them again); the posture holds meanwhile."""
        for keys, value in ((self.swing_keys, swing_deg), (self.bend_keys, bend_deg)):
            _key(keys, self.t, keys[-1][1])
            _key(keys, self.t + seconds, value)
        self.hold(seconds)

    # --- reps ----------------------------------------------------------------------------

    def reps(self, plans: list[RepPlan], top_s: list[float]) -> None:
        """Reps from standing: descent, bottom pause, ascent to lockout, ``top_s`` between."""
        for i, plan in enumerate(plans):
            start = self.t
            self.keys.move(plan.descent_s, plan.bottom, plan.descent_warp)
            self.keys.hold(plan.bottom_s)
            self.keys.move(plan.ascent_s, plan.lockout, plan.ascent_warp)
            bottom = start + plan.descent_s + plan.bottom_s / 2
            self._truth(start, bottom, plan)
            if i < len(plans) - 1:
                self.keys.hold(top_s[i])

    def floor_reps(self, plans: list[RepPlan], top_s: list[float], weight: float) -> None:
        """Pulls from the floor, starting at ``plans[0].bottom`` with the hands on the
        weight: each pull to lockout, ``top_s`` there, and a lowering (the next plan's
        ``descent_s``) to the next set-up, touching for its ``bottom_s``. Ends at the top
        of the last rep; the weight is in the hands."""
        for i, plan in enumerate(plans):
            start = self.t
            self.ramp(self.load_keys, weight, 0.25)
            self.keys.move(plan.ascent_s, plan.lockout, plan.ascent_warp)
            self._truth(start, start, plan, from_floor=True)
            if i < len(plans) - 1:
                after = plans[i + 1]
                self.keys.hold(top_s[i])
                self.keys.move(after.descent_s, after.bottom, after.descent_warp)
                self.ramp(self.load_keys, 0.0, min(0.15, after.bottom_s))
                self.keys.hold(after.bottom_s)

    def set_down(self, bottom: Array, lower_s: float, stand: Array) -> None:
        """Lower the weight to the floor at ``bottom``, let go of it and stand up
        empty-handed in ``stand`` (not a rep)."""
        self.keys.move(lower_s, bottom)
        self.ramp(self.load_keys, 0.0, 0.15)
        self.hold(0.3)
        self.ramp(self.grip_keys, 0.0, 0.4)
        self.hold(0.4)
        self.arms(0)
        self.keys.move(1.3, stand)
        self.stand = stand.copy()

    def _truth(self, start: float, bottom: float, plan: RepPlan, from_floor: bool = False) -> None:
        index = len(self.truths) + 1
        self.truths.append(RepTruth(index, start, bottom, self.t, plan.faults, from_floor))

    # --- sampling ------------------------------------------------------------------------

    def timeline(self, fps: float) -> Timeline:
        """Every frame at ``fps`` up to the end of the choreography."""
        n = max(1, math.ceil(self.t * fps))
        t = np.arange(n) / fps
        posture = self.keys.sample(t)
        posture[:, Channel.TRUNK] += 0.3 * np.sin(2 * np.pi * 0.23 * t)  # postural sway
        heading = _smooth(t, self.heading_keys)
        x, z = np.full(n, self.start_pos[0]), np.full(n, self.start_pos[1])
        for move in self.moves:
            s = move.distance(t)
            after = t >= move.t0
            u = s / max(move.length, 1e-9)
            x = np.where(after, move.p0[0] + u * (move.p1[0] - move.p0[0]), x)
            z = np.where(after, move.p0[1] + u * (move.p1[1] - move.p0[1]), z)
        speed = np.hypot(np.gradient(x), np.gradient(z)) * fps if n > 1 else np.zeros(n)
        amp = np.clip(speed / WALK_SPEED_M_S, 0.0, 1.0)
        cadence = speed / (STRIDE_HEIGHTS * self.height_m)
        for t0, t1, a in self.steps:
            bump = np.where((t >= t0) & (t <= t1), np.sin(np.pi * (t - t0) / (t1 - t0)), 0.0)
            amp = np.maximum(amp, a * bump)
            cadence = np.maximum(cadence, STEP_CADENCE_HZ * (bump > 0))
        phase = 2 * np.pi * np.cumsum(cadence) / fps
        arm_t, arm_v = zip(*self.arm_keys, strict=True)
        arm = np.asarray(arm_v, dtype=np.int8)[np.searchsorted(arm_t, t, side="right") - 1]
        yaw = np.degrees(np.arccos(np.clip(np.abs(np.cos(np.radians(heading))), 0.0, 1.0)))
        return Timeline(
            t,
            posture,
            yaw,
            np.zeros(n),
            amp,
            phase,
            arm,
            tuple(self.truths),
            load=_linear(t, self.load_keys),
            grip=_linear(t, self.grip_keys),
            arm_swing_deg=_smooth(t, self.swing_keys),
            arm_bend_deg=_smooth(t, self.bend_keys),
            heading_deg=heading,
            x_m=x,
            z_m=z,
        )


def _key(keys: list[Key], t: float, value: float) -> None:
    """Append a key; one at the same time as the last replaces it."""
    if keys and t <= keys[-1][0] + 1e-9:
        keys[-1] = (keys[-1][0], value)
    else:
        keys.append((t, value))


def _linear(t: Array, keys: list[Key]) -> Array:
    times, values = (np.asarray(v, dtype=np.float64) for v in zip(*keys, strict=True))
    return np.interp(t, times, values)


def _smooth(t: Array, keys: list[Key]) -> Array:
    times, values = (np.asarray(v, dtype=np.float64) for v in zip(*keys, strict=True))
    return sample_smooth(t, times, values)
