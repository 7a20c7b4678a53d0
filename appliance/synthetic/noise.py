"""What a pose model makes of a clean skeleton: jitter, confidences, dropouts, swaps.

Seeded, so a set is reproducible. Pixel quantities are in frame pixels; scores are
MoveNet-like confidences 0..1 (about 0.6..0.9 for visible points, 0.3..0.4 for limbs hidden
behind the body in profile, under 0.2 for dropouts and points outside the frame).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from appliance.types import KEYPOINT_INDEX, KEYPOINT_NAMES

Array = npt.NDArray[np.float64]

_BASE = "0.85 0.85 0.85 0.75 0.75 0.88 0.88 0.78 0.78 0.72 0.72 0.82 0.82 0.82 0.82 0.76 0.76"
BASE_SCORE = np.array([float(v) for v in _BASE.split()])
"""Typical MoveNet confidence of a clearly visible point, by keypoint (MoveNet order)."""
MIN_VISIBLE_POINTS = 4  # fewer keypoints inside the frame: nobody there (pose is None)
_PAIRS = [
    (KEYPOINT_INDEX[name], KEYPOINT_INDEX["right_" + name[5:]])
    for name in KEYPOINT_NAMES
    if name.startswith("left_")
]


@dataclass(frozen=True)
class Noise:
    """Artefacts of the pose model. ``jitter_px``: Gaussian keypoint jitter (pixels, std;
    half as much again on hidden limbs); ``dropout_rate``: chance per keypoint per frame
    that the model loses it (low score, position garbage); ``swap_rate``: chance per
    frame, in side view only, that left and right swap for 1..5 frames (as MoveNet does
    in profile); ``score_jitter``: std of the confidences around their level;
    ``empty_rate``: share of frames where the model finds nobody although the lifter is
    there (pose ``None``); ``empty_run_rate``: chance per frame that such a gap of 3..8
    frames starts (a missed stretch)."""

    jitter_px: float = 1.5
    dropout_rate: float = 0.01
    swap_rate: float = 0.01
    score_jitter: float = 0.05
    empty_rate: float = 0.0
    empty_run_rate: float = 0.0

    def __post_init__(self) -> None:
        if self.jitter_px < 0 or self.score_jitter < 0:
            raise ValueError("jitter_px and score_jitter must be >= 0")
        rates = (self.dropout_rate, self.swap_rate, self.empty_rate, self.empty_run_rate)
        if not all(0 <= rate <= 1 for rate in rates):
            raise ValueError("dropout_rate, swap_rate and the empty rates must be 0..1")

    @classmethod
    def none(cls) -> Noise:
        """Perfect keypoints: exact positions and steady scores."""
        return cls(0.0, 0.0, 0.0, 0.0)


def observe(
    xy_px: Array,
    visibility: Array,
    width: int,
    height: int,
    noise: Noise,
    side_view: npt.NDArray[np.bool_],
    rng: np.random.Generator,
) -> list[npt.NDArray[np.float32] | None]:
    """Each frame as a ``(17, 3)`` float32 array of (y, x, score), normalised to the
    frame, or ``None`` when fewer than ``MIN_VISIBLE_POINTS`` are inside the frame.
    ``side_view`` marks the frames (lifter in profile) where left/right swaps happen."""
    n = len(xy_px)
    size = np.array([width, height], dtype=np.float64)
    inside = ((xy_px >= 0) & (xy_px <= size)).all(axis=2)
    present = inside.sum(axis=1) >= MIN_VISIBLE_POINTS
    scores = BASE_SCORE * visibility + rng.normal(0.0, noise.score_jitter, visibility.shape)
    scores = np.clip(scores, 0.3 * visibility, 0.98)
    spread = noise.jitter_px * (2.5 - visibility)[..., None] / 1.5
    xy = xy_px + rng.normal(0.0, 1.0, xy_px.shape) * spread
    lost = rng.random(visibility.shape) < noise.dropout_rate
    garbage = xy_px + rng.normal(0.0, 0.1 * max(width, height), xy_px.shape)
    xy = np.where(lost[..., None], garbage, xy)
    scores = np.where(lost, rng.uniform(0.02, 0.2, scores.shape), scores)
    outside = ~inside & ~lost
    scores = np.where(outside, rng.uniform(0.02, 0.15, scores.shape), scores)
    xy = np.clip(xy, 0.0, size)
    if noise.swap_rate > 0:
        swapped = _swap_runs(n, noise.swap_rate, rng) & side_view
        for a, b in _PAIRS:
            xy[swapped, a], xy[swapped, b] = xy[swapped, b], xy[swapped, a].copy()
            scores[swapped, a], scores[swapped, b] = scores[swapped, b], scores[swapped, a].copy()
    if noise.empty_rate > 0 or noise.empty_run_rate > 0:
        present = present & ~_empty_frames(n, noise, rng)
    out: list[npt.NDArray[np.float32] | None] = []
    for i in range(n):
        if not present[i]:
            out.append(None)
            continue
        rows = np.stack([xy[i, :, 1] / height, xy[i, :, 0] / width, scores[i]], axis=1)
        out.append(rows.astype(np.float32))
    return out


def _swap_runs(n: int, rate: float, rng: np.random.Generator) -> npt.NDArray[np.bool_]:
    """Frames whose left and right are swapped: runs of 1..5 frames starting at ``rate``."""
    swapped = np.zeros(n, dtype=bool)
    for start in np.flatnonzero(rng.random(n) < rate):
        swapped[start : start + int(rng.integers(1, 6))] = True
    return swapped


def _empty_frames(n: int, noise: Noise, rng: np.random.Generator) -> npt.NDArray[np.bool_]:
    """Frames the model misses: single ones at ``empty_rate``, runs of 3..8 frames
    starting at ``empty_run_rate``."""
    empty = rng.random(n) < noise.empty_rate
    for start in np.flatnonzero(rng.random(n) < noise.empty_run_rate):
        empty[start : start + int(rng.integers(3, 9))] = True
    return empty
