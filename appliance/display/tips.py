"""What to do before the next session: the "Getting ready to hinge well" advice of
coaching.md, picked by the set's main fault, for rest screens and summaries.

Poor hip mobility pushes people into squatting the hinge or stopping short of it, so those
faults get the hip mobility work; a back that rounds or hips that cannot drive the lift
get the lower-back and glute strength work.
"""

from __future__ import annotations

HIP_MOBILITY = (
    "Free up your hips before you hinge: leg circles, 90-90 stretches, fire hydrants "
    "and hip thrusts."
)
LOWER_BACK = "Build your lower back for the hinge: supermans and glute bridges."
GENERAL = "Warm up before you hinge: leg circles, then 90-90 stretches and fire hydrants."

TIPS: dict[str, str] = {
    "rounded_back": LOWER_BACK,
    "head_up": GENERAL,
    "squatting": HIP_MOBILITY,
    "locked_knees": HIP_MOBILITY,
    "bar_drift": HIP_MOBILITY,
    "shallow_hinge": HIP_MOBILITY,
    "incomplete_lockout": LOWER_BACK,
    "hyperextension": LOWER_BACK,
    "hips_rise_early": LOWER_BACK,
    "rushed": GENERAL,
}
"""The tip for each fault id (every id of ``appliance.types.FAULT_IDS`` has one)."""


def tip_for(fault: str | None) -> str:
    """The tip for a set whose main fault is ``fault`` (a fault id); ``None`` (a clean
    set) or an unknown id gets the general warm-up tip."""
    if fault is None:
        return GENERAL
    return TIPS.get(fault, GENERAL)
