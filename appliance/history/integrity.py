"""Recognising a damaged database file and setting it aside (kept, renamed with the date).

A damaged file is one SQLite itself calls corrupt (``SQLITE_CORRUPT``: "database disk image
is malformed"), not a database at all (``SQLITE_NOTADB``: random bytes), or one whose
``PRAGMA quick_check`` reports problems (a truncated file). Locks, permissions and full
disks are not damage: those files are never moved.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

_DAMAGE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
_DAMAGE_WORDS = ("file is not a database", "malformed", "corrupt")
SIDECARS = ("-wal", "-shm", "-journal")
"""Files SQLite keeps next to a database, named by appending these to its name."""


class DatabaseDamaged(Exception):
    """Internal: the file at hand is damaged; ``str()`` says how, in one line."""


def is_damage(error: sqlite3.Error) -> bool:
    """Whether an error raised while reading a database means the file itself is damaged."""
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in _DAMAGE_CODES:
        return True
    message = str(error).lower()
    return any(word in message for word in _DAMAGE_WORDS)


def quick_check(conn: sqlite3.Connection) -> None:
    """Run ``PRAGMA quick_check``; raise ``DatabaseDamaged`` with its first finding."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as error:
        if is_damage(error):
            raise DatabaseDamaged(str(error)) from error
        raise
    if [tuple(row) for row in rows] != [("ok",)]:
        first = str(rows[0][0]) if rows else "no result"
        more = f" (+{len(rows) - 1} more)" if len(rows) > 1 else ""
        raise DatabaseDamaged(f"integrity check: {first}{more}".replace("\n", " "))


def aside_name(path: Path, when_s: float) -> Path:
    """Where a damaged ``path`` goes: ``history.corrupt-YYYYMMDD-HHMMSS.sqlite`` next to it
    (local time of ``when_s``, seconds since the epoch), with ``-2``, ``-3``... if taken."""
    stamp = datetime.fromtimestamp(when_s).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.corrupt-{stamp}{path.suffix}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.corrupt-{stamp}-{n}{path.suffix}")
        n += 1
    return candidate


def set_aside(path: Path, when_s: float) -> Path:
    """Rename ``path`` and its ``-wal``/``-shm``/``-journal`` files; return the new name.

    The sidecars keep their suffix on the new name, so the copy still opens as it was.
    """
    target = aside_name(path, when_s)
    for suffix in SIDECARS:
        sidecar = Path(f"{path}{suffix}")
        if sidecar.exists():
            sidecar.rename(f"{target}{suffix}")
    path.rename(target)
    return target
