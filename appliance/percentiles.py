"""The one percentile the project reports for timings: the 95th, nearest-rank."""

from __future__ import annotations

from collections.abc import Iterable


def p95(values: Iterable[float]) -> float:
    """The 95th percentile of ``values`` (at least one), as the nearest sorted value."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
