"""Text for the mirror: pygame's default font sized by cap height, wrapped, cached.

Sizes here are pixels. A text's size is given as its *cap height* (the height of a capital
letter such as "H"), because that is what a reader at 3 m sees; pygame's own font size is
derived from it. Fonts are cached per pixel size and rendered lines per (text, size,
colour), so a steady screen costs a few blits a frame.

Text is drawn with ``pygame.freetype`` with kerning off. The font pygame ships
(freesansbold.ttf) has a kerning table that pushes common pairs apart ("Bet ter",
"f ront", "AVER AGE", "SQUATT ING"), and ``pygame.font`` (SDL_ttf) always applies it;
without it the letters sit at their designed advances. A *font size* below is what
``pygame.font.Font(None, size)`` means, so sizes and layouts are those of before.
"""

from __future__ import annotations

from functools import lru_cache

import pygame
import pygame.freetype

from appliance.display.style import Colour

LINE_STEP = 1.42
"""Baseline-to-baseline distance of wrapped lines, in cap heights."""

_MIN_FONT_SIZE = 6  # font size (pixels); smaller is unreadable anyway
_REFERENCE_SIZE = 200  # the font size cap heights are measured at
_DEFAULT_FONT_SCALE = 0.6875
"""pygame.font scales a size given for its default font by this; freetype does not."""
_font_generation = 0  # bumped when pygame.freetype had to be (re)initialised


def _ensure_init() -> None:
    global _font_generation
    if not pygame.freetype.get_init():
        pygame.freetype.init()
        # Fonts made before a pygame.freetype.quit() are dead; forget them.
        _font_generation += 1
        _font.cache_clear()
        _text_surface.cache_clear()
        _large_text_surface.cache_clear()
        _wrap.cache_clear()
        fit.cache_clear()


@lru_cache(maxsize=64)
def _font(size: int) -> pygame.freetype.Font:
    face = pygame.freetype.Font(None, max(1, int(size * _DEFAULT_FONT_SCALE)))
    face.kerning = False  # the default font's kerning table opens holes inside words
    face.pad = True  # line boxes as pygame.font makes them: ascent to descent
    face.antialiased = True
    return face


def font(size: int) -> pygame.freetype.Font:
    """The default pygame font at ``size`` (pygame.font size, pixels), cached."""
    _ensure_init()
    return _font(max(_MIN_FONT_SIZE, size))


@lru_cache(maxsize=1)
def _cap_ratio(_generation: int) -> float:
    return _cap_px(_REFERENCE_SIZE) / _REFERENCE_SIZE


def _cap_px(size: int) -> int:
    metrics = font(size).get_metrics("H")[0]
    assert metrics is not None
    return round(metrics[3])


def size_for_cap(cap_px: float) -> int:
    """The pygame font size whose capital letters are ``cap_px`` pixels tall."""
    _ensure_init()
    return max(_MIN_FONT_SIZE, round(cap_px / _cap_ratio(_font_generation)))


def cap_height(size: int) -> int:
    """Height of a capital letter, pixels, at font ``size``."""
    return _cap_px(size)


def ascent(size: int) -> int:
    """Pixels from the top of a rendered line to its baseline, at font ``size``."""
    return int(font(size).get_sized_ascender(0))  # 0: the font's own size


def descent(size: int) -> int:
    """Pixels below the baseline that descenders reach (positive), at font ``size``."""
    return -int(font(size).get_sized_descender(0))


def line_step(size: int) -> int:
    """Pixels from one wrapped line's baseline to the next, at font ``size``."""
    return round(cap_height(size) * LINE_STEP)


def block_height(size: int, lines: int) -> int:
    """Height in pixels of ``lines`` wrapped lines at font ``size``, top of the first
    line's box to the bottom of the last one's."""
    return ascent(size) + line_step(size) * (lines - 1) + descent(size)


def text_width(text: str, size: int) -> int:
    """Width of ``text`` in pixels at font ``size``."""
    return font(size).get_rect(text).width


LARGE_TEXT_SIZE = 96
"""Font size (pixels) from which rendered text goes to the small cache: a big rep counter
makes a new surface of ~100 kB for every count, and a kiosk's endless set would fill a
512-entry cache with them (+40 MB); the big texts on one screen are few."""


def text_surface(text: str, size: int, colour: Colour) -> pygame.Surface:
    """``text`` rendered antialiased in ``colour`` on a transparent background (cached)."""
    if size >= LARGE_TEXT_SIZE:
        return _large_text_surface(text, size, colour)
    return _text_surface(text, size, colour)


def _render(text: str, size: int, colour: Colour) -> pygame.Surface:
    return font(size).render(text, colour)[0]


_text_surface = lru_cache(maxsize=512)(_render)
_large_text_surface = lru_cache(maxsize=24)(_render)


@lru_cache(maxsize=512)
def _wrap(text: str, size: int, max_width: int) -> tuple[str, ...]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if not line or text_width(candidate, size) <= max_width:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return tuple(lines)


def wrap(text: str, size: int, max_width: int) -> tuple[str, ...]:
    """``text`` broken at spaces into lines no wider than ``max_width`` pixels (a single
    word wider than that stays whole on its own line)."""
    _ensure_init()
    return _wrap(text, size, max_width)


def balanced_wrap(text: str, size: int, max_width: int) -> tuple[str, ...]:
    """``wrap``, with the lines evened out: the narrowest width that still needs no more
    lines than ``max_width`` does (no single orphaned word on the last line)."""
    lines = wrap(text, size, max_width)
    if len(lines) < 2:
        return lines
    low, high = 1, max_width
    while low < high:
        mid = (low + high) // 2
        if len(wrap(text, size, mid)) <= len(lines):
            high = mid
        else:
            low = mid + 1
    return wrap(text, size, high)


@lru_cache(maxsize=512)
def fit(
    text: str,
    cap_px: float,
    max_width: int,
    max_lines: int,
    min_cap_px: float,
    max_height: int | None = None,
) -> tuple[int, tuple[str, ...]]:
    """(font size, lines) showing ``text`` at the largest cap height from ``cap_px`` down to
    ``min_cap_px`` (pixels) that wraps into ``max_lines`` lines of at most ``max_width``
    pixels, all within ``max_height`` pixels if given. If even the smallest size does not
    fit, the text is cut with an ellipsis (to no lines at all if not even one fits the
    height)."""
    cap = cap_px
    floor = max(4.0, min(min_cap_px, cap_px))
    while True:
        size = size_for_cap(cap)
        lines = balanced_wrap(text, size, max_width)
        shown = min(len(lines), max_lines)
        fits = (
            len(lines) <= max_lines
            and all(text_width(x, size) <= max_width for x in lines)
            and (max_height is None or block_height(size, shown) <= max_height)
        )
        if fits or cap <= floor:
            break
        cap = max(floor, cap * 0.92)
    keep = max_lines
    while max_height is not None and keep > 0 and block_height(size, keep) > max_height:
        keep -= 1
    if keep == 0:
        return size, ()
    if len(lines) > keep:
        lines = (*lines[: keep - 1], _ellipsize(" ".join(lines[keep - 1 :]), size, max_width))
    return size, tuple(_ellipsize(x, size, max_width) for x in lines)


def _ellipsize(line: str, size: int, max_width: int) -> str:
    if text_width(line, size) <= max_width:
        return line
    while line and text_width(line + "…", size) > max_width:
        line = line[:-1]
    return line.rstrip() + "…"
