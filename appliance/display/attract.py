"""The idle (attract) screen shown when nobody is at the mirror.

Mostly black, so the mirror looks like a mirror: a calm title, a slow stick figure that
hinges once every ``HINGE_PERIOD_S`` seconds (in drill mode holding the stick as the drill
asks, with a line saying how), "Step in front of the mirror" and the mode.
Everything drifts a little over minutes so no pixel stays lit in one place for hours.
Motion is a function of ``model.now_s`` alone (seconds), so a given time always draws the
same picture.
"""

from __future__ import annotations

import math

import pygame

from appliance.display.canvas import Canvas
from appliance.display.layout import Layout
from appliance.display.parts import notice_text
from appliance.display.profile_figure import Points, StickMark, draw_profile, hinge_points
from appliance.display.screen_model import ScreenModel
from appliance.display.style import ATTRACT, LABEL, NOTICE, PRAISE, scaled

TITLE = "Hinge Mirror"
INVITE = "Step in front of the mirror"
STICK_HINT = "Drill: a stick across your back, in the crooks of your elbows"
HINGE_PERIOD_S = 6.0
DRIFT_PERIODS_S = (240.0, 180.0)  # horizontal, vertical
DRIFT = 0.015  # of the width / height


def drill_points(hinge: float) -> Points:
    """``hinge_points`` with the drill's arms: elbows bent about 90° at the sides (the
    upper arm along the torso, the forearm forward), the stick in their crook."""
    points = dict(hinge_points(hinge))
    (sx, sy), (hx, hy) = points["shoulder"], points["hip"]
    n = math.hypot(hx - sx, hy - sy) or 1.0
    ux, uy = (hx - sx) / n, (hy - sy) / n  # down the torso
    elbow = (sx + 0.16 * ux, sy + 0.16 * uy)
    points["elbow"] = elbow
    points["wrist"] = (elbow[0] - 0.14 * uy, elbow[1] + 0.14 * ux)  # forward, facing +x
    return points


def hinge_phase(now_s: float) -> float:
    """How far the attract figure is hinged at ``now_s`` seconds: 0 standing .. 1 deep,
    a smooth cosine so it pauses at the top and the bottom."""
    return 0.5 - 0.5 * math.cos(2 * math.pi * now_s / HINGE_PERIOD_S)


def drift_px(now_s: float, size: tuple[int, int]) -> tuple[int, int]:
    """The slow anti-burn-in offset (pixels) of the whole screen at ``now_s`` seconds."""
    width, height = size
    return (
        round(DRIFT * width * math.sin(2 * math.pi * now_s / DRIFT_PERIODS_S[0])),
        round(DRIFT * height * math.sin(2 * math.pi * now_s / DRIFT_PERIODS_S[1])),
    )


def draw_attract(canvas: Canvas, layout: Layout, model: ScreenModel) -> None:
    """The whole idle screen."""
    dx, dy = drift_px(model.now_s, (layout.width, layout.height))
    unit, h = layout.unit, layout.height
    column = pygame.Rect(round(0.15 * layout.width) + dx, 0, round(0.7 * layout.width), h)

    def row(top: float, bottom: float) -> pygame.Rect:
        return pygame.Rect(
            column.left, round(top * h) + dy, column.width, round((bottom - top) * h)
        )

    canvas.text(
        "title",
        TITLE,
        row(0.12, 0.26),
        0.075 * unit,
        scaled(LABEL, 1.15),
        align="centre",
        valign="bottom",
        min_cap_px=0.05 * unit,
    )
    figure = row(0.32, 0.68) if model.mode != "drill" else row(0.3, 0.64)
    figure.width = min(figure.width, round(1.1 * figure.height))
    figure.centerx = column.centerx
    if model.mode == "drill":  # how to hold the stick: across the back, in the elbows
        points = drill_points(hinge_phase(model.now_s))
        mark = StickMark("across", scaled(PRAISE, 0.6), 1.0)
        draw_profile(canvas, figure, points, colour=ATTRACT, stick=mark)
        canvas.text(
            "stick_hint",
            STICK_HINT,
            row(0.655, 0.71),
            0.032 * unit,
            scaled(LABEL, 0.9),
            align="centre",
            min_cap_px=0.022 * unit,
        )
    else:
        draw_profile(canvas, figure, hinge_points(hinge_phase(model.now_s)), colour=ATTRACT)
    canvas.text(
        "invite",
        INVITE,
        row(0.72, 0.84),
        0.045 * unit,
        LABEL,
        align="centre",
        max_lines=2,
        min_cap_px=0.03 * unit,
    )
    canvas.text(
        "mode",
        f"{model.mode.upper()} MODE",
        row(0.86, 0.95),
        0.03 * unit,  # a dim footnote: the idle screen's drifting ink stays small
        scaled(LABEL, 0.75),
        align="centre",
    )
    notice = notice_text(model)
    if notice:
        canvas.text(
            "notice",
            notice,
            row(0.02, 0.11),
            layout.cap_guidance,
            NOTICE,
            align="centre",
            min_cap_px=0.7 * layout.cap_guidance,
        )
