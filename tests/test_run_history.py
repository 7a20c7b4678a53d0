"""What ``run`` records: a camera's sets in the history, a recording's only when asked
(``--history [FILE]``), the demo's never; and the demo as a source ends by itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from appliance.config import MirrorConfig
from appliance.history import HistoryStore
from appliance.run import history_for
from tests.conftest import hinge_mirror


@pytest.mark.parametrize("profile", ["home", "studio"])
def test_the_demo_and_an_unasked_recording_never_touch_the_history_file(tmp_path, profile):
    path = tmp_path / "history.sqlite"
    mirror = MirrorConfig(profile=profile, anonymous_counts=profile == "studio")
    for spec, history in (("demo:drill", None), ("clip.mp4", None), ("set.jsonl", None)):
        store = history_for(spec, history, mirror)
        session = store.start_session(None)
        store.start_set(session, "drill")
        store.end_session(session)
        store.close()
    assert not path.exists()


def test_a_camera_is_recorded_and_a_recording_only_with_history(tmp_path, monkeypatch):
    mirror = MirrorConfig()
    own = tmp_path / "own.sqlite"
    monkeypatch.setenv("HINGE_MIRROR_HISTORY", str(own))
    chosen = tmp_path / "chosen.sqlite"
    for spec, history, where in (
        ("webcam", None, own),
        ("clip.mp4", True, own),  # bare --history: the user's own history
        ("clip.mp4", chosen, chosen),
        ("picamera", chosen, chosen),
    ):
        store = history_for(spec, history, mirror)
        store.start_set(store.start_session(None), "drill")
        store.close()
        with HistoryStore.open(where) as kept:
            assert kept.sets(), f"{spec} with {history} was not recorded in {where.name}"
        where.unlink()


def test_the_demo_with_history_is_refused_in_one_line():
    done = hinge_mirror("run", "--source", "demo", "--until-end", "--history")
    assert done.returncode == 2, done.stderr
    assert "the demo is never recorded" in done.stderr
    assert "Traceback" not in done.stderr


def test_analyze_demo_is_one_finite_set_with_the_fault_cued_and_fixed():
    done = hinge_mirror("analyze", "demo:drill", "--mode", "drill")
    assert done.returncode == 0, done.stderr
    assert "Reps     6" in done.stdout
    assert "squatting on 2 of 6" in done.stdout
    assert done.stdout.index("Hips back, not down") < done.stdout.index("Better")


def test_run_on_a_recording_until_end_records_only_with_history(tmp_path: Path) -> None:
    from appliance.synthetic import make_set

    recording = make_set(mode="drill", reps=1, seed=7).write_jsonl(tmp_path / "set.jsonl")
    own = tmp_path / "own.sqlite"
    args = ("run", "--source", str(recording), "--until-end", "--windowed", "--mode", "drill")
    done = hinge_mirror(*args, history=own)
    assert done.returncode == 0, done.stderr
    assert "not recorded in the history" in done.stderr
    assert not own.exists(), "a recording was written to the user's history unasked"
    done = hinge_mirror(*args, "--history", history=own)
    assert done.returncode == 0, done.stderr
    with HistoryStore.open(own) as kept:
        (recorded,) = kept.sets()
    assert len(recorded.reps) == 1
