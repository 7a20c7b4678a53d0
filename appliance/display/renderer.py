"""Draw a ``ScreenModel`` onto a pygame surface: the whole mirror, every frame.

``render(model, surface)`` is pure: the same model on a surface of the same size gives the
same pixels (caches of fonts and rendered text only save time). Time enters only through
``model.now_s``; nothing fades by itself, a cue is drawn at full brightness for as long as
the model carries it.

Behind a two-way mirror black is glass, so the background is black and only text and
strokes are bright; the middle of the screen stays black for the lifter's reflection (see
``layout``). Things drawn about the lifter are mirrored left-right to match the
reflection: the corner side-profile figure, and the optional full-size skeleton.
"""

from __future__ import annotations

import pygame

from appliance.display import attract, summary
from appliance.display.canvas import Canvas, Drawn
from appliance.display.layout import Layout, layout_for
from appliance.display.parts import (
    diagnostics_width,
    draw_diagnostics,
    draw_mode_block,
    draw_rep_counter,
    draw_score_dots,
    notice_text,
)
from appliance.display.profile_figure import (
    StickMark,
    draw_profile,
    profile_points,
    segment_parts,
)
from appliance.display.screen_model import GUEST, ScreenModel
from appliance.display.side_tile import beside_tile, draw_side_tile, tile_rect
from appliance.display.style import (
    BLACK,
    FORM,
    INFO,
    LABEL,
    NOTICE,
    PRAISE,
    WHITE,
    Colour,
    severity_colour,
)

STAND_STILL = "Stand tall and still"
PRESS_SET = "Press SET or start hinging"
PROGRESS_FOOTER = "DRILL / DEADLIFT: who is lifting  ·  SET: back to the mirror"
PROGRESS_FOOTER_ALONE = "SET: back to the mirror"


def render(model: ScreenModel, surface: pygame.Surface, *, full_skeleton: bool = False) -> None:
    """Draw ``model`` over the whole of ``surface`` (any size, pixels).

    ``full_skeleton`` also draws the lifter's skeleton full size, mirrored, over the
    middle of the screen (off by default: the middle is the reflection's)."""
    render_boxes(model, surface, full_skeleton=full_skeleton)


def render_boxes(
    model: ScreenModel, surface: pygame.Surface, *, full_skeleton: bool = False
) -> list[Drawn]:
    """``render``, returning the box of every text and graphic drawn (for layout checks)."""
    canvas = Canvas(surface)
    surface.fill(BLACK)
    layout = layout_for(surface.get_size())
    if model.progress is not None:
        _draw_progress(canvas, model)
    elif model.set_state == "idle":
        attract.draw_attract(canvas, layout, model)
    elif model.set_state == "summary":
        summary.draw_summary(canvas, layout, model)
    else:
        _draw_live(canvas, layout, model, full_skeleton)
    if model.diagnostics is not None:
        tile = _side_tile_box(layout, model)
        box = beside_tile(layout, tile) if tile is not None else None
        draw_diagnostics(canvas, layout, model.diagnostics, box)
    return canvas.drawn


def _side_tile_box(layout: Layout, model: ScreenModel) -> pygame.Rect | None:
    """Where the side camera's tile goes: on the ready and running screens while a side
    camera is set up, beside the diagnostics when they show; ``None``: no tile."""
    live = model.progress is None and model.set_state in ("ready", "running")
    if not live or model.side_camera is None:
        return None
    diagnostics = model.diagnostics
    return tile_rect(layout, diagnostics_width(layout, diagnostics) if diagnostics else 0)


def _draw_live(canvas: Canvas, layout: Layout, model: ScreenModel, full_skeleton: bool) -> None:
    """The ready and running screens: edges only, the cue band at the bottom."""
    camera_lost = model.camera == "lost"
    pose = None if camera_lost else model.pose
    if full_skeleton and pose is not None and pose.person_present:
        from appliance.display.skeleton import draw_skeleton

        draw_skeleton(canvas.surface, pose, mirrored=True)
    corner_bottom = draw_mode_block(canvas, layout, model)
    draw_rep_counter(canvas, layout, model.rep_count)
    draw_score_dots(canvas, layout.dots, model.scores, layout.dot_px, layout.cap_small)
    if pose is not None and pose.person_present:
        colour = severity_colour(model.cue.severity) if model.cue else FORM
        # The figure gives up its top to a corner block that needed more lines.
        profile = pygame.Rect(layout.profile)
        top = max(profile.top, corner_bottom + round(0.5 * layout.cap_small))
        profile.height, profile.top = profile.bottom - top, top
        stick = model.stick
        mark = (
            StickMark(stick.orientation, PRAISE if model.stick_ok else FORM, stick.height)
            if stick is not None
            else None
        )
        draw_profile(
            canvas,
            profile,
            profile_points(pose, mirrored=True),
            segment_parts(model.faulty_segments),
            colour,
            stick=mark,
        )
    tile = _side_tile_box(layout, model)
    if tile is not None and model.side_camera is not None:
        draw_side_tile(canvas, layout, model.side_pose, model.side_camera, tile)
    notice = notice_text(model)
    top_texts = [] if camera_lost or notice is None else [("notice", notice, NOTICE)]
    if model.guidance:
        top_texts.append(("guidance", model.guidance, INFO))
    if model.person_hint:
        top_texts.append(("person_hint", model.person_hint, LABEL))
    _draw_top_centre(canvas, layout, top_texts)
    # One thing in the band, most urgent first. Calibration happens at the start of a set
    # (running) or before one (ready); cues wait until the standing posture is taken.
    if camera_lost:
        _band(canvas, layout, "notice", notice or "", NOTICE, layout.cap_prompt)
    elif model.calibrating:
        _band(canvas, layout, "prompt", STAND_STILL, INFO, layout.cap_cue)
    elif model.cue is not None:
        colour = severity_colour(model.cue.severity)
        _band(canvas, layout, "cue", model.cue.text, colour, layout.cap_cue)
    elif model.set_state == "ready":
        _band(canvas, layout, "prompt", PRESS_SET, WHITE, layout.cap_prompt)


def _draw_progress(canvas: Canvas, model: ScreenModel) -> None:
    """The progress screen over the whole surface: one person's charts, and the chooser."""
    from datetime import datetime

    from appliance.display.progress import render_progress

    progress = model.progress
    assert progress is not None
    render_progress(
        list(progress.records),
        canvas.surface,
        datetime.fromtimestamp(progress.opened_wall_s),
        person=progress.person or (GUEST if progress.people else None),
        people=progress.people,
        footer=PROGRESS_FOOTER if progress.people else PROGRESS_FOOTER_ALONE,
    )


def _draw_top_centre(canvas: Canvas, layout: Layout, texts: list[tuple[str, str, Colour]]) -> None:
    """(kind, text, colour) of notices and guidance, smaller, stacked in the top-centre
    band."""
    box = pygame.Rect(layout.top_centre)
    for kind, text, colour in texts:
        if box.height <= 0:
            return
        used = canvas.text(
            kind,
            text,
            box,
            layout.cap_guidance,
            colour,
            max_lines=2,
            min_cap_px=0.75 * layout.cap_guidance,
            align="centre",
        )
        gap = round(0.6 * layout.cap_guidance)
        box = pygame.Rect(box.left, used.bottom + gap, box.width, box.bottom - used.bottom - gap)


def _band(canvas: Canvas, layout: Layout, kind: str, text: str, colour: Colour, cap: float) -> None:
    """``text`` large and centred in the bottom band, up to two lines; a text too long
    for two lines at ``cap`` (pixels) is shrunk, to 70% at most, rather than cut."""
    canvas.text(
        kind,
        text,
        layout.cue,
        cap,
        colour,
        max_lines=2,
        min_cap_px=0.7 * cap,
        align="centre",
        valign="centre",
    )
