"""The analysis report: what ``build_report`` makes from the evaluator's findings, every
deviation from interfaces.md that ``validate_report`` refuses, and the terminal summary."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from appliance.analyze.report import build_report, clip_timing, validate_report
from appliance.analyze.summary import NO_PERSON, format_summary
from appliance.form import SetSummary
from appliance.types import CueEvent, Rep


def rep(index: int, start_s: float, faults: tuple[str, ...] = (), score: int = 100) -> Rep:
    return Rep(
        index=index,
        start_s=start_s,
        bottom_s=start_s + 0.8,
        end_s=start_s + 1.9,
        faults=faults,
        score=score,
        metrics={"knee_flexion_deg": 31.25, "descent_s": 0.8},
        unjudged={"bar_drift": "wrists not visible"} if index == 2 else {},
    )


def a_report() -> dict[str, Any]:
    """A side-view deadlift set: three reps, squatting on two, a cue, an unjudged fault."""
    summary = SetSummary(
        mode="deadlift",
        view="side",
        reps=(rep(1, 1.0, ("squatting",), 70), rep(2, 3.5), rep(3, 6.0, ("squatting",), 75)),
        unjudged={"hips_rise_early": "hips not visible"},
        person_seen=True,
        frames=300,
    )
    cues = [
        CueEvent(0.5, "I can't see your feet - step back", "guidance"),
        CueEvent(2.95, "Hips back, not down", "fault", "squatting"),
    ]
    return build_report(
        source="clip.mp4", summary=summary, cues=cues, frames=300, fps=30.0, duration_s=10.0
    )


def test_a_report_holds_the_reps_the_fault_counts_the_cues_and_the_unjudged():
    report = a_report()
    validate_report(report)
    assert json.loads(json.dumps(report)) == report  # plain JSON types only
    assert [r["index"] for r in report["reps"]] == [1, 2, 3]
    assert report["reps"][0] | {"metrics": None, "unjudged": None} == {
        "index": 1,
        "start_s": 1.0,
        "bottom_s": 1.8,
        "end_s": 2.9,
        "faults": ["squatting"],
        "score": 70,
        "metrics": None,
        "unjudged": None,
    }
    assert report["faults"] == {"squatting": 2}
    assert report["cues"][1] == {
        "t_s": 2.95,
        "fault": "squatting",
        "text": "Hips back, not down",
        "kind": "fault",
    }
    assert report["unjudged"] == [{"fault": "hips_rise_early", "reason": "hips not visible"}]


def test_nobody_seen_makes_the_view_unknown_whatever_the_evaluator_said():
    summary = SetSummary("drill", "side", (), {}, person_seen=False, frames=30)
    report = build_report(
        source="x.jsonl", summary=summary, cues=[], frames=30, fps=30.0, duration_s=1.0
    )
    validate_report(report)
    assert (report["view"], report["person_seen"]) == ("unknown", False)


def test_timing_comes_from_the_nominal_rate_else_from_the_timestamps():
    assert clip_timing(300, 30.0, 299 / 30) == (30.0, 10.0)
    assert clip_timing(11, None, 0.5) == (20.0, 0.55)
    assert clip_timing(1, None, 0.0) == (0.0, 0.0)
    assert clip_timing(0, 25.0, 0.0) == (25.0, 0.0)


Mutation = Callable[[dict[str, Any]], object]

DEVIATIONS: dict[str, Mutation] = {
    "version 2": lambda r: r.update(version=2),
    "version as text": lambda r: r.update(version="1"),
    "unknown mode": lambda r: r.update(mode="squat"),
    "unknown view": lambda r: r.update(view="diagonal"),
    "frames as a boolean": lambda r: r.update(frames=True),
    "negative frames": lambda r: r.update(frames=-1),
    "fps as text": lambda r: r.update(fps="30"),
    "infinite duration": lambda r: r.update(duration_s=float("inf")),
    "missing cues": lambda r: r.pop("cues"),
    "unknown top-level key": lambda r: r.update(notes="hi"),
    "a rep fault not in coaching.md": lambda r: r["reps"][0]["faults"].append("wobbly"),
    "a fault listed twice": lambda r: r["reps"][1]["faults"].extend(["rushed", "rushed"]),
    "bottom before start": lambda r: r["reps"][0].update(bottom_s=0.5),
    "end before bottom": lambda r: r["reps"][1].update(end_s=3.6),
    "reps overlapping": lambda r: r["reps"][1].update(start_s=2.0),
    "indexes not 1..n": lambda r: r["reps"][2].update(index=4),
    "score over 100": lambda r: r["reps"][0].update(score=101),
    "score as a float": lambda r: r["reps"][0].update(score=70.0),
    "a metric as text": lambda r: r["reps"][0]["metrics"].update(knee_flexion_deg="31"),
    "a rep without metrics": lambda r: r["reps"][0].pop("metrics"),
    "a fault count that disagrees": lambda r: r["faults"].update(squatting=7),
    "a fault count of zero": lambda r: r["faults"].update(rushed=0),
    "a rep fault with no count": lambda r: r["faults"].clear(),
    "a fault id in counts not in coaching.md": lambda r: r["faults"].update(wobbly=1),
    "cues out of order": lambda r: r["cues"].reverse(),
    "a cue about an unknown fault": lambda r: r["cues"][1].update(fault="wobbly"),
    "a fault cue naming no fault": lambda r: r["cues"][1].update(fault=None),
    "an unknown cue kind": lambda r: r["cues"][0].update(kind="shout"),
    "an empty cue text": lambda r: r["cues"][0].update(text=" "),
    "unjudged as a dict": lambda r: r.update(unjudged={"bar_drift": "no wrists"}),
    "unjudged with an unknown fault": lambda r: r["unjudged"][0].update(fault="wobbly"),
    "unjudged without a reason": lambda r: r["unjudged"][0].pop("reason"),
    "person_seen as text": lambda r: r.update(person_seen="no"),
    "nobody seen but reps": lambda r: r.update(person_seen=False),
}


@pytest.mark.parametrize("name", list(DEVIATIONS))
def test_every_deviation_from_the_documented_shape_is_refused(name):
    report = copy.deepcopy(a_report())
    DEVIATIONS[name](report)
    with pytest.raises(ValueError, match=r"\S") as error:
        validate_report(report)
    assert "\n" not in str(error.value)


def test_the_summary_lists_reps_faults_cues_and_what_was_not_judged():
    text = format_summary(a_report(), "video clip.mp4 (640x360, 30.00 fps)")
    assert "video clip.mp4 (640x360, 30.00 fps)" in text
    assert "deadlift" in text
    assert "view side" in text
    assert "Reps     3" in text
    assert "1.00 -   2.90 s (bottom 1.80 s)   score  70   squatting" in text
    assert "score 100   clean" in text
    assert "squatting on 2 of 3" in text
    assert "2.95 s  Hips back, not down   (squatting)" in text
    assert "I can't see your feet - step back" in text
    assert "hips_rise_early: hips not visible" in text
    assert NO_PERSON not in text


def test_the_summary_of_an_empty_clip_says_nobody_was_seen():
    summary = SetSummary("deadlift", "unknown", (), {}, person_seen=False, frames=0)
    report = build_report(
        source="e.jsonl", summary=summary, cues=[], frames=0, fps=0.0, duration_s=0.0
    )
    text = format_summary(report)
    assert NO_PERSON in text
    assert "Reps" not in text
