"""The keypoints JSONL file (interfaces.md): a source that yields poses instead of images,
and the writer that makes such files (``analyze --keypoints-out``).

Line 1 is a header, ``{"format": "movenet-keypoints", "version": 1, "width": W, "height": H,
"fps": F}`` (``F`` may be ``null`` when the rate is unknown). Every further line is one
frame, ``{"t_s": 0.033, "keypoints": [[y, x, score], ...17]}`` with ``y``, ``x`` normalised
to the frame, in MoveNet order, and ``"keypoints": null`` when no person was seen. Blank
lines are ignored; ``t_s`` (seconds) must increase strictly from line to line.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from appliance.errors import BadInput
from appliance.sources.base import ClosesOnExit, SourceBase
from appliance.types import KEYPOINT_NAMES, NUM_KEYPOINTS, Frame, Pose
from appliance.words import counted

FORMAT = "movenet-keypoints"
VERSION = 1
# Written precision: 1e-5 of the frame is 0.02 px on a 1920-px frame; times to 1 µs.
COORD_DECIMALS = 5
TIME_DECIMALS = 6


@dataclass(frozen=True)
class KeypointsData:
    """A whole keypoints file in arrays: ``t_s`` ``(n,)`` seconds, ``yx_score``
    ``(n, 17, 3)`` float32 (zeros where no person), ``present`` ``(n,)`` bool."""

    width: int
    height: int
    fps: float | None
    t_s: npt.NDArray[np.float64]
    yx_score: npt.NDArray[np.float32]
    present: npt.NDArray[np.bool_]


class KeypointsSource(SourceBase):
    """Frames from a keypoints file: ``image`` is ``None`` and ``pose`` carries the keypoints
    (``person_present=True``), or is ``None`` for a frame with ``"keypoints": null``.

    The whole file is read and checked at open time, so a malformed line is a ``BadInput``
    (``FILE line N: reason``) before the first frame. ``frames()`` can be called again.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.data = read_keypoints_jsonl(self.path)
        self.width, self.height = self.data.width, self.data.height
        self.nominal_fps = self.data.fps
        rate = f"{self.nominal_fps:g} fps" if self.nominal_fps else "unknown fps"
        self.description = (
            f"keypoints {self.path.name} ({counted(len(self.data.t_s), 'frame')}, "
            f"{self.width}x{self.height}, {rate})"
        )

    def frames(self) -> Iterator[Frame]:
        """One frame per line after the header, ``index`` from 0, ``t_s`` from the file."""
        data, w, h = self.data, self.width, self.height
        for index, (t_s, present) in enumerate(
            zip(data.t_s.tolist(), data.present.tolist(), strict=True)
        ):
            pose = Pose(data.yx_score[index].copy(), w, h, t_s, True) if present else None
            yield Frame(index, t_s, w, h, None, pose)


def read_keypoints_jsonl(path: Path) -> KeypointsData:
    """Read and check a whole keypoints file; ``BadInput`` names the first bad line."""
    try:
        with path.open(encoding="utf-8") as file:
            header_line = file.readline()
            if not header_line:
                raise BadInput(f"{path} is empty: expected a keypoints header line")
            width, height, fps = _parse_header(path, header_line)
            frames = _parse_frames(path, file)
    except UnicodeDecodeError as error:
        raise BadInput(f"{path} is not a text (UTF-8) keypoints file") from error
    except OSError as error:
        raise BadInput(f"{path}: cannot read ({error.strerror})") from error
    present = np.asarray(frames.present, dtype=bool)
    yx_score = np.zeros((len(present), NUM_KEYPOINTS, 3), dtype=np.float32)
    yx_score[present] = _keypoints_array(path, frames)
    return KeypointsData(
        width, height, fps, np.asarray(frames.times, dtype=np.float64), yx_score, present
    )


def _parse_header(path: Path, line: str) -> tuple[int, int, float | None]:
    def bad(reason: str) -> BadInput:
        return BadInput(f"{path} line 1: {reason}")

    try:
        header = json.loads(line)
    except ValueError as error:
        raise bad("not a keypoints file (the header is not JSON)") from error
    if not isinstance(header, dict):
        raise bad("not a keypoints file (the header is not a JSON object)")
    if header.get("format") != FORMAT:
        raise bad(f"not a keypoints file (format {header.get('format')!r}, expected {FORMAT!r})")
    if header.get("version") != VERSION or isinstance(header.get("version"), bool):
        raise bad(f"unsupported version {header.get('version')!r} (this program reads 1)")
    sizes = []
    for key in ("width", "height"):
        value = header.get(key)
        if type(value) is not int or value <= 0:
            raise bad(f"header {key} must be a whole number of pixels above 0, got {value!r}")
        sizes.append(value)
    if "fps" not in header:
        raise bad("header has no fps (use null if unknown)")
    fps = header["fps"]
    if fps is not None and not (_finite_number(fps) and fps > 0):
        raise bad(f"header fps must be a number above 0 or null, got {fps!r}")
    return sizes[0], sizes[1], None if fps is None else float(fps)


@dataclass
class _Frames:
    times: list[float] = field(default_factory=list)
    present: list[bool] = field(default_factory=list)
    # The keypoint values of frames with a person, flattened: 51 per frame, in file order.
    # Flat floats are cheap to keep (lists of lists would wake the garbage collector often).
    values: list[Any] = field(default_factory=list)
    keypoint_lines: list[int] = field(default_factory=list)
    suspicious: bool = False  # a JSON boolean somewhere, which numpy would take as 0/1


_ROW_LENGTHS = [3] * NUM_KEYPOINTS
_VALUES_PER_FRAME = NUM_KEYPOINTS * 3


def _parse_frames(path: Path, lines: Iterable[str]) -> _Frames:
    frames = _Frames()
    previous = -math.inf
    decode, extend, flatten = json.JSONDecoder().decode, frames.values.extend, chain.from_iterable

    def bad(number: int, reason: str) -> BadInput:
        _check_values(path, frames)  # a bad value on an earlier line is reported first
        return BadInput(f"{path} line {number}: {reason}")

    for number, line in enumerate(lines, start=2):
        if line.isspace():
            continue
        try:
            record = decode(line)
        except ValueError as error:
            raise bad(number, f"not valid JSON ({error})") from error
        if type(record) is not dict:
            raise bad(number, "expected a JSON object")
        t_s: Any = record.get("t_s")
        if not _finite_number(t_s):
            raise bad(number, "missing t_s" if t_s is None else f"t_s must be a number: {t_s!r}")
        if t_s <= previous:
            raise bad(number, f"t_s {t_s} is not after the previous line's {previous}")
        if "keypoints" not in record:
            raise bad(number, "missing keypoints (null if no person)")
        keypoints = record["keypoints"]
        frames.present.append(keypoints is not None)
        if keypoints is not None:
            if not _rows_of_three(keypoints):
                raise bad(number, _shape_problem(keypoints))
            extend(flatten(keypoints))
            frames.keypoint_lines.append(number)
            frames.suspicious = frames.suspicious or "true" in line or "false" in line
        frames.times.append(float(t_s))
        previous = t_s
    return frames


def _keypoints_array(path: Path, frames: _Frames) -> npt.NDArray[np.float32]:
    """All frames' keypoints as one ``(m, 17, 3)`` array; ``BadInput`` for the first bad
    value. The whole check is one numpy pass; lines are looked at one by one only when it
    fails."""
    values = np.asarray(frames.values) if frames.values else np.zeros(0)
    if frames.suspicious or values.dtype.kind not in "iuf" or not np.isfinite(values).all():
        _check_values(path, frames)
    return values.astype(np.float32).reshape(-1, NUM_KEYPOINTS, 3)


def _check_values(path: Path, frames: _Frames) -> None:
    for k, number in enumerate(frames.keypoint_lines):
        chunk = frames.values[k * _VALUES_PER_FRAME : (k + 1) * _VALUES_PER_FRAME]
        for i, value in enumerate(chunk):
            if not _finite_number(value):
                name = KEYPOINT_NAMES[i // 3]
                raise BadInput(
                    f"{path} line {number}: keypoint {name} has {value!r}, not a finite number"
                )


def _rows_of_three(keypoints: Any) -> bool:
    # Fast and loose (a 3-letter string passes as a row); the value check catches the rest.
    try:
        return type(keypoints) is list and list(map(len, keypoints)) == _ROW_LENGTHS
    except TypeError:
        return False


def _length(row: Any) -> int:
    return len(row) if type(row) is list else -1


def _shape_problem(keypoints: Any) -> str:
    expected = f"keypoints must be null or {NUM_KEYPOINTS} [y, x, score] rows"
    if type(keypoints) is not list:
        return expected
    if len(keypoints) != NUM_KEYPOINTS:
        return f"{expected}, got {len(keypoints)} rows"
    for row, name in zip(keypoints, KEYPOINT_NAMES, strict=True):
        if _length(row) != 3:
            return f"keypoint {name} must be [y, x, score], got {row!r}"
    return expected


def _finite_number(value: object) -> bool:
    # Booleans are not numbers here; huge ints would overflow float().
    if type(value) is float:
        return math.isfinite(value)
    return type(value) is int and abs(value) < 2**53


class KeypointsWriter(ClosesOnExit):
    """Writes a keypoints file: the header on open, then one line per ``write``.

    ``width``/``height`` are the frame size in pixels, ``fps`` the nominal rate (``None`` if
    unknown). A pose that is ``None`` or has ``person_present=False`` is written as
    ``"keypoints": null``. Coordinates are rounded to 1e-5 and times to 1 µs.
    """

    def __init__(self, path: str | Path, *, width: int, height: int, fps: float | None) -> None:
        if type(width) is not int or type(height) is not int or width <= 0 or height <= 0:
            raise ValueError(f"frame size must be positive pixels, got {width!r}x{height!r}")
        if fps is not None and not (math.isfinite(fps) and fps > 0):
            raise ValueError(f"fps must be above 0 or None, got {fps!r}")
        self.path = Path(path)
        self.frames_written = 0
        self._previous_t = -math.inf
        header = {"format": FORMAT, "version": VERSION, "width": width, "height": height}
        header["fps"] = None if fps is None else float(fps)
        self._file = self.path.open("w", encoding="utf-8", newline="\n")
        self._file.write(json.dumps(header) + "\n")

    def write(self, t_s: float, pose: Pose | None) -> None:
        """Add the frame at ``t_s`` seconds (after the previous one) with ``pose``."""
        t = round(float(t_s), TIME_DECIMALS)
        if not math.isfinite(t) or t <= self._previous_t:
            raise ValueError(f"t_s {t_s!r} must be finite and after {self._previous_t}")
        keypoints = None
        if pose is not None and pose.person_present:
            values = pose.yx_score.astype(np.float64)
            if not np.isfinite(values).all():
                raise ValueError(f"pose at t_s {t_s} has non-finite keypoints")
            keypoints = np.round(values, COORD_DECIMALS).tolist()
        record = {"t_s": t, "keypoints": keypoints}
        self._file.write(json.dumps(record, separators=(",", ":")) + "\n")
        self._previous_t = t
        self.frames_written += 1

    def close(self) -> None:
        """Flush and close the file. Safe to call more than once."""
        self._file.close()


def write_keypoints_jsonl(
    path: str | Path,
    frames: Iterable[tuple[float, Pose | None]],
    *,
    width: int,
    height: int,
    fps: float | None,
) -> int:
    """Write a whole keypoints file from ``(t_s, pose or None)`` pairs; returns the count."""
    with KeypointsWriter(path, width=width, height=height, fps=fps) as writer:
        for t_s, pose in frames:
            writer.write(t_s, pose)
        return writer.frames_written
