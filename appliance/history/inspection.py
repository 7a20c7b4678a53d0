"""Looking at the history file without touching it (``hinge-mirror doctor``).

``inspect_history`` never creates, migrates, repairs or moves the file, and leaves no
``-wal``/``-shm`` behind: SQLite is opened read-only (``mode=ro``). A read-only connection
to a WAL database would still create those two files if they are absent, so when they are
not both there (no mirror running, the usual case for doctor) the file is opened
``immutable`` too: no locks, no sidecars, only reads of the file itself. When they are
both there (a mirror is running, or one was killed) it reads through them like any other
reader, so the counts include reps still in the WAL: the database and the WAL are not
written, and the ``-shm`` (SQLite's shared-memory index) only gets its read mark.

What it reports mirrors what ``HistoryStore.open`` would do with the file: a damaged file
(``integrity.is_damage`` or a failing ``PRAGMA quick_check``) is set aside by the mirror;
a newer schema or an unreadable file means the mirror runs without history.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from appliance.history.integrity import DatabaseDamaged, is_damage, quick_check
from appliance.history.schema import LATEST_VERSION, user_version
from appliance.history.store import default_history_path

HistoryState = Literal["absent", "ok", "damaged", "newer", "unreadable"]


@dataclass(frozen=True)
class HistorySummary:
    """What the history file at ``path`` holds.

    ``state``: ``"absent"`` (no file yet), ``"ok"``, ``"damaged"`` (``finding`` says how),
    ``"newer"`` (``schema`` is above ``LATEST_VERSION``) or ``"unreadable"`` (``finding``
    is the reason). ``schema``: the file's ``user_version`` when it could be read. The
    counts are rows in the file (0 for tables an older schema lacks): ``people``,
    ``sets`` and ``reps`` at home; ``counted_days``: distinct days in the studio's
    anonymous ``daily_counts``.
    """

    path: Path
    state: HistoryState
    finding: str = ""
    schema: int | None = None
    people: int = 0
    sets: int = 0
    reps: int = 0
    counted_days: int = 0


def _uri(path: Path, immutable: bool) -> str:
    uri = f"{path.absolute().as_uri()}?mode=ro"
    return f"{uri}&immutable=1" if immutable else uri


def _sidecars_present(path: Path) -> bool:
    return all(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm"))


def _count(conn: sqlite3.Connection, tables: set[str], table: str, what: str = "*") -> int:
    if table not in tables:
        return 0
    return int(conn.execute(f"SELECT COUNT({what}) FROM {table}").fetchone()[0])


def _read(path: Path, conn: sqlite3.Connection) -> HistorySummary:
    schema = user_version(conn)  # the mirror reads this first too (schema.check_not_newer)
    if schema > LATEST_VERSION:
        return HistorySummary(path, "newer", schema=schema)
    quick_check(conn)
    tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return HistorySummary(
        path,
        "ok",
        schema=schema,
        people=_count(conn, tables, "people"),
        sets=_count(conn, tables, "sets"),
        reps=_count(conn, tables, "reps"),
        counted_days=_count(conn, tables, "daily_counts", "DISTINCT day"),
    )


def inspect_history(path: Path | None = None, *, busy_timeout_s: float = 2.0) -> HistorySummary:
    """The state and row counts of the history file at ``path`` (default:
    ``default_history_path()``), read-only; never raises for the file's sake."""
    path = path or default_history_path()
    try:
        os.stat(path)
    except FileNotFoundError:
        return HistorySummary(path, "absent")
    except OSError as error:
        return HistorySummary(path, "unreadable", error.strerror or str(error))
    try:
        with open(path, "rb"):  # a plain read-only open names the reason (permissions, a folder)
            pass
    except OSError as error:
        return HistorySummary(path, "unreadable", error.strerror or str(error))
    try:
        conn = sqlite3.connect(
            _uri(path, immutable=not _sidecars_present(path)), uri=True, timeout=busy_timeout_s
        )
    except sqlite3.Error as error:
        return HistorySummary(path, "unreadable", str(error))
    try:
        return _read(path, conn)
    except DatabaseDamaged as damage:
        return HistorySummary(path, "damaged", str(damage))
    except sqlite3.Error as error:
        if is_damage(error):
            return HistorySummary(path, "damaged", str(error))
        return HistorySummary(path, "unreadable", str(error))
    finally:
        conn.close()
