"""Debounce and press/hold logic for one button: pure functions of timestamps.

Nothing here reads a clock or a pin. The caller feeds raw contact edges ``edge(t_s, pressed)``
and calls ``tick(t_s)`` now and then (so a hold is reported while the button is still down);
all times are seconds on one monotonic clock, and must not go backwards (an earlier time is
treated as the latest one seen).

Debouncing: a change of the contact is accepted only once the new level has lasted
``debounce_s``; a bounce shorter than that is ignored. An accepted change is dated at the
edge that began it (when the finger actually moved), and known ``debounce_s`` later.

Classifying (on the debounced signal), for a button with a hold time ``hold_s``:

- released before ``hold_s`` → one ``PRESS``, dated at the release;
- held for ``hold_s`` → one ``HOLD``, dated at press + ``hold_s`` and reported as soon as it is
  certain (at that moment, or up to ``debounce_s`` later if the contact is wobbling then),
  and nothing at its release.

A button with no hold time (``hold_s=None``) reports its ``PRESS`` as soon as the press is
accepted, dated at the press. Either way each physical press gives at most one event.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Gesture(Enum):
    """What the finger did."""

    PRESS = "press"
    HOLD = "hold"


@dataclass(frozen=True)
class GestureEvent:
    """``gesture`` happened at ``t_s`` (seconds, the caller's monotonic clock)."""

    gesture: Gesture
    t_s: float


@dataclass(frozen=True)
class Transition:
    """The debounced contact became ``pressed`` at ``t_s`` (seconds; the edge's time)."""

    t_s: float
    pressed: bool


class Debouncer:
    """Accepts a change of level only after it has lasted ``debounce_s`` seconds.

    ``pressed`` is the accepted level to start from (``False``: released).
    """

    def __init__(self, debounce_s: float, pressed: bool = False) -> None:
        if debounce_s < 0:
            raise ValueError(f"debounce_s must be >= 0, got {debounce_s!r}")
        self._debounce_s = debounce_s
        self._stable = pressed
        self._pending_since: float | None = None  # raw level differs from stable since then
        self._last_t = float("-inf")

    @property
    def pressed(self) -> bool:
        """The accepted (debounced) level: ``True`` while pressed."""
        return self._stable

    def known_until(self, t_s: float) -> float:
        """Up to when (seconds) the accepted level is certain, as seen at ``t_s``: ``t_s``
        itself, or the start of a change still waiting to last ``debounce_s``."""
        t_s = max(t_s, self._last_t)
        return t_s if self._pending_since is None else self._pending_since

    def tick(self, t_s: float) -> list[Transition]:
        """Accept the waiting change if it has lasted ``debounce_s`` by ``t_s`` (seconds)."""
        self._last_t = t_s = max(t_s, self._last_t)
        since = self._pending_since
        if since is None or t_s - since < self._debounce_s:
            return []
        self._pending_since = None
        self._stable = not self._stable
        return [Transition(since, self._stable)]

    def edge(self, t_s: float, pressed: bool) -> list[Transition]:
        """The raw contact became ``pressed`` at ``t_s`` (seconds). Returns the change
        accepted by then, if any (the one before this edge: this edge must last first)."""
        accepted = self.tick(t_s)
        if pressed == self._stable:
            self._pending_since = None  # a bounce: back where it was
        elif self._pending_since is None:
            self._pending_since = self._last_t
        return accepted


class PressClassifier:
    """Turns debounced transitions into ``PRESS`` / ``HOLD`` gestures.

    ``hold_s``: seconds down that make a hold, or ``None`` for a button without one.
    ``pressed``: the button is already down when we start; that press gives no event.
    """

    def __init__(self, hold_s: float | None, pressed: bool = False) -> None:
        if hold_s is not None and hold_s <= 0:
            raise ValueError(f"hold_s must be above 0 or None, got {hold_s!r}")
        self._hold_s = hold_s
        self._down_since: float | None = float("-inf") if pressed else None
        self._done = pressed  # this press has had its event (or never gets one)

    def transition(self, change: Transition) -> list[GestureEvent]:
        """Feed one accepted transition; returns the gestures it completes."""
        if change.pressed:
            if self._down_since is not None:
                return []  # already down: nothing changed
            self._down_since = change.t_s
            self._done = self._hold_s is None
            return [GestureEvent(Gesture.PRESS, change.t_s)] if self._done else []
        start, self._down_since = self._down_since, None
        if start is None or self._done:
            return []
        if self._hold_s is not None and start + self._hold_s <= change.t_s:
            return [GestureEvent(Gesture.HOLD, start + self._hold_s)]  # never ticked in time
        return [GestureEvent(Gesture.PRESS, change.t_s)]

    def advance(self, known_until: float) -> list[GestureEvent]:
        """The button's state is certain up to ``known_until`` (seconds): report a hold
        whose time has been reached."""
        start = self._down_since
        if start is None or self._done or self._hold_s is None:
            return []
        if start + self._hold_s > known_until:
            return []
        self._done = True
        return [GestureEvent(Gesture.HOLD, start + self._hold_s)]


class ButtonLogic:
    """One button: a ``Debouncer`` feeding a ``PressClassifier``.

    ``debounce_s``, ``hold_s``: seconds (``hold_s=None``: no hold; press reported on press).
    ``pressed``: the contact is closed at start (that press is ignored, e.g. a stuck button).
    """

    def __init__(self, debounce_s: float, hold_s: float | None, pressed: bool = False) -> None:
        self._debouncer = Debouncer(debounce_s, pressed)
        self._classifier = PressClassifier(hold_s, pressed)

    @property
    def pressed(self) -> bool:
        """The debounced level: ``True`` while pressed."""
        return self._debouncer.pressed

    def edge(self, t_s: float, pressed: bool) -> list[GestureEvent]:
        """The raw contact became ``pressed`` (closed) at ``t_s`` seconds."""
        return self._feed(self._debouncer.edge(t_s, pressed), t_s)

    def tick(self, t_s: float) -> list[GestureEvent]:
        """Time is now ``t_s`` seconds, with no new edge."""
        return self._feed(self._debouncer.tick(t_s), t_s)

    def _feed(self, changes: list[Transition], t_s: float) -> list[GestureEvent]:
        events: list[GestureEvent] = []
        for change in changes:
            events += self._classifier.advance(change.t_s)
            events += self._classifier.transition(change)
        events += self._classifier.advance(self._debouncer.known_until(t_s))
        return events


def run_timeline(
    logic: ButtonLogic, edges: list[tuple[float, bool]], until_s: float
) -> list[GestureEvent]:
    """Feed ``edges`` (``(t_s, pressed)`` in time order) then tick at ``until_s`` seconds;
    all the gestures, in order. For tests and for replaying a recorded timeline."""
    events: list[GestureEvent] = []
    for t_s, pressed in edges:
        events += logic.edge(t_s, pressed)
    events += logic.tick(until_s)
    return events
