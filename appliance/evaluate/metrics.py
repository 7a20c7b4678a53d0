"""Every number of an evaluation, from the labels and the analysis outcomes alone (pure
functions: the tests feed them hand-made reports).

- reps: the share of recordings with the exact count and the mean absolute error (reps),
  over recordings whose ``reps`` is known; also by labelled view and by each tag's value;
- ghost reps: recordings labelled ``0`` reps in which reps were found;
- faults, per fault and labelled view: recall on labelled faulty reps (hits / n), how
  often the fault was unjudged on them, and the false-positive rate on paired good reps;
- view: the report's view against the labelled one, with the confusion counts;
- the worst recordings: failed first, then the largest rep error, then most fault errors.

A labelled view of ``null`` is counted under ``"none"``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from appliance.evaluate.labels import LABEL_VIEWS, Recording
from appliance.evaluate.scoring import (
    FileScore,
    Outcome,
    score_file,
    scored_faults,
    view_matches,
)
from appliance.types import FAULT_IDS

NO_VIEW = "none"
"""The key of recordings labelled ``"view": null``."""


@dataclass
class RepStats:
    """Rep counts over ``n`` recordings: how many were ``exact`` and the summed absolute
    error (reps)."""

    n: int = 0
    exact: int = 0
    abs_error: int = 0

    def add(self, score: FileScore) -> None:
        """Count ``score`` (whose ``rep_error`` is known)."""
        self.n += 1
        self.exact += score.reps_exact
        self.abs_error += abs(score.rep_error or 0)

    @property
    def exact_share(self) -> float:
        """Exact recordings / all (0.0 when there are none)."""
        return self.exact / self.n if self.n else 0.0

    @property
    def mean_abs_error(self) -> float:
        """Mean absolute rep error, reps per recording (0.0 when there are none)."""
        return self.abs_error / self.n if self.n else 0.0


@dataclass
class FaultRow:
    """One fault in one labelled view: ``hits`` of ``faulty`` labelled reps flagged,
    ``unjudged`` of them not judged, ``flags`` of ``good`` paired good reps flagged."""

    fault: str
    view: str
    faulty: int = 0
    hits: int = 0
    unjudged: int = 0
    good: int = 0
    flags: int = 0


@dataclass
class ViewStats:
    """Recordings with a labelled view: ``n``, how many the report got ``correct``, and
    ``confusion[labelled][found]`` counts."""

    n: int = 0
    correct: int = 0
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass
class Evaluation:
    """All the numbers, plus each recording's ``FileScore`` in labels order."""

    files: list[FileScore]
    reps: RepStats
    reps_by_view: dict[str, RepStats]
    reps_by_tag: dict[str, dict[str, RepStats]]
    ghosts_n: int
    ghosts: list[FileScore]
    faults: list[FaultRow]
    view: ViewStats

    @property
    def failed(self) -> list[FileScore]:
        """The recordings whose analysis failed."""
        return [score for score in self.files if score.error is not None]


def evaluate(recordings: Sequence[Recording], outcomes: Sequence[Outcome]) -> Evaluation:
    """Score each recording against its outcome (same order) and add everything up."""
    if len(recordings) != len(outcomes):
        raise ValueError(f"{len(recordings)} recordings but {len(outcomes)} outcomes")
    files = [score_file(r, o) for r, o in zip(recordings, outcomes, strict=True)]
    reps, by_view, by_tag = rep_stats(files)
    zero = [s for s in files if s.recording.reps == 0]
    ghosts = [s for s in zero if s.error is None and (s.found_reps or 0) > 0]
    return Evaluation(
        files, reps, by_view, by_tag, len(zero), ghosts, fault_rows(files), view_stats(files)
    )


def view_key(recording: Recording) -> str:
    """The labelled view as a key (``"none"`` for ``null``)."""
    return recording.view or NO_VIEW


def rep_stats(
    files: Sequence[FileScore],
) -> tuple[RepStats, dict[str, RepStats], dict[str, dict[str, RepStats]]]:
    """Rep counts overall, by labelled view, and by tag key then value (as text), over the
    recordings whose ``reps`` is known."""
    overall = RepStats()
    by_view: dict[str, RepStats] = defaultdict(RepStats)
    by_tag: dict[str, dict[str, RepStats]] = defaultdict(lambda: defaultdict(RepStats))
    for score in files:
        if score.recording.reps is None:
            continue
        overall.add(score)
        by_view[view_key(score.recording)].add(score)
        for key, value in score.recording.tags.items():
            by_tag[key][str(value)].add(score)
    views = sorted(by_view, key=view_order)
    return (
        overall,
        {view: by_view[view] for view in views},
        {key: dict(sorted(values.items())) for key, values in by_tag.items()},
    )


def fault_rows(files: Sequence[FileScore]) -> list[FaultRow]:
    """Per fault and labelled view, in coaching.md's order, the rows with any faulty or
    good rep. Faulty reps count toward recall whether paired or not; good reps count only
    when paired (a good rep never found cannot be flagged)."""
    rows: dict[tuple[str, str], FaultRow] = {}
    for score in files:
        view = view_key(score.recording)
        scored = scored_faults(score.recording)
        for check in score.checks:
            labelled = check.label.faults
            if labelled is None:
                continue
            for fault in scored:
                row = rows.setdefault((fault, view), FaultRow(fault, view))
                if fault in labelled:
                    row.faulty += 1
                    row.hits += check.found is not None and fault in check.found_faults
                    row.unjudged += fault in check.unjudged
                elif not labelled and check.found is not None:
                    row.good += 1
                    row.flags += fault in check.found_faults
    ordered = sorted(rows.values(), key=lambda r: (FAULT_IDS.index(r.fault), view_order(r.view)))
    return [row for row in ordered if row.faulty or row.good]


def view_stats(files: Sequence[FileScore]) -> ViewStats:
    """The report's view against the labelled one, over recordings with a labelled view."""
    stats = ViewStats()
    for score in files:
        labelled = score.recording.view
        if labelled is None:
            continue
        stats.n += 1
        stats.correct += view_matches(labelled, score.view)
        row = stats.confusion.setdefault(labelled, {})
        row[score.view] = row.get(score.view, 0) + 1
    stats.confusion = {
        view: dict(sorted(row.items(), key=lambda item: (-item[1], item[0])))
        for view, row in sorted(stats.confusion.items(), key=lambda item: view_order(item[0]))
    }
    return stats


def worst(files: Sequence[FileScore], k: int) -> list[FileScore]:
    """At most ``k`` recordings with something wrong (a failed analysis, a rep error, a
    missed or false fault): failed first, then the largest rep error, then the most fault
    errors, then by path."""
    wrong = [s for s in files if s.error is not None or s.rep_error or s.fault_errors]
    wrong.sort(
        key=lambda s: (s.error is None, -abs(s.rep_error or 0), -s.fault_errors, s.recording.path)
    )
    return wrong[:k]


def view_order(view: str) -> tuple[int, str]:
    """Sort key of a labelled view: side, front, oblique, rear, none, then any other."""
    order = (*LABEL_VIEWS, NO_VIEW)
    return (order.index(view) if view in order else len(order), view)
