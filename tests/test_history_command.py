"""``hinge-mirror history``: a recorded session counts too, and exports round-trip."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from appliance.synthetic import make_set
from tests.conftest import hinge_mirror


def test_an_analysed_recording_is_imported_and_the_export_round_trips_times_included(
    tmp_path: Path,
) -> None:
    recording = tmp_path / "set.jsonl"
    make_set(
        mode="deadlift", reps=4, faults={2: {"squatting"}, 3: {"squatting"}}, seed=5
    ).write_jsonl(recording)
    report = tmp_path / "report.json"
    assert (
        hinge_mirror(
            "analyze", str(recording), "--json", str(report), history=tmp_path / "unused.sqlite"
        ).returncode
        == 0
    )
    # A report has no time of its own: the set is stamped with the file's modification time.
    analysed_at = datetime(2026, 3, 14, 18, 5, 30).timestamp()
    os.utime(report, (analysed_at, analysed_at))

    first = tmp_path / "first.sqlite"
    done = hinge_mirror("history", "import", str(report), "--person", "Ada", history=first)
    assert done.returncode == 0, done.stderr
    listed = hinge_mirror("history", history=first)
    assert "Ada" in listed.stdout
    assert "4 reps" in listed.stdout
    assert "squatting" in listed.stdout
    export = json.loads(hinge_mirror("history", "--json", history=first).stdout)
    (recorded,) = export["sets"]
    assert recorded["person"] == "Ada"
    assert recorded["started_at"] == recorded["ended_at"] == "2026-03-14T18:05:30"
    assert [r["faults"] for r in recorded["reps"]] == [[], ["squatting"], ["squatting"], []]

    exported = tmp_path / "export.json"
    exported.write_text(json.dumps(export))
    second = tmp_path / "second.sqlite"
    assert (
        hinge_mirror(
            "history", "import", str(exported), "--person", "Ada", history=second
        ).returncode
        == 0
    )
    again = json.loads(hinge_mirror("history", "--json", history=second).stdout)
    # Whole, times included. The export keeps local times to the second, so a time that had
    # a fraction in the first database comes back without it (the export is still the same).
    assert again == export


def test_importing_something_that_is_not_a_report_is_exit_2_with_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "notes.json"
    junk.write_text('{"hello": 1}')
    done = hinge_mirror("history", "import", str(junk), history=tmp_path / "h.sqlite")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "neither an analyze report nor a history export" in done.stderr


def test_three_recorded_sets_are_drawn_by_history_plot(tmp_path: Path) -> None:
    import pygame

    history = tmp_path / "h.sqlite"
    for seed in (1, 2, 3):
        recording = tmp_path / f"set{seed}.jsonl"
        make_set(mode="drill", reps=3 + seed, faults={2: {"squatting"}}, seed=seed).write_jsonl(
            recording
        )
        report = tmp_path / f"report{seed}.json"
        assert (
            hinge_mirror(
                "analyze", str(recording), "--json", str(report), history=history
            ).returncode
            == 0
        )
        assert hinge_mirror("history", "import", str(report), history=history).returncode == 0
    plot = tmp_path / "progress.png"
    done = hinge_mirror("history", "--plot", str(plot), history=history)
    assert done.returncode == 0, done.stderr
    assert "3 sets" in done.stdout
    image = pygame.image.load(str(plot))
    width, height = image.get_size()

    def lit(x0: float, y0: float, x1: float, y1: float) -> int:
        return sum(
            1
            for x in range(int(x0 * width), int(x1 * width), 4)
            for y in range(int(y0 * height), int(y1 * height), 4)
            if max(image.get_at((x, y))[:3]) > 150
        )

    assert lit(0.0, 0.2, 0.5, 0.5) > 20, "reps per week"
    assert lit(0.5, 0.2, 1.0, 0.5) > 5, "average score per set"
    assert lit(0.0, 0.6, 1.0, 0.9) > 20, "reps with each fault"


def test_history_csv_has_a_row_per_rep_for_a_spreadsheet(tmp_path: Path) -> None:
    import csv
    import io

    history = tmp_path / "h.sqlite"
    recording = tmp_path / "set.jsonl"
    make_set(mode="drill", reps=3, faults={2: {"squatting"}}, seed=9).write_jsonl(recording)
    report = tmp_path / "report.json"
    assert (
        hinge_mirror("analyze", str(recording), "--json", str(report), history=history).returncode
        == 0
    )
    assert (
        hinge_mirror("history", "import", str(report), "--person", "Bo", history=history).returncode
        == 0
    )
    done = hinge_mirror("history", "--csv", history=history)
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["rep"] for r in rows] == ["1", "2", "3"]
    assert [r["faults"] for r in rows] == ["", "squatting", ""]
    assert {r["person"] for r in rows} == {"Bo"}


def test_a_months_export_imported_into_a_fresh_database_exports_the_same_to_the_second(
    tmp_path: Path,
) -> None:
    from appliance.history import HistoryStore
    from appliance.types import CueEvent, Rep

    first = tmp_path / "first.sqlite"
    with HistoryStore.open(first) as store:
        for day, reps in ((2, 3), (11, 5), (29, 2)):  # the 29th is a DST change in Europe
            start = datetime(2026, 3, day, 7, 15, 0).timestamp() + 0.25
            session = store.start_session("Ada", at=start)
            set_id = store.start_set(session, "deadlift", at=start + 30.5)
            for i in range(1, reps + 1):
                rep = Rep(i, 3.0 * i, 3.0 * i + 1.1, 3.0 * i + 2.4, ("squatting",) * (i % 2),
                          70 + i, {"knee_flexion_deg": 20.0 + i}, {})  # fmt: skip
                store.add_rep(set_id, rep, at=start + 31.0 + 3.0 * i)
            store.add_cue(set_id, CueEvent(4.5, "Hips back, not down", "fault", "squatting"))
            store.end_set(set_id, "side", None, at=start + 61.75)
            store.end_session(session, at=start + 90.0)
        april_1 = datetime(2026, 4, 1, 7, 15, 0).timestamp()
        cut_off = store.start_set(store.start_session("Ada", at=april_1), "drill", at=april_1 + 5)
        store.add_rep(cut_off, Rep(1, 1.0, 2.0, 3.0, (), 95, {}, {}), at=april_1 + 9.5)

    export = hinge_mirror("history", "--json", history=first)
    assert export.returncode == 0, export.stderr
    exported = tmp_path / "export.json"
    exported.write_text(export.stdout)
    sets = json.loads(export.stdout)["sets"]
    assert [s["started_at"] for s in sets] == [
        "2026-03-02T07:15:30",
        "2026-03-11T07:15:30",
        "2026-03-29T07:15:30",
        "2026-04-01T07:15:05",
    ]
    assert sets[-1]["ended_at"] is None  # cut off by a power cut: stays so

    second = tmp_path / "second.sqlite"
    done = hinge_mirror("history", "import", str(exported), "--person", "Ada", history=second)
    assert done.returncode == 0, done.stderr
    assert hinge_mirror("history", "--json", history=second).stdout == export.stdout
