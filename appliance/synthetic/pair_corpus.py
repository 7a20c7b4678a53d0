"""A labelled corpus of camera pairs (``pairs``) for the fused evaluator.

``write_pair_corpus(out, seed, sets)`` writes, for each set, ``out/set-0001.front.jsonl``
and ``out/set-0001.side.jsonl`` (keypoints JSONL, interfaces.md) and then
``out/labels.json``: one entry per pair (docs/labels.md, "Camera pairs": ``path`` the
front file, ``side_path``, ``side_offset_s``, ``second_view``, ``side_failure``). Beside
it, in the plain labels format that ``evaluate`` reads for one camera,
``labels.front.json`` (the front files) and ``labels.side.json`` (the side files alone, on
their own clock, with the reps each saw whole while working). The scenario classes
(``PAIR_SCENARIOS``) come round in seeded shuffled rounds; everything else is drawn from
the seed. The same arguments write byte-identical files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from appliance.synthetic.corpus import check_corpus_size, scenario_order, write_labels
from appliance.synthetic.failures import FAILURES, fail_side
from appliance.synthetic.lifter import SyntheticSet
from appliance.synthetic.pairs import PAIR_SCENARIOS, SECOND_VIEWS, make_pair

PAIR_KEYS = ("side_path", "side_offset_s", "second_view", "side_failure")
"""The keys a pair's labels entry has beyond a single recording's."""
SECONDS = (*SECOND_VIEWS, "mixed")
_SIDE_TAGS = ("fps", "width", "height", "camera_height_m", "distance_m", "noise_px", "facing")


@dataclass(frozen=True)
class PairCorpusSummary:
    """What was written: ``sets`` pairs, ``reps`` labelled reps (``faulty`` of them with a
    fault), ``seconds`` of front recording, pairs per ``scenario``, per ``second`` view,
    and ``failing`` side cameras."""

    out: Path
    sets: int
    reps: int
    faulty: int
    seconds: float
    scenarios: dict[str, int]
    second_views: dict[str, int]
    failing: int

    def line(self) -> str:
        """One line for the terminal."""
        views = ", ".join(f"{n} front+{v}" for v, n in sorted(self.second_views.items()))
        return (
            f"wrote {self.sets} camera pairs to {self.out} ({views}; {self.reps} reps, "
            f"{self.faulty} faulty; {self.seconds / 60:.1f} min; {self.failing} side cameras "
            f"failing) and {self.out / 'labels.json'}"
        )


def front_alone(entry: dict[str, Any]) -> dict[str, Any]:
    """A pair's entry as the plain labels entry of its front file."""
    return {k: v for k, v in entry.items() if k not in PAIR_KEYS}


def side_alone(entry: dict[str, Any], side: SyntheticSet) -> dict[str, Any]:
    """A pair's entry as the plain labels entry of its side file (``path`` the side
    file's): the second camera's view, times on the side's clock, and only the reps it
    saw whole while it worked (from its first frame to its failure or its last frame)."""
    offset = float(entry["side_offset_s"])
    working_s = side.duration_s
    if entry["side_failure"] is not None:
        working_s = min(working_s, float(entry["side_failure"]["at_s"]) - offset)
    reps = []
    for rep in entry["rep_labels"]:
        start, end = rep["start_s"] - offset, rep["end_s"] - offset
        if start >= 0.0 and end <= working_s:
            reps.append({**rep, "start_s": round(start, 3), "end_s": round(end, 3)})
    tags = {k: v for k, v in entry["tags"].items() if not k.startswith("side_")}
    tags.update({k: entry["tags"][f"side_{k}"] for k in _SIDE_TAGS})
    tags["orientation"] = "portrait" if side.height > side.width else "landscape"
    tags["faults"] = ",".join(sorted({f for r in reps for f in r["faults"]})) or "none"
    return {
        "path": entry["side_path"],
        "mode": entry["mode"],
        "view": None if entry["view"] is None else entry["second_view"],
        "reps": len(reps),
        "rep_labels": reps,
        "tags": tags,
    }


def write_pair_corpus(
    out: str | Path,
    seed: int,
    sets: int,
    *,
    second: str = "side",
    fps_list: Sequence[float] | None = None,
    fail_share: float = 0.0,
) -> PairCorpusSummary:
    """Write ``sets`` camera pairs and their labels into ``out`` (created if missing).
    ``second``: ``side``, ``oblique`` or ``mixed`` (each pair drawn, half and half);
    ``fps_list`` limits the frame rates each camera's is drawn from (default 15, 30 and
    60 fps); ``fail_share`` (0..1) of the pairs have a side camera that fails (a
    ``FAILURES`` kind drawn) at a time drawn between the first rep's start and the last
    rep's end (no reps: the middle half of the recording)."""
    check_corpus_size(sets, fps_list)
    if second not in SECONDS:
        raise ValueError(f"second must be one of {', '.join(SECONDS)}, got {second!r}")
    if not 0.0 <= fail_share <= 1.0:
        raise ValueError(f"fail_share must be 0..1, got {fail_share}")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 20_261_202])
    files: list[dict[str, Any]] = []
    fronts: list[dict[str, Any]] = []
    sides: list[dict[str, Any]] = []
    seconds = 0.0
    for number, name in enumerate(scenario_order(sets, rng, PAIR_SCENARIOS), start=1):
        set_seed = int(rng.integers(2**31))
        view = ("side", "oblique")[int(rng.integers(2))] if second == "mixed" else second
        overrides: dict[str, Any] = {}
        if fps_list:
            overrides["fps"] = float(fps_list[int(rng.integers(len(fps_list)))])
            overrides["side_fps"] = float(fps_list[int(rng.integers(len(fps_list)))])
        fails = bool(rng.random() < fail_share)
        kind = FAILURES[int(rng.integers(len(FAILURES)))]
        when = float(rng.random())
        front, side, entry = make_pair(name, set_seed, second=view, **overrides)
        if fails:
            side, entry = fail_side(side, entry, _failure_time(entry, side, when), kind)
        stem = f"set-{number:04d}"
        front.write_jsonl(folder / f"{stem}.front.jsonl")
        side.write_jsonl(folder / f"{stem}.side.jsonl")
        entry = {"path": f"{stem}.front.jsonl", "side_path": f"{stem}.side.jsonl", **entry}
        files.append(entry)
        fronts.append(front_alone(entry))
        sides.append(side_alone(entry, side))
        seconds += front.duration_s
    for filename, entries in (("labels", files), ("labels.front", fronts), ("labels.side", sides)):
        write_labels(folder / f"{filename}.json", entries)
    reps = [rep for file in files for rep in file["rep_labels"]]
    return PairCorpusSummary(
        folder,
        len(files),
        len(reps),
        sum(bool(rep["faults"]) for rep in reps),
        seconds,
        dict(Counter(file["tags"]["scenario"] for file in files)),
        dict(Counter(file["second_view"] for file in files)),
        sum(file["side_failure"] is not None for file in files),
    )


def _failure_time(entry: dict[str, Any], side: SyntheticSet, u: float) -> float:
    """A time ``u`` (0..1) of the way through the set's reps on the front's clock (no
    reps: through the middle half of the side's recording), inside the side's recording."""
    offset = float(entry["side_offset_s"])
    first, last = offset + 1.0 / side.fps, offset + side.duration_s - 2.0 / side.fps
    if entry["rep_labels"]:
        lo, hi = entry["rep_labels"][0]["start_s"], entry["rep_labels"][-1]["end_s"]
    else:
        lo, hi = offset + 0.25 * side.duration_s, offset + 0.75 * side.duration_s
    return float(np.clip(lo + u * (hi - lo), first, last))
