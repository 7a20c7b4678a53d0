"""What the mirror shows, as data: the live loop fills it in, the renderer draws it.

A display is something you hand a picture to (design.md, luma.core): nothing here knows
pygame. Times are seconds on the loop's clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from appliance.coach.trend import SetComparison
from appliance.history.records import SetRecord
from appliance.types import Pose, Stick

SET_STATES = ("idle", "ready", "running", "summary")
"""``idle``: nobody there (attract screen). ``ready``: a person, no set running yet (or
calibrating). ``running``: a set in progress. ``summary``: the set just ended."""

CAMERA_STATES = ("ok", "lost", "starting")

GUEST = "Guest"
"""How the mirror names someone who is none of the household's people."""


@dataclass(frozen=True)
class CueView:
    """The cue on screen: ``text``, ``severity`` (``safety``/``form``/``info``/``praise``,
    which sets its colour), ``fault`` id or ``None``, and when it appeared."""

    text: str
    severity: str
    fault: str | None
    shown_at_s: float


@dataclass(frozen=True)
class SummaryView:
    """The set summary shown at rest: rep count, each rep's score (0..100), the main
    fault and its cue (``None`` for a clean set), a mobility or strength tip, and what
    could not be checked (so a set seen from the front is not called clean)."""

    reps: int
    scores: tuple[int, ...]
    main_fault: str | None
    main_cue: str | None
    tip: str
    unchecked: str | None = None  # e.g. why the back could not be judged in this set
    comparison: SetComparison | None = None  # this set against the lifter's last ones


@dataclass(frozen=True)
class ProgressView:
    """The progress screen: ``person``'s stored sets (oldest first; ``None``: the unnamed
    lifter or a guest), the people to choose from, and the wall-clock time it was opened
    (seconds since the epoch: reps are counted per calendar week)."""

    person: str | None
    people: tuple[str, ...]
    records: tuple[SetRecord, ...]
    opened_wall_s: float


@dataclass(frozen=True)
class Diagnostics:
    """The diagnostics overlay (toggled by a key or a long press)."""

    fps: float
    inference_ms: float
    latency_median_ms: float | None
    latency_p95_ms: float | None
    dropped_frames: int
    runtime: str
    note: str = ""


@dataclass(frozen=True)
class ScreenModel:
    """Everything on the mirror at one moment.

    ``pose``: the lifter's latest keypoints (drawn as a small side-profile figure, the
    ``faulty_segments`` highlighted: pairs of keypoint names). ``scores``: this set's rep
    scores so far (dots). ``guidance``: "Turn sideways…", "I can't see your feet…".
    ``notice``: a one-line system notice ("Camera lost — reconnecting…").
    """

    mode: str  # "drill" or "deadlift"
    set_state: str  # one of SET_STATES
    rep_count: int = 0
    scores: tuple[int, ...] = ()
    cue: CueView | None = None
    guidance: str | None = None
    view: str = "unknown"
    phase: str = "absent"
    calibrating: bool = False
    pose: Pose | None = None
    faulty_segments: tuple[tuple[str, str], ...] = ()
    summary: SummaryView | None = None
    camera: str = "ok"  # one of CAMERA_STATES
    notice: str | None = None
    diagnostics: Diagnostics | None = None
    now_s: float = 0.0
    extra: dict[str, str] = field(default_factory=dict)
    brightness: float = 1.0  # 0..1: the screen dims when nobody has been there for long
    person: str | None = None  # who is lifting, when the household has named people
    person_hint: str | None = None  # how to change who is lifting, at the start of a set
    progress: ProgressView | None = None  # the progress screen, drawn over everything
    stick: Stick | None = None  # drill mode: the stick seen now
    stick_ok: bool = True  # drill mode: the stick is held right (level, in the elbows)
    # Two cameras (issue 12): the side camera's lifter for its corner tile, and its state
    # ("ok", "lost", "waiting"/"starting"); None without a side camera (no tile).
    side_pose: Pose | None = None
    side_camera: str | None = None
