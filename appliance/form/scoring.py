"""A 0-100 score per rep: 100 less a penalty per fault, by how much it matters."""

from __future__ import annotations

PENALTIES: dict[str, int] = {
    "rounded_back": 35,
    "squatting": 25,
    "head_up": 15,
    "locked_knees": 15,
    "bar_drift": 20,
    "shallow_hinge": 20,
    "incomplete_lockout": 15,
    "hyperextension": 15,
    "hips_rise_early": 20,
    "rushed": 10,
}


def score_rep(faults: tuple[str, ...]) -> int:
    """100 for a clean rep; each fault takes its penalty off; never below 0."""
    return max(0, 100 - sum(PENALTIES[fault] for fault in faults))
