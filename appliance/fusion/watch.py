"""Is a camera still there, and does it see the lifter? Times in seconds on the front
camera's clock."""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass

_KEEP_S = 60.0  # seconds of history kept (longer than any rep)


@dataclass(frozen=True, slots=True)
class CameraFrame:
    """One camera frame: when (``t_s``), whether the lifter was in it, the view its
    evaluator had decided then, and its hinge signal then (``hinge_deg``, the trunk's
    inclination its rep counter follows)."""

    t_s: float
    present: bool
    view: str
    hinge_deg: float = 0.0


class CameraWatch:
    """``saw(frame)`` for every frame of the camera; ``state(t_s)`` and ``covered(t0, t1)`` ask."""

    def __init__(self, lost_after_s: float = 1.0) -> None:
        """``lost_after_s``: a camera silent (no frame, or the same frozen frame) this long
        is lost."""
        self.lost_after_s = lost_after_s
        self._frames: deque[CameraFrame] = deque()
        self._last_new_t: float | None = None  # last frame that was not a frozen copy
        self.ever_seen = False
        self.first_seen_t: float | None = None  # when the lifter was first in a frame

    def saw(self, frame: CameraFrame, frozen: bool = False) -> None:
        """Take a frame; ``frozen``: it repeats the last one exactly (a stalled
        camera keeps delivering its last picture)."""
        self._frames.append(frame)
        if not frozen:
            self._last_new_t = frame.t_s
        self.ever_seen = self.ever_seen or frame.present
        if frame.present and self.first_seen_t is None:
            self.first_seen_t = frame.t_s
        while self._frames and self._frames[0].t_s < frame.t_s - _KEEP_S:
            self._frames.popleft()

    def state(self, t_s: float) -> str:
        """``"ok"``, ``"lost"`` (no new frame for ``lost_after_s``) or ``"waiting"`` (no
        frame yet)."""
        if self._last_new_t is None:
            return "waiting"
        return "lost" if t_s - self._last_new_t > self.lost_after_s else "ok"

    def view(self, t0: float, t1: float) -> str:
        """The view the camera had of the lifter most of ``t0``..``t1``."""
        views = [f.view for f in self._frames if t0 <= f.t_s <= t1 and f.present]
        return max(dict.fromkeys(views), key=views.count) if views else "unknown"

    def hinge(self, t0: float, t1: float) -> list[float]:
        """The hinge signal (degrees) of the frames of ``t0``..``t1`` the lifter was in."""
        return [f.hinge_deg for f in self._frames if t0 <= f.t_s <= t1 and f.present]

    def kept_since_first_seen(self) -> bool:
        """True when every frame since the lifter was first seen is still kept."""
        return (
            self.first_seen_t is not None
            and bool(self._frames)
            and self._frames[0].t_s <= self.first_seen_t
        )

    def covered(self, t0: float, t1: float) -> bool:
        """True when the camera was working and saw the lifter through ``t0``..``t1``:
        no gap longer than ``lost_after_s`` (edges included) and the lifter in most
        frames."""
        frames = [f for f in self._frames if t0 - self.lost_after_s <= f.t_s <= t1]
        if not frames or self._last_new_t is None or self._last_new_t < t1 - self.lost_after_s:
            return False
        times = [t0, *(f.t_s for f in frames if f.t_s >= t0), t1]
        if any(b - a > self.lost_after_s for a, b in itertools.pairwise(times)):
            return False
        inside = [f for f in frames if f.t_s >= t0]
        return bool(inside) and sum(f.present for f in inside) >= 0.8 * len(inside)
