"""What the coach says: the cue per fault (word for word from coaching.md), the praise when a
cued fault is fixed, and the guidance when the mirror cannot judge.

Texts are short enough to be spoken between two reps (about one to two seconds of speech)
and to fit one line of the mirror.
"""

from __future__ import annotations

FAULT_CUES: dict[str, str] = {
    "rounded_back": "Flat back — chest proud",
    "head_up": "Eyes to the floor",
    "squatting": "Hips back, not down",
    "locked_knees": "Soften your knees",
    "bar_drift": "Paint your shins",
    "shallow_hinge": "Keep pushing the hips back",
    "incomplete_lockout": "Drive your hips through",
    "hyperextension": "Stand tall, don't lean back",
    "hips_rise_early": "Chest and hips rise together",
    "rushed": "Slow it down",
}
"""The cue for each fault id, exactly as coaching.md's fault table gives it."""

FIXED: dict[str, str] = {
    "rounded_back": "flat back",
    "head_up": "eyes down",
    "squatting": "hips back",
    "locked_knees": "knees soft",
    "bar_drift": "bar close",
    "shallow_hinge": "deeper hinge",
    "incomplete_lockout": "full lockout",
    "hyperextension": "tall at the top",
    "hips_rise_early": "chest and hips together",
    "rushed": "good tempo",
}
"""What went right when a cued fault is gone, said as ``"Better — <this>"``."""

GOOD_REP = "Good rep"
TURN_SIDEWAYS = "Turn sideways so I can check your back"
STAND_STILL = "Stand tall and still for a second"

MISSING_PRIORITY: tuple[str, ...] = ("hips", "knees", "feet", "shoulders", "head", "wrists")
"""Body parts the evaluator may report missing, most important first (the hips carry the
hinge; the wrists only matter with a weight in the hands)."""

# How each body part is called aloud: people think of "hands" on a bar, not wrists.
_PART_WORDS: dict[str, str] = {"wrists": "hands"}


def fault_cue(fault: str) -> str:
    """The cue that corrects ``fault`` (a fault id)."""
    return FAULT_CUES[fault]


def praise(fault: str) -> str:
    """The praise for a rep where the cued ``fault`` is gone, e.g. ``"Better — flat back"``."""
    return f"Better — {FIXED[fault]}"


def cant_see(part: str) -> str:
    """The guidance for a body part the camera cannot see, e.g.
    ``"I can't see your hips — step back"``."""
    return f"I can't see your {_PART_WORDS.get(part, part)} — step back"
