"""Reading the history back: sets with their reps and cues, the latest baseline, and the
anonymous daily counts."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from typing import Any

from appliance.history.records import (
    CueRecord,
    DailyCount,
    SetRecord,
    cue_from_row,
    from_json,
    rep_from_row,
)
from appliance.types import Rep


def clean_name(name: str) -> str:
    """A person's name with runs of whitespace collapsed; 1 to 40 characters."""
    clean = " ".join(name.split())
    if not clean or len(clean) > 40:
        raise ValueError(f"a person's name is 1 to 40 characters, got {name!r}")
    return clean


def load_sets(
    conn: sqlite3.Connection, person: str | None, since: datetime | None
) -> list[SetRecord]:
    """Sets oldest first, with reps and cues; only ``person``'s if given, only those started
    at or after ``since`` if given (a naive datetime is local time). Four queries in all."""
    where, args = ["1"], list[Any]()
    if person is not None:
        where.append("p.name = ?")
        args.append(clean_name(person))
    if since is not None:
        where.append("s.started_at >= ?")
        args.append(since.timestamp())
    scope = (
        " FROM sets s JOIN sessions se ON se.id = s.session_id"
        " LEFT JOIN people p ON p.id = se.person_id WHERE " + " AND ".join(where)
    )
    in_scope = "(SELECT s.id" + scope + ")"
    faults: dict[int, list[str]] = {}
    for rep_id, fault in conn.execute(
        "SELECT f.rep_id, f.fault FROM rep_faults f JOIN reps r ON r.id = f.rep_id"
        f" WHERE r.set_id IN {in_scope} ORDER BY f.rep_id, f.position",
        args,
    ):
        faults.setdefault(rep_id, []).append(fault)
    reps: dict[int, list[Rep]] = {}
    for row in conn.execute(
        f"SELECT * FROM reps WHERE set_id IN {in_scope} ORDER BY set_id, idx", args
    ):
        reps.setdefault(row["set_id"], []).append(
            rep_from_row(row, tuple(faults.get(row["id"], ())))
        )
    cues: dict[int, list[CueRecord]] = {}
    for row in conn.execute(f"SELECT * FROM cues WHERE set_id IN {in_scope} ORDER BY id", args):
        cues.setdefault(row["set_id"], []).append(cue_from_row(row))
    rows = conn.execute(
        "SELECT s.*, p.name AS person" + scope + " ORDER BY s.started_at, s.id", args
    )
    return [
        SetRecord(
            id=r["id"],
            session_id=r["session_id"],
            person=r["person"],
            mode=r["mode"],
            view=r["view"],
            started_at=r["started_at"],
            ended_at=r["ended_at"],
            baseline=load_baseline(r["baseline_json"]),
            reps=tuple(reps.get(r["id"], ())),
            cues=tuple(cues.get(r["id"], ())),
        )
        for r in rows
    ]


def last_baseline(conn: sqlite3.Connection, person: str | None, view: str) -> dict[str, Any] | None:
    """The calibration baseline of ``person``'s (``None``: guests') latest set in ``view``."""
    row = conn.execute(
        "SELECT s.baseline_json FROM sets s JOIN sessions se ON se.id = s.session_id"
        " LEFT JOIN people p ON p.id = se.person_id WHERE p.name IS ? AND s.view = ?"
        " AND s.baseline_json IS NOT NULL ORDER BY s.started_at DESC, s.id DESC LIMIT 1",
        (None if person is None else clean_name(person), view),
    ).fetchone()
    return None if row is None else load_baseline(row[0])


def last_person(conn: sqlite3.Connection, names: tuple[str, ...]) -> str | None:
    """Of ``names``, the one whose set started last; ``None`` if none of them has a set."""
    if not names:
        return None
    clean = [clean_name(name) for name in names]
    row = conn.execute(
        "SELECT p.name FROM sets s JOIN sessions se ON se.id = s.session_id"
        " JOIN people p ON p.id = se.person_id"
        f" WHERE p.name IN ({', '.join('?' * len(clean))})"
        " ORDER BY s.started_at DESC, s.id DESC LIMIT 1",
        clean,
    ).fetchone()
    return None if row is None else str(row[0])


def load_baseline(text: str | None) -> dict[str, Any] | None:
    """A stored baseline (JSON object text) as a dict; anything else as ``None``."""
    value = from_json(text)
    return value if isinstance(value, dict) else None


def visit_counts(conn: sqlite3.Connection, session_id: int) -> list[DailyCount]:
    """A visit's sets that have at least one rep, and their reps, per local calendar day
    (of each set's start) and mode."""
    totals: dict[tuple[str, str], tuple[int, int]] = {}
    for started_at, mode, reps in conn.execute(
        "SELECT s.started_at, s.mode, COUNT(*) FROM sets s JOIN reps r ON r.set_id = s.id"
        " WHERE s.session_id = ? GROUP BY s.id",
        (session_id,),
    ):
        key = (date.fromtimestamp(started_at).isoformat(), str(mode))
        sets, total = totals.get(key, (0, 0))
        totals[key] = (sets + 1, total + int(reps))
    return [
        DailyCount(day, mode, sets, reps) for (day, mode), (sets, reps) in sorted(totals.items())
    ]


def daily_counts(conn: sqlite3.Connection, since: date | None = None) -> list[DailyCount]:
    """The stored anonymous counts by day then mode; only days from ``since`` on if given."""
    rows = conn.execute(
        "SELECT day, mode, sets, reps FROM daily_counts WHERE day >= ? ORDER BY day, mode",
        ("" if since is None else since.isoformat(),),
    )
    return [DailyCount(str(day), str(mode), int(sets), int(reps)) for day, mode, sets, reps in rows]
