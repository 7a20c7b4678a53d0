"""The printed table of ``hinge-mirror evaluate`` (the ``summarize()`` people quote).

Sections: reps (overall, by labelled view, by each tag), ghost reps, faults per labelled
view, view accuracy, the worst recordings, the wall time. Shares are ``hits/n (NN%)``;
rep errors are mean absolute errors in reps per recording. Plain text, at most about 100
columns (long breakdowns wrap).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from appliance.evaluate.metrics import Evaluation, FaultRow, RepStats, view_order, worst
from appliance.evaluate.scoring import FileScore

WIDTH = 100
LABEL_W = 14


def format_table(
    evaluation: Evaluation, *, labels_name: str, worst_k: int, wall_s: float, jobs: int
) -> str:
    """The whole table for ``evaluation`` of the labels file ``labels_name``."""
    failed = len(evaluation.failed)
    lines = [
        f"Evaluated {len(evaluation.files)} recordings from {labels_name}"
        + (f" ({failed} could not be analysed)" if failed else ""),
        "",
    ]
    lines += _reps(evaluation)
    lines += _ghosts(evaluation)
    lines += _faults(evaluation)
    lines += _view(evaluation)
    lines += _worst(worst(evaluation.files, worst_k), worst_k)
    lines.append(_row("Wall time", f"{wall_s:.1f} s ({jobs} job{'s' if jobs != 1 else ''})"))
    return "\n".join(lines)


def share(part: int, whole: int) -> str:
    """``part/whole (NN%)``, or ``-`` when ``whole`` is 0."""
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "-"


def tag_breakdowns(by_tag: Mapping[str, Mapping[str, RepStats]]) -> dict[str, dict[str, RepStats]]:
    """The tag keys worth a breakdown: those with a value shared by two or more recordings
    (a free note on one recording says nothing about a group)."""
    return {
        key: dict(values)
        for key, values in by_tag.items()
        if any(stats.n >= 2 for stats in values.values())
    }


def _fold_singles(values: Mapping[str, RepStats]) -> dict[str, RepStats]:
    """``values`` with those of a single recording added up as ``N others`` (last)."""
    kept = {value: stats for value, stats in values.items() if stats.n > 1}
    singles = [stats for stats in values.values() if stats.n == 1]
    if len(singles) > 1:
        kept[f"{len(singles)} others"] = RepStats(
            len(singles), sum(s.exact for s in singles), sum(s.abs_error for s in singles)
        )
    elif singles:
        kept.update({value: stats for value, stats in values.items() if stats.n == 1})
    return kept


def _reps(evaluation: Evaluation) -> list[str]:
    stats = evaluation.reps
    unscored = sum(s.recording.reps is None for s in evaluation.files)
    head = f"exact {share(stats.exact, stats.n)}, mean abs error {stats.mean_abs_error:.2f}"
    if unscored:
        head += f"   ({unscored} with reps unknown, not scored)"
    lines = [_row("Reps", head)]
    lines += _wrapped("  view", [_group(v, s) for v, s in evaluation.reps_by_view.items()])
    for key, values in tag_breakdowns(evaluation.reps_by_tag).items():
        lines += _wrapped(f"  {key}", [_group(v, s) for v, s in _fold_singles(values).items()])
    return [*lines, ""]


def _group(name: str, stats: RepStats) -> str:
    """``side 32/36 err 0.11``: exact of n, and the mean absolute error when not 0."""
    error = f" err {stats.mean_abs_error:.2f}" if stats.abs_error else ""
    return f"{name} {stats.exact}/{stats.n}{error}"


def _ghosts(evaluation: Evaluation) -> list[str]:
    ghosts = evaluation.ghosts
    head = f"{len(ghosts)} of {evaluation.ghosts_n} recordings labelled 0 reps had reps found"
    lines = [_row("Ghost reps", head + (":" if ghosts else ""))]
    lines += _wrapped("", [f"{s.recording.path} ({s.found_reps})" for s in ghosts])
    return [*lines, ""]


def _faults(evaluation: Evaluation) -> list[str]:
    """A row per fault and labelled view with a faulty rep or a flag; the faults never
    flagged on any good rep of a view (and with no faulty rep there) are named together."""
    rows = evaluation.faults
    if not rows:
        return [_row("Faults", "no labelled reps to score"), ""]
    lines = [_row("Faults", "recall on faulty reps, false positives on good reps")]
    shown = [row for row in rows if row.faulty or row.flags]
    if shown:
        lines.append(f"  {'fault':<20}{'view':<9}{'recall':<16}{'unjudged':<10}false positives")
    for row in shown:
        unjudged = f"{row.unjudged}/{row.faulty}" if row.faulty else "-"
        lines.append(
            f"  {row.fault:<20}{row.view:<9}{share(row.hits, row.faulty):<16}{unjudged:<10}"
            f"{share(row.flags, row.good)}"
        )
    quiet: dict[str, list[FaultRow]] = {}
    for row in rows:
        if not (row.faulty or row.flags):
            quiet.setdefault(row.view, []).append(row)
    if quiet:
        lines.append("  never flagged on a good rep:")
    for view in sorted(quiet, key=view_order):
        good = max(row.good for row in quiet[view])
        names = [row.fault for row in quiet[view]]
        lines += _wrapped(f"    {view}", [f"{good} good reps: {names[0]}", *names[1:]], sep=", ")
    return [*lines, ""]


def _view(evaluation: Evaluation) -> list[str]:
    stats = evaluation.view
    lines = [_row("View", f"correct {share(stats.correct, stats.n)} (labelled -> found)")]
    for labelled, found in stats.confusion.items():
        counts = ", ".join(f"{view} {n}" for view, n in found.items())
        lines.append(f"  {labelled:<{LABEL_W - 2}}{counts}")
    return [*lines, ""]


def _worst(scores: list[FileScore], k: int) -> list[str]:
    if not scores:
        return [_row(f"Worst {k}", "nothing wrong"), ""]
    lines = [_row(f"Worst {k}", "failed first, then rep error, then fault errors")]
    width = max(len(s.recording.path) for s in scores)
    for score in scores:
        labelled = "?" if score.recording.reps is None else str(score.recording.reps)
        found = "-" if score.found_reps is None else str(score.found_reps)
        text = f"  {score.recording.path:<{width}}  reps {labelled:>2} found {found:>2}"
        if score.error is not None:
            lines.append(f"{text}  error: {score.error}")
            continue
        missed = _faults_by_rep(score, missed=True)
        false = _faults_by_rep(score, missed=False)
        lines.append(
            text + (f"  missed {missed}" if missed else "") + (f"  false {false}" if false else "")
        )
    return [*lines, ""]


def _faults_by_rep(score: FileScore, *, missed: bool) -> str:
    """``rounded_back (rep 2), head_up (reps 1-3, 5)``; no rep numbers for a one-rep label."""
    reps: dict[str, list[int]] = {}
    for check in score.checks:
        for fault in check.missed if missed else check.false:
            reps.setdefault(fault, []).append(check.label.index)
    if len(score.checks) == 1:
        return ", ".join(reps)
    return ", ".join(
        f"{fault} (rep{'s' if len(numbers) > 1 else ''} {_runs(numbers)})"
        for fault, numbers in reps.items()
    )


def _runs(numbers: list[int]) -> str:
    """``1-3, 5`` for ``[1, 2, 3, 5]`` (sorted, distinct)."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _row(label: str, text: str) -> str:
    return f"{label:<{LABEL_W - 1}} {text}"


def _wrapped(label: str, items: Iterable[str], sep: str = " | ") -> list[str]:
    """``label`` then the items joined by ``sep``, wrapped between items to ``WIDTH`` (a
    wrapped line ends with the separator)."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + len(sep) + len(item) <= WIDTH - LABEL_W:
            lines[-1] += sep + item
        else:
            if lines:
                lines[-1] += sep.rstrip()
            lines.append(item)
    return [_row(label if i == 0 else "", line) for i, line in enumerate(lines)]
