"""The mirror's state as MQTT payloads, read off the live loop on its own thread.

``StateReader.read(loop, now_s)`` runs on the loop's thread a few times a second: it
looks at the session (mode, set, reps, the set that ended last), the camera and the
loop's diagnostics, and returns one payload string per entity (``{"mode": "drill",
"reps": "3", ...}``). It touches no network and no file; the MQTT thread publishes what
changed. The counts of the day (sets with at least one rep, and reps) are this run's,
kept here, and start again at local midnight: nothing is read from the history.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from appliance.live.steady import SteadyFlag
from appliance.words import fault_name

State = dict[str, str]
"""Entity object id → the payload of its state topic."""

NONE = "none"
UNKNOWN = "None"  # Home Assistant's payload for a sensor's unknown state
MAX_TEXT = 255  # Home Assistant keeps at most 255 characters of a state


class LoopLike(Protocol):
    """What the reader needs of ``appliance.live.loop.LiveLoop``."""

    session: Any
    grabber: Any
    frame_time: float

    def diagnostics(self) -> Any: ...


@dataclass
class DayCounts:
    """Sets with at least one rep, and their reps, on one local ``day`` (ISO date)."""

    day: str
    sets: int = 0
    reps: int = 0


class StateReader:
    """Turns the loop into payloads. ``names``: the lifter's name may be published.
    ``every_s``: seconds between two readings (the loop calls ``read`` every frame).
    ``today``: the local date (a test's clock)."""

    def __init__(
        self,
        names: bool,
        every_s: float = 0.2,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.names = names
        self.every_s = every_s
        self._today = today
        self._read_at: float | None = None
        self._sets_seen = 0
        self._counts = DayCounts(today().isoformat())
        self._last_score = UNKNOWN
        self._last_fault = NONE
        self._presence = SteadyFlag(on_s=0.5, off_s=2.0)

    def read(self, loop: LoopLike, now_s: float) -> State | None:
        """The state now (``now_s``: the loop's clock, seconds), or None when the last
        reading is less than ``every_s`` old. Sets that ended are counted every call."""
        session = loop.session
        if session.sets_done != self._sets_seen:
            self._count_ended_set(session)
        present = self._presence.update(session.pose is not None, loop.frame_time)
        if self._read_at is not None and now_s - self._read_at < self.every_s:
            return None
        self._read_at = now_s
        self._new_day()
        running = session.set_state == "running"
        reps = len(session.scores) if running else 0
        update = session.last_update if running else None
        state: State = {
            "presence": "ON" if present else "OFF",
            "mode": session.mode,
            "set_in_progress": "ON" if running else "OFF",
            "reps": str(reps),
            "last_set_score": self._last_score,
            "last_set_fault": self._last_fault,
            "sets_today": str(self._counts.sets),
            "reps_today": str(self._counts.reps + reps),
            "view": update.view if update is not None else "unknown",
            "camera": str(loop.grabber.status),
            "last_error": _text(_last_error(loop)),
            **_diagnostics(loop.diagnostics()),
        }
        if self.names:
            state["lifter"] = _text(session.person or "Guest")
        return state

    def _new_day(self) -> None:
        """The counts start again at local midnight."""
        today = self._today().isoformat()
        if today != self._counts.day:
            self._counts = DayCounts(today)

    def _count_ended_set(self, session: Any) -> None:
        """Take in the set that ended since the last call (``session.last_set``)."""
        self._new_day()
        self._sets_seen = session.sets_done
        ended = session.last_set
        if ended is None or not ended.scores:
            return
        self._counts.sets += 1
        self._counts.reps += len(ended.scores)
        self._last_score = f"{statistics.fmean(ended.scores):.0f}"
        self._last_fault = fault_name(ended.main_fault) if ended.main_fault else NONE


def _last_error(loop: LoopLike) -> str:
    """The camera's error, else the session's notice (history trouble), else none."""
    error = loop.grabber.error
    if error is not None:
        return str(error)
    notice = loop.session.notice
    return str(notice) if notice else NONE


def _diagnostics(diagnostics: Any) -> State:
    """The loop's numbers: frames per second, inference and camera-to-cue latency (ms).
    The CPU temperature is the MQTT thread's to read (a file, off the loop)."""
    latency = diagnostics.latency_median_ms
    return {
        "fps": f"{diagnostics.fps:.1f}",
        "inference_ms": f"{diagnostics.inference_ms:.1f}",
        "cue_latency_ms": f"{latency:.0f}" if latency is not None else UNKNOWN,
    }


def _text(text: str) -> str:
    return " ".join(text.split())[:MAX_TEXT] or NONE
