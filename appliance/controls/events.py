"""Control events: what a button press or a key means to the live loop."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Control(Enum):
    """Something the user asked for."""

    MODE_DRILL = "mode_drill"
    MODE_DEADLIFT = "mode_deadlift"
    SET_TOGGLE = "set_toggle"  # SET pressed: start a set, or end the one running
    RECALIBRATE = "recalibrate"  # SET held 3 s
    DIAGNOSTICS = "diagnostics"  # toggle the diagnostics overlay
    PROGRESS = "progress"  # DEADLIFT held 2 s: open or close the progress screen
    NEXT_PERSON = "next_person"  # who is lifting: the next of [mirror] people
    PREVIOUS_PERSON = "previous_person"
    QUIT = "quit"


@dataclass(frozen=True)
class ControlEvent:
    """``control`` happened at ``t_s`` (seconds, monotonic clock), from ``source``
    (``"gpio"`` or ``"keyboard"``)."""

    control: Control
    t_s: float
    source: str
