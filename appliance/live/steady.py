"""A flag that must hold for a while before it shows, and stays a moment after.

MoveNet's person score wobbles around the presence threshold on a poster, a title card or
someone half out of frame; a prompt tied to it directly would flash on and off many times a
second behind the glass.
"""

from __future__ import annotations


class SteadyFlag:
    """``update(raw, now_s)`` returns ``True`` once ``raw`` has been true for ``on_s``
    seconds, and keeps returning it until ``raw`` has been false for ``off_s`` seconds.
    Times are seconds on one clock."""

    def __init__(self, on_s: float, off_s: float) -> None:
        self.on_s = on_s
        self.off_s = off_s
        self.shown = False
        self._since: float | None = None  # when raw last became different from shown

    def update(self, raw: bool, now_s: float) -> bool:
        """The flag as it should show at ``now_s``, given the raw condition now."""
        if raw == self.shown:
            self._since = None
            return self.shown
        if self._since is None:
            self._since = now_s
        if now_s - self._since >= (self.on_s if raw else self.off_s):
            self.shown, self._since = raw, None
        return self.shown

    def show_now(self) -> None:
        """Shown from now on, without waiting (someone asked for it)."""
        self.shown, self._since = True, None
