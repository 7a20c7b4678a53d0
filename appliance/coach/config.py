"""The cue policy's tunables, with their units. Defaults follow coaching.md's cue policy."""

from __future__ import annotations

from dataclasses import dataclass, fields

from appliance.errors import BadConfig


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

    confirm_reps: int = 2
    confirm_window_reps: int = 3
    repeat_every_reps: int = 2
    max_cues_per_fault: int = 3
    max_safety_cues: int = 5
    good_rep_streak: int = 3
    good_rep_every_reps: int = 10
    min_gap_s: float = 2.0
    missing_delay_s: float = 1.5
    guidance_repeat_s: float = 10.0
    calibration_delay_s: float = 3.0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise BadConfig(f"cues.{f.name}: expected a number, got {value!r}")
            if f.type == "int" and (not isinstance(value, int) or value < 1):
                raise BadConfig(f"cues.{f.name}: expected an integer >= 1, got {value!r}")
            if value < 0:
                raise BadConfig(f"cues.{f.name}: expected a number >= 0, got {value!r}")
        if self.confirm_reps > self.confirm_window_reps:
            raise BadConfig(
                f"cues.confirm_reps: {self.confirm_reps} cannot exceed "
                f"cues.confirm_window_reps ({self.confirm_window_reps})"
            )
