"""Coaching over time: from the drill to the bar, and back when the back rounds."""

from __future__ import annotations

from appliance.coach.progression import GO_BACK, MOVE_ON, SetOutcome, suggestion

CLEAN_DRILL = SetOutcome("drill", 6, frozenset())
SQUATTY_DRILL = SetOutcome("drill", 6, frozenset({"squatting"}))
ROUNDED_PULL = SetOutcome("deadlift", 5, frozenset({"rounded_back"}))
CLEAN_PULL = SetOutcome("deadlift", 5, frozenset())


def test_three_clean_drill_sets_in_a_row_suggest_deadlift_mode() -> None:
    assert suggestion([CLEAN_DRILL, CLEAN_DRILL]) is None
    assert suggestion([CLEAN_DRILL, CLEAN_DRILL, CLEAN_DRILL]) == MOVE_ON
    assert suggestion([CLEAN_DRILL, SQUATTY_DRILL, CLEAN_DRILL]) is None


def test_a_rounded_back_that_keeps_coming_back_sends_the_lifter_back_to_the_drill() -> None:
    assert suggestion([CLEAN_PULL, CLEAN_PULL, ROUNDED_PULL]) is None  # once is a cue, not a plan
    assert suggestion([ROUNDED_PULL, CLEAN_PULL, ROUNDED_PULL]) == GO_BACK
    assert suggestion([ROUNDED_PULL, ROUNDED_PULL, CLEAN_PULL]) is None  # fixed now


def test_sets_too_short_to_tell_do_not_count() -> None:
    short = SetOutcome("drill", 1, frozenset())
    assert suggestion([CLEAN_DRILL, short, CLEAN_DRILL, short]) is None
