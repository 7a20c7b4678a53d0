"""The side camera's tile: a small corner picture of what the side camera sees (issue 12).

While a side camera is configured, the bottom of the right column (above the cue band,
below the score dots) shows its lifter as a skeleton in a thin frame labelled ``SIDE``,
as that camera sees them (not mirrored: it is not the lifter's reflection). A lost side
camera says so in the tile; one with nobody in view shows an empty frame. All lengths are
pixels.
"""

from __future__ import annotations

import pygame

from appliance.display.canvas import Canvas
from appliance.display.layout import Layout
from appliance.display.style import BONE, DIM, LABEL, NOTICE, WHITE
from appliance.types import KEYPOINT_INDEX, SKELETON_EDGES, Pose

MIN_SCORE = 0.3  # keypoints below this confidence are not drawn
TILE_ASPECT = 0.75  # width / height: a standing lifter seen from the side is tall
LABEL_TEXT = "SIDE"
LOST_TEXT = "Side camera lost"
WAITING_TEXT = "Side camera starting"


def tile_rect(layout: Layout, leave_px: int = 0) -> pygame.Rect:
    """The tile's box: the bottom of the right column (the diagnostics' rectangle),
    right-aligned, ``TILE_ASPECT`` wide for its height; narrower (and shorter, at the
    bottom) when ``leave_px`` of the column's width must stay free (the diagnostics)."""
    column = layout.diagnostics
    width = min(column.width, round(TILE_ASPECT * column.height))
    if leave_px > 0:
        width = max(round(0.4 * width), min(width, column.width - leave_px - _gap(layout)))
    height = min(column.height, round(width / TILE_ASPECT))
    return pygame.Rect(column.right - width, column.bottom - height, width, height)


def beside_tile(layout: Layout, tile: pygame.Rect) -> pygame.Rect:
    """What is left of the right column's bottom beside ``tile`` (the diagnostics go
    there while the tile shows)."""
    column = layout.diagnostics
    width = max(0, tile.left - _gap(layout) - column.left)
    return pygame.Rect(column.left, column.top, width, column.height)


def _gap(layout: Layout) -> int:
    return max(2, round(0.02 * layout.width))


def draw_side_tile(
    canvas: Canvas, layout: Layout, pose: Pose | None, state: str, box: pygame.Rect
) -> None:
    """The tile for the side camera in ``state`` (``"ok"``, ``"lost"``, ``"waiting"``,
    ``"starting"``) with its lifter ``pose`` (``None``: nobody seen), in ``box``
    (``tile_rect``)."""
    if box.width < 8 or box.height < 8:
        return
    pygame.draw.rect(canvas.surface, DIM, box, 1)
    canvas.record("side_tile", box)
    inset = max(2, round(0.05 * box.width))
    inner = box.inflate(-2 * inset, -2 * inset)
    cap = 0.8 * layout.cap_diagnostics
    label = canvas.text("side_label", LABEL_TEXT, inner, cap, LABEL)
    picture = pygame.Rect(inner.left, label.bottom, inner.width, inner.bottom - label.bottom)
    if state == "lost":
        canvas.text(
            "side_state", LOST_TEXT, picture, cap, NOTICE, max_lines=2, align="centre",
            valign="centre",
        )  # fmt: skip
    elif state == "starting" or (state == "waiting" and pose is None):
        canvas.text(
            "side_state", WAITING_TEXT, picture, cap, LABEL, max_lines=2, align="centre",
            valign="centre",
        )  # fmt: skip
    elif pose is not None and pose.person_present:
        _draw_skeleton(canvas.surface, picture, pose)


def _draw_skeleton(surface: pygame.Surface, box: pygame.Rect, pose: Pose) -> None:
    """``pose``'s confident bones in ``box``: a square of the frame as tall as the frame's
    shorter side, centred on the hips, scaled to fit (a steady scale, whatever the
    lifter does)."""
    xy = pose.xy_px
    scores = pose.scores
    side = float(min(pose.width, pose.height))
    hips = [KEYPOINT_INDEX["left_hip"], KEYPOINT_INDEX["right_hip"]]
    seen = [i for i in hips if scores[i] >= MIN_SCORE]
    centre_x = float(xy[seen, 0].mean()) if seen else pose.width / 2.0
    left = min(max(0.0, centre_x - side / 2.0), max(0.0, pose.width - side))
    top = (pose.height - side) / 2.0
    scale = min(box.width, box.height) / side
    off_x = box.centerx - side * scale / 2.0
    off_y = box.bottom - side * scale

    def at(i: int) -> tuple[float, float]:
        return off_x + (xy[i, 0] - left) * scale, off_y + (xy[i, 1] - top) * scale

    thickness = max(1, round(box.height / 60))
    clip = surface.get_clip()
    surface.set_clip(box)
    for a, b in SKELETON_EDGES:
        i, j = KEYPOINT_INDEX[a], KEYPOINT_INDEX[b]
        if scores[i] >= MIN_SCORE and scores[j] >= MIN_SCORE:
            pygame.draw.line(surface, BONE, at(i), at(j), thickness)
    for i in range(len(scores)):
        if scores[i] >= MIN_SCORE:
            pygame.draw.circle(surface, WHITE, at(i), thickness + 1)
    surface.set_clip(clip)
