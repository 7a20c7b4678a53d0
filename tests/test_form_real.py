"""The whole pipeline (MoveNet, evaluator, cue policy) on real deadlift footage.

Reads ``../shared/media`` (see its README and labels.csv); skips with the reason where it
is absent. Rep counts for the coach demos were counted by eye from contact sheets:
Deadlift_edited 3 (lockouts near 5.5 s, 8.8 s, 12 s; the rest is title cards),
Deadlift_edited5 3 (near 3 s, 8.5 s, 13.5 s), Deadlift_edited7 2 (near 3 s, 7.5 s).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from appliance.coach import CuePolicy
from appliance.config import Config
from appliance.form import FormEvaluator, SetSummary
from appliance.pipeline import process
from appliance.pose import PoseEstimator
from appliance.sources import open_source
from appliance.types import CueEvent
from tests.conftest import SHARED_MEDIA, need

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


@pytest.mark.xfail(
    strict=True,
    reason="bad006's 'extension' is an arched lower back (and the head cranked up at the "
    "floor), which the hip-shoulder line cannot show (see the next test); and at lockout "
    "the plate hides the hips from MoveNet, so no rep is seen",
)
def test_the_captioned_over_extension_is_flagged(analyse):
    summary = analyse("deadlift-mixed/bad/bad006.mp4").summary
    assert any("hyperextension" in rep.faults for rep in summary.reps)


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
