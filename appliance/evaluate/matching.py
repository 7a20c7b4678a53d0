"""Pairing the reps a label says a recording holds with the reps the analysis found.

With ``rep_labels`` the pairs go by overlap in time: the labelled and found reps that
overlap most are paired first, then the next largest overlap among those left, and so on
(each rep in at most one pair; reps that overlap nothing stay unpaired). Without, the
first found reps are paired with the labelled ones in order. Found reps are the report's
``reps`` (dicts with ``start_s`` and ``end_s`` in seconds), referred to by their position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from appliance.evaluate.labels import Recording


@dataclass(frozen=True)
class LabelledRep:
    """One rep a label stands for: its 1-based ``index``; ``start_s`` and ``end_s``
    (seconds) when the label times it; its ``faults`` (empty: good), ``None`` when the
    recording's faults are not labelled."""

    index: int
    start_s: float | None
    end_s: float | None
    faults: frozenset[str] | None


@dataclass(frozen=True)
class Pair:
    """A labelled rep and the position (0-based) in the report's ``reps`` of the found rep
    paired with it, ``None`` when none was."""

    label: LabelledRep
    found: int | None


def labelled_reps(recording: Recording, found: int) -> list[LabelledRep]:
    """The reps ``recording``'s label stands for. Without ``rep_labels``, ``reps`` reps
    showing the recording's ``faults``; when ``reps`` is unknown, the faults are taken to
    hold for each of the ``found`` reps, so there are that many."""
    if recording.rep_labels is not None:
        return [
            LabelledRep(i, rep.start_s, rep.end_s, rep.faults)
            for i, rep in enumerate(recording.rep_labels, start=1)
        ]
    count = recording.reps
    if count is None:
        count = found if recording.faults is not None else 0
    return [LabelledRep(i, None, None, recording.faults) for i in range(1, count + 1)]


def match(recording: Recording, found: Sequence[Mapping[str, Any]]) -> list[Pair]:
    """One ``Pair`` per labelled rep of ``recording``, in label order, against the
    report's ``found`` reps."""
    labels = labelled_reps(recording, len(found))
    if recording.rep_labels is None:
        return [Pair(label, i if i < len(found) else None) for i, label in enumerate(labels)]
    candidates = sorted(
        (
            (-overlap, i, j)
            for i, label in enumerate(labels)
            for j, rep in enumerate(found)
            if (overlap := overlap_s(label, rep)) > 0.0
        ),
    )
    paired: dict[int, int] = {}
    used: set[int] = set()
    for _, i, j in candidates:
        if i not in paired and j not in used:
            paired[i] = j
            used.add(j)
    return [Pair(label, paired.get(i)) for i, label in enumerate(labels)]


def overlap_s(label: LabelledRep, rep: Mapping[str, Any]) -> float:
    """How long (seconds) a timed labelled rep and a found rep overlap; 0.0 when apart or
    when the label has no times."""
    if label.start_s is None or label.end_s is None:
        return 0.0
    start = max(label.start_s, float(rep["start_s"]))
    end = min(label.end_s, float(rep["end_s"]))
    return max(0.0, end - start)


def unpaired(pairs: Sequence[Pair], found: int) -> list[int]:
    """Positions (0-based) of the ``found`` reps no labelled rep was paired with."""
    used = {pair.found for pair in pairs}
    return [j for j in range(found) if j not in used]
