"""A byte-count progress bar for downloads, drawn on a text stream.

On a terminal the bar is redrawn in place with ``\\r``; anywhere else (a log, a pipe, a
test's StringIO) it writes a few plain lines, at 25, 50, 75 and 100 %.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

_BAR_WIDTH = 30
_REDRAW_INTERVAL_S = 0.1
_PLAIN_STEPS_PERCENT = (25, 50, 75, 100)


class ProgressBar:
    """Progress of ``total_bytes`` (``None`` when unknown) for one ``label``.

    Call ``update`` with the bytes done so far and ``finish`` once at the end. A ``None``
    stream draws nothing.
    """

    def __init__(
        self,
        stream: TextIO | None,
        label: str,
        total_bytes: int | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._label = label
        self._total = total_bytes if total_bytes else None
        self._clock = clock
        self._tty = bool(stream is not None and _isatty(stream))
        self._done = 0
        self._last_draw_s = -_REDRAW_INTERVAL_S
        self._next_plain_step = 0

    def update(self, done_bytes: int) -> None:
        """Record ``done_bytes`` received so far and redraw if it is time to."""
        self._done = done_bytes
        if self._stream is None:
            return
        if self._tty:
            now = self._clock()
            if now - self._last_draw_s >= _REDRAW_INTERVAL_S:
                self._last_draw_s = now
                self._write("\r" + self.render())
            return
        percent = self._percent()
        while (
            percent is not None
            and self._next_plain_step < len(_PLAIN_STEPS_PERCENT)
            and percent >= _PLAIN_STEPS_PERCENT[self._next_plain_step]
        ):
            self._next_plain_step += 1
            self._write(self.render() + "\n")

    def finish(self) -> None:
        """Draw the final state and end the line."""
        if self._stream is None:
            return
        if self._tty:
            self._write("\r" + self.render() + "\n")
        elif self._total is None or self._next_plain_step < len(_PLAIN_STEPS_PERCENT):
            # Unknown total, or the transfer ended short of 100 %: say where it stopped.
            self._write(self.render() + "\n")

    def render(self) -> str:
        """The bar as one line, e.g. ``name [#######.......]  50%  1.4/2.9 MB``."""
        percent = self._percent()
        if percent is None or self._total is None:
            return f"{self._label}  {_megabytes(self._done)} MB"
        filled = min(_BAR_WIDTH, _BAR_WIDTH * self._done // self._total)
        bar = "#" * filled + "." * (_BAR_WIDTH - filled)
        done, total = _megabytes(self._done), _megabytes(self._total)
        return f"{self._label} [{bar}] {percent:3d}%  {done}/{total} MB"

    def _percent(self) -> int | None:
        if self._total is None:
            return None
        return min(100, 100 * self._done // self._total)

    def _write(self, text: str) -> None:
        assert self._stream is not None
        self._stream.write(text)
        self._stream.flush()


def _megabytes(count: int) -> str:
    return f"{count / 1_000_000:.1f}"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
