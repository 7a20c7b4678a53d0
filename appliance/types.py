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


# --- Form: what the evaluator finds and the cue policy says (see coaching.md) -----------

FAULT_IDS: tuple[str, ...] = (
    "rounded_back",
    "head_up",
    "squatting",
    "locked_knees",
    "bar_drift",
    "shallow_hinge",
    "incomplete_lockout",
    "hyperextension",
    "hips_rise_early",
    "rushed",
)
"""Every fault id, most important first (the cue priority of coaching.md)."""

STICK_FAULT_IDS: tuple[str, ...] = ("stick_slip", "stick_tilt", "stick_head_off", "stick_hips_off")
"""The drill stick's fault ids (README.md, "The stick"), most important first; they rank
after every fault of coaching.md's table and occur only in drill mode."""

MODES: tuple[str, ...] = ("drill", "deadlift")
VIEWS: tuple[str, ...] = ("side", "front", "oblique", "unknown")
PHASES: tuple[str, ...] = ("absent", "standing", "descending", "bottom", "ascending")


@dataclass(frozen=True, slots=True)
class Rep:
    """One finished rep. Times are seconds on the source's clock.

    ``start_s`` is when the descent began (or the first frame, for a pull that started at
    the floor), ``bottom_s`` the deepest point, ``end_s`` when lockout was reached.
    ``faults`` are fault ids found on this rep, most important first; ``unjudged`` maps a
    fault id to why it could not be judged on this rep (view, confidence). ``metrics``
    holds the measurements used, named with their unit (``knee_flexion_deg``...).
    ``score`` is 0..100. ``judged_by`` (two cameras only; empty with one) maps each fault
    id judged on this rep to the camera whose verdict it is: ``"front"`` or ``"side"``.
    """

    index: int
    start_s: float
    bottom_s: float
    end_s: float
    faults: tuple[str, ...]
    score: int
    metrics: dict[str, float]
    unjudged: dict[str, str]
    judged_by: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FormUpdate:
    """What the evaluator knows after one frame.

    ``t_s``: the frame's timestamp (seconds). ``view``: one of ``VIEWS``, decided per set.
    ``phase``: one of ``PHASES``. ``rep_count``: reps finished so far in this set.
    ``completed_rep``: the rep that ended on this frame, if one did. ``live_faults``:
    confirmed faults of the rep in progress that must not wait for the top (safety,
    e.g. ``rounded_back``). ``missing``: body parts the evaluator needs but cannot see
    (``"head"``, ``"shoulders"``, ``"hips"``, ``"knees"``, ``"feet"``, ``"wrists"``).
    ``calibrated``: a standing baseline for this person exists. ``setup``: in drill mode
    before the first rep, the set-up check's one instruction (``appliance.stick.setup``),
    or ``None``. ``side_camera``: with a second camera beside the lifter, ``"ok"``,
    ``"lost"`` (no new frame lately) or ``"waiting"`` (none yet); ``None`` with one camera.
    """

    t_s: float
    view: str
    phase: str
    rep_count: int
    completed_rep: Rep | None = None
    live_faults: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    calibrated: bool = False
    setup: str | None = None
    side_camera: str | None = None


@dataclass(frozen=True, slots=True)
class CueEvent:
    """Something to say and show. ``t_s``: when the policy decided it (seconds, source
    clock); ``frame_t_s``: timestamp of the frame that caused it (for latency).
    ``kind``: ``"fault"``, ``"praise"`` or ``"guidance"``. ``fault``: the fault id for fault
    and praise cues. ``severity``: ``"safety"``, ``"form"``, ``"info"`` or ``"praise"``."""

    t_s: float
    text: str
    kind: str
    fault: str | None = None
    severity: str = "form"
    frame_t_s: float | None = None


# --- The drill's stick (broomstick, dowel) as seen in one frame (see appliance/stick) ---

STICK_ORIENTATIONS: tuple[str, ...] = ("across", "along")
"""``across``: behind the back in the crooks of the elbows; ``along``: along the spine."""


@dataclass(frozen=True, slots=True)
class Stick:
    """The stick found in one frame.

    ``x1, y1, x2, y2``: the seen segment's ends in frame pixels (``x1 <= x2``).
    ``angle_deg``: its direction in the image, -90..90 degrees, 0 = horizontal, ±90 =
    vertical, positive when the right end is higher in the image. ``orientation``: one
    of ``STICK_ORIENTATIONS``, judged against the torso (not the image). ``confidence``:
    0..1. ``height``: for a stick across the back, where it crosses the body between the
    shoulders (0.0) and the elbows (1.0), as a fraction of that distance (above 1: below
    the elbows); ``None`` when it cannot be told (along the spine, elbows unseen).
    ``tracked``: true when this frame's line was not seen and the tracker carried the
    last one forward.
    """

    x1: float
    y1: float
    x2: float
    y2: float
    angle_deg: float
    orientation: str
    confidence: float
    height: float | None = None
    tracked: bool = False

    @property
    def length_px(self) -> float:
        """Length of the seen segment in pixels."""
        return float(np.hypot(self.x2 - self.x1, self.y2 - self.y1))
