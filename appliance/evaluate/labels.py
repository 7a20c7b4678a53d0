"""A labels file (docs/labels.md): what each recording really shows, read and checked.

``load_labels`` reads the file; ``parse_labels`` checks already-parsed JSON. Every problem
is one ``BadInput`` line naming the file and the key, e.g.
``labels.json: files[3].rep_labels[1].end_s: expected a number after start_s (4.2), got 3.9``.
Times are seconds on the recording's clock. The recordings themselves are not opened here:
a missing one is the analysis's error, reported on its own row.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from appliance.analyze.report import check_keys
from appliance.errors import BadInput
from appliance.types import FAULT_IDS, MODES

FORMAT = "hinge-mirror-labels"
VERSION = 1
LABEL_VIEWS: tuple[str, ...] = ("side", "front", "oblique", "rear")
"""The views a label may name (``null`` aside); the report's are side, front, oblique."""

_TOP_KEYS = {"format": True, "version": True, "root": False, "files": True}
_FILE_KEYS = {
    "path": True,
    "mode": True,
    "view": True,
    "reps": True,
    "rep_labels": False,
    "faults": False,
    "unsure": False,
    "tags": False,
    "side_path": False,
    "side_offset_s": False,
    "second_view": False,
    "side_failure": False,
}
_REP_KEYS = {"start_s": True, "end_s": True, "faults": True}

TagValue = str | int | float


@dataclass(frozen=True)
class RepLabel:
    """One labelled rep: ``start_s`` (the descent begins, or the pull leaves the floor) and
    ``end_s`` (lockout) in seconds, and the faults it shows (empty: a good rep)."""

    start_s: float
    end_s: float
    faults: frozenset[str]


@dataclass(frozen=True)
class Recording:
    """One labelled recording. ``view`` is ``None`` when it changes or is unclear; ``reps``
    is ``None`` when unknown. ``rep_labels`` (one per rep, in time order) or ``faults``
    (the faults every rep shows) say what the reps show; both ``None``: not labelled."""

    path: str
    mode: str
    view: str | None
    reps: int | None
    rep_labels: tuple[RepLabel, ...] | None = None
    faults: frozenset[str] | None = None
    unsure: frozenset[str] = frozenset()
    tags: Mapping[str, TagValue] = field(default_factory=dict)
    side_path: str | None = None
    side_offset_s: float = 0.0


@dataclass(frozen=True)
class Labels:
    """A loaded labels file: where it is, the folder its paths are relative to, and its
    recordings in file order."""

    path: Path
    root: Path
    recordings: tuple[Recording, ...]

    def source(self, recording: Recording) -> Path:
        """Where ``recording`` is on this machine."""
        return self.root / recording.path

    def side_source(self, recording: Recording) -> Path | None:
        """Where ``recording``'s side-camera recording is (docs/labels.md, "Camera
        pairs"), ``None`` for one camera."""
        return None if recording.side_path is None else self.root / recording.side_path


def load_labels(path: Path, root: Path | None = None) -> Labels:
    """Read and check the labels file at ``path``. ``root`` (the ``--root`` option)
    overrides the file's own ``root``; ``BadInput`` (one line) for any problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise BadInput(f"{path}: no such labels file") from error
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"{path}: cannot read the labels file ({error})") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadInput(
            f"{path}: not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from error
    try:
        recordings = parse_labels(data)
    except ValueError as error:
        raise BadInput(f"{path}: {error}") from error
    if root is None:
        root = path.parent / data.get("root", ".")
    if not root.is_dir():
        raise BadInput(f"{path}: the recordings' folder {root} does not exist (see --root)")
    return Labels(path, root, recordings)


def parse_labels(data: Any) -> tuple[Recording, ...]:
    """The recordings of a parsed labels file; ``ValueError`` naming the first problem."""
    check_keys(data, _TOP_KEYS, "labels")
    if data["format"] != FORMAT:
        raise ValueError(f"format: expected {FORMAT!r}, got {data['format']!r}")
    if type(data["version"]) is not int or data["version"] != VERSION:
        raise ValueError(f"version: expected {VERSION}, got {data['version']!r}")
    if "root" in data:
        _text(data["root"], "root")
    files = data["files"]
    if not isinstance(files, list) or not files:
        raise ValueError("files: expected a list of at least one recording")
    recordings = tuple(_recording(item, f"files[{i}]") for i, item in enumerate(files))
    seen: set[str] = set()
    for i, recording in enumerate(recordings):
        if recording.path in seen:
            raise ValueError(f"files[{i}].path: {recording.path!r} is listed twice")
        seen.add(recording.path)
    return recordings


def _recording(item: Any, where: str) -> Recording:
    check_keys(item, _FILE_KEYS, where)
    path = _text(item["path"], f"{where}.path")
    mode = item["mode"]
    if mode not in MODES:
        raise ValueError(f"{where}.mode: expected one of {', '.join(MODES)}, got {mode!r}")
    view = item["view"]
    if view is not None and view not in LABEL_VIEWS:
        raise ValueError(
            f"{where}.view: expected one of {', '.join(LABEL_VIEWS)} or null, got {view!r}"
        )
    reps = item["reps"]
    if reps is not None and (type(reps) is not int or reps < 0):
        raise ValueError(f"{where}.reps: expected a whole number >= 0 or null, got {reps!r}")
    rep_labels = None
    if "rep_labels" in item:
        rep_labels = _rep_labels(item["rep_labels"], reps, f"{where}.rep_labels")
    faults = None
    if "faults" in item:
        if rep_labels is not None:
            raise ValueError(f"{where}.faults: give faults in rep_labels or here, not both")
        faults = _faults(item["faults"], f"{where}.faults")
    unsure = _faults(item.get("unsure", []), f"{where}.unsure")
    tags = item.get("tags", {})
    if not isinstance(tags, dict):
        raise ValueError(f"{where}.tags: expected an object, got {type(tags).__name__}")
    for key, value in tags.items():
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError(f"{where}.tags.{key}: expected a string or a number, got {value!r}")
    side_path = None
    if "side_path" in item:
        side_path = _text(item["side_path"], f"{where}.side_path")
    offset = item.get("side_offset_s", 0.0)
    if isinstance(offset, bool) or not isinstance(offset, int | float) or not math.isfinite(offset):
        raise ValueError(f"{where}.side_offset_s: expected a number of seconds, got {offset!r}")
    return Recording(
        path, mode, view, reps, rep_labels, faults, unsure, dict(tags), side_path, float(offset)
    )


def _rep_labels(value: Any, reps: int | None, where: str) -> tuple[RepLabel, ...]:
    if not isinstance(value, list):
        raise ValueError(f"{where}: expected a list, got {type(value).__name__}")
    if reps is None:
        raise ValueError(f"{where}: labelled reps need reps (got null)")
    if len(value) != reps:
        raise ValueError(f"{where}: {len(value)} labelled reps, but reps is {reps}")
    labels: list[RepLabel] = []
    previous_end = -math.inf
    for i, rep in enumerate(value):
        here = f"{where}[{i}]"
        check_keys(rep, _REP_KEYS, here)
        start_s = _time(rep["start_s"], f"{here}.start_s")
        end_s = _time(rep["end_s"], f"{here}.end_s")
        if end_s <= start_s:
            raise ValueError(f"{here}.end_s: {end_s} is not after start_s ({start_s})")
        if start_s < previous_end:
            raise ValueError(f"{here}.start_s: {start_s} is before the previous rep's end_s")
        previous_end = end_s
        labels.append(RepLabel(start_s, end_s, _faults(rep["faults"], f"{here}.faults")))
    return tuple(labels)


def _faults(value: Any, where: str) -> frozenset[str]:
    if not isinstance(value, list):
        raise ValueError(f"{where}: expected a list of fault ids, got {value!r}")
    for fault in value:
        if fault not in FAULT_IDS:
            raise ValueError(f"{where}: {fault!r} is not a fault id (see coaching.md)")
    if len(set(value)) != len(value):
        raise ValueError(f"{where}: a fault is listed twice: {value}")
    return frozenset(value)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: expected a non-empty string, got {value!r}")
    return value


def _time(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{where}: expected a number of seconds, got {value!r}")
    if value < 0:
        raise ValueError(f"{where}: expected seconds >= 0, got {value}")
    return float(value)
