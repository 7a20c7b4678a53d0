"""What the history store gives back, and the JSON text it keeps metrics and baselines in."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from appliance.types import CueEvent, Rep


@dataclass(frozen=True, slots=True)
class CueRecord:
    """A cue given during a set; ``latency_ms`` from the frame to the cue (milliseconds),
    when it was measured."""

    cue: CueEvent
    latency_ms: float | None


@dataclass(frozen=True, slots=True)
class SetRecord:
    """One stored set with its reps (in order) and cues.

    ``started_at``/``ended_at``: wall-clock seconds since the Unix epoch; ``ended_at`` is
    ``None`` for a set that is running or was cut off (power cut, kill). ``person``:
    ``None`` for a guest. ``baseline``: the calibration baseline as saved at the end.
    """

    id: int
    session_id: int
    person: str | None
    mode: str
    view: str
    started_at: float
    ended_at: float | None
    baseline: dict[str, Any] | None
    reps: tuple[Rep, ...]
    cues: tuple[CueRecord, ...]

    @property
    def scores(self) -> tuple[int, ...]:
        """Each rep's score (0..100), in order."""
        return tuple(rep.score for rep in self.reps)


@dataclass(frozen=True, slots=True)
class DailyCount:
    """Anonymous studio counts for one local calendar day (``day``: ``YYYY-MM-DD``) and
    ``mode``: how many sets (with at least one rep) and reps visitors did."""

    day: str
    mode: str
    sets: int
    reps: int


def metrics_to_json(metrics: dict[str, float]) -> str:
    """Metrics as strict JSON text; a value that is not finite is stored as ``null``."""
    clean = {str(k): (float(v) if math.isfinite(v) else None) for k, v in metrics.items()}
    return json.dumps(clean, allow_nan=False, sort_keys=True)


def metrics_from_json(text: str) -> dict[str, float]:
    """Inverse of ``metrics_to_json``; ``null`` reads back as NaN."""
    return {k: (math.nan if v is None else float(v)) for k, v in json.loads(text).items()}


def to_json(value: Any) -> str:
    """Any JSON-able value (baselines, unjudged reasons) as strict JSON text."""
    return json.dumps(value, allow_nan=False, sort_keys=True)


def from_json(text: str | None) -> Any:
    """Inverse of ``to_json``; ``None`` stays ``None``."""
    return None if text is None else json.loads(text)


def rep_from_row(row: Any, faults: tuple[str, ...]) -> Rep:
    """A ``Rep`` from a ``reps`` row (sqlite3.Row) and its faults in order."""
    return Rep(
        index=int(row["idx"]),
        start_s=float(row["start_s"]),
        bottom_s=float(row["bottom_s"]),
        end_s=float(row["end_s"]),
        faults=faults,
        score=int(row["score"]),
        metrics=metrics_from_json(row["metrics_json"]),
        unjudged={str(k): str(v) for k, v in json.loads(row["unjudged_json"]).items()},
    )


def cue_from_row(row: Any) -> CueRecord:
    """A ``CueRecord`` from a ``cues`` row (sqlite3.Row)."""
    cue = CueEvent(
        t_s=float(row["t_s"]),
        text=str(row["text"]),
        kind=str(row["kind"]),
        fault=row["fault"],
        severity=str(row["severity"]),
        frame_t_s=row["frame_t_s"],
    )
    return CueRecord(cue, row["latency_ms"])
