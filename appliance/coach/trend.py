"""This set against the lifter's last sets: is the score going up, is the fault going away?

Pure functions of stored sets; the session asks at the end of a set and the summary screen
shows the answer. Only sets of the same person and mode with at least one rep count, and
only the last ``LAST_SETS`` of them: a comparison with last month says little about today.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from appliance.history.records import SetRecord
from appliance.words import counted

LAST_SETS = 3
LEVEL_POINTS = 3.0  # a change of the average score smaller than this is "level" (points)
SHARE_CHANGE = 0.15  # a fault share must move this much (of the reps) to be better/worse


@dataclass(frozen=True)
class SetComparison:
    """This set against the same lifter's last sets in the same mode: their average scores
    (0..100, oldest first, this set last), a line on the score (``"Up 6 on your last 3
    sets (81)"``), the fault that matters and how it went (``"1 of 5 reps, was 50%"``),
    and whether each is ``"better"``, ``"same"`` or ``"worse"`` (their colours)."""

    averages: tuple[float, ...]
    score_line: str
    score_trend: str = "same"
    fault: str | None = None
    fault_detail: str | None = None
    fault_trend: str = "same"

    @property
    def fault_line(self) -> str | None:
        """The fault's line with its name: ``"Squatting: 1 of 5 reps, was 50%"``."""
        if self.fault is None or self.fault_detail is None:
            return None
        return f"{self.fault.replace('_', ' ').capitalize()}: {self.fault_detail}"


def compare_with_last_sets(
    scores: Sequence[int], rep_faults: Sequence[Sequence[str]], previous: Sequence[SetRecord]
) -> SetComparison | None:
    """This set (each rep's score 0..100 and faults) against ``previous`` sets (oldest
    first, already only this lifter's, this mode's); ``None`` without a previous set with
    reps or without reps in this set."""
    earlier = [record for record in previous if record.reps][-LAST_SETS:]
    if not earlier or not scores:
        return None
    average = sum(scores) / len(scores)
    before = [sum(r.scores) / len(r.scores) for r in earlier]
    fault, detail, fault_trend = _fault_line(
        rep_faults, [rep.faults for r in earlier for rep in r.reps]
    )
    score_line, score_trend = _score_line(average, sum(before) / len(before), len(before))
    return SetComparison(
        averages=(*before, average),
        score_line=score_line,
        score_trend=score_trend,
        fault=fault,
        fault_detail=detail,
        fault_trend=fault_trend,
    )


def _score_line(average: float, before: float, sets: int) -> tuple[str, str]:
    """The line on the average score against ``before``, and its trend."""
    over = "your last set" if sets == 1 else f"your last {sets} sets"
    change = round(average - before)
    if abs(average - before) < LEVEL_POINTS:
        return f"Level with {over} ({before:.0f})", "same"
    if change > 0:
        return f"Up {change} on {over} ({before:.0f})", "better"
    return f"Down {-change} on {over} ({before:.0f})", "worse"


def _fault_line(
    now: Sequence[Sequence[str]], before: Sequence[Sequence[str]]
) -> tuple[str | None, str | None, str]:
    """The fault that matters, how it went, and its trend: this set's most common fault,
    else the one that used to be most common (gone now)."""
    counts_now = Counter(f for faults in now for f in set(faults))
    counts_before = Counter(f for faults in before for f in set(faults))
    common = (counts_now or counts_before).most_common(1)
    if not common:
        return None, None, "same"
    fault = common[0][0]
    share_now = counts_now[fault] / len(now)
    share_before = counts_before[fault] / len(before) if before else 0.0
    if counts_now[fault] == 0:
        detail = f"gone this set (was {share_before:.0%} of reps)"
    elif counts_before[fault] == 0:
        detail = f"{counts_now[fault]} of {counted(len(now), 'rep')}, new this set"
    else:
        detail = f"{counts_now[fault]} of {counted(len(now), 'rep')}, was {share_before:.0%}"
    change = share_now - share_before
    trend = "same" if abs(change) < SHARE_CHANGE else ("better" if change < 0 else "worse")
    return fault, detail, trend
