"""``hinge-mirror evaluate`` as its users meet it: hand-made labels and reports check how reps
are paired and every number is counted (no analysis runs for those); then the real command
on bad labels, on a missing recording, and end to end on synthetic keypoints files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from appliance.errors import BadInput
from appliance.evaluate.labels import Recording, load_labels, parse_labels
from appliance.evaluate.metrics import Evaluation, evaluate, worst
from appliance.evaluate.scoring import Outcome, score_file
from appliance.evaluate.table import format_table
from appliance.synthetic import SyntheticSet, make_set
from tests.test_cli import assert_one_line_error, hinge_mirror
from tests.test_sources_video import write_video

# --- hand-made labels and reports ----------------------------------------------------------


def labelled(*files: dict[str, Any]) -> tuple[Recording, ...]:
    """Recordings from labels-file entries (docs/labels.md); mode deadlift, view side unless
    given."""
    entries = [{"mode": "deadlift", "view": "side", **item} for item in files]
    return parse_labels({"format": "hinge-mirror-labels", "version": 1, "files": entries})


def rep(
    start_s: float, end_s: float, *faults: str, unjudged: tuple[str, ...] = ()
) -> dict[str, Any]:
    """A found rep as the version-1 report has it."""
    return {
        "index": 0,
        "start_s": start_s,
        "bottom_s": (start_s + end_s) / 2,
        "end_s": end_s,
        "faults": list(faults),
        "score": 100,
        "metrics": {},
        "unjudged": {fault: "needs a side view" for fault in unjudged},
    }


def found(*reps: dict[str, Any], view: str = "side") -> Outcome:
    """An analysis that found ``reps`` in a ``view`` recording."""
    numbered = [{**r, "index": i} for i, r in enumerate(reps, start=1)]
    return Outcome({"view": view, "reps": numbered, "unjudged": []})


FAILED = Outcome(None, "clip.mp4: no such file or folder")


def timed(*spans: tuple[float, float, list[str]]) -> list[dict[str, Any]]:
    return [{"start_s": a, "end_s": b, "faults": f} for a, b, f in spans]


def row(evaluation: Evaluation, fault: str, view: str = "side") -> tuple[int, int, int, int, int]:
    """(hits, faulty, unjudged, flags, good) of one fault row; zeros when it is absent."""
    for r in evaluation.faults:
        if (r.fault, r.view) == (fault, view):
            return (r.hits, r.faulty, r.unjudged, r.flags, r.good)
    return (0, 0, 0, 0, 0)


def test_a_found_rep_that_overlaps_no_labelled_rep_is_an_extra_rep_left_unpaired():
    (recording,) = labelled(
        {"path": "a.jsonl", "reps": 2, "rep_labels": timed((2, 5, []), (6, 9, ["squatting"]))}
    )
    score = score_file(recording, found(rep(2.2, 5.1), rep(10.0, 12.0), rep(6.1, 8.8)))
    assert [check.found for check in score.checks] == [0, 2]
    assert score.unpaired == (1,)
    assert score.rep_error == 1
    assert score.checks[1].missed == ("squatting",)


def test_two_found_reps_for_one_labelled_rep_pair_the_one_overlapping_most():
    (recording,) = labelled({"path": "a.jsonl", "reps": 1, "rep_labels": timed((2, 8, []))})
    score = score_file(recording, found(rep(1.0, 3.0, "squatting"), rep(3.5, 7.5)))
    assert [check.found for check in score.checks] == [1]
    assert score.unpaired == (0,)
    assert score.rep_error == 1
    assert score.checks[0].false == ()  # the squatting was on the extra rep, not the paired one


def test_without_rep_times_the_first_found_reps_are_paired_in_order():
    (recording,) = labelled({"path": "a.mp4", "reps": 2, "faults": ["rounded_back"]})
    score = score_file(recording, found(rep(1, 2, "rounded_back"), rep(3, 4), rep(5, 6)))
    assert [check.found for check in score.checks] == [0, 1]
    assert [check.missed for check in score.checks] == [(), ("rounded_back",)]
    assert score.unpaired == (2,)


def test_a_ghost_rep_is_a_rep_found_where_the_label_says_none():
    recordings = labelled(
        {"path": "walk.jsonl", "reps": 0, "faults": []},
        {"path": "stand.jsonl", "reps": 0},
        {"path": "set.jsonl", "reps": 1},
    )
    evaluation = evaluate(recordings, [found(rep(1, 3)), found(), found(rep(1, 3))])
    assert evaluation.ghosts_n == 2
    assert [s.recording.path for s in evaluation.ghosts] == ["walk.jsonl"]
    assert (evaluation.reps.n, evaluation.reps.exact, evaluation.reps.abs_error) == (3, 2, 1)


def test_an_unjudged_fault_on_a_faulty_rep_counts_as_a_miss_and_as_unjudged():
    (recording,) = labelled({"path": "a.jsonl", "reps": 1, "faults": ["head_up"]})
    evaluation = evaluate([recording], [found(rep(1, 3, unjudged=("head_up",)))])
    assert row(evaluation, "head_up") == (0, 1, 1, 0, 0)
    assert evaluation.files[0].checks[0].missed == ("head_up",)


def test_a_labelled_rep_nobody_found_misses_its_faults():
    (recording,) = labelled(
        {"path": "a.jsonl", "reps": 2, "rep_labels": timed((1, 3, ["squatting"]), (4, 6, []))}
    )
    evaluation = evaluate([recording], [found(rep(4, 6))])
    assert row(evaluation, "squatting") == (0, 1, 0, 0, 1)


def test_recall_and_false_positives_are_counted_per_fault_and_labelled_view():
    recordings = labelled(
        {"path": "s.jsonl", "reps": 2, "rep_labels": timed((1, 3, ["squatting"]), (4, 6, []))},
        {"path": "o.jsonl", "view": "oblique", "reps": 2, "faults": []},
    )
    outcomes = [
        found(rep(1, 3, "squatting"), rep(4, 6, "squatting", "rounded_back")),
        found(rep(1, 3, "squatting"), rep(4, 6), view="oblique"),
    ]
    evaluation = evaluate(recordings, outcomes)
    assert row(evaluation, "squatting") == (1, 1, 0, 1, 1)
    assert row(evaluation, "rounded_back") == (0, 0, 0, 1, 1)
    assert row(evaluation, "squatting", "oblique") == (0, 0, 0, 1, 2)
    assert all(r.faulty or r.good for r in evaluation.faults)


def test_unsure_faults_and_deadlift_only_faults_in_drill_mode_are_not_scored():
    recordings = labelled(
        {"path": "a.jsonl", "reps": 1, "faults": [], "unsure": ["head_up"]},
        {"path": "b.jsonl", "mode": "drill", "reps": 1, "faults": []},
    )
    outcomes = [found(rep(1, 3, "head_up")), found(rep(1, 3, "bar_drift", "hips_rise_early"))]
    evaluation = evaluate(recordings, outcomes)
    assert row(evaluation, "head_up") == (0, 0, 0, 0, 1)  # b's good rep only
    assert row(evaluation, "bar_drift") == (0, 0, 0, 0, 1)  # a's good rep only
    assert row(evaluation, "hips_rise_early") == (0, 0, 0, 0, 1)
    assert [s.fault_errors for s in evaluation.files] == [0, 0]


def test_unknown_reps_are_not_scored_but_the_faults_hold_for_every_found_rep():
    (recording,) = labelled({"path": "a.mp4", "view": None, "reps": None, "faults": []})
    evaluation = evaluate([recording], [found(rep(1, 2), rep(3, 4, "rushed"), view="front")])
    assert evaluation.reps.n == 0
    assert row(evaluation, "rushed", "none") == (0, 0, 0, 1, 2)
    assert evaluation.view.n == 0


def test_a_failed_analysis_is_wrong_on_everything_and_listed_first():
    recordings = labelled(
        {"path": "gone.mp4", "reps": 1, "faults": ["rounded_back"]},
        {"path": "off.jsonl", "reps": 1},
    )
    evaluation = evaluate(recordings, [FAILED, found(rep(1, 2), rep(3, 4), rep(5, 6))])
    gone = evaluation.files[0]
    assert not gone.reps_exact
    assert gone.view == "error"
    assert row(evaluation, "rounded_back") == (0, 1, 0, 0, 0)
    assert evaluation.view.confusion["side"] == {"error": 1, "side": 1}
    assert [s.recording.path for s in worst(evaluation.files, 5)] == ["gone.mp4", "off.jsonl"]


def test_the_worst_are_the_largest_rep_errors_then_the_most_fault_errors():
    recordings = labelled(
        {"path": "right.jsonl", "reps": 1, "faults": []},
        {"path": "one-fault.jsonl", "reps": 1, "faults": ["squatting"]},
        {"path": "two-faults.jsonl", "reps": 1, "faults": ["squatting", "head_up"]},
        {"path": "one-rep-short.jsonl", "reps": 2},
    )
    outcomes = [found(rep(1, 2)), found(rep(1, 2)), found(rep(1, 2)), found(rep(1, 2))]
    names = [s.recording.path for s in worst(evaluate(recordings, outcomes).files, 10)]
    assert names == ["one-rep-short.jsonl", "two-faults.jsonl", "one-fault.jsonl"]
    assert len(worst(evaluate(recordings, outcomes).files, 2)) == 2


def test_reps_are_broken_down_by_view_and_tag_and_a_rear_view_seen_as_front_is_right():
    recordings = labelled(
        {"path": "a.mp4", "view": "rear", "reps": 1, "tags": {"load": "barbell", "fps": 30}},
        {"path": "b.mp4", "view": "side", "reps": 2, "tags": {"load": "barbell", "fps": 60}},
        {"path": "c.mp4", "view": "side", "reps": 1, "tags": {"load": "kettlebell"}},
    )
    outcomes = [found(rep(1, 2), view="front"), found(rep(1, 2)), found(rep(1, 2), view="front")]
    evaluation = evaluate(recordings, outcomes)
    assert {v: (s.exact, s.n) for v, s in evaluation.reps_by_view.items()} == {
        "side": (1, 2),
        "rear": (1, 1),
    }
    load = evaluation.reps_by_tag["load"]
    assert {v: (s.exact, s.n) for v, s in load.items()} == {"barbell": (1, 2), "kettlebell": (1, 1)}
    assert set(evaluation.reps_by_tag["fps"]) == {"30", "60"}
    assert (evaluation.view.correct, evaluation.view.n) == (2, 3)
    table = format_table(evaluation, labels_name="l.json", worst_k=10, wall_s=1.0, jobs=1)
    assert "barbell 1/2" in table
    assert "fps" not in table  # no fps value is shared by two recordings: no breakdown


# --- the labels file ---------------------------------------------------------------------


def entry(**changes: Any) -> dict[str, Any]:
    return {"path": "a.mp4", "mode": "deadlift", "view": "side", "reps": 1, **changes}


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ([entry(mode="squat")], ["files[0].mode", "squat"]),
        ([entry(view="top")], ["files[0].view"]),
        ([entry(reps=-1)], ["files[0].reps"]),
        ([entry(faults=["slouching"])], ["files[0].faults", "slouching"]),
        ([entry(rep_labels=timed((1, 3, [])), faults=[])], ["files[0].faults", "not both"]),
        ([entry(rep_labels=timed((1, 3, []), (4, 5, [])))], ["2 labelled reps", "reps is 1"]),
        ([entry(reps=2, rep_labels=timed((1, 3, []), (2, 5, [])))], ["rep_labels[1].start_s"]),
        ([entry(rep_labels=timed((3, 1, [])))], ["rep_labels[0].end_s"]),
        ([entry(tags={"ok": True})], ["tags.ok"]),
        ([entry(colour="red")], ["unknown key colour"]),
        ([entry(), entry()], ["listed twice"]),
        ([{"path": "a.mp4"}], ["files[0]", "missing mode, view, reps"]),
    ],
)
def test_a_bad_labels_entry_is_named_in_one_line(files, words):
    with pytest.raises(ValueError, match=re.escape(words[0])) as caught:
        parse_labels({"format": "hinge-mirror-labels", "version": 1, "files": files})
    for word in words:
        assert word in str(caught.value)


def test_paths_are_relative_to_the_root_relative_to_the_labels_file(tmp_path):
    (tmp_path / "media").mkdir()
    (tmp_path / "labels").mkdir()
    path = tmp_path / "labels" / "l.json"
    path.write_text(json.dumps({**labels_doc([entry()]), "root": "../media"}))
    labels = load_labels(path)
    assert labels.source(labels.recordings[0]).resolve() == tmp_path / "media" / "a.mp4"
    assert load_labels(path, root=tmp_path).source(labels.recordings[0]) == tmp_path / "a.mp4"
    with pytest.raises(BadInput, match="does not exist"):
        load_labels(path, root=tmp_path / "nowhere")


def labels_doc(files: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": "hinge-mirror-labels", "version": 1, "files": files}


def evaluate_cli(*args: str | Path) -> Any:
    return hinge_mirror("evaluate", *map(str, args))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{not json", ["l.json", "not JSON", "line 1"]),
        ('{"format": "hinge-mirror-labels", "version": 2, "files": []}', ["version"]),
        (json.dumps(labels_doc([entry(reps="three")])), ["files[0].reps", "'three'"]),
    ],
)
def test_a_bad_labels_file_exits_2_with_one_line(tmp_path, text, words):
    path = tmp_path / "l.json"
    path.write_text(text)
    assert_one_line_error(evaluate_cli(path), 2, *words)


def test_a_labels_file_that_is_not_there_or_bad_options_exit_2(tmp_path):
    assert_one_line_error(evaluate_cli(tmp_path / "none.json"), 2, "no such labels file")
    assert_one_line_error(evaluate_cli(tmp_path / "l.json", "--jobs", "0"), 2, "--jobs")


# --- the real command --------------------------------------------------------------------


def test_a_missing_recording_is_an_error_row_and_the_rest_is_still_evaluated(tmp_path):
    make_set("deadlift", reps=2, seed=1).write_jsonl(tmp_path / "here.jsonl")
    files = [entry(path="gone.mp4", faults=["rounded_back"]), entry(path="here.jsonl", reps=2)]
    (tmp_path / "l.json").write_text(json.dumps(labels_doc(files)))
    done = evaluate_cli(tmp_path / "l.json", "--json", tmp_path / "out.json", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "(1 could not be analysed)" in done.stdout
    assert re.search(r"gone\.mp4 +reps +1 found +-  error: .*gone\.mp4: no such file", done.stdout)
    result = json.loads((tmp_path / "out.json").read_text())
    gone, here = result["files"]
    assert gone["error"]
    assert gone["found_reps"] is None
    assert gone["pairs"][0]["found"] is None
    assert here["error"] is None
    assert here["found_reps"] == 2
    assert result["failed"] == 1


def test_a_video_without_the_model_installed_exits_4(tmp_path, monkeypatch):
    # Another test may have installed the model for the session: point at an empty folder.
    monkeypatch.setenv("HINGE_MIRROR_MODEL_DIR", str(tmp_path / "no-models"))
    write_video(tmp_path / "clip.mp4")
    (tmp_path / "l.json").write_text(json.dumps(labels_doc([entry(path="clip.mp4")])))
    assert_one_line_error(evaluate_cli(tmp_path / "l.json", "--jobs", "1"), 4, "model")


def truth(synthetic: SyntheticSet, path: str, **more: Any) -> dict[str, Any]:
    """The labels entry of a synthetic set, from what the lifter really did."""
    reps = [
        {"start_s": r.start_s, "end_s": r.end_s, "faults": sorted(r.faults)} for r in synthetic.reps
    ]
    return {
        "path": path,
        "mode": synthetic.mode,
        "view": synthetic.view,
        "reps": len(reps),
        "rep_labels": reps,
        **more,
    }


@pytest.fixture(scope="module")
def synthetic_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two synthetic sets (a squatted rep in a 3-rep deadlift set; a drill lifter who only
    walks in and stands) evaluated by the real CLI on two processes, with ``--json``."""
    folder = tmp_path_factory.mktemp("evaluate")
    squat = make_set("deadlift", reps=3, faults={2: {"squatting"}}, seed=1)
    walk = make_set("drill", reps=0, walk_in=True, stand_s=4.0, seed=5)
    squat.write_jsonl(folder / "squat.jsonl")
    walk.write_jsonl(folder / "walk.jsonl")
    files = [
        truth(squat, "squat.jsonl", tags={"kind": "synthetic", "seed": 1}),
        truth(walk, "walk.jsonl", tags={"kind": "synthetic", "seed": 5}),
    ]
    (folder / "labels.json").write_text(json.dumps(labels_doc(files)))
    out = folder / "out.json"
    done = evaluate_cli(folder / "labels.json", "--json", out, "--jobs", "2")
    assert done.returncode == 0, done.stderr
    return {"folder": folder, "done": done, "result": json.loads(out.read_text())}


def test_synthetic_sets_are_counted_and_printed_as_a_table(synthetic_run):
    table = synthetic_run["done"].stdout
    assert table.startswith("Evaluated 2 recordings from ")
    assert "Reps          exact 2/2 (100%), mean abs error 0.00" in table
    assert "kind        synthetic 2/2" in table
    assert "Ghost reps    0 of 1 recordings labelled 0 reps had reps found" in table
    assert re.search(r"\n  squatting +side +\d/1 ", table)
    assert "View          correct 2/2 (100%)" in table
    assert "Wall time" in table
    assert "(2 jobs)" in table
    progress = synthetic_run["done"].stderr
    assert "evaluate: 2/2 files" in progress


def test_the_json_holds_every_number_and_each_files_pairing(synthetic_run):
    result = synthetic_run["result"]
    assert result["format"] == "hinge-mirror-evaluation"
    assert (result["recordings"], result["failed"], result["jobs"]) == (2, 0, 2)
    assert result["reps"]["exact_share"] == 1.0
    assert result["ghosts"] == {"labelled_zero": 1, "with_reps": 0, "files": []}
    squat = result["files"][0]
    assert [pair["found"] for pair in squat["pairs"]] == [1, 2, 3]
    assert [pair["faults"] for pair in squat["pairs"]] == [[], ["squatting"], []]
    assert squat["found_view"] == "side"
    (row,) = [r for r in result["faults"] if (r["fault"], r["view"]) == ("squatting", "side")]
    assert (row["faulty"], row["good"]) == (1, 2)
    assert f"squatting           side     {row['hits']}/1" in synthetic_run["done"].stdout


def test_evaluate_finds_exactly_what_analyze_finds(synthetic_run):
    source = synthetic_run["folder"] / "squat.jsonl"
    done = hinge_mirror("analyze", str(source), "--json", "-")
    report = json.loads(done.stdout)
    squat = synthetic_run["result"]["files"][0]
    assert squat["found_reps"] == len(report["reps"])
    assert [p["found_faults"] for p in squat["pairs"]] == [r["faults"] for r in report["reps"]]
    assert [p["found_end_s"] for p in squat["pairs"]] == [r["end_s"] for r in report["reps"]]


def test_only_and_worst_choose_what_is_evaluated_and_listed(synthetic_run):
    labels = synthetic_run["folder"] / "labels.json"
    done = evaluate_cli(labels, "--only", "walk", "--worst", "0", "--json", "-", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # stdout is the JSON alone; the table went to stderr
    assert [f["path"] for f in result["files"]] == ["walk.jsonl"]
    assert result["worst"] == []
    assert "Evaluated 1 recordings" in done.stderr
    assert_one_line_error(evaluate_cli(labels, "--only", "nothing-like-it"), 2, "--only")
