"""The side camera in the live loop (issue 12): its frames paced, on the front's clock.

The side camera has a ``FrameGrabber`` of its own (a thread; newest frame wins). Before
each front frame is judged, the loop asks ``SideFeed.due(t)`` for the side frames taken
up to that front frame's time ``t``; their poses (found beside the front frame's:
``appliance.pipeline.poses_together``) go to the session first
(``Session.on_side_frame``), so the front frame's verdict includes them. A side frame taken
after the front frame waits for the next one: both streams reach the evaluator in time
order.

Budget: the pose model runs on at most ``max_hz`` side frames per second (``[camera.side]
fps``, 15 by default: half the front camera's 30), the rest are skipped unread by the model,
so the front camera keeps its rate on a Pi 5 (hardware/README.md, "The side camera", has
the measurements). A skipped frame is never replaced by the last pose: a repeated pose
would look like a frozen camera.

Clock: live cameras are opened with one epoch (``open_source(..., epoch_s=...)``), so their
``t_s`` are already on one clock; ``offset_s`` (seconds added to a side frame's ``t_s``)
is for recordings that did not start together (tests: a synthetic pair's
``side_offset_s``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from appliance.live.grabber import FrameGrabber
from appliance.pipeline import EstimatorLike
from appliance.types import Frame

GAP_SLACK = 0.8  # a frame is due when 80% of 1/max_hz has passed (camera jitter)


@dataclass
class SideRate:
    """Which side frames go to the pose model: at most ``max_hz`` a second, a frame being
    due once ``GAP_SLACK`` of ``1 / max_hz`` has passed since the last one taken (the
    live loop's ``SideFeed`` and the pair bench keep the same rate)."""

    max_hz: float
    _last_t: float | None = field(default=None, repr=False)

    def take(self, t_s: float) -> bool:
        """Whether the frame at ``t_s`` (seconds) is due; if so, it is the last taken."""
        if self._last_t is not None and t_s - self._last_t < GAP_SLACK / self.max_hz:
            return False
        self._last_t = t_s
        return True


@dataclass
class SideFeed:
    """The side camera's frames for the loop.

    ``estimator``: the side camera's own pose estimator (its crop and smoothing follow its
    own picture), ``None`` for sources with keypoints. ``wait_s``: how long ``take`` waits
    for a side frame that is not in yet (0 live: never hold the front camera up; above 0
    in deterministic runs, with a grabber that keeps every frame).
    """

    grabber: FrameGrabber
    estimator: EstimatorLike | None
    max_hz: float = 15.0
    offset_s: float = 0.0
    wait_s: float = 0.0
    frames: int = 0  # side frames given to the pose model
    skipped: int = 0  # side frames left out to stay within max_hz
    _pending: Frame | None = field(default=None, repr=False)
    _rate: SideRate = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rate = SideRate(self.max_hz)

    def due(self, front_t_s: float) -> list[Frame]:
        """The side frames taken up to ``front_t_s`` (seconds on the front's clock) that
        are due for the pose model (``estimator``), oldest first."""
        due: list[Frame] = []
        while True:
            frame = self._pending or self._next()
            if frame is None:
                break
            if frame.t_s > front_t_s:
                self._pending = frame  # taken after the front frame: the next one's
                break
            self._pending = None
            if not self._rate.take(frame.t_s):
                self.skipped += 1
                continue
            self.frames += 1
            due.append(frame)
        return due

    def _next(self) -> Frame | None:
        grabbed = self.grabber.get(0.0 if self.grabber.finished else self.wait_s)
        if grabbed is None:
            return None
        return shifted(grabbed.frame, self.offset_s)


def shifted(frame: Frame, offset_s: float) -> Frame:
    """``frame`` with ``offset_s`` seconds added to its time (and its keypoints' time)."""
    if offset_s == 0.0:
        return frame
    pose = frame.pose
    if pose is not None:
        pose = dataclasses.replace(pose, t_s=pose.t_s + offset_s)
    return dataclasses.replace(frame, t_s=frame.t_s + offset_s, pose=pose)
