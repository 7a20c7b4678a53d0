"""Keyboard equivalents of the buttons, for a laptop window (or a USB keyboard on the Pi).

``keyboard_events`` is a pure mapping of pygame events the caller already pulled off the
queue; it never pumps or reads the event queue itself. pygame is imported on first use.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache
from typing import Any

from appliance.controls.events import Control, ControlEvent

KEY_HELP = (
    "1 / D drill · 2 / L deadlift · Space / Enter start or end a set · "
    "C recalibrate · P progress · Tab / ← → who is lifting · F1 / I diagnostics · "
    "Esc / Q quit"
)
"""The key map in one line, for the screen or ``--help``."""

# pygame key constants → control. Letters are the same key with or without Shift.
_KEYS: tuple[tuple[str, Control], ...] = (
    ("K_1", Control.MODE_DRILL),
    ("K_KP1", Control.MODE_DRILL),
    ("K_d", Control.MODE_DRILL),
    ("K_2", Control.MODE_DEADLIFT),
    ("K_KP2", Control.MODE_DEADLIFT),
    ("K_l", Control.MODE_DEADLIFT),
    ("K_SPACE", Control.SET_TOGGLE),
    ("K_RETURN", Control.SET_TOGGLE),
    ("K_KP_ENTER", Control.SET_TOGGLE),
    ("K_c", Control.RECALIBRATE),
    ("K_p", Control.PROGRESS),
    ("K_TAB", Control.NEXT_PERSON),
    ("K_n", Control.NEXT_PERSON),
    ("K_RIGHT", Control.NEXT_PERSON),
    ("K_LEFT", Control.PREVIOUS_PERSON),
    ("K_F1", Control.DIAGNOSTICS),
    ("K_i", Control.DIAGNOSTICS),
    ("K_ESCAPE", Control.QUIT),
    ("K_q", Control.QUIT),
)


@cache
def _pygame() -> tuple[Any, dict[int, Control]]:
    """pygame, and the key-code map (built once)."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    return pygame, {getattr(pygame, name): control for name, control in _KEYS}


def keyboard_events(pygame_events: Iterable[Any], now: float) -> list[ControlEvent]:
    """The control events in ``pygame_events`` (``pygame.event.Event`` objects), each dated
    ``now`` (seconds, the loop's monotonic clock). A window's close button (``pygame.QUIT``)
    is ``QUIT``; other events and unmapped keys are ignored. Keys pressed with Ctrl, Alt or
    Meta held are ignored too (they belong to the window manager), except Ctrl+C, which quits.
    """
    pygame, keymap = _pygame()
    chord = pygame.KMOD_CTRL | pygame.KMOD_ALT | pygame.KMOD_META
    events: list[ControlEvent] = []
    for event in pygame_events:
        if event.type == pygame.QUIT:
            events.append(ControlEvent(Control.QUIT, now, "keyboard"))
            continue
        if event.type != pygame.KEYDOWN:
            continue
        key = getattr(event, "key", None)
        mod = getattr(event, "mod", 0)
        if mod & pygame.KMOD_CTRL and key == pygame.K_c:
            control: Control | None = Control.QUIT
        elif mod & chord:
            control = None
        else:
            control = keymap.get(key) if isinstance(key, int) else None
        if control is not None:
            events.append(ControlEvent(control, now, "keyboard"))
    return events
