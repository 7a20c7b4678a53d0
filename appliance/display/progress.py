"""The progress screen: your sets over the weeks, drawn to read well through glass.

Three clean charts in bright strokes on black: reps per week (bars, the last six weeks),
average score per set (dots joined by a line, the last twelve sets), and the share of
reps with no fault and with each of the commonest faults (bars). Sizes follow the
surface; the same drawing makes ``hinge-mirror history --plot OUT.png``.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pygame

from appliance.display.fonts import text_surface
from appliance.display.screen_model import GUEST
from appliance.display.style import (
    BLACK,
    DIM,
    INFO,
    LABEL,
    PRAISE,
    WHITE,
    fault_colour,
    score_colour,
)
from appliance.history.records import SetRecord
from appliance.words import fault_name

WEEKS = 6
LAST_SETS = 12


def render_progress(
    records: list[SetRecord],
    surface: pygame.Surface,
    now: datetime,
    *,
    person: str | None = None,
    people: tuple[str, ...] = (),
    footer: str | None = None,
) -> None:
    """Draw the progress of ``records`` (oldest first) as of ``now`` onto ``surface``.

    ``person``: whose charts these are (the title); ``people``: the household, drawn as a
    chooser line with ``person`` lit (a guest is ``None``); ``footer``: what the buttons do.
    """
    surface.fill(BLACK)
    width, height = surface.get_size()
    unit = min(width, height)
    margin = round(0.05 * unit)
    title_size = max(14, round(0.07 * unit))
    title = f"{person}'s progress" if person else "Your progress"
    title_size = _fit(title, title_size, width - 2 * margin)
    used = _text(surface, title, title_size, WHITE, (margin, margin))
    top = used.bottom
    if people:
        size = max(10, round(0.55 * title_size))
        line = pygame.Rect(used.right + size, margin, width - margin - used.right - size,
                           used.height)  # fmt: skip
        if _chooser_width(people, size) > line.width:  # no room beside the title: below it
            line = pygame.Rect(margin, used.bottom + size // 2, width - 2 * margin,
                               round(1.3 * size))  # fmt: skip
            top = line.bottom
        _chooser(surface, people, person, size, line)
    top += round(0.6 * title_size)
    bottom = height - margin
    if footer:
        size = _fit(footer, max(10, round(0.035 * unit)), width - 2 * margin)
        rendered = text_surface(footer, size, LABEL)
        bottom = height - margin - rendered.get_height()
        surface.blit(rendered, rendered.get_rect(midbottom=(width // 2, height - margin // 2)))
    if height > width:  # portrait: the three charts one above the other
        chart_h = (bottom - top) // 3 - margin
        boxes = [pygame.Rect(margin, top + k * (chart_h + margin), width - 2 * margin, chart_h)
                 for k in range(3)]  # fmt: skip
    else:
        half = (width - 3 * margin) // 2
        chart_h = (bottom - top - margin) // 2 - margin
        boxes = [
            pygame.Rect(margin, top, half, chart_h),
            pygame.Rect(2 * margin + half, top, half, chart_h),
            pygame.Rect(margin, top + chart_h + 2 * margin, width - 2 * margin, chart_h),
        ]
    _reps_per_week(surface, records, now, boxes[0])
    _scores(surface, records, boxes[1])
    _fault_shares(surface, records, boxes[2])


def _fit(text: str, size: int, max_width: int) -> int:
    """The largest font size up to ``size`` at which ``text`` is at most ``max_width``
    pixels wide (never below 9)."""
    while size > 9 and text_surface(text, size, WHITE).get_width() > max_width:
        size = max(9, round(size * 0.9))
    return size


def _chooser_width(people: tuple[str, ...], size: int) -> int:
    names = [*people, GUEST]
    return sum(text_surface(n, size, WHITE).get_width() for n in names) + size * (len(names) - 1)


def _chooser(surface: pygame.Surface, people: tuple[str, ...], person: str | None,
             size: int, box: pygame.Rect) -> None:  # fmt: skip
    """The household's names right-aligned in ``box`` at font ``size``, the chosen one
    (``person``, ``GUEST`` for a guest) bright and underlined, a guest last."""
    names = [*people, GUEST]
    rendered = [text_surface(name, size, WHITE if name == person else LABEL) for name in names]
    gap = size
    x = box.right - sum(r.get_width() for r in rendered) - gap * (len(rendered) - 1)
    for name, text in zip(names, rendered, strict=True):
        at = text.get_rect(bottomleft=(x, box.bottom))
        surface.blit(text, at)
        if name == person:
            thick = max(2, size // 8)
            pygame.draw.line(surface, INFO, (at.left, at.bottom + thick),
                             (at.right, at.bottom + thick), thick)  # fmt: skip
        x += text.get_width() + gap


def _text(surface: pygame.Surface, text: str, size: int, colour: tuple[int, int, int],
          at: tuple[int, int]) -> pygame.Rect:  # fmt: skip
    rendered = text_surface(text, size, colour)
    return surface.blit(rendered, at)


def _panel(surface: pygame.Surface, title: str, box: pygame.Rect, below_px: int = 0) -> pygame.Rect:
    """Draw the panel title; the plotting area below it, ``below_px`` pixels kept free under
    its axis (for labels)."""
    size = max(10, round(min(0.12 * box.height, 0.045 * box.width)))
    used = _text(surface, title.upper(), size, LABEL, box.topleft)
    area = pygame.Rect(
        box.left, used.bottom + size // 2, box.width, box.bottom - used.bottom - size - below_px
    )
    pygame.draw.line(surface, DIM, area.bottomleft, area.bottomright, max(1, box.height // 150))
    return area


def _reps_per_week(surface: pygame.Surface, records: list[SetRecord], now: datetime,
                   box: pygame.Rect) -> None:  # fmt: skip
    label_size = max(9, round(min(0.09 * box.height, 0.035 * box.width)))
    area = _panel(surface, "Reps per week", box, below_px=round(1.4 * label_size))
    start = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    weeks = [start - timedelta(weeks=k) for k in range(WEEKS - 1, -1, -1)]
    counts = [0] * WEEKS
    for record in records:
        when = datetime.fromtimestamp(record.started_at)
        for i, week in enumerate(weeks):
            if week <= when < week + timedelta(weeks=1):
                counts[i] += len(record.reps)
    top = max(counts) or 1
    slot = area.width / WEEKS
    for i, count in enumerate(counts):
        bar_h = round((area.height - 2 * label_size) * count / top)
        bar = pygame.Rect(round(area.left + i * slot + 0.2 * slot), area.bottom - bar_h,
                          round(0.6 * slot), bar_h)  # fmt: skip
        pygame.draw.rect(surface, INFO if i == WEEKS - 1 else LABEL, bar)
        if count:
            label = text_surface(str(count), label_size, WHITE)
            surface.blit(label, label.get_rect(midbottom=(bar.centerx, bar.top - 2)))
        label_text = "this week" if i == WEEKS - 1 else f"{weeks[i].day} {weeks[i]:%b}"
        week_label = text_surface(
            label_text, round(0.85 * label_size), INFO if i == WEEKS - 1 else LABEL
        )
        surface.blit(
            week_label, week_label.get_rect(midtop=(bar.centerx, area.bottom + label_size // 3))
        )


def _scores(surface: pygame.Surface, records: list[SetRecord], box: pygame.Rect) -> None:
    area = _panel(surface, "Average score per set", box)
    averages = [sum(r.score for r in s.reps) / len(s.reps) for s in records if s.reps]
    averages = averages[-LAST_SETS:]
    if not averages:
        _text(surface, "No sets yet", max(10, round(0.1 * box.height)), LABEL, area.topleft)
        return
    step = area.width / max(1, len(averages))
    radius = max(3, round(0.035 * box.height))
    span = area.height - 2 * radius
    floor = min(50.0, 10.0 * (min(averages) // 10) - 10.0)  # room to see a change
    points = [
        (
            round(area.left + (i + 0.5) * step),
            round(area.bottom - radius - span * (a - floor) / (100.0 - floor)),
        )
        for i, a in enumerate(averages)
    ]
    low = text_surface(f"{floor:.0f}", max(9, round(0.08 * box.height)), LABEL)
    surface.blit(low, low.get_rect(bottomleft=(area.left, area.bottom - 2)))
    if len(points) > 1:
        pygame.draw.lines(surface, DIM, False, points, max(1, radius // 2))
    for point, average in zip(points, averages, strict=True):
        pygame.draw.circle(surface, score_colour(average), point, radius)
    last = text_surface(f"{averages[-1]:.0f}", max(10, round(0.12 * box.height)), WHITE)
    surface.blit(last, last.get_rect(bottomright=(area.right, area.top + last.get_height())))


def _fault_shares(surface: pygame.Surface, records: list[SetRecord], box: pygame.Rect) -> None:
    area = _panel(surface, "Reps with each fault", box)
    reps = [rep for record in records for rep in record.reps]
    if not reps:
        return
    counts = Counter(fault for rep in reps for fault in set(rep.faults))
    rows = [("clean", sum(1 for rep in reps if not rep.faults)), *counts.most_common(4)]
    row_h = area.height / len(rows)
    size = max(10, round(min(0.45 * row_h, 0.16 * box.height)))
    name_w = round(0.32 * area.width)
    for i, (fault, count) in enumerate(rows):
        y = round(area.top + i * row_h)
        name = "no fault" if fault == "clean" else fault_name(fault)
        _text(surface, name, _fit(name, size, name_w - size // 2), LABEL, (area.left, y))
        share = count / len(reps)
        length = round((area.width - name_w - 4 * size) * share)
        bar_h = round(min(0.55 * row_h, 1.1 * size))
        bar = pygame.Rect(area.left + name_w, y + round(0.15 * size), length, bar_h)
        pygame.draw.rect(surface, fault_colour(fault) if fault != "clean" else PRAISE, bar)
        _text(surface, f"{share:.0%}", size, WHITE, (bar.right + size // 2, y))
