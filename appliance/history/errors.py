"""Errors of the history store (candidates to move into ``appliance.errors``).

Both are ``ApplianceError``s with a one-line message. The live loop should never stop
coaching because of either: it keeps going without history and shows a notice.
"""

from __future__ import annotations

from appliance.errors import ApplianceError


class HistoryUnavailable(ApplianceError, RuntimeError):
    """The history database cannot be opened: no permission, locked, or from a newer
    version of the appliance. A damaged file is not this: it is set aside instead."""


class HistoryWriteFailed(ApplianceError, RuntimeError):
    """Writing to the history database failed (disk full, I/O error, unknown set id)."""
