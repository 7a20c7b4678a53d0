"""The cue policy's tunables, with their units. Defaults follow coaching.md's cue policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from appliance.errors import BadConfig
from appliance.settings import check_section, setting

_INT = "an integer >= 1"
_SECONDS = "seconds >= 0"


def _at_least_1(value: int) -> bool:
    return value >= 1


def _not_negative(value: float) -> bool:
    return value >= 0


@dataclass(frozen=True)
class CueConfig:
    """How often and when the coach speaks.

    Confirmation: a form fault is cued when it is on the rep just finished and on at least
    ``confirm_reps`` of the last ``confirm_window_reps`` finished reps (2 of 3).

    Fading: after a fault is cued it waits ``repeat_every_reps`` reps before it may be said
    again (2 = at most every other rep), and is said at most ``max_cues_per_fault`` times
    in a set. A safety fault is said once per rep it shows on, at most
    ``max_safety_cues`` times in a set. After ``good_rep_streak`` clean reps in a row the
    coach may say "Good rep", then not again for ``good_rep_every_reps`` reps.

    Timing (seconds of the source clock): ``min_gap_s`` between two cues (a safety cue
    does not wait); a body part must be missing for ``missing_delay_s`` before "I can't
    see your …", which is not repeated within ``guidance_repeat_s``; an uncalibrated
    lifter standing for ``calibration_delay_s`` is asked to stand still, once a set.
    """

    SECTION: ClassVar[str] = "cues"
    confirm_reps: int = setting(2, _at_least_1, _INT)
    confirm_window_reps: int = setting(3, _at_least_1, _INT)
    repeat_every_reps: int = setting(2, _at_least_1, _INT)
    max_cues_per_fault: int = setting(3, _at_least_1, _INT)
    max_safety_cues: int = setting(5, _at_least_1, _INT)
    good_rep_streak: int = setting(3, _at_least_1, _INT)
    good_rep_every_reps: int = setting(10, _at_least_1, _INT)
    min_gap_s: float = setting(2.0, _not_negative, _SECONDS)
    missing_delay_s: float = setting(1.5, _not_negative, _SECONDS)
    guidance_repeat_s: float = setting(10.0, _not_negative, _SECONDS)
    calibration_delay_s: float = setting(3.0, _not_negative, _SECONDS)

    def __post_init__(self) -> None:
        check_section(self)
        if self.confirm_reps > self.confirm_window_reps:
            raise BadConfig(
                f"cues.confirm_reps: {self.confirm_reps} cannot exceed "
                f"cues.confirm_window_reps ({self.confirm_window_reps})"
            )
