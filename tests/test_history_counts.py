"""Studio anonymous counts: a visit adds its sets and reps to the day's count, and nothing else
about the visitor ever reaches the disk."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from appliance.history import (
    COUNTS_OFF_NOTICE,
    DAMAGED_NOTICE,
    LATEST_VERSION,
    DailyCount,
    HistoryStore,
    open_history,
)
from appliance.history.schema import MIGRATIONS, migrate, user_version
from appliance.types import FAULT_IDS, CueEvent, Rep
from tests.conftest import hinge_mirror

MAY_9_EVENING = datetime(2026, 5, 9, 18, 40, 0).timestamp()
PERSONAL = (b"zelda", b"eyes on the floor", b"knee_flexion", b"hip_y", b"wrists not visible")


def zeldas_rep(index: int) -> Rep:
    start = 3.0 * index
    return Rep(index, start, start + 1.2, start + 2.5, ("head_up", "rushed"), 77,
               {"knee_flexion_deg": 31.5}, {"bar_drift": "wrists not visible"})  # fmt: skip


def visit(store: HistoryStore, sets: list[tuple[str, int]], at: float, person: str | None) -> None:
    """A visitor lifts ``sets`` (mode, reps) starting at ``at`` (seconds since the epoch)."""
    session = store.start_session(person, at=at)
    for n, (mode, reps) in enumerate(sets):
        set_id = store.start_set(session, mode, at=at + 120.0 * n)
        for i in range(1, reps + 1):
            store.add_rep(set_id, zeldas_rep(i))
        store.add_cue(set_id, CueEvent(2.6, "Eyes on the floor ahead", "fault", "head_up"), 38.0)
        store.end_set(set_id, "side", {"hip_y": 0.5})
    store.end_session(session)


def on_disk(db: Path) -> bytes:
    """The database file and its WAL, as bytes."""
    return b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal")) if p.exists())


def rows_by_table(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with contextlib.closing(sqlite3.connect(db)) as raw:
        tables = [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: raw.execute(f"SELECT * FROM {t}").fetchall() for t in tables}


def assert_only_the_count_is_on_disk(db: Path, count: tuple[object, ...]) -> None:
    """Every table but ``daily_counts`` is empty, and ``daily_counts`` holds ``count``; no
    name, cue, measurement or fault id is anywhere in the file or its WAL."""
    tables = rows_by_table(db)
    assert tables.pop("daily_counts") == [count]
    assert {"people", "sessions", "sets", "reps", "rep_faults", "cues"} <= set(tables)
    assert all(rows == [] for rows in tables.values()), tables
    raw = on_disk(db).lower()
    for secret in (*PERSONAL, *(f.encode() for f in FAULT_IDS)):
        assert secret not in raw, secret


def test_a_studio_visitors_two_sets_add_2_sets_and_9_reps_to_the_days_deadlift_count(tmp_path):
    db = tmp_path / "history.sqlite"
    store = open_history(db, studio=True, anonymous_counts=True)
    assert store.notice is None
    # Zelda lifts two deadlift sets and walks off at the start of a third, before a rep.
    visit(store, [("deadlift", 4), ("deadlift", 5), ("deadlift", 0)], MAY_9_EVENING, "Zelda")

    assert store.daily_counts() == [DailyCount("2026-05-09", "deadlift", 2, 9)]
    assert store.people() == []
    assert store.sets() == []
    assert Path(f"{db}-wal").exists()  # the mirror is still running: the count is in the WAL
    assert_only_the_count_is_on_disk(db, ("2026-05-09", "deadlift", 2, 9))
    store.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.sqlite"]
    assert_only_the_count_is_on_disk(db, ("2026-05-09", "deadlift", 2, 9))


def test_visits_add_up_per_day_and_mode_across_restarts_and_midnight(tmp_path):
    db = tmp_path / "history.sqlite"
    late = datetime(2026, 5, 9, 23, 59, 0).timestamp()
    with open_history(db, studio=True, anonymous_counts=True) as store:
        visit(store, [("deadlift", 3)], MAY_9_EVENING, None)
        visit(store, [("drill", 6), ("deadlift", 2)], MAY_9_EVENING + 600.0, "Ben")
        visit(store, [("deadlift", 1), ("deadlift", 4)], late, None)  # 2nd set starts 00:01
        visit(store, [("drill", 0)], late, None)  # stepped in and out: no set, no rep
    with open_history(db, studio=True, anonymous_counts=True) as store:
        visit(store, [("drill", 5)], late + 3600.0, None)
        assert store.daily_counts() == [
            DailyCount("2026-05-09", "deadlift", 3, 6),
            DailyCount("2026-05-09", "drill", 1, 6),
            DailyCount("2026-05-10", "deadlift", 1, 4),
            DailyCount("2026-05-10", "drill", 1, 5),
        ]
        assert store.daily_counts(since=date(2026, 5, 10)) == store.daily_counts()[2:]


def test_history_counts_prints_a_line_per_day_and_mode_and_json_with_json(tmp_path):
    db = tmp_path / "history.sqlite"
    with open_history(db, studio=True, anonymous_counts=True) as store:
        visit(store, [("deadlift", 4), ("deadlift", 5)], MAY_9_EVENING, None)
        visit(store, [("drill", 3)], MAY_9_EVENING + 86_400.0, None)

    done = hinge_mirror("history", "--counts", history=db)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].split() == ["2026-05-09", "deadlift", "2", "sets", "9", "reps"]
    assert lines[1].split() == ["2026-05-10", "drill", "1", "set", "3", "reps"]
    as_json = hinge_mirror("history", "--counts", "--json", "--since", "2026-05-10", history=db)
    assert json.loads(as_json.stdout) == [{"day": "2026-05-10", "mode": "drill", "sets": 1,
                                           "reps": 3}]  # fmt: skip
    refused = hinge_mirror("history", "--counts", "--person", "Ada", history=db)
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1


def test_with_anonymous_counts_off_the_studio_creates_no_file_at_all(tmp_path):
    db = tmp_path / "history.sqlite"
    with open_history(db, studio=True, anonymous_counts=False) as store:
        visit(store, [("deadlift", 4)], MAY_9_EVENING, "Zelda")
        assert store.daily_counts() == []
    assert list(tmp_path.iterdir()) == []


def test_at_home_the_setting_changes_nothing_the_whole_history_is_kept(tmp_path):
    db = tmp_path / "history.sqlite"
    with open_history(db, studio=False, anonymous_counts=True) as store:
        visit(store, [("deadlift", 4)], MAY_9_EVENING, "Ana")
        assert [len(s.reps) for s in store.sets(person="Ana")] == [4]
        assert store.daily_counts() == []
    with pytest.raises(ValueError, match="studio"):
        HistoryStore.open(db, counts_path=db)


def test_a_damaged_counts_file_is_moved_aside_and_counting_starts_afresh(tmp_path):
    db = tmp_path / "history.sqlite"
    db.write_bytes(b"not a database at all" * 100)
    store = HistoryStore.open(db, keep_personal=False, counts_path=db, clock=lambda: MAY_9_EVENING)
    assert store.notice == DAMAGED_NOTICE
    assert (tmp_path / "history.corrupt-20260509-184000.sqlite").exists()
    visit(store, [("drill", 2)], MAY_9_EVENING, None)
    assert store.daily_counts() == [DailyCount("2026-05-09", "drill", 1, 2)]
    store.close()


def test_a_counts_file_from_a_newer_appliance_turns_counting_off_but_not_the_mirror(tmp_path):
    db = tmp_path / "history.sqlite"
    with sqlite3.connect(db) as raw:
        raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    before = db.read_bytes()
    store = open_history(db, studio=True, anonymous_counts=True)
    assert store.notice == COUNTS_OFF_NOTICE
    visit(store, [("deadlift", 3)], MAY_9_EVENING, None)  # still coached, just not counted
    assert store.daily_counts() == []
    store.close()
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["history.sqlite"]


def test_a_history_from_before_counts_is_migrated_keeping_its_sets(tmp_path):
    db = tmp_path / "history.sqlite"
    with sqlite3.connect(db, isolation_level=None) as conn:
        assert migrate(conn, MIGRATIONS[:1]) == 1
    with HistoryStore.open(db) as store:
        assert user_version(store._conn) == LATEST_VERSION
        visit(store, [("drill", 2)], MAY_9_EVENING, "Ana")
    with open_history(db, studio=True, anonymous_counts=True) as store:
        visit(store, [("drill", 3)], MAY_9_EVENING, None)
        assert store.daily_counts() == [DailyCount("2026-05-09", "drill", 1, 3)]
    with HistoryStore.open(db) as store:
        assert [(s.person, len(s.reps)) for s in store.sets()] == [("Ana", 2)]
