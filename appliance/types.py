"""Small data types that cross rooms: frames and poses.

This module is the bottom of the package: it imports nothing of ours, so every room can
use it without importing another room.

Coordinates: ``x`` grows to the right and ``y`` grows downwards. "Normalised" means a
fraction of the frame's width (for x) or height (for y), 0..1 inside the frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

KEYPOINT_NAMES: tuple[str, ...] = (
    "nose",
    "left_eye",
    "right_eye",
    "left_ear",
    "right_ear",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
)
KEYPOINT_INDEX: dict[str, int] = {name: i for i, name in enumerate(KEYPOINT_NAMES)}
NUM_KEYPOINTS = len(KEYPOINT_NAMES)

# Pairs of keypoint names joined by a bone when a skeleton is drawn.
SKELETON_EDGES: tuple[tuple[str, str], ...] = (
    ("left_ear", "left_eye"),
    ("right_ear", "right_eye"),
    ("left_eye", "nose"),
    ("right_eye", "nose"),
    ("left_shoulder", "right_shoulder"),
    ("left_shoulder", "left_elbow"),
    ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"),
    ("right_elbow", "right_wrist"),
    ("left_shoulder", "left_hip"),
    ("right_shoulder", "right_hip"),
    ("left_hip", "right_hip"),
    ("left_hip", "left_knee"),
    ("left_knee", "left_ankle"),
    ("right_hip", "right_knee"),
    ("right_knee", "right_ankle"),
)

RGBImage = npt.NDArray[np.uint8]
"""An image as a ``(height, width, 3)`` uint8 array in RGB channel order."""


@dataclass(frozen=True, slots=True)
class Keypoint:
    """One body point: pixel and normalised coordinates and MoveNet's confidence (0..1)."""

    name: str
    x_px: float
    y_px: float
    x: float
    y: float
    score: float


@dataclass(frozen=True, slots=True)
class Pose:
    """The 17 MoveNet keypoints of one person in one frame.

    ``yx_score`` is a ``(17, 3)`` float array of (y, x, score) rows in MoveNet order, with
    y and x normalised to the frame — the same layout as MoveNet's output and the keypoints
    JSONL file. ``width`` and ``height`` (pixels) convert to frame pixels. ``t_s`` is the
    frame's timestamp in seconds.
    """

    yx_score: npt.NDArray[np.float32]
    width: int
    height: int
    t_s: float
    person_present: bool

    def __post_init__(self) -> None:
        if self.yx_score.shape != (NUM_KEYPOINTS, 3):
            raise ValueError(f"a pose has 17 (y, x, score) rows, got shape {self.yx_score.shape}")

    @property
    def scores(self) -> npt.NDArray[np.float32]:
        """Confidence of each keypoint, 0..1, in MoveNet order."""
        return self.yx_score[:, 2]

    @property
    def xy_px(self) -> npt.NDArray[np.float64]:
        """``(17, 2)`` array of (x, y) in frame pixels."""
        return np.stack(
            [self.yx_score[:, 1] * self.width, self.yx_score[:, 0] * self.height], axis=1
        ).astype(np.float64)

    def keypoint(self, name: str) -> Keypoint:
        """The keypoint called ``name`` (one of ``KEYPOINT_NAMES``)."""
        i = KEYPOINT_INDEX[name]
        y, x, score = (float(v) for v in self.yx_score[i])
        return Keypoint(name, x * self.width, y * self.height, x, y, score)

    @property
    def keypoints(self) -> tuple[Keypoint, ...]:
        """All 17 keypoints in MoveNet order."""
        return tuple(self.keypoint(name) for name in KEYPOINT_NAMES)


@dataclass(frozen=True, slots=True)
class Frame:
    """One timestamped frame from a source.

    ``image`` is RGB (never BGR) or ``None`` for sources that carry keypoints only (a
    keypoints JSONL file); those set ``pose`` instead, bypassing the model. ``t_s`` is
    seconds since the source started (from the file for recordings, from the clock for
    cameras). ``index`` counts frames from 0.
    """

    index: int
    t_s: float
    width: int
    height: int
    image: RGBImage | None = None
    pose: Pose | None = field(default=None)
