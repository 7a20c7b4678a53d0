"""A labelled corpus of synthetic recordings for the evaluator's accuracy benchmark.

``write_corpus(out, seed, sets)`` writes ``out/set-0001.jsonl`` ... (keypoints JSONL,
interfaces.md) and ``out/labels.json`` (docs/labels.md, paths relative to ``out``). The
scenario classes are taken in turn, each round of them in a seeded shuffled order, so
every class appears once in any ``len(SCENARIOS)`` consecutive sets; everything else
about a set is drawn from the seed. The same arguments write byte-identical files.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from appliance.synthetic.scenarios import make_scenario
from appliance.synthetic.spec import SCENARIOS

LABELS_FORMAT = "hinge-mirror-labels"
LABELS_VERSION = 1


@dataclass(frozen=True)
class CorpusSummary:
    """What was written: ``sets`` files, ``reps`` labelled reps (``faulty`` of them with a
    fault), ``seconds`` of recording, sets per ``scenario`` and per ``fps``."""

    out: Path
    sets: int
    reps: int
    faulty: int
    seconds: float
    scenarios: dict[str, int]
    fps: dict[float, int]

    def line(self) -> str:
        """One line for the terminal."""
        rates = "/".join(f"{fps:g}" for fps in sorted(self.fps))
        return (
            f"wrote {self.sets} sets to {self.out} ({self.reps} reps, {self.faulty} faulty; "
            f"{self.seconds / 60:.1f} min at {rates} fps; {len(self.scenarios)} scenario "
            f"classes) and {self.out / 'labels.json'}"
        )


def scenario_order(
    sets: int, rng: np.random.Generator, names: Sequence[str] = SCENARIOS
) -> list[str]:
    """``sets`` scenario names: rounds of every class of ``names``, each round shuffled."""
    order: list[str] = []
    while len(order) < sets:
        order += [names[int(i)] for i in rng.permutation(len(names))]
    return order[:sets]


def check_corpus_size(sets: int, fps_list: Sequence[float] | None) -> None:
    """``ValueError`` unless ``sets`` is at least 1 and ``fps_list`` (if given) holds
    frame rates above 0."""
    if sets < 1:
        raise ValueError(f"sets must be at least 1, got {sets}")
    if fps_list is not None and (not fps_list or min(fps_list) <= 0):
        raise ValueError(f"fps values must be above 0, got {list(fps_list)}")


def write_labels(path: Path, files: list[dict[str, Any]]) -> None:
    """Write a labels file (docs/labels.md) listing ``files`` at ``path``."""
    labels = {"format": LABELS_FORMAT, "version": LABELS_VERSION, "files": files}
    text = json.dumps(labels, indent=1, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def write_corpus(
    out: str | Path, seed: int, sets: int, fps_list: Sequence[float] | None = None
) -> CorpusSummary:
    """Write ``sets`` recordings and their labels into ``out`` (created if missing).
    ``fps_list`` limits the frame rates drawn from (default 15, 30 and 60 fps)."""
    check_corpus_size(sets, fps_list)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 20_240_601])
    files: list[dict[str, Any]] = []
    seconds, rates = 0.0, Counter[float]()
    for number, name in enumerate(scenario_order(sets, rng), start=1):
        set_seed = int(rng.integers(2**31))
        overrides: dict[str, Any] = {}
        if fps_list:
            overrides["fps"] = float(fps_list[int(rng.integers(len(fps_list)))])
        synthetic, entry = make_scenario(name, set_seed, **overrides)
        path = f"set-{number:04d}.jsonl"
        synthetic.write_jsonl(folder / path)
        files.append({"path": path, **entry})
        seconds += synthetic.duration_s
        rates[synthetic.fps] += 1
    write_labels(folder / "labels.json", files)
    reps = [rep for file in files for rep in file["rep_labels"]]
    return CorpusSummary(
        folder,
        len(files),
        len(reps),
        sum(bool(rep["faults"]) for rep in reps),
        seconds,
        dict(Counter(file["tags"]["scenario"] for file in files)),
        dict(rates),
    )
