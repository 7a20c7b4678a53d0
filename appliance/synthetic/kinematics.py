"""Forward kinematics: joint angles → the 17 keypoints in 3-D, metres, in the body's frame.

Body frame: ``x`` forward (where the lifter faces), ``y`` up from the floor, ``z`` to the
lifter's left; the origin is on the floor between the ankles. The sagittal chain is
solved in (x, y): the ankles stay on the floor, the shins tilt so that the centre of mass
of body and bar stays over the mid-foot (a standing person's balance), the thighs follow
from the knee flexion, the spine is a circular arc from the hip (``rounding`` bends it;
the trunk angle is its chord, hip→shoulder), neck and head ride on the top of the spine.
Left and right points are then offset along ``z`` by the body's widths.
Sagittal angles here are measured clockwise from straight up, so ``(sin a, cos a)`` points
forward for a small positive ``a``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from appliance.synthetic import body as anthro
from appliance.synthetic.body import Body
from appliance.synthetic.faults import MAX_ROUNDING_DEG, Channel
from appliance.synthetic.timeline import ARM_BACK, ARM_BAR, ARM_BELL, ARM_DOWEL, Timeline
from appliance.types import KEYPOINT_INDEX, NUM_KEYPOINTS

Array = npt.NDArray[np.float64]

BAR_MASS = 0.6  # a deadlift bar's mass, fraction of body mass
PLATE_RADIUS_M = 0.225  # a bar resting on the floor sits this high (standard plates)
DOWEL_SHOULDER_DEG = 40.0  # upper arms reach back this far behind the trunk in the drill
_UPPER_MASS = (
    anthro.MASS_TRUNK + anthro.MASS_HEAD + 2 * (anthro.MASS_UPPER_ARM + anthro.MASS_FOREARM_HAND)
)


@dataclass(frozen=True)
class Skeleton:
    """``points`` ``(n, 17, 3)`` metres in the body frame, MoveNet order; ``face``
    ``(n, 3)`` the unit direction the face points to (for how visible it is)."""

    points: Array
    face: Array


def _dir(angle: Array) -> Array:
    return np.stack([np.sin(angle), np.cos(angle)], axis=-1)


def _upper_body(body: Body, posture: Array) -> dict[str, Array]:
    """Shoulder, ear, eye, nose (relative to the hip), spine-top angle and face direction."""
    h = body.height_m
    chord = np.radians(posture[:, Channel.TRUNK])
    bend = np.radians(MAX_ROUNDING_DEG) * posture[:, Channel.ROUND]
    length = body.trunk * h * np.sinc(bend / (2 * np.pi))  # chord of the arc: shorter
    shoulder = length[:, None] * _dir(chord)
    top = chord + bend / 2
    ext = np.radians(posture[:, Channel.NECK])
    neck_angle = top + np.radians(body.forward_head_deg) - 0.6 * ext
    ear = shoulder + body.neck * h * _dir(neck_angle)
    head_angle = neck_angle - 0.4 * ext
    up, face = _dir(head_angle), _dir(head_angle + np.pi / 2)
    eye = ear + body.head * h * (0.8 * face + 0.2 * up)
    nose = ear + body.head * h * (face - 0.1 * up)
    return {"shoulder": shoulder, "ear": ear, "eye": eye, "nose": nose, "top": top, "face": face}


def _stance(body: Body, knee: Array, upper_x: Array, upper_mass: Array) -> Array:
    """Shin tilt (radians, forward positive) that puts the centre of mass over the
    mid-foot, ankles fixed. ``upper_x`` is the mass-weighted x of everything above the
    hip, relative to the hip; ``upper_mass`` its total mass."""
    h = body.height_m
    shank, thigh = body.shank * h, body.thigh * h
    mid_foot = 0.25 * body.foot * h
    legs = 2 * (anthro.MASS_FOOT + anthro.MASS_SHANK + anthro.MASS_THIGH)
    total = legs + upper_mass

    def excess(s: Array) -> Array:
        knee_x = shank * np.sin(s)
        hip_x = knee_x - thigh * np.sin(knee - s)
        moment: Array = (
            2 * anthro.MASS_FOOT * mid_foot
            + 2 * anthro.MASS_SHANK * (1 - anthro.COM_SHANK_FROM_KNEE) * knee_x
        )
        thigh_com = hip_x + anthro.COM_THIGH_FROM_HIP * (knee_x - hip_x)
        moment = moment + 2 * anthro.MASS_THIGH * thigh_com + upper_mass * hip_x + upper_x
        return moment - total * mid_foot

    lo, hi = np.full_like(knee, np.radians(-30.0)), np.full_like(knee, np.radians(60.0))
    for _ in range(30):
        mid = (lo + hi) / 2
        low = excess(mid) < 0
        lo, hi = np.where(low, mid, lo), np.where(low, hi, mid)
    return (lo + hi) / 2


def _leg_x_at(y: Array, ankle: Array, knee: Array, hip: Array) -> Array:
    """x of the leg's centre line (ankle→knee→hip) at height ``y``."""

    def along(a: Array, b: Array) -> Array:
        u = np.clip((y - a[:, 1]) / np.maximum(b[:, 1] - a[:, 1], 1e-6), 0.0, 1.0)
        return a[:, 0] + u * (b[:, 0] - a[:, 0])

    return np.where(y <= knee[:, 1], along(ankle, knee), along(knee, hip))


def _elbow_ik(shoulder: Array, wrist: Array, upper: float, fore: float) -> Array:
    """Elbow for a two-link arm from shoulder to wrist, the elbow bending backwards."""
    d = wrist - shoulder
    dist = np.clip(np.linalg.norm(d, axis=1), 0.2 * (upper + fore), upper + fore - 1e-9)
    unit = d / np.maximum(np.linalg.norm(d, axis=1), 1e-9)[:, None]
    a = np.arccos(np.clip((upper**2 + dist**2 - fore**2) / (2 * upper * dist), -1.0, 1.0))
    rotated = np.stack(  # clockwise by a: a downward arm's elbow goes back
        [
            unit[:, 0] * np.cos(a) + unit[:, 1] * np.sin(a),
            -unit[:, 0] * np.sin(a) + unit[:, 1] * np.cos(a),
        ],
        axis=1,
    )
    return shoulder + upper * rotated


def _arms(
    body: Body,
    tl: Timeline,
    up: dict[str, Array],
    legs: tuple[Array, Array, Array],
    swing: Array,
) -> tuple[Array, Array]:
    """(elbow, wrist) of one arm for every frame, sagittal, absolute (``up`` holds the
    absolute shoulder). Bar or kettlebell: the wrist at the weight in front of the leg
    line, no lower than the weight on the floor; dowel: the arm bent behind the back,
    fixed to the top of the spine; back: the hands at a bar across the upper back; hang:
    straight down, ``swing`` radians forward (plus ``tl.arm_swing_deg``), the forearm bent
    15° (plus ``tl.arm_bend_deg``). ``tl.grip`` blends from hanging to the held weight."""
    h = body.height_m
    ua, fa = body.upper_arm * h, body.forearm * h
    shoulder = up["shoulder"]
    ankle, knee, hip = legs
    # Bar: find the height where a straight-ish arm meets the leg line plus the offset.
    reach = body.arm_reach * h
    y = shoulder[:, 1] - reach
    dx = np.zeros_like(y)
    for _ in range(4):
        dx = _leg_x_at(y, ankle, knee, hip) + tl.posture[:, Channel.BAR] * h - shoulder[:, 0]
        dx = np.clip(dx, -reach, reach)
        y = shoulder[:, 1] - np.sqrt(reach**2 - dx**2)
    floor = PLATE_RADIUS_M + 0.03 * h if tl.grip_floor_m is None else tl.grip_floor_m
    y = np.maximum(y, floor)  # the weight cannot go through the floor
    bar_wrist = np.stack([shoulder[:, 0] + dx, y], axis=1)
    bar_elbow = _elbow_ik(shoulder, bar_wrist, ua, fa)
    arm_angle = up["top"] + np.pi + np.radians(DOWEL_SHOULDER_DEG)
    dowel_elbow = shoulder + ua * _dir(arm_angle)
    bend = np.pi - np.radians(tl.posture[:, Channel.ELBOW])
    dowel_wrist = dowel_elbow + fa * _dir(arm_angle - bend)
    along, back = _dir(up["top"]), _dir(up["top"] - np.pi / 2)
    back_wrist = shoulder + h * (0.03 * along + 0.04 * back)
    back_elbow = shoulder + h * (-0.10 * along + 0.06 * back)
    if tl.arm_swing_deg is not None:
        swing = swing + np.radians(tl.arm_swing_deg)
    fore = np.radians(15.0) + (0.0 if tl.arm_bend_deg is None else np.radians(tl.arm_bend_deg))
    hang_elbow = shoulder + ua * _dir(np.pi - swing)
    hang_wrist = hang_elbow + fa * _dir(np.pi - swing - fore)
    if tl.grip is not None:
        g = tl.grip[:, None]
        bar_elbow = hang_elbow + g * (bar_elbow - hang_elbow)
        bar_wrist = hang_wrist + g * (bar_wrist - hang_wrist)
    mode = tl.arm_mode[:, None]
    held = (mode == ARM_BAR) | (mode == ARM_BELL)
    elbow = np.where(
        held,
        bar_elbow,
        np.where(
            mode == ARM_DOWEL, dowel_elbow, np.where(mode == ARM_BACK, back_elbow, hang_elbow)
        ),
    )
    wrist = np.where(
        held,
        bar_wrist,
        np.where(
            mode == ARM_DOWEL, dowel_wrist, np.where(mode == ARM_BACK, back_wrist, hang_wrist)
        ),
    )
    return elbow, wrist


_ABSOLUTE = ("shoulder", "ear", "eye", "nose")


def skeleton(body: Body, tl: Timeline, mode: str) -> Skeleton:
    """Every frame's 17 keypoints in the body frame (metres) and the face direction."""
    h = body.height_m
    posture = tl.posture
    up = _upper_body(body, posture)
    knee_flex = np.radians(posture[:, Channel.KNEE])
    if tl.load is None:
        bar_mass = np.where((tl.arm_mode == ARM_BAR) & (mode == "deadlift"), BAR_MASS, 0.0)
    else:
        bar_mass = tl.load
    upper_mass = _UPPER_MASS + bar_mass
    n = len(tl.t_s)
    still = np.zeros(n)
    # Two passes: balance with the arms guessed hanging, then with the arms placed.
    sh_x = up["shoulder"][:, 0]
    upper_x = anthro.MASS_TRUNK * 0.5 * sh_x + anthro.MASS_HEAD * up["ear"][:, 0]
    arm_x = (upper_mass - anthro.MASS_TRUNK - anthro.MASS_HEAD) * sh_x
    ankle = np.tile([0.0, body.ankle * h], (n, 1))
    for _ in range(2):
        shin = _stance(body, knee_flex, upper_x + arm_x, upper_mass)
        thigh_angle = knee_flex - shin
        knee = ankle + body.shank * h * _dir(shin)
        hip = knee + body.thigh * h * _dir(-thigh_angle)
        placed = {k: v + hip if k in _ABSOLUTE else v for k, v in up.items()}
        elbow, wrist = _arms(body, tl, placed, (ankle, knee, hip), still)
        elbow_x, wrist_x = elbow[:, 0] - hip[:, 0], wrist[:, 0] - hip[:, 0]
        upper_arm_com = sh_x + anthro.COM_UPPER_ARM_FROM_SHOULDER * (elbow_x - sh_x)
        forearm_com = elbow_x + anthro.COM_FOREARM_FROM_ELBOW * (wrist_x - elbow_x)
        arm_x = 2 * anthro.MASS_UPPER_ARM * upper_arm_com
        arm_x = arm_x + 2 * anthro.MASS_FOREARM_HAND * forearm_com + bar_mass * wrist_x
    # Legs per side: the gait swings the thighs and bends the swinging knee; the lower
    # ankle stays on the floor. Standing still, this is exactly the balanced stance.
    legs: dict[str, tuple[Array, Array]] = {}
    arms: dict[str, tuple[Array, Array]] = {}
    for side, offset in (("left", 0.0), ("right", np.pi)):
        psi = tl.walk_phase + offset
        ta = thigh_angle + tl.walk_amp * np.radians(20.0) * np.sin(psi)
        kf = knee_flex + tl.walk_amp * np.radians(5.0 + 45.0 * np.maximum(0.0, np.cos(psi)) ** 2)
        knee_rel = body.thigh * h * _dir(np.pi - ta)
        legs[side] = (knee_rel, knee_rel + body.shank * h * _dir(np.pi - (ta - kf)))
    lowest = np.minimum(legs["left"][1][:, 1], legs["right"][1][:, 1])
    hip = np.stack([hip[:, 0], body.ankle * h - lowest], axis=1)
    placed = {k: v + hip if k in _ABSOLUTE else v for k, v in up.items()}
    for side, offset in (("left", 0.0), ("right", np.pi)):
        swing = -tl.walk_amp * np.radians(15.0) * np.sin(tl.walk_phase + offset)
        arms[side] = _arms(body, tl, placed, (ankle, knee, hip), swing)
    return _assemble(body, mode, placed, hip, legs, arms, tl.arm_mode)


def _assemble(
    body: Body,
    mode: str,
    up: dict[str, Array],
    hip: Array,
    legs: dict[str, tuple[Array, Array]],
    arms: dict[str, tuple[Array, Array]],
    arm_mode: npt.NDArray[np.int8],
) -> Skeleton:
    """Put the sagittal points at their lateral (z) offsets, left positive: the hands
    together on a kettlebell, wide on a bar across the back."""
    h = body.height_m
    n = len(hip)
    points = np.zeros((n, NUM_KEYPOINTS, 3))
    half_sw, half_hw = body.shoulder_width / 2, body.hip_width / 2
    half_stance = half_sw - 0.01 if mode == "drill" else half_hw + 0.01
    arm_out = 0.03 if mode == "drill" else 0.015
    elbow_half = np.where(arm_mode == ARM_BELL, 0.7 * half_sw, half_sw + arm_out)
    elbow_half = np.where(arm_mode == ARM_BACK, half_sw + 0.06, elbow_half)
    wrist_half = np.where(arm_mode == ARM_BELL, 0.03, half_sw + arm_out / 3)
    wrist_half = np.where(arm_mode == ARM_BACK, half_sw + 0.08, wrist_half)
    for side, sign in (("left", 1.0), ("right", -1.0)):
        elbow, wrist = arms[side]
        lateral: dict[str, tuple[Array, float | Array]] = {
            "eye": (up["eye"], body.eye_width / 2),
            "ear": (up["ear"], body.head_width / 2),
            "shoulder": (up["shoulder"], half_sw),
            "elbow": (elbow, elbow_half),
            "wrist": (wrist, wrist_half),
            "hip": (hip, half_hw),
        }
        for name, (xy, half) in lateral.items():
            i = KEYPOINT_INDEX[f"{side}_{name}"]
            points[:, i, :2] = xy
            points[:, i, 2] = sign * half * h
    points[:, KEYPOINT_INDEX["nose"], :2] = up["nose"]
    for side, sign in (("left", 1.0), ("right", -1.0)):
        knee_rel, ankle_rel = legs[side]
        for name, rel, half in (
            ("knee", knee_rel, (half_hw + half_stance) / 2),
            ("ankle", ankle_rel, half_stance),
        ):
            i = KEYPOINT_INDEX[f"{side}_{name}"]
            points[:, i, :2] = hip + rel
            points[:, i, 2] = sign * half * h
    face = np.concatenate([up["face"], np.zeros((n, 1))], axis=1)
    return Skeleton(points, face)
