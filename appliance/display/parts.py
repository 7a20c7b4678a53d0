"""The pieces every screen shares, each drawn into its own rectangle of the layout: the
mode and set state (top left), the rep counter (top right), the score dots, and the
diagnostics overlay. Lengths are pixels."""

from __future__ import annotations

import pygame

from appliance.display import fonts
from appliance.display.canvas import Canvas
from appliance.display.layout import Layout
from appliance.display.screen_model import Diagnostics, ScreenModel
from appliance.display.style import INFO, LABEL, PRAISE, WHITE, score_colour
from appliance.words import counted

CAMERA_LOST = "Camera lost — reconnecting…"
CAMERA_STARTING = "Starting the camera…"

VIEW_NAMES = {"side": "SIDE VIEW", "front": "FRONT VIEW", "oblique": "ANGLED VIEW"}


def state_label(model: ScreenModel) -> str:
    """The set state as the top-left corner says it."""
    if model.set_state == "summary":
        return "SET COMPLETE"
    if model.calibrating and model.set_state in ("ready", "running"):
        return "CALIBRATING"
    if model.set_state == "running":
        return "SET IN PROGRESS"
    if model.set_state == "ready":
        return "READY"
    return ""


def notice_text(model: ScreenModel) -> str | None:
    """The system notice to show, if any: ``model.notice``, else one for a lost or
    starting camera."""
    if model.notice:
        return model.notice
    if model.camera == "lost":
        return CAMERA_LOST
    if model.camera == "starting":
        return CAMERA_STARTING
    return None


def draw_mode_block(canvas: Canvas, layout: Layout, model: ScreenModel) -> int:
    """Mode (``DEADLIFT``), set state and the view, stacked in the top-left corner; the
    y (pixels) where the block ends. The state and the view keep the small lines' full
    size: the state wraps (who is lifting on a line of its own) rather than shrink."""
    box = pygame.Rect(layout.top_left)
    used = canvas.text("mode", model.mode.upper(), box, layout.cap_mode, WHITE)
    bottom = used.bottom
    gap = round(0.5 * layout.cap_small)
    size = fonts.size_for_cap(layout.cap_small)
    state = state_label(model)
    dot = round(0.8 * layout.cap_small)
    indent = round(1.6 * dot) if state and model.set_state == "running" else 0
    if model.person:  # who is lifting, on the state line (or above it, if it is too long)
        person = model.person.upper()
        one_line = f"{person} · {state}" if state else person
        fits = fonts.text_width(one_line, size) <= box.width - indent
        state = one_line if fits or not state else f"{person}\n{state}"
    if state:
        line = pygame.Rect(box.left, used.bottom + gap, box.width, box.bottom - used.bottom - gap)
        if indent:
            # A green "recording" dot before the state: a set is being watched.
            centre = (line.left + dot // 2, line.top + fonts.ascent(size) - dot // 2)
            pygame.draw.circle(canvas.surface, PRAISE, centre, dot // 2)
            line.left += indent
            line.width -= indent
        used = canvas.text(
            "state",
            state,
            line,
            layout.cap_small,
            LABEL,
            max_lines=3,
            min_cap_px=layout.cap_small * 0.7,
        )
        bottom = used.bottom
    view = VIEW_NAMES.get(model.view)
    if view and model.set_state in ("ready", "running"):
        line = pygame.Rect(box.left, used.bottom + gap, box.width, box.bottom - used.bottom - gap)
        used = canvas.text(
            "view", view, line, layout.cap_small, INFO, min_cap_px=layout.cap_small * 0.7
        )
        bottom = used.bottom
    return bottom


def draw_rep_counter(canvas: Canvas, layout: Layout, reps: int) -> None:
    """The big rep count, right-aligned in the top-right corner, ``REPS`` under it."""
    box = layout.top_right
    used = canvas.text(
        "reps",
        str(reps),
        box,
        layout.cap_counter,
        WHITE,
        min_cap_px=layout.cap_counter * 0.6,
        align="right",
        no_descenders=True,
    )
    gap = round(0.4 * layout.cap_small)
    bottom = layout.dots.top - gap  # the label may use the gap above the dots
    label = pygame.Rect(box.left, used.bottom + gap, box.width, bottom - used.bottom - gap)
    canvas.text(
        "reps_label", "REP" if reps == 1 else "REPS", label, layout.cap_small, LABEL, align="right"
    )


def draw_score_dots(
    canvas: Canvas,
    box: pygame.Rect,
    scores: tuple[int, ...],
    dot_px: int,
    cap_px: float,
    *,
    centred: bool = False,
    average: bool = True,
) -> pygame.Rect:
    """One dot (``dot_px`` across) per rep score (0..100), coloured by score, in rows
    filling ``box`` top-down, oldest first, right-aligned (or ``centred``); with
    ``average``, the set's average under them. When there are more reps than fit, the
    latest are shown. Returns the box used (empty at ``box``'s top when no scores)."""
    if not scores:
        return pygame.Rect(box.topleft, (0, 0))
    pitch = round(1.5 * dot_px)
    label_h = round(2.2 * cap_px) if average else 0
    per_row = max(1, (box.width + pitch - dot_px) // pitch)
    rows = max(1, (box.height - label_h + pitch - dot_px) // pitch)
    shown = scores[-per_row * rows :]
    for i, score in enumerate(shown):
        row, col = divmod(i, per_row)
        in_row = min(per_row, len(shown) - row * per_row)
        right = box.centerx + ((in_row - 1) * pitch + dot_px) // 2 if centred else box.right
        x = right - (in_row - col - 1) * pitch - dot_px // 2
        y = box.top + row * pitch + dot_px // 2
        pygame.draw.circle(canvas.surface, score_colour(score), (x, y), dot_px // 2)
    used_rows = (len(shown) + per_row - 1) // per_row
    used = pygame.Rect(box.left, box.top, box.width, (used_rows - 1) * pitch + dot_px)
    canvas.record("dots", used)
    if average:
        mean = round(sum(scores) / len(scores))
        label = pygame.Rect(box.left, used.bottom + round(0.6 * cap_px), box.width, label_h)
        used = used.union(
            canvas.text("average", f"avg {mean}", label, cap_px, score_colour(mean), align="right")
        )
    return used


def diagnostics_lines(diagnostics: Diagnostics) -> tuple[str, ...]:
    """The overlay's lines: frame rate, inference time (ms), camera-to-cue latency median
    and p95 (ms), dropped frames, runtime, note."""
    d = diagnostics

    def ms(value: float | None) -> str:
        return "–" if value is None else f"{value:.0f}"

    lines = [
        f"{d.fps:.1f} fps",
        f"inference {d.inference_ms:.1f} ms",
        f"cue latency {ms(d.latency_median_ms)} / {ms(d.latency_p95_ms)} ms",
        "(median / p95)",
        f"dropped {counted(d.dropped_frames, 'frame')}",
        f"runtime {d.runtime}",
    ]
    if d.note:
        lines.append(d.note)
    return tuple(lines)


def diagnostics_width(layout: Layout, diagnostics: Diagnostics) -> int:
    """The width (pixels) of the overlay's widest line at its usual size."""
    size = fonts.size_for_cap(layout.cap_diagnostics)
    lines = diagnostics_lines(diagnostics)
    return max(fonts.text_surface(line, size, LABEL).get_width() for line in lines)


def draw_diagnostics(
    canvas: Canvas, layout: Layout, diagnostics: Diagnostics, box: pygame.Rect | None = None
) -> None:
    """The diagnostics overlay: small grey lines at the bottom of the right column (or in
    ``box``: beside the side camera's tile), each cut with an ellipsis if too wide (a
    smaller font only if they are too many)."""
    lines = diagnostics_lines(diagnostics)
    box = layout.diagnostics if box is None else box
    cap = layout.cap_diagnostics
    size = fonts.size_for_cap(cap)
    while fonts.block_height(size, len(lines)) > box.height and cap > 0.6 * layout.cap_diagnostics:
        cap *= 0.92
        size = fonts.size_for_cap(cap)
    shown = tuple(fonts.fit(line, cap, box.width, 1, cap)[1][0] for line in lines)
    canvas.lines("diagnostics", shown, size, box, LABEL, align="right", valign="bottom")
