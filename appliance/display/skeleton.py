"""Draw a pose as a bright skeleton on the black (mirror) background.

Behind a two-way mirror black shows as mirror and only bright strokes show through, so
the skeleton is drawn in light colours on black and flipped left-right to line up with the
lifter's reflection.
"""

from __future__ import annotations

from typing import Any

from appliance.types import KEYPOINT_INDEX, SKELETON_EDGES, Pose

BONE_COLOUR = (120, 220, 255)
JOINT_COLOUR = (255, 255, 255)
MIN_SCORE = 0.3


def fit_transform(
    frame_size: tuple[int, int], surface_size: tuple[int, int]
) -> tuple[float, float, float]:
    """(scale, offset_x, offset_y) placing the frame centred on the surface, aspect kept."""
    frame_w, frame_h = frame_size
    width, height = surface_size
    scale = min(width / frame_w, height / frame_h)
    return scale, (width - frame_w * scale) / 2.0, (height - frame_h * scale) / 2.0


def draw_skeleton(surface: Any, pose: Pose, mirrored: bool = True) -> None:
    """Draw ``pose``'s confident bones and joints on a pygame ``surface``."""
    import pygame

    scale, off_x, off_y = fit_transform((pose.width, pose.height), surface.get_size())
    xy = pose.xy_px
    if mirrored:
        xy[:, 0] = pose.width - xy[:, 0]
    points = [(off_x + x * scale, off_y + y * scale) for x, y in xy]
    scores = pose.scores
    thickness = max(2, round(surface.get_height() / 120))
    for a, b in SKELETON_EDGES:
        i, j = KEYPOINT_INDEX[a], KEYPOINT_INDEX[b]
        if scores[i] >= MIN_SCORE and scores[j] >= MIN_SCORE:
            pygame.draw.line(surface, BONE_COLOUR, points[i], points[j], thickness)
    for i, point in enumerate(points):
        if scores[i] >= MIN_SCORE:
            pygame.draw.circle(surface, JOINT_COLOUR, point, thickness * 1.5)
