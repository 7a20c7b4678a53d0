"""``evaluate --json``: every number of an ``Evaluation`` and every recording's result as
JSON (format ``hinge-mirror-evaluation``, version 1).

Shares are fractions 0..1 (``null`` when nothing was counted), errors in reps, times in
seconds. Found reps are named by their ``index`` in the analysis report (1-based).
"""

from __future__ import annotations

from typing import Any

from appliance.evaluate.labels import Labels
from appliance.evaluate.metrics import Evaluation, FaultRow, RepStats, worst
from appliance.evaluate.scoring import FileScore, RepCheck

FORMAT = "hinge-mirror-evaluation"
VERSION = 1


def evaluation_json(
    evaluation: Evaluation, labels: Labels, *, worst_k: int, wall_s: float, jobs: int
) -> dict[str, Any]:
    """The whole evaluation: summary numbers first, then ``files`` in labels order."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "labels": str(labels.path),
        "root": str(labels.root),
        "recordings": len(evaluation.files),
        "failed": len(evaluation.failed),
        "jobs": jobs,
        "wall_s": round(wall_s, 3),
        "reps": {
            **_rep_stats(evaluation.reps),
            "unscored": sum(s.recording.reps is None for s in evaluation.files),
            "by_view": {view: _rep_stats(s) for view, s in evaluation.reps_by_view.items()},
            "by_tag": {
                key: {value: _rep_stats(s) for value, s in values.items()}
                for key, values in evaluation.reps_by_tag.items()
            },
        },
        "ghosts": {
            "labelled_zero": evaluation.ghosts_n,
            "with_reps": len(evaluation.ghosts),
            "files": [
                {"path": s.recording.path, "found_reps": s.found_reps} for s in evaluation.ghosts
            ],
        },
        "faults": [_fault_row(row) for row in evaluation.faults],
        "view": {
            "n": evaluation.view.n,
            "correct": evaluation.view.correct,
            "accuracy": _ratio(evaluation.view.correct, evaluation.view.n),
            "confusion": evaluation.view.confusion,
        },
        "worst": [_worst(score) for score in worst(evaluation.files, worst_k)],
        "files": [file_json(score) for score in evaluation.files],
    }


def file_json(score: FileScore) -> dict[str, Any]:
    """One recording's result: the label, what was found, each labelled rep's pairing."""
    recording = score.recording
    return {
        "path": recording.path,
        "mode": recording.mode,
        "view": recording.view,
        "found_view": score.view,
        "reps": recording.reps,
        "found_reps": score.found_reps,
        "rep_error": score.rep_error,
        "pairs": [_pair(check) for check in score.checks],
        "unpaired_found": [j + 1 for j in score.unpaired],
        "unjudged": list(score.unjudged),
        "unsure": sorted(recording.unsure),
        "tags": dict(recording.tags),
        "error": score.error,
        "seconds": round(score.seconds, 3),
    }


def _pair(check: RepCheck) -> dict[str, Any]:
    label = check.label
    return {
        "label": label.index,
        "start_s": label.start_s,
        "end_s": label.end_s,
        "faults": None if label.faults is None else sorted(label.faults),
        "found": None if check.found is None else check.found + 1,
        "found_start_s": None if check.found_s is None else check.found_s[0],
        "found_end_s": None if check.found_s is None else check.found_s[1],
        "found_faults": list(check.found_faults),
        "missed": list(check.missed),
        "false": list(check.false),
        "unjudged": list(check.unjudged),
    }


def _worst(score: FileScore) -> dict[str, Any]:
    return {
        "path": score.recording.path,
        "reps": score.recording.reps,
        "found_reps": score.found_reps,
        "missed": [fault for check in score.checks for fault in check.missed],
        "false": [fault for check in score.checks for fault in check.false],
        "error": score.error,
    }


def _rep_stats(stats: RepStats) -> dict[str, Any]:
    return {
        "n": stats.n,
        "exact": stats.exact,
        "exact_share": _ratio(stats.exact, stats.n),
        "mean_abs_error": _ratio(stats.abs_error, stats.n),
    }


def _fault_row(row: FaultRow) -> dict[str, Any]:
    return {
        "fault": row.fault,
        "view": row.view,
        "faulty": row.faulty,
        "hits": row.hits,
        "recall": _ratio(row.hits, row.faulty),
        "unjudged": row.unjudged,
        "good": row.good,
        "flags": row.flags,
        "false_positive_rate": _ratio(row.flags, row.good),
    }


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
