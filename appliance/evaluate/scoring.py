"""One recording's label against its analysis report: the rep error, the view, and each
labelled rep's faults found, missed, falsely flagged and unjudged (docs/labels.md, "How
recordings are compared"). Pure functions of the label and the report's JSON.

A recording whose analysis failed (``Outcome.error``) is wrong on everything: its reps are
never exact (the error is taken as if none were found), its view is ``"error"``, and each
labelled fault is a miss.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from appliance.evaluate.labels import Recording
from appliance.evaluate.matching import LabelledRep, match, unpaired
from appliance.form.faults import DEADLIFT_ONLY
from appliance.types import FAULT_IDS

FAILED_VIEW = "error"
"""The view a failed recording is counted as having."""


@dataclass(frozen=True)
class Outcome:
    """What analysing one recording gave: the version-1 ``report`` (``None`` when there is
    none), the one-line ``error`` when it failed or was cut short, and how long it took
    (``seconds``, wall time)."""

    report: Mapping[str, Any] | None
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class RepCheck:
    """One labelled rep checked: the found rep paired with it (0-based position in the
    report, ``None``: no pair), its ``(start_s, end_s)`` in seconds and its flagged faults;
    of the scored faults, those labelled but not flagged (``missed``), flagged but not
    labelled (``false``) and ``unjudged`` on the found rep. ``missed`` and ``false`` are
    empty when faults are not labelled."""

    label: LabelledRep
    found: int | None
    found_s: tuple[float, float] | None
    found_faults: tuple[str, ...]
    missed: tuple[str, ...]
    false: tuple[str, ...]
    unjudged: tuple[str, ...]


@dataclass(frozen=True)
class FileScore:
    """One recording scored. ``found_reps``: reps in the report (``None`` when the analysis
    failed); ``rep_error``: found minus labelled (``None`` when ``reps`` is unknown);
    ``view``: the report's view (``"error"`` when failed); ``unpaired``: positions of found
    reps no labelled rep was paired with; ``unjudged``: the report's unjudged fault ids."""

    recording: Recording
    error: str | None
    found_reps: int | None
    rep_error: int | None
    view: str
    checks: tuple[RepCheck, ...]
    unpaired: tuple[int, ...]
    unjudged: tuple[str, ...]
    seconds: float

    @property
    def reps_exact(self) -> bool:
        """The rep count is right (never for a failed analysis)."""
        return self.error is None and self.rep_error == 0

    @property
    def fault_errors(self) -> int:
        """Missed plus falsely flagged faults over all labelled reps."""
        return sum(len(check.missed) + len(check.false) for check in self.checks)


def scored_faults(recording: Recording) -> tuple[str, ...]:
    """The fault ids scored on ``recording``: all but its ``unsure`` ones and, in drill
    mode, the deadlift-only ones."""
    return tuple(
        fault
        for fault in FAULT_IDS
        if fault not in recording.unsure
        and not (recording.mode != "deadlift" and fault in DEADLIFT_ONLY)
    )


def view_matches(labelled: str, found: str) -> bool:
    """The report's view agrees with the labelled one; a rear view counts as ``front`` (the
    report cannot tell the two apart)."""
    return found == labelled or (labelled == "rear" and found == "front")


def score_file(recording: Recording, outcome: Outcome) -> FileScore:
    """``recording``'s label checked against what its analysis gave."""
    report = outcome.report if outcome.error is None else None
    found: list[Mapping[str, Any]] = list(report["reps"]) if report is not None else []
    scored = set(scored_faults(recording))
    report_unjudged = (
        tuple(str(item["fault"]) for item in report.get("unjudged", []))
        if report is not None
        else ()
    )
    checks = []
    pairs = match(recording, found)
    for pair in pairs:
        rep = found[pair.found] if pair.found is not None else None
        checks.append(_check(pair.label, pair.found, rep, scored, report_unjudged))
    labelled = recording.reps
    rep_error = None
    if labelled is not None:
        rep_error = len(found) - labelled
    return FileScore(
        recording=recording,
        error=outcome.error,
        found_reps=len(found) if report is not None else None,
        rep_error=rep_error,
        view=str(report["view"]) if report is not None else FAILED_VIEW,
        checks=tuple(checks),
        unpaired=tuple(unpaired(pairs, len(found))),
        unjudged=report_unjudged,
        seconds=outcome.seconds,
    )


def _check(
    label: LabelledRep,
    found: int | None,
    rep: Mapping[str, Any] | None,
    scored: set[str],
    report_unjudged: tuple[str, ...],
) -> RepCheck:
    """One labelled rep against its paired found ``rep`` (``None``: no pair). The rep's own
    ``unjudged`` is used when the report has it per rep, else the report's."""
    if rep is None:
        missed = _ordered((label.faults or frozenset()) & scored)
        return RepCheck(label, None, None, (), missed, (), ())
    span = (float(rep["start_s"]), float(rep["end_s"]))
    flagged = tuple(str(fault) for fault in rep["faults"])
    unjudged_ids = rep["unjudged"].keys() if "unjudged" in rep else report_unjudged
    unjudged = _ordered(set(unjudged_ids) & scored)
    if label.faults is None:
        return RepCheck(label, found, span, flagged, (), (), unjudged)
    hits = set(flagged) & scored
    missed = _ordered((label.faults & scored) - hits)
    false = _ordered(hits - label.faults)
    return RepCheck(label, found, span, flagged, missed, false, unjudged)


def _ordered(faults: set[str] | frozenset[str]) -> tuple[str, ...]:
    """``faults`` in coaching.md's priority order."""
    return tuple(fault for fault in FAULT_IDS if fault in faults)
