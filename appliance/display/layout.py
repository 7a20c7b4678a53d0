"""Where things go on the mirror, derived from the screen size alone.

Every length is pixels, computed from the surface's width and height, so a 1080p monitor
and a 7" 800x480 panel get the same composition. The middle of the screen (about 40% of
the width and half of the height) is left black for the lifter's reflection; everything
lives in bands along the edges:

    +-------------+-------------------------+-------------+
    | mode        |   guidance / notice     |  rep count  |
    | set · view  |                         |        REPS |
    +-------------+                         +-------------+
    | side-       |                         | score dots  |
    | profile     |     (reflection)        |             |
    | figure      |                         | diagnostics |
    +-------------+-------------------------+-------------+
    |                 current cue, large                  |
    +-----------------------------------------------------+
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pygame

CENTRE_CLEAR_X = (0.30, 0.70)
"""The fraction of the width kept free for the reflection (left, right edge)."""
CENTRE_CLEAR_Y = (0.25, 0.75)
"""The fraction of the height kept free for the reflection (top, bottom edge)."""


@dataclass(frozen=True)
class Layout:
    """The rectangles (pixels) of one screen size and the cap heights (pixels) of its
    text. ``unit`` is the length all sizes scale with: the height, unless the screen is
    narrower than 4:3 (a portrait mirror), then three quarters of the width."""

    width: int
    height: int
    unit: float
    margin_x: int
    margin_y: int
    top_left: pygame.Rect
    top_centre: pygame.Rect
    top_right: pygame.Rect
    profile: pygame.Rect
    dots: pygame.Rect
    diagnostics: pygame.Rect
    cue: pygame.Rect
    centre: pygame.Rect
    cap_mode: float
    cap_small: float
    cap_counter: float
    cap_guidance: float
    cap_cue: float
    cap_prompt: float
    cap_diagnostics: float
    dot_px: int


@lru_cache(maxsize=8)
def layout_for(size: tuple[int, int]) -> Layout:
    """The layout of a ``(width, height)`` pixel screen."""
    width, height = size
    unit = min(float(height), 0.75 * width)
    mx = max(4, round(0.025 * width))
    my = max(4, round(0.03 * height))
    bottom_my = max(3, round(0.012 * height))
    col_right = round(CENTRE_CLEAR_X[0] * width) - round(0.01 * width)
    col_left = round(CENTRE_CLEAR_X[1] * width) + round(0.01 * width)
    top_bottom = round(0.22 * height)
    # The mode block may reach down into the profile's column when its small lines need
    # to wrap (the renderer then starts the figure below it).
    corner_bottom = round(0.40 * height)
    # The first line box's top holds no ink (space above the tallest letters): the band
    # may start right at the clear region's edge.
    band_top = round(CENTRE_CLEAR_Y[1] * height) + round(0.002 * height)
    middle_top = round(CENTRE_CLEAR_Y[0] * height) - round(0.02 * height)
    middle_bottom = band_top - round(0.02 * height)

    dots_top = round(0.28 * height)
    diag_top = round(0.47 * height)
    profile_h = middle_bottom - middle_top
    profile_w = min(col_right - mx, round(0.9 * profile_h))
    centre = pygame.Rect(
        round(CENTRE_CLEAR_X[0] * width),
        round(CENTRE_CLEAR_Y[0] * height),
        round((CENTRE_CLEAR_X[1] - CENTRE_CLEAR_X[0]) * width),
        round((CENTRE_CLEAR_Y[1] - CENTRE_CLEAR_Y[0]) * height),
    )
    return Layout(
        width=width,
        height=height,
        unit=unit,
        margin_x=mx,
        margin_y=my,
        top_left=pygame.Rect(mx, my, col_right - mx, corner_bottom - my),
        top_centre=pygame.Rect(col_right + mx, my, col_left - col_right - 2 * mx, top_bottom - my),
        top_right=pygame.Rect(col_left, my, width - mx - col_left, top_bottom - my),
        profile=pygame.Rect(mx, middle_top, profile_w, profile_h),
        dots=pygame.Rect(col_left, dots_top, width - mx - col_left, diag_top - dots_top),
        diagnostics=pygame.Rect(
            col_left, diag_top, width - mx - col_left, middle_bottom - diag_top
        ),
        cue=pygame.Rect(mx, band_top, width - 2 * mx, height - bottom_my - band_top),
        centre=centre,
        cap_mode=0.05 * unit,
        # The small lines (state, view, averages, comparisons): capitals 4.2% of the
        # height, 30 px at 720p. On a 24-32" panel that is 13-17 mm, 22-29 arc
        # minutes at 2 m, above the ~20' where text reads without effort.
        cap_small=0.042 * unit,
        cap_counter=0.13 * unit,
        cap_guidance=0.038 * unit,
        cap_cue=0.082 * unit,
        cap_prompt=0.06 * unit,
        cap_diagnostics=0.022 * unit,
        dot_px=max(6, round(0.036 * unit)),
    )
