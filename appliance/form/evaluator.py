"""The form evaluator: a stream of poses in, reps, faults and what it can see out.

INTERFACE STUB — the real implementation is being written; the signatures are final.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from appliance.errors import BadInput
from appliance.types import MODES, FormUpdate, Pose, Rep


@dataclass(frozen=True)
class SetSummary:
    """The whole set so far: the view, the finished reps, the faults that could not be
    judged on any rep and why (fault id -> reason), whether anyone was seen at all."""

    mode: str
    view: str
    reps: tuple[Rep, ...]
    unjudged: dict[str, str] = field(default_factory=dict)
    person_seen: bool = False
    frames: int = 0


class FormEvaluator:
    """Feed it every frame's pose (``None`` when nobody is there) in time order."""

    def __init__(self, mode: str = "deadlift") -> None:
        if mode not in MODES:
            raise BadInput(f"unknown mode {mode!r}: expected one of {', '.join(MODES)}")
        self.mode = mode
        self._frames = 0
        self._person_seen = False

    def update(self, pose: Pose | None, t_s: float) -> FormUpdate:
        """Take one frame (``t_s`` seconds); return what is known after it."""
        self._frames += 1
        present = pose is not None and pose.person_present
        self._person_seen |= present
        return FormUpdate(t_s=t_s, view="unknown", phase="standing" if present else "absent",
                          rep_count=0)

    def summary(self) -> SetSummary:
        """The set so far."""
        return SetSummary(self.mode, "unknown", (), {}, self._person_seen, self._frames)

    def reset(self) -> None:
        """Start a new set (keeps nothing but the mode)."""
        self.__init__(self.mode)  # type: ignore[misc]
