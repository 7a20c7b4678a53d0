"""A surface plus a record of what was drawn where.

The renderer draws through a ``Canvas`` so tests (and anyone checking a layout) can ask
which boxes each piece of text or graphic took: nothing may overlap another text or leave
the screen. All lengths are pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from appliance.display import fonts
from appliance.display.style import Colour


@dataclass(frozen=True)
class Drawn:
    """One thing on the screen: what it is (``kind``, e.g. ``"cue"``), its box, and for
    text the lines shown (joined by newlines)."""

    kind: str
    rect: pygame.Rect
    text: str = ""


@dataclass
class Canvas:
    """Draws text blocks and shapes on ``surface`` and records their boxes in ``drawn``."""

    surface: pygame.Surface
    drawn: list[Drawn] = field(default_factory=list)

    def record(self, kind: str, rect: pygame.Rect, text: str = "") -> None:
        """Note that ``kind`` took ``rect`` (for shapes drawn directly on the surface)."""
        self.drawn.append(Drawn(kind, pygame.Rect(rect), text))

    def text(
        self,
        kind: str,
        text: str,
        box: pygame.Rect,
        cap_px: float,
        colour: Colour,
        *,
        max_lines: int = 1,
        min_cap_px: float | None = None,
        align: str = "left",
        valign: str = "top",
        no_descenders: bool = False,
    ) -> pygame.Rect:
        """Draw ``text`` inside ``box``: as large as ``cap_px`` (capital-letter height,
        pixels) allows, shrinking towards ``min_cap_px`` to fit ``max_lines`` lines in the
        box. ``align`` is left/centre/right, ``valign`` top/centre/bottom. Returns
        the box the lines took (empty at ``box``'s top-left when ``text`` is empty).
        ``no_descenders`` (digits, capitals) ends that box at the baseline, so what
        follows can sit closer."""
        if not text.strip():
            return pygame.Rect(box.topleft, (0, 0))
        min_cap = cap_px if min_cap_px is None else min_cap_px
        size, lines = fonts.fit(text, cap_px, box.width, max_lines, min_cap, box.height)
        return self.lines(
            kind, lines, size, box, colour, align=align, valign=valign, no_descenders=no_descenders
        )

    def lines(
        self,
        kind: str,
        lines: tuple[str, ...],
        size: int,
        box: pygame.Rect,
        colour: Colour,
        *,
        align: str = "left",
        valign: str = "top",
        no_descenders: bool = False,
    ) -> pygame.Rect:
        """Draw already-wrapped ``lines`` at font ``size`` in ``box`` (see ``text``)."""
        if not lines:
            return pygame.Rect(box.topleft, (0, 0))
        step = fonts.line_step(size)
        block_h = fonts.block_height(size, len(lines))
        if no_descenders:
            block_h -= fonts.descent(size)
        if valign == "bottom":
            top = box.bottom - block_h
        elif valign == "centre":
            top = box.top + (box.height - block_h) // 2
        else:
            top = box.top
        used: pygame.Rect | None = None
        for i, line in enumerate(lines):
            image = fonts.text_surface(line, size, colour)
            rect = image.get_rect()
            rect.top = top + i * step
            if align == "centre":
                rect.centerx = box.centerx
            elif align == "right":
                rect.right = box.right
            else:
                rect.left = box.left
            self.surface.blit(image, rect)
            used = rect if used is None else used.union(rect)
        assert used is not None
        if no_descenders:
            used.height -= fonts.descent(size)
        self.record(kind, used, "\n".join(lines))
        return used
