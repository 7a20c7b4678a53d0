"""Session history: the one module that owns the SQLite database (nothing else writes SQL).

``open_history()`` is what the appliance calls at start-up; ``HistoryStore`` records
sessions → sets → reps and cues as they happen and answers ``sets(person, since)``; in
the studio profile it can keep anonymous ``daily_counts()`` instead. ``inspect_history()``
only looks at the file (read-only, for ``doctor``).
"""

from appliance.history.errors import HistoryUnavailable, HistoryWriteFailed
from appliance.history.inspection import HistorySummary, inspect_history
from appliance.history.records import CueRecord, DailyCount, SetRecord
from appliance.history.schema import LATEST_VERSION
from appliance.history.store import (
    COUNTS_OFF_NOTICE,
    DAMAGED_NOTICE,
    HistoryStore,
    default_history_path,
    open_history,
)

__all__ = [
    "COUNTS_OFF_NOTICE",
    "DAMAGED_NOTICE",
    "LATEST_VERSION",
    "CueRecord",
    "DailyCount",
    "HistoryStore",
    "HistorySummary",
    "HistoryUnavailable",
    "HistoryWriteFailed",
    "SetRecord",
    "default_history_path",
    "inspect_history",
    "open_history",
]
