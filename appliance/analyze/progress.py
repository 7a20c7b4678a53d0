"""A frame-count progress line for long analyses, on a terminal only.

Nothing is drawn when the stream is not a terminal (a pipe, a log, a test), nor for the
first ``delay_s`` seconds, so short sources and scripted runs see no progress at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

_BAR_WIDTH = 30
_REDRAW_INTERVAL_S = 0.1


class FrameProgress:
    """Progress through ``total`` frames (``None`` when the source cannot say)."""

    def __init__(
        self,
        stream: TextIO | None,
        total: int | None,
        *,
        delay_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream if stream is not None and _isatty(stream) else None
        self._total = total if total and total > 0 else None
        self._clock = clock
        self._start_s = clock()
        self._delay_s = delay_s
        self._last_draw_s = -float("inf")
        self._drawn = False

    def update(self, done: int) -> None:
        """``done`` frames are analysed; redraw if it is time to."""
        if self._stream is None:
            return
        now = self._clock()
        if now - self._start_s < self._delay_s or now - self._last_draw_s < _REDRAW_INTERVAL_S:
            return
        self._last_draw_s = now
        self._drawn = True
        self._stream.write("\r" + self.render(done, now - self._start_s))
        self._stream.flush()

    def finish(self) -> None:
        """Erase the line, so what follows starts on a clean line."""
        if self._stream is not None and self._drawn:
            self._stream.write("\r\x1b[2K")
            self._stream.flush()

    def render(self, done: int, elapsed_s: float) -> str:
        """``analysing [#####.....]  40%  120/303 frames  95 fps`` (without a total:
        ``analysing 120 frames  95 fps``)."""
        rate = f"{done / elapsed_s:.0f} fps" if elapsed_s > 0 else ""
        if self._total is None:
            return f"analysing {done} frames  {rate}"
        fraction = min(1.0, done / self._total)
        filled = round(_BAR_WIDTH * fraction)
        bar = "#" * filled + "." * (_BAR_WIDTH - filled)
        return f"analysing [{bar}] {fraction:4.0%}  {done}/{self._total} frames  {rate}"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
