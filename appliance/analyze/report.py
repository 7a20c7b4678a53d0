"""The analysis report, version 1 (interfaces.md): built from what the pipeline found, and
checked against the documented shape.

Every time is in seconds on the source's clock, rounded to the millisecond. Extensions to
version 1 (allowed by interfaces.md, never changing a documented field):

- ``person_seen`` (bool): whether anyone was seen at all. When false, ``view`` is
  ``"unknown"`` and there are no reps.
- ``complete`` (bool): false when the source ended early with an error (a file cut short);
  the report then holds what was found up to that point.
- ``cues[].kind``: ``"fault"``, ``"praise"`` or ``"guidance"``. ``cues[].fault`` is ``null``
  for cues about no one fault (guidance, praise for a clean rep); a fault cue names one.
- ``reps[].unjudged``: fault id → why it could not be judged on that rep.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from appliance.form.evaluator import SetSummary
from appliance.types import FAULT_IDS, MODES, STICK_FAULT_IDS, VIEWS, CueEvent, Rep

VERSION = 1
ALL_FAULT_IDS = FAULT_IDS + STICK_FAULT_IDS
"""coaching.md's fault ids, then the drill stick's (drill mode only; README.md)."""
TIME_DECIMALS = 3
CUE_KINDS = ("fault", "praise", "guidance")

_TOP_KEYS = {
    "version": True,
    "source": True,
    "mode": True,
    "view": True,
    "frames": True,
    "fps": True,
    "duration_s": True,
    "reps": True,
    "faults": True,
    "cues": True,
    "unjudged": True,
    "person_seen": False,
    "complete": False,
    "cameras": False,
}
"""Key → required. The optional ones are our extensions."""
_REP_KEYS = {
    "index": True,
    "start_s": True,
    "bottom_s": True,
    "end_s": True,
    "faults": True,
    "score": True,
    "metrics": True,
    "unjudged": False,
    "judged_by": False,
}
_CUE_KEYS = {"t_s": True, "fault": True, "text": True, "kind": False}
_UNJUDGED_KEYS = {"fault": True, "reason": True}


def clip_timing(frames: int, nominal_fps: float | None, last_t_s: float) -> tuple[float, float]:
    """``(fps, duration_s)`` of a clip of ``frames`` frames whose last frame is at
    ``last_t_s`` seconds: the nominal rate when the source states one, else the rate the
    timestamps show (0.0 when one frame or none cannot tell)."""
    fps = nominal_fps or (((frames - 1) / last_t_s) if frames > 1 and last_t_s > 0 else 0.0)
    duration_s = (last_t_s + 1.0 / fps) if frames and fps > 0 else max(0.0, last_t_s)
    return round(fps, 3), round(duration_s, TIME_DECIMALS)


def build_report(
    *,
    source: str,
    summary: SetSummary,
    cues: Iterable[CueEvent],
    frames: int,
    fps: float,
    duration_s: float,
    complete: bool = True,
    cameras: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The version-1 report of one analysed source (``fps`` frames per second,
    ``duration_s`` seconds). ``frames`` counts the frames analysed. ``cameras``: with a
    side camera, what each camera was (README.md, "Two cameras")."""
    reps = [_rep(rep) for rep in summary.reps]
    counts = {fault: sum(fault in rep["faults"] for rep in reps) for fault in ALL_FAULT_IDS}
    extra = {} if cameras is None else {"cameras": cameras}
    return {
        "version": VERSION,
        "source": source,
        "mode": summary.mode,
        "view": summary.view if summary.person_seen else "unknown",
        "frames": int(frames),
        "fps": float(fps),
        "duration_s": float(duration_s),
        "reps": reps,
        "faults": {fault: n for fault, n in counts.items() if n},
        "cues": [_cue(cue) for cue in cues],
        "unjudged": [
            {"fault": fault, "reason": str(reason)} for fault, reason in summary.unjudged.items()
        ],
        "person_seen": bool(summary.person_seen),
        "complete": bool(complete),
        **extra,
    }


def _rep(rep: Rep) -> dict[str, Any]:
    return {
        "index": int(rep.index),
        "start_s": _time(rep.start_s),
        "bottom_s": _time(rep.bottom_s),
        "end_s": _time(rep.end_s),
        "faults": list(rep.faults),
        "score": int(rep.score),
        "metrics": {str(name): round(float(value), 3) for name, value in rep.metrics.items()},
        "unjudged": {str(fault): str(why) for fault, why in rep.unjudged.items()},
        **({"judged_by": dict(rep.judged_by)} if rep.judged_by else {}),
    }


def _cue(cue: CueEvent) -> dict[str, Any]:
    return {"t_s": _time(cue.t_s), "fault": cue.fault, "text": cue.text, "kind": cue.kind}


def _time(t_s: float) -> float:
    return round(float(t_s), TIME_DECIMALS)


# --- validation ----------------------------------------------------------------------------


def validate_report(report: Mapping[str, Any]) -> None:
    """Check ``report`` against the version-1 shape of interfaces.md (plus the extensions
    above); ``ValueError`` naming the first deviation, e.g. ``reps[0].end_s: before
    bottom_s``."""
    check_keys(report, _TOP_KEYS, "report")
    if type(report["version"]) is not int or report["version"] != VERSION:
        raise ValueError(f"version: expected {VERSION}, got {report['version']!r}")
    _string(report["source"], "source")
    _one_of(report["mode"], MODES, "mode")
    _one_of(report["view"], VIEWS, "view")
    _count(report["frames"], "frames")
    _number(report["fps"], "fps")
    _number(report["duration_s"], "duration_s")
    reps = _list(report["reps"], "reps")
    previous_end = -math.inf
    for i, rep in enumerate(reps):
        previous_end = _check_rep(rep, i, previous_end)
    _check_fault_counts(report["faults"], reps)
    previous_t = -math.inf
    for i, cue in enumerate(_list(report["cues"], "cues")):
        previous_t = _check_cue(cue, f"cues[{i}]", previous_t)
    for i, item in enumerate(_list(report["unjudged"], "unjudged")):
        where = f"unjudged[{i}]"
        check_keys(item, _UNJUDGED_KEYS, where)
        _one_of(item["fault"], ALL_FAULT_IDS, f"{where}.fault")
        _string(item["reason"], f"{where}.reason")
    for flag in ("person_seen", "complete"):
        if flag in report and type(report[flag]) is not bool:
            raise ValueError(f"{flag}: expected true or false, got {report[flag]!r}")
    if report.get("person_seen") is False and (reps or report["view"] != "unknown"):
        raise ValueError("person_seen is false but the report has reps or a view")


def _check_rep(rep: Any, i: int, previous_end: float) -> float:
    where = f"reps[{i}]"
    check_keys(rep, _REP_KEYS, where)
    if type(rep["index"]) is not int or rep["index"] != i + 1:
        raise ValueError(f"{where}.index: expected {i + 1}, got {rep['index']!r}")
    times = [_number(rep[key], f"{where}.{key}") for key in ("start_s", "bottom_s", "end_s")]
    if not times[0] <= times[1] <= times[2]:
        raise ValueError(f"{where}: times must satisfy start_s <= bottom_s <= end_s, got {times}")
    if times[0] < previous_end:
        raise ValueError(f"{where}.start_s: {times[0]} is before the previous rep's end")
    faults = _list(rep["faults"], f"{where}.faults")
    for fault in faults:
        _one_of(fault, ALL_FAULT_IDS, f"{where}.faults")
    if len(set(faults)) != len(faults):
        raise ValueError(f"{where}.faults: a fault is listed twice: {faults}")
    score = rep["score"]
    if type(score) is not int or not 0 <= score <= 100:
        raise ValueError(f"{where}.score: expected an integer 0..100, got {score!r}")
    metrics = _dict(rep["metrics"], f"{where}.metrics")
    for name, value in metrics.items():
        _string(name, f"{where}.metrics key")
        _number(value, f"{where}.metrics.{name}", minimum=-math.inf)
    for fault, reason in _dict(rep.get("unjudged", {}), f"{where}.unjudged").items():
        _one_of(fault, ALL_FAULT_IDS, f"{where}.unjudged")
        _string(reason, f"{where}.unjudged.{fault}")
    return times[2]


def _check_fault_counts(faults: Any, reps: Sequence[Any]) -> None:
    for fault, count in _dict(faults, "faults").items():
        _one_of(fault, ALL_FAULT_IDS, "faults")
        _count(count, f"faults.{fault}")
        found = sum(fault in rep["faults"] for rep in reps)
        if count != found:
            raise ValueError(f"faults.{fault}: says {count}, but {found} reps have it")
        if count == 0:
            raise ValueError(f"faults.{fault}: a fault no rep had is left out, not counted 0")
    missing = {f for rep in reps for f in rep["faults"]} - set(faults)
    if missing:
        raise ValueError(f"faults: no count for {', '.join(sorted(missing))}")


def _check_cue(cue: Any, where: str, previous_t: float) -> float:
    check_keys(cue, _CUE_KEYS, where)
    t_s = _number(cue["t_s"], f"{where}.t_s")
    if t_s < previous_t:
        raise ValueError(f"{where}.t_s: {t_s} is before the previous cue's {previous_t}")
    if cue["fault"] is not None:
        _one_of(cue["fault"], ALL_FAULT_IDS, f"{where}.fault")
    _string(cue["text"], f"{where}.text")
    if "kind" in cue:
        _one_of(cue["kind"], CUE_KINDS, f"{where}.kind")
        if cue["kind"] == "fault" and cue["fault"] is None:
            raise ValueError(f"{where}.fault: a fault cue must name its fault")
    return t_s


def check_keys(item: Any, keys: Mapping[str, bool], where: str) -> None:
    """``item`` is a JSON object with every required key of ``keys`` (name -> required)
    and no other; ``ValueError`` naming ``where`` otherwise."""
    if not isinstance(item, dict):
        raise ValueError(f"{where}: expected an object, got {type(item).__name__}")
    missing = [key for key, required in keys.items() if required and key not in item]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
    unknown = sorted(set(item) - set(keys))
    if unknown:
        raise ValueError(f"{where}: unknown key {', '.join(map(str, unknown))}")


def _one_of(value: Any, allowed: Sequence[str], where: str) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{where}: {value!r} is not one of {', '.join(allowed)}")


def _string(value: Any, where: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: expected a non-empty string, got {value!r}")


def _number(value: Any, where: str, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}: expected a number, got {value!r}")
    if not math.isfinite(value) or value < minimum:
        raise ValueError(f"{where}: expected a finite number >= {minimum}, got {value!r}")
    return float(value)


def _count(value: Any, where: str) -> None:
    if type(value) is not int or value < 0:
        raise ValueError(f"{where}: expected a whole number >= 0, got {value!r}")


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"{where}: expected a list, got {type(value).__name__}")
    return value


def _dict(value: Any, where: str) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected an object, got {type(value).__name__}")
    return value
