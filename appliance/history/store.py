"""The history store: the one place that reads and writes the SQLite database.

Durability: WAL journal with ``synchronous=FULL``. Every rep is its own transaction, and
FULL makes SQLite fsync the WAL at each commit, so once ``add_rep`` returns the rep survives
a kill *and* a power cut; only the rep in progress (not yet ended) can be lost. NORMAL
would survive a kill but could roll back the last few committed reps on a power cut. The
cost is one fsync per rep (a rep takes seconds), which an SD card easily affords.

Privacy: ``secure_delete`` is on, so forgotten people are zeroed in the file, and forgetting
truncates the WAL. The studio (kiosk) profile keeps everything in memory only and drops a
session's rows when it ends: nothing about a visitor ever reaches the disk. With anonymous
counts on, the one thing that does is the visit's number of sets and reps, added to its
local calendar day and mode in the ``daily_counts`` table of the history file (the same
file, WAL and damage handling as at home, so ``history --counts`` reads it like any other).

One thread uses a store (sqlite3's default). Write failures raise ``HistoryWriteFailed``.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from appliance.history.connection import connect_file, connect_memory
from appliance.history.errors import HistoryUnavailable, HistoryWriteFailed
from appliance.history.integrity import DatabaseDamaged, set_aside
from appliance.history.queries import (
    clean_name,
    daily_counts,
    last_baseline,
    last_person,
    load_sets,
    visit_counts,
)
from appliance.history.records import DailyCount, SetRecord, metrics_to_json, to_json
from appliance.paths import state_path
from appliance.types import CueEvent, Rep

log = logging.getLogger("hinge_mirror.history")

HISTORY_ENV = "HINGE_MIRROR_HISTORY"
DAMAGED_NOTICE = "History was damaged and was set aside; starting fresh"
COUNTS_OFF_NOTICE = "Visit counts are off: the database could not be opened"
Clock = Callable[[], float]


def default_history_path() -> Path:
    """``$HINGE_MIRROR_HISTORY``, else ``$STATE_DIRECTORY/history.sqlite`` (systemd), else
    ``$XDG_DATA_HOME/hinge-mirror/history.sqlite`` (``~/.local/share`` by default)."""
    return state_path("history.sqlite", override_env=HISTORY_ENV)


def open_history(
    path: Path | None = None, *, studio: bool = False, anonymous_counts: bool = False
) -> HistoryStore:
    """The store the appliance uses; never raises. If the file cannot be opened at all,
    logs one line and returns an in-memory store whose ``notice`` says history is off.

    ``studio``: nothing personal is kept; with ``anonymous_counts`` (studio only) each
    visit's sets and reps are added to the day's counts in the file at ``path``.
    """
    path = path or default_history_path()
    if studio:
        if not anonymous_counts:
            return HistoryStore.open(path, keep_personal=False)
        try:
            return HistoryStore.open(path, keep_personal=False, counts_path=path)
        except HistoryUnavailable as error:
            log.error("visit counts are off for this run: %s", error)
            store = HistoryStore.open(path, keep_personal=False)
            store.notice = COUNTS_OFF_NOTICE
            return store
    try:
        return HistoryStore.open(path)
    except HistoryUnavailable as error:
        log.error("history is off for this run: %s", error)
        store = HistoryStore.open(Path(":memory:"), keep_personal=False)
        store.notice = "History is off: the database could not be opened"
        return store


class HistoryStore:
    """People → sessions → sets → reps (with faults) and cues. Use ``HistoryStore.open``."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        clock: Clock,
        keep_personal: bool,
        counts: sqlite3.Connection | None = None,
    ) -> None:
        self._conn = conn
        self._clock = clock
        self._counts = counts
        self.keep_personal = keep_personal
        self.notice: str | None = None
        """A one-line message for the screen (e.g. the database was set aside), or None."""

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        clock: Clock = time.time,
        keep_personal: bool = True,
        counts_path: Path | None = None,
        busy_timeout_s: float = 5.0,
    ) -> HistoryStore:
        """Open (creating, checking and migrating) the database at ``path``.

        ``clock``: wall-clock seconds since the epoch. ``keep_personal=False`` is the studio
        profile: an in-memory database, ``path`` is never touched. ``counts_path`` (studio
        only): the history file that each visit's anonymous counts are added to, opened as
        ``path`` is at home. A damaged file is moved aside
        (``history.corrupt-YYYYMMDD-HHMMSS.sqlite``), logged in one line, and a fresh one
        started; ``store.notice`` then says so. Raises ``HistoryUnavailable`` otherwise.
        """
        if keep_personal and counts_path is not None:
            raise ValueError("counts_path is for the studio profile (keep_personal=False)")
        if not keep_personal:
            counts, notice = (None, None)
            if counts_path is not None:
                counts, notice = _open_file(counts_path, clock, busy_timeout_s)
            store = cls(connect_memory(), clock=clock, keep_personal=False, counts=counts)
        else:
            conn, notice = _open_file(path, clock, busy_timeout_s)
            store = cls(conn, clock=clock, keep_personal=True)
        store.notice = notice
        return store

    def close(self) -> None:
        """Close the database (the last connection to close checkpoints and removes the WAL)."""
        self._conn.close()
        if self._counts is not None:
            self._counts.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------

    def start_session(self, person: str | None, *, at: float | None = None) -> int:
        """A visit to the mirror by ``person`` (created if new) or a guest (``None``),
        starting at ``at`` (wall-clock seconds since the epoch; default: now)."""
        with self._tx("start a session") as c:
            person_id = None
            if person is not None:
                name = clean_name(person)
                c.execute(
                    "INSERT INTO people (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (name, self._clock()),
                )
                person_id = c.execute("SELECT id FROM people WHERE name = ?", (name,)).fetchone()[0]
            cur = c.execute(
                "INSERT INTO sessions (person_id, started_at) VALUES (?, ?)",
                (person_id, self._now(at)),
            )
            return _rowid(cur)

    def start_set(
        self, session_id: int, mode: str, view: str = "unknown", *, at: float | None = None
    ) -> int:
        """A set begins in ``mode`` (drill/deadlift) at ``at`` (wall-clock seconds since the
        epoch; default: now); ``view`` is usually known only at the end."""
        with self._tx("start a set") as c:
            cur = c.execute(
                "INSERT INTO sets (session_id, mode, view, started_at) VALUES (?, ?, ?, ?)",
                (session_id, mode, view, self._now(at)),
            )
            return _rowid(cur)

    def add_rep(self, set_id: int, rep: Rep, *, at: float | None = None) -> int:
        """Store a finished rep, committed (and fsynced) before returning; ``at``: when it
        was recorded (wall-clock seconds since the epoch; default: now)."""
        with self._tx("store a rep") as c:
            cur = c.execute(
                "INSERT INTO reps (set_id, idx, start_s, bottom_s, end_s, score, metrics_json,"
                " unjudged_json, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (set_id, rep.index, rep.start_s, rep.bottom_s, rep.end_s, rep.score,
                 metrics_to_json(rep.metrics), to_json(rep.unjudged), self._now(at)),
            )  # fmt: skip
            rep_id = _rowid(cur)
            c.executemany(
                "INSERT INTO rep_faults (rep_id, position, fault) VALUES (?, ?, ?)",
                [(rep_id, i, fault) for i, fault in enumerate(rep.faults)],
            )
            return rep_id

    def add_cue(self, set_id: int, cue: CueEvent, latency_ms: float | None = None) -> None:
        """Store a cue given during the set; ``latency_ms``: frame to cue, milliseconds."""
        with self._tx("store a cue") as c:
            c.execute(
                "INSERT INTO cues (set_id, t_s, frame_t_s, kind, fault, severity, text,"
                " latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (set_id, cue.t_s, cue.frame_t_s, cue.kind, cue.fault, cue.severity, cue.text,
                 latency_ms),
            )  # fmt: skip

    def end_set(
        self, set_id: int, view: str, baseline: dict[str, Any] | None, *, at: float | None = None
    ) -> None:
        """The set ended at ``at`` (wall-clock seconds since the epoch; default: now): the
        view it was judged in and the calibration baseline used."""
        with self._tx("end a set") as c:
            c.execute(
                "UPDATE sets SET ended_at = ?, view = ?, baseline_json = ? WHERE id = ?",
                (self._now(at), view, None if baseline is None else to_json(baseline), set_id),
            )

    def discard_set(self, set_id: int) -> bool:
        """Remove a set abandoned before its first rep, with its cues. A set with reps (or
        one that is not there) is left alone: returns whether the set was removed."""
        with self._tx("discard a set") as c:
            cur = c.execute(
                "DELETE FROM sets WHERE id = ? AND NOT EXISTS"
                " (SELECT 1 FROM reps WHERE reps.set_id = sets.id)",
                (set_id,),
            )  # its cues go with it (ON DELETE CASCADE)
            return cur.rowcount > 0

    def end_session(self, session_id: int, *, at: float | None = None) -> None:
        """The visit is over at ``at`` (wall-clock seconds since the epoch; default: now).
        In the studio profile everything about it is dropped now, after its sets and reps
        are added to the anonymous counts (when they are kept)."""
        with self._tx("end a session") as c:
            if self.keep_personal:
                c.execute(
                    "UPDATE sessions SET ended_at = ? WHERE id = ?", (self._now(at), session_id)
                )
                return
            counts = [] if self._counts is None else visit_counts(c, session_id)
            row = c.execute("SELECT person_id FROM sessions WHERE id = ?", (session_id,)).fetchone()
            c.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            if row is not None and row[0] is not None:
                c.execute("DELETE FROM people WHERE id = ?", (row[0],))
        # Written after the visit is dropped, so a full disk loses a count, never the privacy.
        if counts and self._counts is not None:
            self._add_counts(self._counts, counts)

    def close_unfinished(self) -> int:
        """At start-up (single writer only): mark sets and sessions cut off by a kill or power
        cut as ended at their last stored rep. Returns how many sets were closed."""
        with self._tx("close unfinished sets") as c:
            cur = c.execute(
                "UPDATE sets SET ended_at = COALESCE((SELECT MAX(recorded_at) FROM reps"
                " WHERE reps.set_id = sets.id), started_at) WHERE ended_at IS NULL"
            )
            c.execute(
                "UPDATE sessions SET ended_at = COALESCE((SELECT MAX(ended_at) FROM sets"
                " WHERE sets.session_id = sessions.id), started_at) WHERE ended_at IS NULL"
            )
            return cur.rowcount

    def forget_person(self, name: str) -> bool:
        """Delete a person and all their sessions, sets, reps and cues, from the file and
        the WAL. Returns whether they were there."""
        with self._tx("forget a person") as c:
            gone = c.execute("DELETE FROM people WHERE name = ?", (clean_name(name),)).rowcount
        self._scrub()
        return gone > 0

    def wipe(self) -> None:
        """Delete everything (the schema stays)."""
        with self._tx("wipe the history") as c:
            for table in ("cues", "rep_faults", "reps", "sets", "sessions", "people",
                          "daily_counts"):  # fmt: skip
                c.execute(f"DELETE FROM {table}")
        self._scrub()

    # -- reading -----------------------------------------------------------------------

    def people(self) -> list[str]:
        """Everyone with a profile, by name."""
        return [r[0] for r in self._conn.execute("SELECT name FROM people ORDER BY name")]

    def sets(self, person: str | None = None, since: datetime | None = None) -> list[SetRecord]:
        """Stored sets, oldest first, with reps and cues; only ``person``'s if given, only
        those started at or after ``since`` if given (a naive datetime is local time)."""
        return load_sets(self._conn, person, since)

    def last_baseline(self, person: str | None, view: str) -> dict[str, Any] | None:
        """The calibration baseline of ``person``'s (``None``: guests') latest set in
        ``view``, for per-person calibration."""
        return last_baseline(self._conn, person, view)

    def last_person(self, names: tuple[str, ...]) -> str | None:
        """Of ``names``, who lifted last (``None`` if none of them has a set yet)."""
        return last_person(self._conn, names)

    def daily_counts(self, since: date | None = None) -> list[DailyCount]:
        """The studio's anonymous counts (sets and reps per local day and mode), by day then
        mode; only days from ``since`` on if given. Empty unless counts were kept."""
        return daily_counts(self._conn if self._counts is None else self._counts, since)

    # -- helpers -----------------------------------------------------------------------

    def _now(self, at: float | None) -> float:
        return self._clock() if at is None else at

    def _add_counts(self, conn: sqlite3.Connection, counts: list[DailyCount]) -> None:
        with self._tx("add a visit to the counts", conn) as c:
            c.executemany(
                "INSERT INTO daily_counts (day, mode, sets, reps) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (day, mode) DO UPDATE"
                " SET sets = sets + excluded.sets, reps = reps + excluded.reps",
                [(n.day, n.mode, n.sets, n.reps) for n in counts],
            )

    @contextlib.contextmanager
    def _tx(
        self, what: str, conn: sqlite3.Connection | None = None
    ) -> Iterator[sqlite3.Connection]:
        conn = self._conn if conn is None else conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:  # SQLite may have rolled back already
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            raise HistoryWriteFailed(f"history: could not {what}: {error}") from error

    def _scrub(self) -> None:
        if not self.keep_personal:
            return
        busy, _, _ = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            log.warning(
                "history: a reader kept the WAL from being cleared; it goes when the last closes"
            )


def _open_file(
    path: Path, clock: Clock, busy_timeout_s: float
) -> tuple[sqlite3.Connection, str | None]:
    """The database file at ``path`` and a notice if a damaged one was set aside first;
    ``HistoryUnavailable`` if it cannot be opened."""
    notice = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = connect_file(path, busy_timeout_s)
        except DatabaseDamaged as damage:
            aside = set_aside(path, clock())
            log.error(
                "history database %s was damaged (%s); moved it to %s and started afresh",
                path,
                damage,
                aside.name,
            )
            notice = DAMAGED_NOTICE
            conn = connect_file(path, busy_timeout_s)
    except (sqlite3.Error, OSError, DatabaseDamaged) as error:
        raise HistoryUnavailable(f"cannot open history {path}: {error}") from error
    return conn, notice


def _rowid(cur: sqlite3.Cursor) -> int:
    assert cur.lastrowid is not None
    return int(cur.lastrowid)
