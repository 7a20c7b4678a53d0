"""The history database's schema: an ordered list of migrations, numbered by ``user_version``.

Migration ``n`` (1-based) takes a database at ``PRAGMA user_version = n - 1`` to ``n``. Each
runs inside its own ``BEGIN IMMEDIATE`` transaction together with the version bump, so a
kill mid-migration leaves the database at the previous version, never half-migrated.
Append new migrations to ``MIGRATIONS``; never edit one that has shipped.

Times: ``*_at`` columns are wall-clock seconds since the Unix epoch (UTC); ``*_s`` columns
are seconds on the source's clock (as in ``Rep`` and ``CueEvent``); ``latency_ms`` is
milliseconds. JSON columns hold text; there are no BLOB columns (no image data, ever).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from appliance.history.errors import HistoryUnavailable

Migration = Callable[[sqlite3.Connection], None]

_V1: tuple[str, ...] = (
    """CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at REAL NOT NULL
    ) STRICT""",
    """CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,
        started_at REAL NOT NULL,
        ended_at REAL
    ) STRICT""",
    """CREATE TABLE sets (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        mode TEXT NOT NULL,
        view TEXT NOT NULL,
        started_at REAL NOT NULL,
        ended_at REAL,
        baseline_json TEXT
    ) STRICT""",
    """CREATE TABLE reps (
        id INTEGER PRIMARY KEY,
        set_id INTEGER NOT NULL REFERENCES sets(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        start_s REAL NOT NULL,
        bottom_s REAL NOT NULL,
        end_s REAL NOT NULL,
        score INTEGER NOT NULL,
        metrics_json TEXT NOT NULL,
        unjudged_json TEXT NOT NULL,
        recorded_at REAL NOT NULL,
        UNIQUE (set_id, idx)
    ) STRICT""",
    """CREATE TABLE rep_faults (
        rep_id INTEGER NOT NULL REFERENCES reps(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        fault TEXT NOT NULL,
        PRIMARY KEY (rep_id, position)
    ) STRICT""",
    """CREATE TABLE cues (
        id INTEGER PRIMARY KEY,
        set_id INTEGER NOT NULL REFERENCES sets(id) ON DELETE CASCADE,
        t_s REAL NOT NULL,
        frame_t_s REAL,
        kind TEXT NOT NULL,
        fault TEXT,
        severity TEXT NOT NULL,
        text TEXT NOT NULL,
        latency_ms REAL
    ) STRICT""",
    "CREATE INDEX sessions_person ON sessions(person_id)",
    "CREATE INDEX sets_session ON sets(session_id)",
    "CREATE INDEX sets_started ON sets(started_at)",
    "CREATE INDEX rep_faults_fault ON rep_faults(fault)",
    "CREATE INDEX cues_set ON cues(set_id)",
)


def _v1(conn: sqlite3.Connection) -> None:
    """People, sessions, sets, reps (+ their faults, in order) and the cues given."""
    for statement in _V1:
        conn.execute(statement)


def _v2(conn: sqlite3.Connection) -> None:
    """Anonymous visit counts (studio profile): sets and reps per local calendar day
    (``YYYY-MM-DD``) and mode, nothing else: no person, no time of day, no score, no fault."""
    conn.execute(
        """CREATE TABLE daily_counts (
            day TEXT NOT NULL,
            mode TEXT NOT NULL,
            sets INTEGER NOT NULL,
            reps INTEGER NOT NULL,
            PRIMARY KEY (day, mode)
        ) STRICT"""
    )


MIGRATIONS: tuple[Migration, ...] = (_v1, _v2)
LATEST_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version stored in the database file (0 for a new file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_not_newer(conn: sqlite3.Connection, latest: int = LATEST_VERSION) -> None:
    """Raise ``HistoryUnavailable`` if the file was written by a newer appliance (schema
    version above ``latest``); reading the version changes nothing in the file."""
    found = user_version(conn)
    if found > latest:
        raise HistoryUnavailable(
            f"history database is schema version {found}, this appliance knows up to "
            f"{latest} (was it downgraded?)"
        )


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring ``conn`` (opened with ``isolation_level=None``) up to ``len(migrations)``.

    Returns the version reached. Raises ``HistoryUnavailable`` if the file was written by a
    newer version of the appliance (it is left untouched).
    """
    latest = len(migrations)
    check_not_newer(conn, latest)
    for number in range(1, latest + 1):
        if user_version(conn) >= number:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if user_version(conn) < number:  # another process may have got here first
                migrations[number - 1](conn)
                conn.execute(f"PRAGMA user_version = {number:d}")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return user_version(conn)
