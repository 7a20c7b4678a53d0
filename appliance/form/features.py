"""Per-frame measurements the evaluator works from, in plain floats (fast per frame).

One lifter side is used throughout a set (the near side in a side view: MoveNet guesses
the hidden one). Pixel coordinates: x right, y down. Angles in degrees.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from appliance.types import KEYPOINT_INDEX, Pose

_PARTS = ("ear", "shoulder", "hip", "knee", "ankle", "wrist", "elbow")
_SIDE_INDEX = {
    side: {part: KEYPOINT_INDEX[f"{side}_{part}"] for part in _PARTS} for side in ("left", "right")
}
_NEAR_SIDE_PARTS = ("shoulder", "hip", "knee", "ankle", "ear")
_NOSE = KEYPOINT_INDEX["nose"]
_EYES = (KEYPOINT_INDEX["left_eye"], KEYPOINT_INDEX["right_eye"])
_SHOULDERS = (KEYPOINT_INDEX["left_shoulder"], KEYPOINT_INDEX["right_shoulder"])
_EARS = (KEYPOINT_INDEX["left_ear"], KEYPOINT_INDEX["right_ear"])
_HIPS = (KEYPOINT_INDEX["left_hip"], KEYPOINT_INDEX["right_hip"])
_ANKLES = (KEYPOINT_INDEX["left_ankle"], KEYPOINT_INDEX["right_ankle"])


@dataclass(slots=True)
class Point:
    """A keypoint in frame pixels with its score (0..1)."""

    x: float
    y: float
    score: float


@dataclass(slots=True)
class FrameFeatures:
    """One frame's keypoints on the chosen side, plus what needs both sides.

    ``shoulder_width_px``: horizontal distance between the two shoulders (pixels), used
    for the view. ``face_score``: mean score of nose and eyes (a face turned to the camera
    scores high).
    """

    t_s: float
    ear: Point
    shoulder: Point
    hip: Point
    knee: Point
    ankle: Point
    wrist: Point
    elbow: Point
    shoulder_width_px: float
    shoulders_seen: bool
    face_score: float
    nose: Point
    feet: Point
    mid_shoulder: Point
    mid_hip: Point
    mid_ear: Point
    midline: bool  # both ears, both shoulders and both hips seen: the mid_* are middles
    # Knee flexion (degrees) averaged over the legs seen (hip, knee, ankle), else the near one.
    knees_flexion_deg: float
    # The shorter arm's shoulder→elbow→wrist path (pixels) when both arms are seen, else 0.
    arms_px: float
    # The left and the right ankle (``feet`` is their middle, or the one seen).
    ankles: tuple[Point, Point]

    def seen(self, *parts: str, min_score: float) -> bool:
        """True when every named part scores at least ``min_score``."""
        return all(getattr(self, part).score >= min_score for part in parts)

    @property
    def torso_px(self) -> float:
        """Hip-to-shoulder distance in pixels."""
        return math.hypot(self.shoulder.x - self.hip.x, self.shoulder.y - self.hip.y)

    @property
    def trunk_2d_deg(self) -> float:
        """Angle of the hip→shoulder line from vertical, 0 upright, unsigned (degrees)."""
        dx = self.shoulder.x - self.hip.x
        up = self.hip.y - self.shoulder.y
        return math.degrees(math.atan2(abs(dx), up))

    def trunk_signed_deg(self, facing: float) -> float:
        """Trunk from vertical, positive leaning the way the lifter faces (+1 right, -1
        left), negative leaning back (degrees)."""
        dx = (self.shoulder.x - self.hip.x) * facing
        return math.degrees(math.atan2(dx, self.hip.y - self.shoulder.y))

    def shin_signed_deg(self, facing: float) -> float:
        """Ankle→knee line from vertical, positive with the knee ahead of the ankle in the
        direction the lifter faces (degrees)."""
        dx = (self.knee.x - self.ankle.x) * facing
        return math.degrees(math.atan2(dx, self.ankle.y - self.knee.y))

    def leg_signed_deg(self, facing: float) -> float:
        """Ankle→hip line from vertical, positive with the hip ahead of the ankle (degrees).
        Standing tall it is about 0; hips pushed forward, positive."""
        dx = (self.hip.x - self.ankle.x) * facing
        return math.degrees(math.atan2(dx, self.ankle.y - self.hip.y))

    def hip_extension_deg(self, facing: float) -> float:
        """How far the trunk leans forward of the leg line (degrees): 0 standing tall,
        positive still bent at the hips, negative leaning back past the legs. A camera
        that is not level tilts both lines alike, so this needs no "vertical"."""
        return self.trunk_signed_deg(facing) - self.leg_signed_deg(facing)

    def gaze_down_deg(self, facing: float) -> float:
        """Ear→nose direction below the horizontal (degrees): about 90 looking at the
        floor below, 0 looking ahead, negative looking up."""
        dx = (self.nose.x - self.ear.x) * facing
        return math.degrees(math.atan2(self.nose.y - self.ear.y, dx))

    def knee_bend_signed_deg(self, facing: float) -> float:
        """Knee flexion with a sign: positive with the knee ahead of the hip→ankle line in
        the direction the lifter faces, negative for a knee pushed back (degrees). Unlike
        ``knee_flexion_deg`` it does not read keypoint noise on a straight leg as bend."""
        bend = self.knee_flexion_deg()
        hx, hy = self.hip.x - self.ankle.x, self.hip.y - self.ankle.y
        kx, ky = self.knee.x - self.ankle.x, self.knee.y - self.ankle.y
        ahead = (hx * ky - hy * kx) * facing  # knee to the facing side of ankle→hip
        return bend if ahead >= 0 else -bend

    def knee_flexion_deg(self) -> float:
        """180 minus the hip-knee-ankle angle: 0 straight leg (degrees)."""
        return 180.0 - _angle_at(self.knee, self.hip, self.ankle)

    def neck_flexion_deg(self, facing: float) -> float:
        """How far the ear sits below (+) or above (-) the continued hip→shoulder line, as
        an angle at the shoulder (degrees). Rounding and a dropped head raise it; looking
        up lowers it. On the body's midline (the middle of each left/right pair) when both
        sides are seen: the ear, shoulder and hip of one side stand out from the midline by
        different amounts, and a camera above or beside the lifter then shifts them
        differently standing and bent over."""
        ear, shoulder, hip = self.ear, self.shoulder, self.hip
        if self.midline:
            ear, shoulder, hip = self.mid_ear, self.mid_shoulder, self.mid_hip
        tx, ty = shoulder.x - hip.x, shoulder.y - hip.y
        nx, ny = ear.x - shoulder.x, ear.y - shoulder.y
        cross = (tx * ny - ty * nx) * facing
        dot = tx * nx + ty * ny
        return math.degrees(math.atan2(cross, dot))

    def wrist_ahead_of_shin(self, facing: float) -> float:
        """Horizontal distance of the wrist in front of the knee-ankle line, at the wrist's
        height, in shank lengths (negative: behind the line)."""
        shank = math.hypot(self.knee.x - self.ankle.x, self.knee.y - self.ankle.y)
        if shank < 1e-6:
            return 0.0
        drop = self.ankle.y - self.knee.y
        along = 0.0 if abs(drop) < 1e-6 else (self.wrist.y - self.knee.y) / drop
        along = min(1.0, max(0.0, along))
        line_x = self.knee.x + along * (self.ankle.x - self.knee.x)
        return (self.wrist.x - line_x) * facing / shank


def _angle_at(vertex: Point, a: Point, b: Point) -> float:
    ax, ay = a.x - vertex.x, a.y - vertex.y
    bx, by = b.x - vertex.x, b.y - vertex.y
    norm = math.hypot(ax, ay) * math.hypot(bx, by)
    if norm < 1e-9:
        return 180.0
    return math.degrees(math.acos(max(-1.0, min(1.0, (ax * bx + ay * by) / norm))))


def side_scores(rows: list[list[float]]) -> tuple[float, float]:
    """Summed scores of the near-side parts on the left and on the right."""
    left = sum(rows[_SIDE_INDEX["left"][p]][2] for p in _NEAR_SIDE_PARTS)
    right = sum(rows[_SIDE_INDEX["right"][p]][2] for p in _NEAR_SIDE_PARTS)
    return left, right


def extract(
    pose: Pose,
    rows: list[list[float]],
    side: str,
    min_score: float,
    t_s: float | None = None,
) -> FrameFeatures:
    """The features of ``pose`` on ``side`` ("left"/"right"), from its keypoint ``rows``
    (``pose.yx_score.tolist()``, made once per frame by the caller); dated ``t_s``
    (seconds) if given, else at the pose's own time."""
    w, h = pose.width, pose.height
    index = _SIDE_INDEX[side]

    def point(i: int) -> Point:
        y, x, score = rows[i]
        return Point(x * w, y * h, score)

    left, right = rows[_SHOULDERS[0]], rows[_SHOULDERS[1]]
    ankles = (point(_ANKLES[0]), point(_ANKLES[1]))
    features = FrameFeatures(
        t_s=pose.t_s if t_s is None else t_s,
        ear=point(index["ear"]),
        shoulder=point(index["shoulder"]),
        hip=point(index["hip"]),
        knee=point(index["knee"]),
        ankle=point(index["ankle"]),
        wrist=point(index["wrist"]),
        elbow=point(index["elbow"]),
        shoulder_width_px=abs(left[1] - right[1]) * w,
        shoulders_seen=left[2] >= min_score and right[2] >= min_score,
        face_score=(rows[_NOSE][2] + rows[_EYES[0]][2] + rows[_EYES[1]][2]) / 3.0,
        nose=point(_NOSE),
        feet=_feet(ankles[0], ankles[1], min_score),
        mid_shoulder=_middle(point(_SHOULDERS[0]), point(_SHOULDERS[1]), min_score),
        mid_hip=_middle(point(_HIPS[0]), point(_HIPS[1]), min_score),
        mid_ear=_middle(point(_EARS[0]), point(_EARS[1]), min_score),
        knees_flexion_deg=_knees_flexion(rows, w, h, side, min_score),
        midline=all(rows[i][2] >= min_score for pair in (_EARS, _SHOULDERS, _HIPS) for i in pair),
        arms_px=_arms(rows, w, h, min_score),
        ankles=ankles,
    )
    return features


def _arms(rows: list[list[float]], w: int, h: int, min_score: float) -> float:
    """The shorter of the two arms' shoulder→elbow→wrist paths (pixels), 0 unless every
    joint of both arms is seen. An arm only ever looks shorter than it is (bent, or
    pointing at the camera), and the shorter one is the safe bound when a swapped keypoint
    lengthens the other."""
    paths = []
    for index in _SIDE_INDEX.values():
        joints = [rows[index[p]] for p in ("shoulder", "elbow", "wrist")]
        if min(j[2] for j in joints) < min_score:
            return 0.0
        paths.append(
            sum(
                math.hypot((a[1] - b[1]) * w, (a[0] - b[0]) * h)
                for a, b in itertools.pairwise(joints)
            )
        )
    return min(paths)


def _feet(left: Point, right: Point, min_score: float) -> Point:
    seen = [p for p in (left, right) if p.score >= min_score]
    use = seen or [left, right]
    x = sum(p.x for p in use) / len(use)
    y = sum(p.y for p in use) / len(use)
    return Point(x, y, 1.0 if seen else 0.0)


def _middle(left: Point, right: Point, min_score: float) -> Point:
    """The middle of a left/right pair when both are seen, else the better one."""
    if left.score >= min_score and right.score >= min_score:
        return Point((left.x + right.x) / 2, (left.y + right.y) / 2, min(left.score, right.score))
    return left if left.score >= right.score else right


def _knees_flexion(rows: list[list[float]], w: int, h: int, side: str, min_score: float) -> float:
    """Mean knee flexion of the legs whose hip, knee and ankle are all seen (degrees); the
    ``side`` leg when none is. MoveNet misplaces one knee behind a plate now and then; the
    other rarely at the same moment."""
    flexions: dict[str, float] = {}
    for name, index in _SIDE_INDEX.items():
        hip, knee, ankle = (
            Point(rows[index[p]][1] * w, rows[index[p]][0] * h, rows[index[p]][2])
            for p in ("hip", "knee", "ankle")
        )
        flexions[name] = 180.0 - _angle_at(knee, hip, ankle)
        if min(hip.score, knee.score, ankle.score) < min_score:
            flexions.pop(name)
    if not flexions:
        index = _SIDE_INDEX[side]
        hip, knee, ankle = (
            Point(rows[index[p]][1] * w, rows[index[p]][0] * h, 0.0)
            for p in ("hip", "knee", "ankle")
        )
        return 180.0 - _angle_at(knee, hip, ankle)
    return sum(flexions.values()) / len(flexions)
