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

STICK_CUES: dict[str, str] = {
    "stick_slip": "Keep the stick in your elbows",
    "stick_tilt": "Level the stick — shoulders square",
    "stick_head_off": "Head back on the stick",
    "stick_hips_off": "Tailbone on the stick",
}
"""The cue for each of the drill stick's fault ids (README.md, "The stick"); coaching.md
will adopt them, so they are kept apart from its table until then."""

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

STICK_FIXED: dict[str, str] = {
    "stick_slip": "stick in the elbows",
    "stick_tilt": "stick level",
    "stick_head_off": "head on the stick",
    "stick_hips_off": "tailbone on the stick",
}
"""``FIXED`` for the stick's fault ids."""

GOOD_REP = "Good rep"

# The drill's set-up check, one instruction at a time (appliance.stick.setup).
REST_IN_ELBOWS = "Rest the stick in your elbows"
LEVEL_STICK = "Level the stick"
ELBOWS_AT_SIDES = "Elbows bent at your sides"
FEET_APART = "Feet shoulder-width apart"
READY = "Ready — hinge when you like"
STICK_HELPS = "A stick across your elbows helps — I'll coach your body"
SETUP_TEXTS: tuple[str, ...] = (
    REST_IN_ELBOWS, LEVEL_STICK, ELBOWS_AT_SIDES, FEET_APART, READY, STICK_HELPS,
)  # fmt: skip
TURN_SIDEWAYS = "Turn sideways so I can check your back"
STAND_STILL = "Stand tall and still for a second"
SIDE_CAMERA_LOST = "Side camera lost — carrying on with the mirror's camera"
"""Said once when the side camera (issue 12) stops mid-set; the set goes on."""

MISSING_PRIORITY: tuple[str, ...] = ("hips", "knees", "feet", "shoulders", "head", "wrists")
"""Body parts the evaluator may report missing, most important first (the hips carry the
hinge; the wrists only matter with a weight in the hands)."""

# How each body part is called aloud: people think of "hands" on a bar, not wrists.
_PART_WORDS: dict[str, str] = {"wrists": "hands"}


def fault_cue(fault: str) -> str:
    """The cue that corrects ``fault`` (a fault id, or one of the stick's)."""
    return FAULT_CUES[fault] if fault in FAULT_CUES else STICK_CUES[fault]


def praise(fault: str) -> str:
    """The praise for a rep where the cued ``fault`` is gone, e.g. ``"Better — flat back"``."""
    return f"Better — {FIXED[fault] if fault in FIXED else STICK_FIXED[fault]}"


def cant_see(part: str) -> str:
    """The guidance for a body part the camera cannot see, e.g.
    ``"I can't see your hips — step back"``."""
    return f"I can't see your {_PART_WORDS.get(part, part)} — step back"
