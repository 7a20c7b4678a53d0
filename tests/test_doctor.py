"""``hinge-mirror doctor``'s audio and history checks, in the situations a mirror is found in.

The history check only looks: whatever state the file is in, doctor leaves it (and its
folder) exactly as it was. The audio check renders a real phrase with the real espeak-ng and
opens the sound device with the real output class; conftest sets ``SDL_AUDIODRIVER=dummy``,
so "no sound device" is made deterministic by naming an SDL audio driver that exists
nowhere (the real class then fails as it does on a machine without a sound card), or by
handing doctor an opener that fails the way a stuck device does.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import pytest

from appliance.audio.config import AudioConfig
from appliance.audio.player import AudioFailed, AudioOutput
from appliance.config import MirrorConfig
from appliance.doctor import check_audio, check_history
from appliance.errors import EXIT_BAD_CONFIG, EXIT_MISSING, EXIT_RUNTIME
from appliance.history import LATEST_VERSION, HistoryStore, default_history_path
from appliance.history.schema import MIGRATIONS, migrate
from appliance.types import Rep
from tests.conftest import REPO

MAY_9 = datetime(2026, 5, 9, 7, 30, 0).timestamp()
DAY_S = 24 * 3600.0
needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed on this machine"
)


def rep(index: int) -> Rep:
    start = 3.0 * index
    return Rep(index, start, start + 1.1, start + 2.4, ("squatting",) * (index % 2), 88,
               {"knee_flexion_deg": 22.0}, {})  # fmt: skip


def lift(store: HistoryStore, person: str | None, reps: int, at: float = MAY_9) -> None:
    """``person`` (None: a guest) does one set of ``reps`` reps at the mirror."""
    session = store.start_session(person, at=at)
    set_id = store.start_set(session, "deadlift", at=at)
    for i in range(1, reps + 1):
        store.add_rep(set_id, rep(i))
    store.end_set(set_id, "side", {"hip_y": 0.5}, at=at + 60.0)
    store.end_session(session, at=at + 90.0)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` (recursively) and a hash of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def history() -> Path:
    """Where doctor looks: conftest points ``HINGE_MIRROR_HISTORY`` into the test's folder."""
    return default_history_path()


# --- history: home ----------------------------------------------------------------------


def test_doctor_on_a_mirror_with_three_sets_says_how_many_and_leaves_the_file_untouched(
    history,
):
    with HistoryStore.open(history) as store:
        lift(store, "Ada", reps=5)
        lift(store, "Ben", reps=4)
        lift(store, "Ada", reps=6, at=MAY_9 + DAY_S)
    before = snapshot(history.parent)
    assert list(before) == [history.name]  # closed cleanly: no WAL left by the store either
    mtime_ns = history.stat().st_mtime_ns

    result = check_history(MirrorConfig(people=("Ada", "Ben")))

    assert result.ok
    assert result.detail == (
        f"{history}: 2 people, 3 sets, 15 reps (schema {LATEST_VERSION}); people: Ada, Ben"
    )
    assert snapshot(history.parent) == before  # byte for byte, and no -wal/-shm behind
    assert history.stat().st_mtime_ns == mtime_ns


def test_doctor_while_the_mirror_runs_counts_the_reps_still_in_its_wal_and_changes_nothing(
    history,
):
    store = HistoryStore.open(history)
    try:
        lift(store, "Ada", reps=3)
        lift(store, None, reps=2)
        before = snapshot(history.parent)
        assert f"{history.name}-wal" in before  # the running mirror's WAL

        result = check_history(MirrorConfig())

        assert result.ok, result.detail
        assert result.detail == f"{history}: 1 person, 2 sets, 5 reps (schema {LATEST_VERSION})"
        after = snapshot(history.parent)
        assert after.keys() == before.keys()
        # The -shm is SQLite's shared-memory index, where every reader notes its read mark;
        # the database and its WAL are what must not change.
        for name in (history.name, f"{history.name}-wal"):
            assert after[name] == before[name], name
        lift(store, "Ada", reps=1)  # the mirror goes on writing as if nobody had looked
    finally:
        store.close()
    assert [p.name for p in history.parent.iterdir()] == [history.name]


def test_no_history_yet_is_fine_and_creates_nothing(monkeypatch, tmp_path):
    history = tmp_path / "state" / "hinge-mirror" / "history.sqlite"
    monkeypatch.setenv("HINGE_MIRROR_HISTORY", str(history))

    result = check_history(MirrorConfig(people=("Ada",)))

    assert result.ok
    assert result.detail == f"none yet at {history} (made when the mirror starts); people: Ada"
    assert list(tmp_path.iterdir()) == []  # not the file, not even its folder


def an_older_schema(history: Path) -> None:
    with contextlib.closing(sqlite3.connect(history, isolation_level=None)) as raw:
        migrate(raw, MIGRATIONS[:1])


def test_a_history_from_an_older_appliance_is_counted_and_not_migrated(history):
    an_older_schema(history)
    before = snapshot(history.parent)

    result = check_history(MirrorConfig())

    assert result.ok
    assert result.detail == (
        f"{history}: 0 people, 0 sets, 0 reps "
        f"(schema 1; the mirror will migrate it to {LATEST_VERSION})"
    )
    assert snapshot(history.parent) == before


def random_bytes(db: Path) -> None:
    db.write_bytes(random.Random(6).randbytes(64 * 1024))


def truncated(db: Path) -> None:
    with HistoryStore.open(db) as store:
        for i in range(20):
            lift(store, "Ada", reps=20, at=MAY_9 + i * DAY_S)
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])


def zeroed_header(db: Path) -> None:
    with HistoryStore.open(db) as store:
        lift(store, "Ada", reps=3)
    data = bytearray(db.read_bytes())
    data[:100] = bytes(100)
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [random_bytes, truncated, zeroed_header])
def test_a_damaged_history_is_reported_not_moved(history, damage):
    damage(history)
    before = snapshot(history.parent)

    result = check_history(MirrorConfig())

    assert not result.ok
    assert result.exit_code == EXIT_RUNTIME
    assert result.detail.startswith(f"{history} is damaged (")
    assert result.detail.endswith("): the mirror will set it aside and start afresh")
    assert snapshot(history.parent) == before  # still there, unrepaired, nothing set aside


def test_a_history_from_a_newer_appliance_fails_and_says_so(history):
    with contextlib.closing(sqlite3.connect(history)) as raw:
        raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    before = snapshot(history.parent)

    result = check_history(MirrorConfig())

    assert not result.ok
    assert result.exit_code == EXIT_RUNTIME
    assert f"is schema {LATEST_VERSION + 1}, newer than this appliance knows" in result.detail
    assert result.detail.endswith("the mirror will run without history")
    assert snapshot(history.parent) == before


def test_a_history_path_that_is_a_folder_is_unreadable_with_the_reason(history):
    history.mkdir()

    result = check_history(MirrorConfig())

    assert not result.ok
    assert result.exit_code == EXIT_RUNTIME
    assert result.detail == (
        f"cannot read {history}: Is a directory: the mirror will run without history"
    )


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads files whatever their mode"
)
def test_a_history_the_user_may_not_read_fails_with_permission_denied(history):
    with HistoryStore.open(history) as store:
        lift(store, "Ada", reps=2)
    history.chmod(0)
    try:
        result = check_history(MirrorConfig())
    finally:
        history.chmod(0o600)
    assert not result.ok
    assert result.detail == (
        f"cannot read {history}: Permission denied: the mirror will run without history"
    )


# --- history: studio --------------------------------------------------------------------


def test_studio_says_nothing_is_kept_and_touches_nothing(history):
    result = check_history(MirrorConfig(profile="studio"))

    assert result.ok
    assert result.detail == "studio profile: nothing personal kept"
    assert list(history.parent.iterdir()) == []


def test_studio_with_anonymous_counts_says_how_many_days_were_counted(history):
    with HistoryStore.open(history, keep_personal=False, counts_path=history) as store:
        lift(store, None, reps=5)
        lift(store, "Zelda", reps=3)
        lift(store, None, reps=4, at=MAY_9 + DAY_S)
    before = snapshot(history.parent)

    result = check_history(MirrorConfig(profile="studio", anonymous_counts=True))

    assert result.ok
    assert result.detail == (
        f"studio profile: nothing personal kept; anonymous counts on: 2 days counted in {history}"
    )
    assert snapshot(history.parent) == before


def test_studio_with_counts_and_no_file_yet_says_where_they_will_go(history):
    result = check_history(MirrorConfig(profile="studio", anonymous_counts=True))

    assert result.ok
    assert result.detail == (
        "studio profile: nothing personal kept; anonymous counts on: "
        f"none yet at {history} (made when it starts)"
    )
    assert not history.exists()


def test_studio_points_out_a_home_history_still_on_the_disk(history):
    with HistoryStore.open(history) as store:
        lift(store, "Ada", reps=3)

    result = check_history(MirrorConfig(profile="studio"))

    assert result.ok
    assert result.detail == (
        f"studio profile: nothing personal kept; but {history} still holds 1 person, 1 set "
        "from a home profile"
    )


def test_studio_counts_in_a_damaged_file_fail(history):
    random_bytes(history)

    result = check_history(MirrorConfig(profile="studio", anonymous_counts=True))

    assert not result.ok
    assert result.exit_code == EXIT_RUNTIME
    assert result.detail.startswith(
        f"studio profile: nothing personal kept; anonymous counts: {history} is damaged ("
    )


# --- audio ------------------------------------------------------------------------------


def never_opened() -> AudioOutput:
    raise AssertionError("audio is off: doctor must not open the sound device")


def test_audio_off_in_the_config_is_ok_and_opens_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng either: it is not asked

    result = check_audio(AudioConfig(enabled=False), open_speaker=never_opened)

    assert result.ok
    assert result.detail == "audio off in the config"


@needs_espeak
def test_espeak_ng_renders_a_phrase_into_a_temporary_folder_and_the_device_opens(
    monkeypatch, tmp_path
):
    """The real espeak-ng, voice and speed from the config, and the real ``PygameMixerOutput``
    (on SDL's dummy driver here); neither the voice cache nor the temporary folder keeps
    anything afterwards."""
    cache = tmp_path / "cache"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.delenv("STATE_DIRECTORY", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    result = check_audio(AudioConfig(voice="en-us", speed_wpm=175))

    assert result.ok, result.detail
    assert re.fullmatch(
        r'espeak-ng \d+(\.\d+)+\S* speaks "en-us" at 175 wpm; sound device open'
        r" \(SDL_AUDIODRIVER=dummy: nothing is heard\)",
        result.detail,
    ), result.detail
    assert not cache.exists()  # never the real cache
    assert list(scratch.iterdir()) == []  # the temporary folder is gone


def test_no_espeak_ng_is_a_fail_that_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))

    result = check_audio(AudioConfig())

    assert not result.ok
    assert result.exit_code == EXIT_MISSING
    assert result.detail.startswith(
        "espeak-ng is not installed: sudo apt install espeak-ng (cues fall back to tones); "
    )


@needs_espeak
def test_a_voice_espeak_ng_does_not_have_is_a_config_fail():
    result = check_audio(AudioConfig(voice="xx-nowhere"))

    assert not result.ok
    assert result.exit_code == EXIT_BAD_CONFIG
    assert result.detail.startswith('espeak-ng has no voice "xx-nowhere": set [audio] voice')


def test_no_sound_device_here_is_a_fail_with_the_reason(monkeypatch):
    """The real ``PygameMixerOutput``, with SDL asked for an audio driver no machine has:
    it fails as it does with no sound card, whatever this machine has."""
    monkeypatch.setenv("SDL_AUDIODRIVER", "no-such-driver")

    result = check_audio(AudioConfig())

    assert not result.ok
    assert result.exit_code == EXIT_MISSING
    assert result.detail.endswith(
        "; no sound device: Audio target 'no-such-driver' not available (cues will be silent)"
    )


def test_a_sound_device_that_does_not_answer_in_time_is_a_fail():
    """The output's own deadline ran out (a stuck audio server), as ``PygameMixerOutput``
    reports it."""

    def stuck() -> AudioOutput:
        raise AudioFailed("the sound device did not open within 3 s")

    result = check_audio(AudioConfig(), open_speaker=stuck)

    assert not result.ok
    assert result.exit_code == EXIT_MISSING
    assert result.detail.endswith(
        "; no sound device: the sound device did not open within 3 s (cues will be silent)"
    )


def test_doctor_after_the_mirror_was_killed_counts_the_wal_and_leaves_it_for_the_mirror(
    history,
):
    """A kill leaves the WAL and its index behind; the mirror's next open replays them.
    Doctor reads them (the reps are counted) and neither checkpoints nor deletes them."""
    killed = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from tests.test_doctor import lift\n"
        "from appliance.history import HistoryStore\n"
        "store = HistoryStore.open(Path(sys.argv[1]))\n"
        "lift(store, 'Ada', reps=4)\n"
        "os._exit(0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", killed, str(history)], cwd=REPO, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    before = snapshot(history.parent)
    assert sorted(before) == [history.name, f"{history.name}-shm", f"{history.name}-wal"]

    result = check_history(MirrorConfig())

    assert result.ok, result.detail
    assert result.detail == f"{history}: 1 person, 1 set, 4 reps (schema {LATEST_VERSION})"
    after = snapshot(history.parent)
    assert after.keys() == before.keys()
    for name in (history.name, f"{history.name}-wal"):
        assert after[name] == before[name], name


def test_the_services_lgpio_factory_without_lgpio_is_a_gpio_fail_not_a_traceback(monkeypatch):
    # The unit sets GPIOZERO_PIN_FACTORY=lgpio; on a machine without python3-lgpio gpiozero
    # raises ModuleNotFoundError, which doctor must report as its one line.
    from appliance.doctor import check_gpio

    pytest.importorskip("gpiozero")
    import importlib.util

    if importlib.util.find_spec("lgpio") is not None:
        pytest.skip("lgpio is installed here")
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "lgpio")
    result = check_gpio()
    assert not result.ok
    assert result.exit_code == EXIT_MISSING
    assert "lgpio" in result.detail
