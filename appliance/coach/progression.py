"""Coaching over time: when to move on from the drill, and when to go back to it.

After a run of clean drill sets the hinge is ready for a load; when a rounded back keeps
coming back under the bar, the drill is the place to rebuild it (coaching.md: the drill
is the base of the deadlift). Pure: sets in, one suggestion (or none) out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CLEAN_DRILL_SETS = 3  # clean drill sets in a row before moving on
MIN_REPS = 3  # a set shorter than this says too little
ROUNDING_SETS = 2  # deadlift sets with a rounded back, among the last three


@dataclass(frozen=True)
class SetOutcome:
    """What a past or finished set was: its mode, rep count and the faults of its reps."""

    mode: str
    reps: int
    faults: frozenset[str]


MOVE_ON = "Three clean drill sets in a row: try deadlift mode next time"
GO_BACK = "Your back keeps rounding under the bar: a few drill sets will rebuild the hinge"


def suggestion(sets: Sequence[SetOutcome]) -> str | None:
    """The suggestion after the last of ``sets`` (oldest first), if there is one."""
    if not sets:
        return None
    latest = sets[-1]
    same_mode = [s for s in sets if s.mode == latest.mode and s.reps >= MIN_REPS]
    if latest.mode == "drill":
        recent = same_mode[-CLEAN_DRILL_SETS:]
        if len(recent) == CLEAN_DRILL_SETS and all(not s.faults for s in recent):
            return MOVE_ON
    if latest.mode == "deadlift" and "rounded_back" in latest.faults:
        recent = same_mode[-3:]
        if sum("rounded_back" in s.faults for s in recent) >= ROUNDING_SETS:
            return GO_BACK
    return None
