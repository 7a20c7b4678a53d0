"""The small side-profile figure: the measured pose as one side's stick figure in a box.

From the side the camera sees one chain of joints well: ear, shoulder, hip, knee, ankle,
and the arm. The figure draws the side with the more confident keypoints, scaled so its
body length fills the box (the same size all through a rep, not refitted every frame),
feet on a ground line. It is **mirrored left-right**, like everything the mirror shows
about the lifter, so it faces the same way as their reflection.

In drill mode the stick is drawn on it (``StickMark``): green when held right, amber when
it tilts or slips.

Faulty segments come as pairs of keypoint names (``("left_shoulder", "left_hip")``); the
side is ignored, so a fault found on either side lights the bone of the drawn side.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import pygame

from appliance.display.canvas import Canvas
from appliance.display.style import BLACK, BONE, DIM, Colour
from appliance.types import KEYPOINT_NAMES, Pose

Point = tuple[float, float]
Points = dict[str, Point]
"""Body part name (``"shoulder"``, ``"hip"``…, no side) → (x, y), y growing downwards."""

BONES: tuple[tuple[str, str], ...] = (
    ("ear", "shoulder"),
    ("shoulder", "hip"),
    ("hip", "knee"),
    ("knee", "ankle"),
    ("shoulder", "elbow"),
    ("elbow", "wrist"),
)
BODY_CHAIN = (("ear", "shoulder"), ("shoulder", "hip"), ("hip", "knee"), ("knee", "ankle"))
SIDE_PARTS = ("ear", "shoulder", "elbow", "wrist", "hip", "knee", "ankle")
MIN_SCORE = 0.3
BODY_FILL = 0.72  # the ear-to-ankle chain's length as a fraction of the box height


def _part(name: str) -> str:
    return name.removeprefix("left_").removeprefix("right_")


def profile_points(pose: Pose, mirrored: bool = True) -> Points:
    """The confident keypoints of ``pose``'s better-seen side (plus the nose), in frame
    pixels; with ``mirrored`` x runs right-to-left like the reflection."""
    scores = {name: float(s) for name, s in zip(KEYPOINT_NAMES, pose.scores, strict=True)}
    side = max(("left", "right"), key=lambda s: sum(scores[f"{s}_{p}"] for p in SIDE_PARTS))
    points: Points = {}
    for part in (*SIDE_PARTS, "nose"):
        name = part if part == "nose" else f"{side}_{part}"
        keypoint = pose.keypoint(name)
        if keypoint.score >= MIN_SCORE:
            x = pose.width - keypoint.x_px if mirrored else keypoint.x_px
            points[part] = (x, keypoint.y_px)
    return points


def segment_parts(segments: Iterable[tuple[str, str]]) -> set[frozenset[str]]:
    """Faulty segments as side-less part pairs: ``("left_shoulder", "left_hip")`` →
    ``{"shoulder", "hip"}``."""
    return {frozenset((_part(a), _part(b))) for a, b in segments}


def hinge_points(hinge: float) -> Points:
    """A model lifter in side view facing right, ``hinge`` 0 (standing) to 1 (torso near
    horizontal), in body-height units with the ankle at (0, 0): for the attract screen
    and examples."""
    knee = math.radians(12 + 10 * hinge)  # soft knees, a little softer at the bottom
    trunk = math.radians(78 * hinge)  # torso inclination from vertical
    shin, thigh = 0.55 * knee, 0.45 * knee
    ankle = (0.0, 0.0)
    knee_p = (ankle[0] + 0.25 * math.sin(shin), ankle[1] - 0.25 * math.cos(shin))
    hip = (knee_p[0] - 0.25 * math.sin(thigh), knee_p[1] - 0.25 * math.cos(thigh))
    shoulder = (hip[0] + 0.3 * math.sin(trunk), hip[1] - 0.3 * math.cos(trunk))
    ear = (shoulder[0] + 0.08 * math.sin(trunk + 0.15), shoulder[1] - 0.08 * math.cos(trunk + 0.15))
    nose = (ear[0] + 0.06 * math.cos(trunk), ear[1] + 0.06 * math.sin(trunk))
    elbow = (shoulder[0] + 0.03, shoulder[1] + 0.17)  # arms hang just in front of the body
    wrist = (elbow[0] + 0.04, elbow[1] + 0.15)
    return {
        "ankle": ankle,
        "knee": knee_p,
        "hip": hip,
        "shoulder": shoulder,
        "ear": ear,
        "nose": nose,
        "elbow": elbow,
        "wrist": wrist,
    }


def _dist(a: Point, b: Point) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def _facing(points: Points) -> int:
    """+1 if the figure faces +x (its nose ahead of its ear), -1 if -x, 0 if unknown."""
    if "nose" in points and "ear" in points:
        dx = points["nose"][0] - points["ear"][0]
        return 0 if dx == 0 else (1 if dx > 0 else -1)
    return 0


def _head(points: Points, body: float) -> tuple[Point, float] | None:
    ear = points.get("ear")
    if ear is None:
        return None
    nose = points.get("nose")
    if nose is None or _dist(ear, nose) > 0.2 * body:
        return ear, 0.08 * body
    centre = ((ear[0] + nose[0]) / 2, (ear[1] + nose[1]) / 2)
    return centre, min(max(0.7 * _dist(ear, nose), 0.07 * body), 0.1 * body)


def draw_profile(
    canvas: Canvas,
    box: pygame.Rect,
    points: Points,
    highlight: AbstractSet[frozenset[str]] = frozenset(),
    highlight_colour: Colour = BONE,
    colour: Colour = BONE,
    stick: StickMark | None = None,
) -> None:
    """Draw ``points`` (any units, y down) fitted into ``box`` (pixels) standing on a
    ground line; bones in ``highlight`` are thicker and in ``highlight_colour``; the
    drill's ``stick`` where it sits on the figure. Draws nothing but the ground line when
    the shoulder or hip is missing."""
    pad = max(2, round(0.06 * box.height))
    ground_y = box.bottom - pad
    width = max(2, round(min(box.height, 1.2 * box.width) / 55))
    pygame.draw.line(
        canvas.surface, DIM, (box.left + pad, ground_y), (box.right - pad, ground_y), 1
    )
    if "shoulder" not in points or "hip" not in points:
        return
    chain = [_dist(points[a], points[b]) for a, b in BODY_CHAIN if a in points and b in points]
    body = sum(chain) * (4 / len(chain))
    head = _head(points, body)
    xs = [p[0] for p in points.values()]
    ys = [p[1] for p in points.values()]
    if head is not None:
        (hx, hy), r = head
        xs += [hx - r, hx + r]
        ys += [hy - r, hy + r]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    room_w, room_h = box.width - 2 * pad, box.height - 2 * pad
    scale = BODY_FILL * box.height / max(body, 1e-6)
    scale = min(scale, room_w / max(span_x, 1e-6), room_h / max(span_y, 1e-6))
    if "ankle" in points:
        # Feet a little behind the middle, so the torso has room to hinge forward.
        anchor_x, target_x = points["ankle"][0], box.centerx - 0.18 * _facing(points) * room_w
    else:
        anchor_x, target_x = (min(xs) + max(xs)) / 2, box.centerx
    off_x = target_x - anchor_x * scale
    off_x = min(max(off_x, box.left + pad - min(xs) * scale), box.right - pad - max(xs) * scale)
    off_y = ground_y - max(ys) * scale

    def px(p: Point) -> tuple[int, int]:
        return round(off_x + p[0] * scale), round(off_y + p[1] * scale)

    canvas.record("figure", box)
    lit = [(a, b) for a, b in BONES if frozenset((a, b)) in highlight]
    for a, b in BONES:
        if a in points and b in points and (a, b) not in lit:
            pygame.draw.line(canvas.surface, colour, px(points[a]), px(points[b]), width)
    for a, b in lit:
        if a in points and b in points:
            pygame.draw.line(
                canvas.surface, highlight_colour, px(points[a]), px(points[b]), round(width * 1.8)
            )
    lit_parts = {part for bone in lit for part in bone}
    for part, p in points.items():
        if part != "nose":
            joint = highlight_colour if part in lit_parts else colour
            pygame.draw.circle(canvas.surface, joint, px(p), round(width * 1.1))
    if head is not None:
        centre, radius = head
        head_colour = highlight_colour if "ear" in lit_parts else colour
        pygame.draw.circle(canvas.surface, head_colour, px(centre), round(radius * scale), width)
    if stick is not None:
        _draw_stick(canvas, points, body, stick, px, width)


@dataclass(frozen=True)
class StickMark:
    """The drill's stick on the figure: ``orientation`` (``"across"``: seen end-on, a dot
    in the crook of the elbow; ``"along"``: a line down the back), ``height`` (across:
    0 at the shoulder, 1 at the elbow) and its ``colour``."""

    orientation: str
    colour: Colour
    height: float | None = None


def _draw_stick(
    canvas: Canvas,
    points: Points,
    body: float,
    stick: StickMark,
    px: Callable[[Point], tuple[int, int]],
    width: int,
) -> None:
    shoulder, hip = points["shoulder"], points["hip"]
    back = -_facing(points) or -1  # the back is away from the face
    if stick.orientation == "across":
        elbow = points.get("elbow", (shoulder[0], shoulder[1] + 0.17 * body))
        h = 0.9 if stick.height is None else max(0.0, min(1.6, stick.height))
        x = shoulder[0] + h * (elbow[0] - shoulder[0]) + back * 0.03 * body
        y = shoulder[1] + h * (elbow[1] - shoulder[1])
        pygame.draw.circle(canvas.surface, BLACK, px((x, y)), round(width * 2.6))
        pygame.draw.circle(canvas.surface, stick.colour, px((x, y)), round(width * 2.0))
        return
    top = points.get("ear", shoulder)
    dx, dy = top[0] - hip[0], top[1] - hip[1]
    n = math.hypot(dx, dy) or 1.0
    ux, uy = dx / n, dy / n
    ox, oy = -uy, ux
    if ox * back < 0:
        ox, oy = -ox, -oy
    off = 0.05 * body
    a = (hip[0] + ox * off - ux * 0.08 * body, hip[1] + oy * off - uy * 0.08 * body)
    b = (top[0] + ox * off + ux * 0.1 * body, top[1] + oy * off + uy * 0.1 * body)
    pygame.draw.line(canvas.surface, stick.colour, px(a), px(b), max(2, round(width * 1.2)))
