"""The whole pipeline (MoveNet, evaluator, cue policy) on real deadlift footage.

Reads ``../shared/media`` (see its README and labels.csv); skips with the reason where it
is absent. Rep counts for the coach demos were counted by eye from contact sheets:
Deadlift_edited 3 (lockouts near 5.5 s, 8.8 s, 12 s; the rest is title cards),
Deadlift_edited5 3 (near 3 s, 8.5 s, 13.5 s), Deadlift_edited7 2 (near 3 s, 7.5 s).
The hinge-variety clips (``hinge-variety/README.md``, ``labels.csv``): 11 rep fragments
(0 reps), a kettlebell swing set (6) and a barbell RDL set (3).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from appliance.analyze.report import build_report, validate_report
from appliance.coach import CuePolicy
from appliance.config import Config
from appliance.evaluate.labels import load_labels
from appliance.evaluate.metrics import Evaluation, evaluate
from appliance.evaluate.scoring import Outcome
from appliance.form import FormEvaluator, SetSummary
from appliance.pipeline import process
from appliance.pose import PoseEstimator
from appliance.sources import open_source
from appliance.types import CueEvent
from tests.conftest import REPO, SHARED_MEDIA, need

SINGLE_REP = [
    f"deadlift-side-single-rep/{label}/{n:06d}.mp4"
    for label in ("good", "bad")
    for n in range(1, 11)
]
GOOD_SIDE = [clip for clip in SINGLE_REP if "/good/" in clip]
COACH_DEMOS = {
    "coach-demos/Deadlift_edited.mp4": 3,
    "coach-demos/Deadlift_edited5.mp4": 3,
    "coach-demos/Deadlift_edited7.mp4": 2,
}


VARIETY = "hinge-variety/clips"
VARIETY_FRAGMENTS = [
    f"{VARIETY}/{name}.mp4"
    for name in (
        "kb-swing-side-02",
        "kb-swing-side-03",
        "band-goodmorning-oblique-01",
        "db-rdl-oblique-01",
        "bb-deadlift-front-01",
        "trapbar-deadlift-side-01",
        "db-deadlift-side-01",
        "db-deadlift-side-02",
        "db-singleleg-rdl-side-01",
        "bb-sumo-deadlift-front-01",
        "kb-staggered-deadlift-oblique-01",
    )
]
VARIETY_SETS = {f"{VARIETY}/kb-swing-side-01.mp4": 6, f"{VARIETY}/bb-rdl-oblique-01.mp4": 3}
VARIETY_CORRECT_PULLS = [  # no squatting labelled; knee-dominant is normal for these loads
    f"{VARIETY}/{name}.mp4"
    for name in (
        "kb-swing-side-01",
        "db-deadlift-side-01",
        "db-deadlift-side-02",
        "trapbar-deadlift-side-01",
        "kb-staggered-deadlift-oblique-01",
    )
]
SHARED_LABELS = REPO / "tests" / "labels" / "shared-media.json"


def clip_id(clip: str) -> str:
    return clip.rsplit("/", 1)[-1].removesuffix(".mp4")


@dataclass
class Analysis:
    summary: SetSummary
    cues: list[CueEvent]


_analyses: dict[str, Analysis] = {}


@pytest.fixture(scope="module")
def analyse(model_dir):
    """Analyse a clip in deadlift mode (once per clip per test module)."""
    estimator = PoseEstimator.from_config(Config())

    def run(clip: str) -> Analysis:
        if clip not in _analyses:
            estimator.reset()
            evaluator = FormEvaluator("deadlift")
            cues: list[CueEvent] = []
            with open_source(str(need(SHARED_MEDIA / clip))) as source:
                for step in process(source.frames(), estimator, evaluator, CuePolicy("deadlift")):
                    cues.extend(step.cues)
            _analyses[clip] = Analysis(evaluator.summary(), cues)
        return _analyses[clip]

    return run


@pytest.mark.parametrize("clip", SINGLE_REP, ids=lambda c: c.split("/", 1)[1])
def test_a_single_rep_clip_counts_exactly_one_rep(analyse, clip):
    summary = analyse(clip).summary
    assert summary.view == "side"
    assert len(summary.reps) == 1


def test_the_good_side_view_clips_mostly_get_no_fault(analyse):
    faulty = {clip: analyse(clip).summary.reps[0].faults for clip in GOOD_SIDE}
    flagged = {clip: faults for clip, faults in faulty.items() if faults}
    assert len(flagged) <= 2, f"good clips flagged: {flagged}"


@pytest.mark.parametrize(("clip", "reps"), COACH_DEMOS.items(), ids=lambda v: str(v).split("/")[-1])
def test_a_coach_demo_is_counted_as_seen_and_coached_at_most_once(analyse, clip, reps):
    result = analyse(clip)
    assert len(result.summary.reps) == reps
    assert len(result.cues) <= 1, [cue.text for cue in result.cues]


def test_the_captioned_rounded_back_is_flagged(analyse):
    summary = analyse("deadlift-mixed/bad/bad005.mp4").summary
    assert [rep.faults for rep in summary.reps] == [("rounded_back",)]


def test_its_neutral_counterpart_by_the_same_lifter_is_not(analyse):
    summary = analyse("deadlift-mixed/good/good004.mp4").summary
    assert all("rounded_back" not in rep.faults for rep in summary.reps)


def test_the_captioned_over_extension_is_not_judgeable_and_not_guessed(analyse):
    # The old issue's point about bad006 is withdrawn: its "extension" is an arched lower
    # back (and the head cranked up at the floor), which the hip-shoulder line cannot show
    # (see the next test), and at lockout the plate hides the hips. The clip is analysed,
    # its one pull counted, and no lean back is invented.
    summary = analyse("deadlift-mixed/bad/bad006.mp4").summary
    assert len(summary.reps) == 1
    assert all("hyperextension" not in rep.faults for rep in summary.reps)


def most_upright_trunk_deg(keypoints_csv: Path) -> float:
    """The least forward hip-to-shoulder angle from vertical (degrees, forward +, left side)
    over a clip, from the source's own YOLO keypoints; the lifter faces one way throughout
    (the way the nose is from the hip on most frames)."""
    import csv
    import math

    def number(row: dict[str, str], key: str) -> float | None:
        return float(row[key]) if row[key] else None

    with keypoints_csv.open() as rows:
        table = list(csv.DictReader(rows))
    votes = [
        (nose > hip)
        for row in table
        if (nose := number(row, "nose_x")) is not None
        and (hip := number(row, "left_hip_x")) is not None
    ]
    facing = 1.0 if 2 * sum(votes) > len(votes) else -1.0
    angles = []
    for row in table:
        joints = [number(row, k) for k in ("left_shoulder_x", "left_shoulder_y",
                                            "left_hip_x", "left_hip_y")]  # fmt: skip
        if None in joints:
            continue  # a joint the source did not find on this frame
        sx, sy, hx, hy = (float(v) for v in joints if v is not None)
        angles.append(math.degrees(math.atan2(facing * (sx - hx), hy - sy)))
    return min(angles)


def test_even_the_sources_keypoints_show_bad006_leaning_back_no_further_than_good004():
    # Why bad006 cannot be flagged as coaching.md's hyperextension (trunk past vertical
    # backwards at lockout): its own labeller's keypoints (YOLO11x-pose, which sees the
    # hips through the plate) put its most upright trunk at -3 deg, in front of the
    # neutral clip's -5 deg: nothing like a lean-back past standing.
    keypoints = SHARED_MEDIA / "deadlift-mixed" / "keypoints"
    extended = most_upright_trunk_deg(need(keypoints / "bad006_yolo_coco17.csv"))
    neutral = most_upright_trunk_deg(need(keypoints / "good004_yolo_coco17.csv"))
    assert neutral < -3.0  # good004 stands tall, a touch back
    assert extended > neutral  # bad006 leans back less than the neutral clip


def test_the_clips_all_exist_where_the_labels_say():
    labels = need(SHARED_MEDIA / "labels.csv").read_text()
    for clip in [*SINGLE_REP, *COACH_DEMOS]:
        assert clip in labels
        assert Path(SHARED_MEDIA / clip).is_file()


# -- hinge variety: swings, dumbbell, kettlebell and trap-bar pulls, fragments ----------------


@pytest.mark.parametrize("clip", VARIETY_FRAGMENTS, ids=clip_id)
def test_a_fragment_of_a_rep_counts_no_rep(analyse, clip):
    summary = analyse(clip).summary
    assert [(rep.start_s, rep.end_s) for rep in summary.reps] == []


@pytest.mark.parametrize(("clip", "reps"), VARIETY_SETS.items(), ids=lambda v: clip_id(str(v)))
def test_a_kettlebell_swing_set_and_a_barbell_rdl_set_are_counted_exactly(analyse, clip, reps):
    summary = analyse(clip).summary
    assert len(summary.reps) == reps, [(rep.start_s, rep.end_s) for rep in summary.reps]


@pytest.mark.parametrize("clip", VARIETY_CORRECT_PULLS, ids=clip_id)
def test_a_correct_kettlebell_dumbbell_or_trap_bar_pull_is_not_called_squatting(analyse, clip):
    summary = analyse(clip).summary
    assert [rep.index for rep in summary.reps if "squatting" in rep.faults] == []


def test_the_variety_clips_are_where_both_labels_files_say_with_the_same_counts():
    rows = need(SHARED_MEDIA / "hinge-variety" / "labels.csv").read_text().splitlines()
    counts = {f"{VARIETY}/{row['file']}": int(row["reps"]) for row in csv.DictReader(rows)}
    assert counts == {**dict.fromkeys(VARIETY_FRAGMENTS, 0), **VARIETY_SETS}
    for clip in counts:
        assert (SHARED_MEDIA / clip).is_file(), clip
    # The evaluation's labels (``hinge-mirror evaluate tests/labels/shared-media.json``, too
    # slow for the default tests: the next test scores the analyses made here instead).
    files = json.loads(SHARED_LABELS.read_text())["files"]
    assert {f["path"]: f["reps"] for f in files if f["path"].startswith(VARIETY)} == counts


def variety_evaluation(analyse: Callable[[str], Analysis]) -> Evaluation:
    """``appliance.evaluate``'s metrics over the reports of the analyses above (built as
    ``analyze --json`` builds them), scored against tests/labels/shared-media.json."""
    need(SHARED_MEDIA / VARIETY)
    labels = load_labels(SHARED_LABELS, root=SHARED_MEDIA)
    recordings = [r for r in labels.recordings if r.path.startswith(VARIETY)]
    outcomes = []
    for recording in recordings:
        result = analyse(recording.path)
        report = build_report(
            source=recording.path,
            summary=result.summary,
            cues=result.cues,
            frames=result.summary.frames,
            fps=0.0,  # not scored
            duration_s=0.0,
        )
        validate_report(report)
        outcomes.append(Outcome(report))
    return evaluate(recordings, outcomes)


def test_the_evaluation_metrics_over_the_variety_clips_find_every_count_exact(analyse):
    evaluation = variety_evaluation(analyse)
    wrong = {s.recording.path: s.found_reps for s in evaluation.files if not s.reps_exact}
    assert (evaluation.reps.exact, evaluation.reps.n) == (13, 13), wrong
    assert (evaluation.ghosts_n, evaluation.ghosts) == (11, [])
    squatting = {row.view: row.flags for row in evaluation.faults if row.fault == "squatting"}
    assert set(squatting.values()) == {0}, f"squatting flags by labelled view: {squatting}"


def test_the_evaluation_metrics_find_no_false_fault_on_the_good_variety_reps(analyse):
    evaluation = variety_evaluation(analyse)
    false = {(row.fault, row.view): row.flags for row in evaluation.faults if row.flags}
    assert false == {}, f"false faults on good reps (fault, view): {false}"
