"""History: what a person did at the mirror survives kills and damage, and forgetting works."""

from __future__ import annotations

import json
import logging
import math
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.history import (
    DAMAGED_NOTICE,
    LATEST_VERSION,
    HistoryStore,
    HistoryUnavailable,
    HistoryWriteFailed,
    default_history_path,
    open_history,
)
from appliance.history.integrity import set_aside
from appliance.history.schema import MIGRATIONS, migrate, user_version
from appliance.types import FAULT_IDS, CueEvent, Rep
from tests.conftest import REPO

MAY_9 = datetime(2026, 5, 9, 7, 30, 0).timestamp()


def make_rep(index: int, faults: tuple[str, ...] = (), score: int = 90) -> Rep:
    start = 3.0 * index
    return Rep(
        index=index,
        start_s=start,
        bottom_s=start + 1.1,
        end_s=start + 2.4,
        faults=faults,
        score=score,
        metrics={"knee_flexion_deg": 20.0 + index, "trunk_angle_deg": 45.5},
        unjudged={"bar_drift": "wrists not visible"},
    )


def record_set(store: HistoryStore, person: str | None, reps: int, mode: str = "drill") -> int:
    session = store.start_session(person)
    set_id = store.start_set(session, mode)
    for i in range(1, reps + 1):
        store.add_rep(set_id, make_rep(i, ("squatting",) if i % 2 else ()))
    store.add_cue(set_id, CueEvent(2.6, "Hips back, not down", "fault", "squatting"), 41.0)
    store.end_set(set_id, "side", {"hip_y": 0.52, "shoulder_y": 0.31})
    store.end_session(session)
    return set_id


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


# --- durability -----------------------------------------------------------------------


def test_a_rep_that_ended_is_in_the_database_even_if_the_process_is_killed_right_after(tmp_path):
    db = tmp_path / "history.sqlite"
    # The demo recording drives a drill set; the process kills itself right after rep 3
    # ends (rep 4 is in progress and end_set never runs), printing each rep it stored.
    child = textwrap.dedent(f"""
        import json, os, signal
        from pathlib import Path
        from appliance.coach import CuePolicy
        from appliance.form import FormEvaluator
        from appliance.history import HistoryStore
        from appliance.sources.demo import DemoSource
        store = HistoryStore.open(Path({str(db)!r}))
        set_id = store.start_set(store.start_session("Ana"), "drill")
        evaluator, policy = FormEvaluator("drill"), CuePolicy("drill")
        for frame in DemoSource("drill", sets=1).frames():
            update = evaluator.update(frame.pose, frame.t_s)
            for cue in policy.update(update):
                store.add_cue(set_id, cue, 40.0)
            rep = update.completed_rep
            if rep is not None:
                store.add_rep(set_id, rep)
                print(json.dumps([rep.index, rep.score, rep.faults]), flush=True)
                if rep.index == 3:
                    os.kill(os.getpid(), signal.SIGKILL)
    """)
    done = subprocess.run(
        [sys.executable, "-c", child], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    stored_before_kill = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r[0] for r in stored_before_kill] == [1, 2, 3]
    assert Path(f"{db}-wal").exists()  # no clean close happened: the reps live in the WAL

    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    store = HistoryStore.open(db)
    assert store.notice is None
    [cut_off] = store.sets(person="Ana")
    assert cut_off.ended_at is None
    assert [[r.index, r.score, list(r.faults)] for r in cut_off.reps] == stored_before_kill
    assert any(r.faults == ("squatting",) for r in cut_off.reps)  # the demo's squatted reps
    assert [c.cue.text for c in cut_off.cues] == ["Hips back, not down"]
    assert store.close_unfinished() == 1
    assert store.sets()[0].ended_at is not None
    store.close()


def test_the_database_is_opened_for_durability_and_integrity(tmp_path):
    with HistoryStore.open(tmp_path / "history.sqlite") as store:
        conn = store._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL: fsync per commit
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_a_reader_sees_reps_while_the_mirror_is_still_writing(tmp_path):
    db = tmp_path / "history.sqlite"
    with HistoryStore.open(db) as mirror, HistoryStore.open(db) as coach_laptop:
        set_id = mirror.start_set(mirror.start_session("Ana"), "drill")
        mirror.add_rep(set_id, make_rep(1))
        assert coach_laptop.sets()[0].scores == (90,)


# --- damage ---------------------------------------------------------------------------


def _random_bytes(db: Path) -> None:
    db.write_bytes(random.Random(6).randbytes(64 * 1024))
    Path(f"{db}-wal").write_bytes(random.Random(7).randbytes(4096))


def _truncated(db: Path) -> None:
    with HistoryStore.open(db) as store:
        for _ in range(20):
            record_set(store, "Ana", reps=20)
    data = db.read_bytes()
    assert len(data) > 64 * 1024
    db.write_bytes(data[: len(data) // 2])


def _zeroed_header(db: Path) -> None:
    with HistoryStore.open(db) as store:
        record_set(store, "Ana", reps=3)
    data = bytearray(db.read_bytes())
    data[:100] = bytes(100)
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [_random_bytes, _truncated, _zeroed_header])
def test_a_damaged_database_is_moved_aside_and_a_fresh_one_starts_with_a_notice(
    tmp_path, caplog, damage
):
    db = tmp_path / "history.sqlite"
    damage(db)
    damaged_bytes = db.read_bytes()

    with caplog.at_level(logging.INFO, logger="hinge_mirror.history"):
        store = HistoryStore.open(db, clock=lambda: MAY_9)

    assert store.notice == DAMAGED_NOTICE
    aside = tmp_path / "history.corrupt-20260509-073000.sqlite"
    assert aside.read_bytes() == damaged_bytes  # kept, not repaired or deleted
    [line] = [r for r in caplog.records if r.name == "hinge_mirror.history"]
    assert line.levelno == logging.ERROR
    assert "damaged" in line.getMessage()
    assert aside.name in line.getMessage()
    assert "\n" not in line.getMessage()

    assert store.sets() == []
    record_set(store, "Ben", reps=2)
    store.close()
    with HistoryStore.open(db, clock=lambda: MAY_9) as again:
        assert again.notice is None
        assert [s.person for s in again.sets()] == ["Ben"]


def test_setting_aside_moves_the_wal_and_shm_with_the_database(tmp_path):
    db = tmp_path / "history.sqlite"
    for suffix, data in (("", b"main"), ("-wal", b"wal"), ("-shm", b"shm")):
        Path(f"{db}{suffix}").write_bytes(data)
    aside = set_aside(db, MAY_9)
    assert aside.name == "history.corrupt-20260509-073000.sqlite"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        aside.name,
        f"{aside.name}-shm",
        f"{aside.name}-wal",
    ]
    assert Path(f"{aside}-wal").read_bytes() == b"wal"


def test_a_second_damage_in_the_same_second_keeps_both_copies(tmp_path):
    db = tmp_path / "history.sqlite"
    for _ in range(2):
        db.write_bytes(b"not a database at all" * 100)
        HistoryStore.open(db, clock=lambda: MAY_9).close()
    names = sorted(p.name for p in tmp_path.iterdir() if "corrupt" in p.name)
    assert names == [
        "history.corrupt-20260509-073000-2.sqlite",
        "history.corrupt-20260509-073000.sqlite",
    ]


def test_a_database_from_a_newer_appliance_is_left_alone_and_history_turns_off(tmp_path):
    db = tmp_path / "history.sqlite"
    with sqlite3.connect(db) as raw:
        raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    before = db.read_bytes()
    with pytest.raises(HistoryUnavailable, match=r"newer|downgraded"):
        HistoryStore.open(db)
    store = open_history(db)
    assert store.notice is not None
    assert "off" in store.notice
    record_set(store, None, reps=1)  # the mirror keeps coaching
    store.close()
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["history.sqlite"]


def test_a_folder_that_cannot_be_created_is_history_unavailable_not_damage(tmp_path):
    blocker = tmp_path / "state"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(HistoryUnavailable, match="cannot open history"):
        HistoryStore.open(blocker / "history.sqlite")


# --- schema and migrations ------------------------------------------------------------


def test_reopening_is_idempotent_and_at_the_latest_version(tmp_path):
    db = tmp_path / "history.sqlite"
    with HistoryStore.open(db) as store:
        record_set(store, "Ana", reps=3)
    for _ in range(2):
        with HistoryStore.open(db) as store:
            assert user_version(store._conn) == LATEST_VERSION
            assert [len(s.reps) for s in store.sets()] == [3]


def test_an_older_database_is_migrated_forward_keeping_its_data(tmp_path):
    db = tmp_path / "history.sqlite"
    with HistoryStore.open(db) as store:
        record_set(store, "Ana", reps=2)

    def v_next(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE sets ADD COLUMN source TEXT")
        conn.execute("UPDATE sets SET source = 'camera'")

    with sqlite3.connect(db, isolation_level=None) as conn:
        assert migrate(conn, (*MIGRATIONS, v_next)) == LATEST_VERSION + 1
        assert conn.execute("SELECT source FROM sets").fetchall() == [("camera",)]
        assert conn.execute("SELECT COUNT(*) FROM reps").fetchone()[0] == 2


def test_a_migration_that_fails_leaves_the_database_at_the_previous_version(tmp_path):
    db = tmp_path / "history.sqlite"
    HistoryStore.open(db).close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("power cut mid-migration")

    with sqlite3.connect(db, isolation_level=None) as conn:
        with pytest.raises(RuntimeError):
            migrate(conn, (*MIGRATIONS, broken))
        assert user_version(conn) == LATEST_VERSION
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "half_done" not in tables


def test_no_column_can_hold_image_data(tmp_path):
    with HistoryStore.open(tmp_path / "history.sqlite") as store:
        conn = store._conn
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert {"people", "sessions", "sets", "reps", "rep_faults", "cues"} <= set(tables)
        for table in tables:
            sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
            assert sql[0].rstrip().endswith("STRICT")  # declared types are enforced
            types = {r[2] for r in conn.execute(f"PRAGMA table_info({table})")}
            assert types <= {"INTEGER", "REAL", "TEXT"}, (table, types)


# --- profiles and privacy -------------------------------------------------------------


def test_in_the_studio_profile_nothing_about_a_visitor_reaches_the_disk(tmp_path, monkeypatch):
    for name in ("HOME", "XDG_DATA_HOME", "STATE_DIRECTORY"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.delenv("HINGE_MIRROR_HISTORY", raising=False)
    store = open_history(studio=True)
    session = store.start_session("Zelda")
    set_id = store.start_set(session, "drill")
    for i in (1, 2, 3):
        store.add_rep(set_id, make_rep(i, ("head_up",)))
    store.add_cue(set_id, CueEvent(2.6, "Eyes on the floor ahead", "fault", "head_up"), 38.0)
    store.end_set(set_id, "side", {"hip_y": 0.5})
    assert store.sets(person="Zelda")[0].scores == (90, 90, 90)  # usable during the visit

    store.end_session(session)  # Zelda leaves
    assert store.people() == []
    assert store.sets() == []
    store.close()
    assert files_under(tmp_path) == []
    assert not default_history_path().exists()


def test_forgetting_a_person_leaves_no_trace_of_them_in_the_files(tmp_path):
    db = tmp_path / "history.sqlite"
    store = HistoryStore.open(db)
    ana = record_set(store, "Ana", reps=2)
    session = store.start_session("Zelda")
    set_id = store.start_set(session, "deadlift")
    store.add_rep(set_id, Rep(1, 0.0, 1.0, 2.0, (), 80, {"zeldas_knee_deg": 1.0}, {}))
    store.add_cue(set_id, CueEvent(1.0, "Well done Zelda-marker", "praise"), 30.0)
    store.end_set(set_id, "front", {"zelda_baseline": 1.0})
    assert store.forget_person("Zelda")
    assert not store.forget_person("Zelda")
    assert store.people() == ["Ana"]
    assert [s.id for s in store.sets()] == [ana]
    record_set(store, "Ana", reps=1)
    for path in files_under(tmp_path):
        assert b"zelda" not in path.read_bytes().lower(), path.name
    store.close()
    for path in files_under(tmp_path):
        assert b"zelda" not in path.read_bytes().lower(), path.name


def test_wipe_removes_everyone(tmp_path):
    db = tmp_path / "history.sqlite"
    with HistoryStore.open(db) as store:
        record_set(store, "Ana", reps=2)
        record_set(store, "Ben", reps=2)
        store.wipe()
        assert store.people() == []
        assert store.sets() == []
    data = db.read_bytes()
    assert b"Ana" not in data
    assert b"Ben" not in data


# --- queries --------------------------------------------------------------------------


def test_sets_are_found_by_person_and_by_date(tmp_path):
    now = [MAY_9]
    with HistoryStore.open(tmp_path / "history.sqlite", clock=lambda: now[0]) as store:
        old = record_set(store, "Ana", reps=2)
        now[0] += timedelta(days=10).total_seconds()
        new = record_set(store, "Ana", reps=3, mode="deadlift")
        guest = record_set(store, None, reps=1)
        record_set(store, " Ben  ", reps=1)

        assert store.people() == ["Ana", "Ben"]
        assert [s.id for s in store.sets(person="Ana")] == [old, new]
        since = datetime.fromtimestamp(MAY_9) + timedelta(days=5)
        assert [s.id for s in store.sets(since=since)][:2] == [new, guest]
        assert [s.id for s in store.sets(person="Ana", since=since)] == [new]

        [latest] = store.sets(person="Ana", since=since)
        assert (latest.mode, latest.view, latest.person) == ("deadlift", "side", "Ana")
        assert latest.started_at == now[0]
        assert latest.ended_at == now[0]
        assert [r.faults for r in latest.reps] == [("squatting",), (), ("squatting",)]
        [cue] = latest.cues
        assert cue.cue.text == "Hips back, not down"
        assert cue.latency_ms == 41.0
        assert latest.baseline == {"hip_y": 0.52, "shoulder_y": 0.31}
        assert store.last_baseline("Ana", "side") == {"hip_y": 0.52, "shoulder_y": 0.31}
        assert store.last_baseline("Ana", "front") is None
        assert store.sets()[2].person is None


def test_a_rep_for_a_set_that_does_not_exist_is_a_clear_error_and_the_store_goes_on(tmp_path):
    with HistoryStore.open(tmp_path / "history.sqlite") as store:
        with pytest.raises(HistoryWriteFailed, match="could not store a rep"):
            store.add_rep(999, make_rep(1))
        record_set(store, "Ana", reps=1)
        assert len(store.sets()) == 1


def test_a_set_abandoned_before_its_first_rep_is_discarded_but_one_with_reps_is_kept(tmp_path):
    with HistoryStore.open(tmp_path / "history.sqlite") as store:
        session = store.start_session("Ana")
        lifted = store.start_set(session, "deadlift")
        store.add_rep(lifted, make_rep(1))
        store.end_set(lifted, "side", None)
        # Ben steps in as Ana's next set starts; a "get into position" cue was already given.
        abandoned = store.start_set(session, "deadlift")
        store.add_cue(abandoned, CueEvent(0.4, "Stand side-on to the mirror", "guidance"))

        assert store.discard_set(abandoned)
        assert not store.discard_set(lifted)
        assert not store.discard_set(abandoned)  # already gone
        assert not store.discard_set(999)
        assert [s.id for s in store.sets()] == [lifted]
        assert store.sets()[0].scores == (90,)
        assert store._conn.execute("SELECT COUNT(*) FROM cues").fetchone()[0] == 0
        store.end_session(session)


def test_a_measurement_that_is_not_a_number_is_kept_as_nan(tmp_path):
    with HistoryStore.open(tmp_path / "history.sqlite") as store:
        set_id = store.start_set(store.start_session(None), "drill")
        store.add_rep(set_id, Rep(1, 0.0, 1.0, 2.0, (), 50, {"a_deg": math.nan, "b_s": 1.5}, {}))
        [rep] = store.sets()[0].reps
        assert math.isnan(rep.metrics["a_deg"])
        assert rep.metrics["b_s"] == 1.5


reps_strategy = st.builds(
    Rep,
    index=st.integers(1, 10_000),
    start_s=st.floats(0, 1e6),
    bottom_s=st.floats(0, 1e6),
    end_s=st.floats(0, 1e6),
    faults=st.lists(st.sampled_from(FAULT_IDS), unique=True).map(tuple),
    score=st.integers(0, 100),
    metrics=st.dictionaries(st.text(min_size=1), st.floats(allow_nan=False, allow_infinity=False)),
    unjudged=st.dictionaries(st.sampled_from(FAULT_IDS), st.text()),
)


@settings(max_examples=60, deadline=None)
@given(reps=st.lists(reps_strategy, max_size=5, unique_by=lambda r: r.index))
def test_reps_come_back_exactly_as_they_were_stored(reps):
    store = HistoryStore.open(Path(":memory:"), keep_personal=False)
    set_id = store.start_set(store.start_session("Ana"), "deadlift")
    for rep in reps:
        store.add_rep(set_id, rep)
    [stored] = store.sets()
    assert list(stored.reps) == sorted(reps, key=lambda r: r.index)
    store.close()


def test_the_history_lives_in_the_state_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("HINGE_MIRROR_HISTORY", raising=False)
    monkeypatch.setenv("STATE_DIRECTORY", f"{tmp_path}/state:/other")
    assert default_history_path() == tmp_path / "state" / "history.sqlite"
    monkeypatch.delenv("STATE_DIRECTORY")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_history_path() == tmp_path / "data" / "hinge-mirror" / "history.sqlite"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_history_path() == tmp_path / "home/.local/share/hinge-mirror/history.sqlite"
    monkeypatch.setenv("HINGE_MIRROR_HISTORY", str(tmp_path / "h.sqlite"))
    assert default_history_path() == tmp_path / "h.sqlite"


def test_a_person_needs_a_name(tmp_path):
    with HistoryStore.open(tmp_path / "history.sqlite") as store:
        with pytest.raises(ValueError, match="1 to 40"):
            store.start_session("   ")
        assert store.people() == []
    assert (tmp_path / "history.sqlite").exists()
