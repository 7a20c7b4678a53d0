"""Opening the SQLite connection with the settings the history relies on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from appliance.history.integrity import DatabaseDamaged, is_damage, quick_check
from appliance.history.schema import check_not_newer, migrate

WAL_KEEP_BYTES = 4 * 1024 * 1024
"""How big the WAL file may stay between checkpoints (bytes); bounds it over months."""


def connect_file(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    """Open ``path`` in WAL mode, ``synchronous=FULL``, foreign keys and secure delete on,
    waiting up to ``busy_timeout_s`` seconds for a lock; quick-check it and migrate it.

    Raises ``DatabaseDamaged`` if the file is damaged (the connection is closed first, so
    the file can be moved), ``HistoryUnavailable`` if it is from a newer appliance, and
    ``sqlite3.Error`` for anything else.
    """
    conn = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000):d}")
        check_not_newer(conn)  # before anything writes to the file
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute(f"PRAGMA journal_size_limit = {WAL_KEEP_BYTES:d}")
        quick_check(conn)
        migrate(conn)
    except sqlite3.Error as error:
        conn.close()
        if is_damage(error):
            raise DatabaseDamaged(str(error)) from error
        raise
    except BaseException:
        conn.close()
        raise
    conn.row_factory = sqlite3.Row
    return conn


def connect_memory() -> sqlite3.Connection:
    """An in-memory database with the same schema, for the studio profile: no file, no
    temporary files (``temp_store=MEMORY``)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = ON")
    migrate(conn)
    conn.row_factory = sqlite3.Row
    return conn
