"""The set summary at rest: reps, score dots and average, the main fault and its cue (or
praise for a clean set), and a mobility or strength tip.

The lifter is resting and looking at the mirror, so this screen may use the middle: the
average score and the main fault sit in the centre column, the tip in the bottom band;
mode, reps, dots and diagnostics stay where the live screen has them. Lengths are pixels.
"""

from __future__ import annotations

import pygame

from appliance.display import fonts
from appliance.display.canvas import Canvas
from appliance.display.layout import Layout
from appliance.display.parts import draw_mode_block, draw_rep_counter, draw_score_dots, notice_text
from appliance.display.screen_model import ScreenModel, SummaryView
from appliance.display.style import (
    FORM,
    INFO,
    LABEL,
    NOTICE,
    PRAISE,
    WHITE,
    fault_colour,
    score_colour,
)
from appliance.display.tips import tip_for
from appliance.words import fault_name

CLEAN_SET = "Clean set"
CLEAN_SET_LINE = "No faults — keep it up"
NO_FAULTS_SEEN = "No faults seen"


AVERAGE_SCORE = "AVERAGE SCORE"


def summary_of(model: ScreenModel) -> SummaryView:
    """``model.summary``, or one made from the model's own reps and scores."""
    if model.summary is not None:
        return model.summary
    return SummaryView(model.rep_count, model.scores, None, None, tip_for(None))


def draw_summary(canvas: Canvas, layout: Layout, model: ScreenModel) -> None:
    """The whole summary screen."""
    view = summary_of(model)
    draw_mode_block(canvas, layout, model)
    draw_rep_counter(canvas, layout, view.reps)
    notice = notice_text(model)
    if notice:
        canvas.text(
            "notice",
            notice,
            layout.top_centre,
            layout.cap_guidance,
            NOTICE,
            max_lines=2,
            min_cap_px=0.75 * layout.cap_guidance,
            align="centre",
        )
    # The side columns are free at rest, the right one unless diagnostics are on.
    inset = round(0.15 * layout.width) + layout.margin_x
    if model.diagnostics:
        inset = layout.width - layout.diagnostics.left + layout.margin_x
    middle = pygame.Rect(inset, layout.profile.top, layout.width - 2 * inset, layout.profile.height)
    # Without a notice the heading goes in the free top-centre band, above the number,
    # leaving the middle to the score, the comparison and the main fault's cue.
    heading = None if notice else layout.top_centre
    small = fonts.size_for_cap(layout.cap_small)
    if fonts.text_width(AVERAGE_SCORE, small) > layout.top_centre.width:
        heading = None  # a narrow (portrait) screen: the middle has the height for it
    _draw_middle(canvas, layout, middle, view, heading)
    _draw_tip(canvas, layout, view.tip or tip_for(view.main_fault))


def _below(box: pygame.Rect, used: pygame.Rect, gap: int) -> pygame.Rect:
    top = used.bottom + gap
    return pygame.Rect(box.left, top, box.width, max(0, box.bottom - top))


def _draw_middle(
    canvas: Canvas,
    layout: Layout,
    box: pygame.Rect,
    view: SummaryView,
    heading: pygame.Rect | None = None,
) -> None:
    """Average score (big), then the main fault and its cue — or the clean-set praise.
    The ``AVERAGE SCORE`` heading sits at the bottom of ``heading`` if given, else at
    the top of ``box``."""
    unit = layout.unit
    gap = round(0.02 * unit)
    comparison = view.comparison  # this set against the lifter's last sets, if any
    if view.scores:
        heading_used = canvas.text(
            "average_label",
            AVERAGE_SCORE,
            heading or box,
            layout.cap_small,
            LABEL,
            align="centre",
            valign="bottom" if heading else "top",
        )
        number_box = box if heading else _below(box, heading_used, gap)
        average = round(sum(view.scores) / len(view.scores))
        used = canvas.text(
            "average_big",
            str(average),
            number_box,
            (0.065 if comparison else 0.1) * unit,  # room for the comparison lines
            score_colour(average),
            align="centre",
            no_descenders=True,
        )
        dots = _below(box, used, round(1.5 * gap))
        # Up to two rows of dots, but never at the cost of the main fault's cue below.
        reserve = (
            fonts.block_height(fonts.size_for_cap(layout.cap_small), 1)
            + fonts.block_height(fonts.size_for_cap(0.045 * unit), 1)
            + round(4.5 * gap)
        )
        if comparison is not None:
            reserve += 2 * (fonts.block_height(fonts.size_for_cap(layout.cap_small), 1) + gap)
        dots.height = max(0, min(round(0.12 * unit), dots.height - reserve))
        used = draw_score_dots(
            canvas,
            dots,
            view.scores,
            round(0.042 * unit),
            layout.cap_small,
            centred=True,
            average=False,
        )
        if comparison is not None:
            used = _trend_line(
                canvas, layout, _below(box, used, gap), "trend", comparison.score_line,
                comparison.score_trend,
            )  # fmt: skip
    else:
        used = canvas.text(
            "average_label", "No reps counted", box, layout.cap_guidance, LABEL, align="centre"
        )
    rest = _below(box, used, round((1.5 if comparison else 2.5) * gap))
    if view.main_fault is None:
        headline = NO_FAULTS_SEEN if view.unchecked else CLEAN_SET
        used = canvas.text("praise", headline, rest, 0.07 * unit, PRAISE, align="centre")
        used = canvas.text(
            "praise_line",
            view.unchecked or CLEAN_SET_LINE,
            _below(rest, used, gap),
            layout.cap_small,
            LABEL,
            align="centre",
            max_lines=2,
            min_cap_px=0.7 * layout.cap_small,
        )
        if comparison is not None and comparison.fault_line is not None:
            _trend_line(canvas, layout, _below(rest, used, gap), "fault_trend",
                        comparison.fault_line, comparison.fault_trend)  # fmt: skip
        return
    colour = fault_colour(view.main_fault)
    label = f"MAIN FAULT: {fault_name(view.main_fault).upper()}"
    used = canvas.text(
        "fault",
        label,
        rest,
        layout.cap_small,
        colour,
        align="centre",
        max_lines=2,
        min_cap_px=0.7 * layout.cap_small,
    )
    if comparison is not None and comparison.fault == view.main_fault and comparison.fault_detail:
        used = _trend_line(canvas, layout, _below(rest, used, gap // 2), "fault_trend",
                           comparison.fault_detail, comparison.fault_trend)  # fmt: skip
    if view.main_cue:
        used = canvas.text(
            "fault_cue",
            view.main_cue,
            _below(rest, used, gap),
            0.06 * unit,
            WHITE,
            max_lines=2,
            min_cap_px=0.045 * unit,
            align="centre",
        )


TREND_COLOURS = {"better": PRAISE, "worse": FORM, "same": LABEL}


def _trend_line(
    canvas: Canvas, layout: Layout, box: pygame.Rect, kind: str, text: str, trend: str
) -> pygame.Rect:
    """One small centred line on how something went against the lifter's last sets,
    coloured by its ``trend``; the box it used."""
    return canvas.text(
        kind,
        text,
        box,
        layout.cap_small,
        TREND_COLOURS.get(trend, LABEL),
        align="centre",
        min_cap_px=0.7 * layout.cap_small,
    )


def _draw_tip(canvas: Canvas, layout: Layout, tip: str) -> None:
    """``TIP`` and the tip text, centred in the bottom band."""
    box = layout.cue
    used = canvas.text(
        "tip_label", "TIP FOR NEXT TIME", box, layout.cap_small, INFO, align="centre"
    )
    gap = round(0.5 * layout.cap_small)
    canvas.text(
        "tip",
        tip,
        _below(box, used, gap),
        0.045 * layout.unit,
        WHITE,
        max_lines=3,
        min_cap_px=0.03 * layout.unit,
        align="centre",
        valign="centre",
    )
