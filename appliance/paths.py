"""Where the appliance keeps its files: one rule for the model, the history and the voice.

Under systemd the unit's ``StateDirectory=`` (``$STATE_DIRECTORY``, the first entry if it
lists several) holds everything; elsewhere the user's XDG folder for that kind of file.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_FOLDER = "hinge-mirror"


def state_path(
    name: str,
    *,
    override_env: str | None = None,
    xdg_env: str = "XDG_DATA_HOME",
    xdg_default: str = ".local/share",
) -> Path:
    """``$override_env`` if set, else ``$STATE_DIRECTORY/name``, else
    ``$xdg_env/hinge-mirror/name`` (``~/xdg_default`` when that is unset)."""
    if override_env and (override := os.environ.get(override_env)):
        return Path(override)
    if state := os.environ.get("STATE_DIRECTORY"):
        return Path(state.split(":")[0]) / name
    base = os.environ.get(xdg_env) or str(Path.home() / xdg_default)
    return Path(base) / APP_FOLDER / name
