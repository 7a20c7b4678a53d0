"""The human summary of an analysis, made from the report itself (so the two never differ).

Plain ASCII-friendly text for a terminal: the source, mode and view, each rep with its
times (seconds), score and faults, the cues with their times, what could not be judged and
why — or that nobody was seen at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NO_PERSON = "No person was seen in this clip."


def format_summary(report: Mapping[str, Any], description: str | None = None) -> str:
    """The summary of a version-1 ``report``; ``description`` is the source's own one-line
    description (``video clip.mp4 (640x360, 30.00 fps)``), shown instead of the bare path."""
    lines = [
        f"Source   {description or report['source']}",
        f"Mode     {report['mode']}   view {report['view']}   {report['frames']} frames, "
        f"{report['duration_s']:.2f} s at {report['fps']:.4g} fps",
    ]
    if report.get("complete") is False:
        lines.append("         (the source ended early: this covers what was read before)")
    lines.append("")
    if not report.get("person_seen", True):
        lines.append(NO_PERSON)
        return "\n".join(lines)
    lines.extend(_reps(report["reps"], report["faults"]))
    lines.extend(_judged_by(report["reps"]))
    lines.extend(_cues(report["cues"]))
    lines.extend(_unjudged(report["unjudged"]))
    return "\n".join(lines)


def _reps(reps: list[dict[str, Any]], faults: Mapping[str, int]) -> list[str]:
    if not reps:
        return ["Reps     none counted"]
    lines = [f"Reps     {len(reps)}"]
    for rep in reps:
        found = ", ".join(rep["faults"]) or "clean"
        lines.append(
            f"  {rep['index']:>2}  {rep['start_s']:6.2f} - {rep['end_s']:6.2f} s "
            f"(bottom {rep['bottom_s']:.2f} s)   score {rep['score']:>3}   {found}"
        )
    if faults:
        counted = ", ".join(f"{fault} on {n} of {len(reps)}" for fault, n in faults.items())
        lines.append(f"Faults   {counted}")
    else:
        lines.append("Faults   none")
    return lines


def _judged_by(reps: list[dict[str, Any]]) -> list[str]:
    """With two cameras: which camera's verdict each fault was, over the set."""
    cameras: dict[str, dict[str, int]] = {}
    for rep in reps:
        for fault, camera in rep.get("judged_by", {}).items():
            cameras.setdefault(camera, {}).setdefault(fault, 0)
            cameras[camera][fault] += 1
    if not cameras:
        return []
    lines = ["Judged   by the camera that sees each fault best"]
    for camera in sorted(cameras, key=lambda c: c != "side"):
        faults = ", ".join(
            fault if n == len(reps) else f"{fault} ({n} of {len(reps)})"
            for fault, n in cameras[camera].items()
        )
        lines.append(f"  {camera + ' camera':<14}{faults}")
    return lines


def _cues(cues: list[dict[str, Any]]) -> list[str]:
    if not cues:
        return ["Cues     none"]
    lines = ["Cues"]
    for cue in cues:
        about = f"   ({cue['fault']})" if cue.get("fault") else ""
        lines.append(f"  {cue['t_s']:7.2f} s  {cue['text']}{about}")
    return lines


def _unjudged(unjudged: list[dict[str, Any]]) -> list[str]:
    if not unjudged:
        return []
    lines = ["Not judged"]
    lines.extend(f"  {item['fault']}: {item['reason']}" for item in unjudged)
    return lines
