"""The joint-angle timeline of a set: walking in, standing, reps with tempo, leaving.

Times are seconds from the start of the set. Postures are keyframed and blended with a
minimum-jerk curve (the smooth speed profile of a deliberate human movement); each
channel of a transition may start late or finish early (a rep plan's warps), which is how
the knees unlock before the trunk folds, or the hips shoot up before the chest.

Walking is described separately from the posture: ``root_m`` (metres travelled along the
lifter's walking direction, 0 at the lifting spot), ``walk_amp`` (0 = still, 1 = full
gait) and ``walk_phase`` (radians of the gait cycle); ``yaw_deg`` turns the lifter.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from appliance.synthetic.faults import (
    CHANNELS,
    MIN_GOOD_DESCENT_S,
    Channel,
    Severity,
    check_faults,
    faulty_rep,
    good_rep,
    standing_posture,
)

Array = npt.NDArray[np.float64]

ARM_HANG, ARM_BAR, ARM_DOWEL, ARM_BELL, ARM_BACK = 0, 1, 2, 3, 4
"""Arm modes: hanging, at a bar held in front of the legs, cradling a dowel behind the back,
at a kettlebell handle between the legs, at a bar across the upper back."""
WALK_SPEED_M_S = 1.2
STRIDE_HEIGHTS = 0.75  # one gait cycle (two steps), in standing heights
TURN_S = 0.8
SETTLE_S = 0.6  # from the last lockout back to standing
_FULL = np.tile([0.0, 1.0], (CHANNELS, 1))


@dataclass(frozen=True)
class Tempo:
    """Phase durations of a rep, seconds. ``jitter`` scales each phase of each rep by a
    random factor in 1 ± jitter. A good rep's descent never goes under 1.2 s (that is
    the ``rushed`` fault)."""

    descent_s: float = 1.8
    bottom_s: float = 0.4
    ascent_s: float = 1.3
    top_s: float = 1.0
    jitter: float = 0.15

    def __post_init__(self) -> None:
        if self.descent_s < MIN_GOOD_DESCENT_S:
            raise ValueError(
                f"descent_s {self.descent_s} is under {MIN_GOOD_DESCENT_S} s: "
                "ask for the rushed fault instead"
            )
        if min(self.bottom_s, self.ascent_s, self.top_s) < 0 or not 0 <= self.jitter < 0.9:
            raise ValueError("tempo durations must be >= 0 s and jitter 0..0.9")

    def durations(self, rng: np.random.Generator) -> tuple[float, float, float, float]:
        """(descent, bottom, ascent, top) seconds for one rep, jittered."""
        j = [float(v) for v in rng.uniform(1.0 - self.jitter, 1.0 + self.jitter, size=4)]
        return (
            max(MIN_GOOD_DESCENT_S, self.descent_s * j[0]),
            max(0.02, self.bottom_s * j[1]),
            max(0.3, self.ascent_s * j[2]),
            max(0.02, self.top_s * j[3]),
        )


@dataclass(frozen=True)
class RepTruth:
    """What a rep really was: 1-based ``index``; ``start_s`` when the descent starts,
    ``bottom_s`` the middle of the bottom pause, ``end_s`` when the ascent ends (seconds);
    ``faults`` the coaching.md ids built into it. ``from_floor``: a pull from the floor,
    whose ``start_s`` and ``bottom_s`` are when the weight leaves the floor."""

    index: int
    start_s: float
    bottom_s: float
    end_s: float
    faults: frozenset[str]
    from_floor: bool = False


@dataclass(frozen=True)
class Timeline:
    """Per-frame arrays, ``n`` frames: ``t_s``; ``posture`` ``(n, 6)`` in ``Channel``
    order; ``yaw_deg``; ``root_m``; ``walk_amp``; ``walk_phase`` (radians); ``arm_mode``
    (``ARM_HANG``, ``ARM_BAR``, ...).

    Optional (``None``: the classic set of ``build_timeline``): ``load`` mass in the hands
    (fraction of body mass; default a bar of ``BAR_MASS`` whenever ``ARM_BAR`` in
    deadlift mode); ``grip_floor_m`` how low the wrists can go (metres; a weight on the
    floor); ``grip`` 0..1 of the way from hanging arms to the ``arm_mode`` position;
    ``arm_swing_deg``, ``arm_bend_deg`` raise and bend hanging arms (fidgets);
    ``heading_deg`` (0 faces the picture's right, 90 the camera, 180 the left), ``x_m``
    (right) and ``z_m`` (away from the camera) place the lifter in the room instead of
    ``yaw_deg`` and ``root_m``."""

    t_s: Array
    posture: Array
    yaw_deg: Array
    root_m: Array
    walk_amp: Array
    walk_phase: Array
    arm_mode: npt.NDArray[np.int8]
    reps: tuple[RepTruth, ...]
    load: Array | None = None
    grip_floor_m: Array | None = None
    grip: Array | None = None
    arm_swing_deg: Array | None = None
    arm_bend_deg: Array | None = None
    heading_deg: Array | None = None
    x_m: Array | None = None
    z_m: Array | None = None


def min_jerk(u: Array) -> Array:
    """0→1 minimum-jerk blend of a 0..1 fraction (zero speed and acceleration at ends)."""
    u = np.clip(u, 0.0, 1.0)
    return u * u * u * (10.0 + u * (-15.0 + 6.0 * u))


class Keys:
    """Posture keyframes: ``hold`` keeps the posture, ``move`` blends to a new one."""

    def __init__(self, posture: Array) -> None:
        self.times = [0.0]
        self.postures = [posture.copy()]
        self.warps = [_FULL]

    @property
    def t(self) -> float:
        return self.times[-1]

    def move(self, seconds: float, posture: Array, warp: Array = _FULL) -> None:
        self.times.append(float(self.t + seconds))
        self.postures.append(posture.copy())
        self.warps.append(warp)

    def hold(self, seconds: float) -> None:
        self.move(seconds, self.postures[-1])

    def sample(self, t: Array) -> Array:
        times = np.asarray(self.times)
        k = np.clip(np.searchsorted(times, t, side="right"), 1, len(times) - 1)
        t0, t1 = times[k - 1], times[k]
        tau = np.clip((t - t0) / np.maximum(t1 - t0, 1e-9), 0.0, 1.0)[:, None]
        warp = np.stack(self.warps)[k]
        u = min_jerk((tau - warp[:, :, 0]) / (warp[:, :, 1] - warp[:, :, 0]))
        p = np.stack(self.postures)
        return p[k - 1] + (p[k] - p[k - 1]) * u


def _walk(t: Array, start: float, far: float, arriving: bool) -> tuple[Array, Array]:
    """Distance (m, along the walk, 0 at the spot) and speed fraction for a walk that
    starts at ``start`` seconds: arriving from ``-far`` (decelerating over the last
    0.5 m), or leaving from 0 (accelerating over the first 0.5 m) to beyond ``far``."""
    v, ease = WALK_SPEED_M_S, 0.5
    t_ease = 2 * ease / v
    dt = t - start
    if arriving:
        t_cruise = (far - ease) / v
        late = np.clip(dt - t_cruise, 0.0, t_ease)
        dist = np.where(dt < t_cruise, v * dt, far - ease + v * late - v * late**2 / (2 * t_ease))
        speed = np.where(dt < t_cruise, 1.0, 1.0 - late / t_ease)
        return np.clip(dist, 0.0, far) - far, np.where(dt < 0, 0.0, speed)
    early = np.clip(dt, 0.0, t_ease)
    dist = np.where(dt < t_ease, v * early**2 / (2 * t_ease), ease + v * (dt - t_ease))
    speed = np.where(dt < t_ease, early / t_ease, 1.0)
    return np.where(dt < 0, 0.0, dist), np.where(dt < 0, 0.0, speed)


def walk_seconds(far: float) -> float:
    """How long arriving from (or leaving to) ``far`` metres takes."""
    return (far - 0.5) / WALK_SPEED_M_S + 2 * 0.5 / WALK_SPEED_M_S


def build_timeline(
    *,
    mode: str,
    reps: int,
    faults: Mapping[int, set[str] | frozenset[str]],
    severity: Severity,
    fps: float,
    stand_trunk_deg: float,
    height_m: float,
    tempo: Tempo,
    yaw_deg: float,
    walk_in_m: float | None,
    leave_m: float | None,
    pickup: bool,
    stand_s: float,
    rng: np.random.Generator,
) -> Timeline:
    """The whole set's timeline. ``faults`` maps 1-based rep numbers to fault ids;
    ``walk_in_m``/``leave_m`` are walking distances (metres, ``None`` = already there /
    stays); ``pickup`` adds lifting the bar from the floor before calibration and putting
    it down after the last rep (deadlift); ``stand_s`` is the still calibration stand."""
    stand = standing_posture(mode, stand_trunk_deg)
    keys = Keys(stand)
    yaw_keys: list[tuple[float, float]] = [(0.0, 0.0 if walk_in_m else yaw_deg)]
    arm_default = ARM_DOWEL if mode == "drill" else ARM_BAR
    arm_changes: list[tuple[float, int]] = [(0.0, ARM_HANG if pickup else arm_default)]
    if walk_in_m:
        keys.hold(walk_seconds(walk_in_m))
    if walk_in_m and yaw_deg != 0.0:
        yaw_keys += [(keys.t, 0.0), (keys.t + TURN_S, yaw_deg)]
        keys.hold(TURN_S)
    pick = stand.copy()
    pick[[Channel.KNEE, Channel.TRUNK, Channel.NECK]] = (80.0, 60.0, 15.0)
    if pickup:
        keys.hold(0.5)
        arm_changes.append((keys.t, ARM_BAR))
        keys.move(1.4, pick)
        keys.hold(0.6)
        keys.move(1.4, stand)
    keys.hold(stand_s)

    truths: list[RepTruth] = []
    for index in range(1, reps + 1):
        wanted = frozenset(faults.get(index, set()))
        check_faults(wanted, mode)
        plan = faulty_rep(
            good_rep(mode, stand_trunk_deg, tempo.durations(rng), rng), wanted, severity
        )
        start = keys.t
        keys.move(plan.descent_s, plan.bottom, plan.descent_warp)
        keys.hold(plan.bottom_s)
        keys.move(plan.ascent_s, plan.lockout, plan.ascent_warp)
        truths.append(
            RepTruth(index, start, start + plan.descent_s + plan.bottom_s / 2, keys.t, plan.faults)
        )
        if index < reps:
            keys.hold(plan.top_s)
    keys.move(SETTLE_S, stand)
    keys.hold(1.5)
    if pickup:
        keys.move(1.4, pick)
        keys.hold(0.6)
        arm_changes.append((keys.t, ARM_HANG))
        keys.move(1.4, stand)
        keys.hold(0.5)
    leave_at = keys.t
    if leave_m and yaw_deg != 0.0:
        yaw_keys += [(keys.t, yaw_deg), (keys.t + TURN_S, 0.0)]
        keys.hold(TURN_S)
        leave_at = keys.t
    if leave_m:
        keys.hold(walk_seconds(leave_m))

    n = max(1, math.ceil(keys.t * fps))
    t = np.arange(n) / fps
    posture = keys.sample(t)
    posture[:, Channel.TRUNK] += 0.3 * np.sin(2 * np.pi * 0.23 * t)  # postural sway
    yaw_t, yaw_v = zip(*yaw_keys, strict=True)
    yaw = sample_smooth(t, np.asarray(yaw_t), np.asarray(yaw_v))
    root, amp = np.zeros(n), np.zeros(n)
    if walk_in_m:
        root, amp = _walk(t, 0.0, walk_in_m, arriving=True)
    if leave_m:
        out, speed = _walk(t, leave_at, leave_m, arriving=False)
        root, amp = root + out, np.where(t >= leave_at, speed, amp)
    phase = 2 * np.pi * root / (STRIDE_HEIGHTS * height_m)
    change_t, change_mode = zip(*arm_changes, strict=True)
    arm = np.asarray(change_mode, dtype=np.int8)[np.searchsorted(change_t, t, side="right") - 1]
    return Timeline(t, posture, yaw, root, amp, phase, arm, tuple(truths))


def sample_smooth(t: Array, times: Array, values: Array) -> Array:
    """Piecewise minimum-jerk interpolation through (times, values), held at the ends."""
    if len(times) == 1:
        return np.full_like(t, values[0])
    k = np.clip(np.searchsorted(times, t, side="right"), 1, len(times) - 1)
    span = np.maximum(times[k] - times[k - 1], 1e-9)
    u = min_jerk((t - times[k - 1]) / span)
    return values[k - 1] + (values[k] - values[k - 1]) * u
