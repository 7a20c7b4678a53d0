"""Measure the stick detector on the rendered footage: ``python -m tests.stick_render.measure``.

Per frame: a stick that shows as a line counts as found when the detector's segment is
within 5° of it and both ends lie within 10 % of its seen length of the true ends; a frame
with no stick (clean, or with a distractor) counts as a false stick when anything is
reported. Per sequence (one rep's worth of frames): the tilt and slip verdicts of
``appliance.stick.verdicts`` against the situation rendered.
"""

from __future__ import annotations

import argparse
import math
import pickle
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from appliance.types import Frame, Pose, Stick
from tests.stick_render.scenes import DISTRACTORS, STICK_STATES, Sequence, Truth, render_split

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
MIN_REP_FRAMES = 10  # sequences shorter than this (the photos) get no rep verdict


def matches(stick: Stick, truth: Truth) -> bool:
    """Within 5° of the true stick, and each end within 10 % of the stick's length of
    the true end of its seen part."""
    assert truth.line is not None
    assert truth.angle_deg is not None
    x1, y1, x2, y2 = truth.line
    length = truth.length or math.hypot(x2 - x1, y2 - y1)
    d_angle = abs(stick.angle_deg - truth.angle_deg) % 180.0
    d_angle = min(d_angle, 180.0 - d_angle)
    if d_angle > 5.0:
        return False
    a = math.hypot(stick.x1 - x1, stick.y1 - y1) + math.hypot(stick.x2 - x2, stick.y2 - y2)
    b = math.hypot(stick.x1 - x2, stick.y1 - y2) + math.hypot(stick.x2 - x1, stick.y2 - y1)
    pairs = (
        ((stick.x1, stick.y1), (x1, y1), (stick.x2, stick.y2), (x2, y2))
        if a <= b
        else ((stick.x1, stick.y1), (x2, y2), (stick.x2, stick.y2), (x1, y1))
    )
    tol = 0.1 * length
    return (
        math.hypot(pairs[0][0] - pairs[1][0], pairs[0][1] - pairs[1][1]) <= tol
        and math.hypot(pairs[2][0] - pairs[3][0], pairs[2][1] - pairs[3][1]) <= tol
    )


@dataclass
class Tally:
    """Counts over frames and sequences."""

    found: int = 0
    with_stick: int = 0
    false: int = 0
    without: int = 0
    false_by_kind: Counter[str] = field(default_factory=Counter)
    without_by_kind: Counter[str] = field(default_factory=Counter)
    stub_reported: int = 0
    stubs: int = 0
    verdict_right: Counter[str] = field(default_factory=Counter)
    verdict_total: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)
    detect_s: list[float] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The table people quote."""
        out = [
            f"stick found      {self.found}/{self.with_stick} frames"
            f" = {100 * self.found / max(1, self.with_stick):.1f} %",
            f"false stick      {self.false}/{self.without} frames"
            f" = {100 * self.false / max(1, self.without):.1f} %",
        ]
        for kind in ("clean", *DISTRACTORS):
            n = self.without_by_kind[kind]
            out.append(f"  {kind:<14} {self.false_by_kind[kind]}/{n}")
        out.append(f"stub (side-on across) reported as a line: {self.stub_reported}/{self.stubs}")
        for kind in sorted(self.verdict_total):
            right, n = self.verdict_right[kind], self.verdict_total[kind]
            out.append(
                f"verdict on {kind:<6} reps right {right}/{n} = {100 * right / max(1, n):.0f} %"
            )
        if self.detect_s:
            out.append(
                f"detector per frame: median {1000 * float(np.median(self.detect_s)):.2f} ms"
            )
        return out


Detect = Callable[[npt.NDArray[np.uint8], Pose | None], Stick | None]


def score_sequence(
    seq: Sequence,
    poses: list[Pose | None],
    sticks: list[Stick | None],
    tally: Tally,
    verdict: Callable[[Sequence, list[Pose | None], list[Stick | None]], set[str]] | None,
) -> None:
    """Add one sequence's frames (and its rep verdict) to ``tally``."""
    for truth, stick in zip(seq.truths, sticks, strict=True):
        if truth.kind in ("no_body", "hidden"):
            continue
        if truth.kind == "stub":
            tally.stubs += 1
            tally.stub_reported += stick is not None
        elif truth.line is not None:
            tally.with_stick += 1
            ok = stick is not None and matches(stick, truth)
            tally.found += ok
        else:
            tally.without += 1
            tally.without_by_kind[truth.kind] += 1
            if stick is not None:
                tally.false += 1
                tally.false_by_kind[truth.kind] += 1
    is_rep = len(seq.images) >= MIN_REP_FRAMES  # a still photo is no rep
    if verdict is not None and is_rep and seq.hold == "across" and seq.kind in STICK_STATES:
        found = verdict(seq, poses, sticks)
        want = set() if seq.kind == "level" else {seq.kind}
        tally.verdict_total[seq.kind] += 1
        right = found == want
        tally.verdict_right[seq.kind] += right
        if not right:
            tally.misses.append(f"{seq.name}: verdict {sorted(found)}")


def tracked_poses(frames: Iterable[npt.NDArray[np.uint8]], times: list[float]) -> list[Pose]:
    """The real model over ``frames`` in order, tracked like ``analyze`` does."""
    from appliance.config import Config

    estimator = _estimator(Config)
    estimator.reset()
    out = []
    for i, (image, t_s) in enumerate(zip(frames, times, strict=True)):
        h, w = image.shape[:2]
        out.append(estimator.estimate(Frame(i, t_s, w, h, image)))
    return out


_ESTIMATOR: Any = None


def _estimator(config_type: type) -> Any:  # a PoseEstimator, loaded once
    global _ESTIMATOR
    if _ESTIMATOR is None:
        from appliance.pose import PoseEstimator

        _ESTIMATOR = PoseEstimator.from_config(config_type())
    return _ESTIMATOR


def rendered(
    split: str,
    seed: int,
    estimate: Callable[[list[npt.NDArray[np.uint8]]], list[Pose]],
    cache: Path | None,
) -> list[tuple[Sequence, list[Pose | None]]]:
    """The split's sequences with the model's poses on the rendered frames (kept in
    ``cache``, a pickle file, when given: rendering is the slow part)."""
    if cache is not None and cache.exists():
        with cache.open("rb") as f:
            loaded: list[tuple[Sequence, list[Pose | None]]] = pickle.load(f)
            return loaded
    out: list[tuple[Sequence, list[Pose | None]]] = [
        (seq, list(tracked_poses(seq.images, seq.times)))
        for seq in render_split(SHARED, split, seed, estimate)
    ]
    if cache is not None:
        with cache.open("wb") as f:
            pickle.dump(out, f)
    return out


def run(
    split: str, seed: int, method: str, tracker: bool, cache: Path | None = None, every: int = 8
) -> Tally:
    """Render ``split`` with ``seed`` and measure the detector (``method``) on it."""
    from appliance.stick.detect import detect_stick
    from appliance.stick.track import StickTracker
    from appliance.stick.verdicts import judge_frames

    tally = Tally()

    def estimate(frames: list[npt.NDArray[np.uint8]]) -> list[Pose]:
        return tracked_poses(frames, [i / 30.0 for i in range(len(frames))])

    for seq, poses in rendered(split, seed, estimate, cache):
        sticks: list[Stick | None] = []
        track = StickTracker(method=method, every=every)
        for image, pose, t_s in zip(seq.images, poses, seq.times, strict=True):
            t0 = time.perf_counter()
            stick = track.update(image, pose, t_s) if tracker else detect_stick(image, pose, method)
            tally.detect_s.append(time.perf_counter() - t0)
            sticks.append(stick)
        before = len(tally.misses)
        score_sequence(seq, poses, sticks, tally, lambda s, p, k: judge_frames(p, k, s.times))
        for truth, stick in zip(seq.truths, sticks, strict=True):
            if truth.line is not None and (stick is None or not matches(stick, truth)):
                tally.misses.append(f"{seq.name}: missed ({stick})")
                break
            if truth.line is None and truth.kind not in ("stub", "no_body", "hidden") and stick:
                tally.misses.append(f"{seq.name}: false {stick}")
                break
        del before
    return tally


def main() -> None:
    """Print the numbers for one split."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="heldout")
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--method", default="lsd")
    parser.add_argument("--raw", action="store_true", help="no tracker: each frame alone")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--cache", type=Path, help="keep the rendered frames in this pickle")
    parser.add_argument("--every", type=int, default=8, help="the tracker's look schedule")
    args = parser.parse_args()
    tally = run(args.split, args.seed, args.method, not args.raw, args.cache, args.every)
    print(f"split {args.split} seed {args.seed} method {args.method} tracker {not args.raw}")
    print("\n".join(tally.lines()))
    if args.misses:
        print("\n".join(tally.misses))


if __name__ == "__main__":
    main()
