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
    reason="bad006's over-extension shows at the floor (arched back, head cranked up); at "
    "lockout the plate hides the lifter and MoveNet loses the hips, so no rep is seen",
)
def test_the_captioned_over_extension_is_flagged(analyse):
    summary = analyse("deadlift-mixed/bad/bad006.mp4").summary
    assert any("hyperextension" in rep.faults for rep in summary.reps)


def test_the_clips_all_exist_where_the_labels_say():
    labels = need(SHARED_MEDIA / "labels.csv").read_text()
    for clip in [*SINGLE_REP, *COACH_DEMOS]:
        assert clip in labels
        assert Path(SHARED_MEDIA / clip).is_file()
