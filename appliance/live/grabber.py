"""Frames from the source in a thread of their own: the newest frame wins.

The camera (or a recording played at its own speed) is read in a background thread; the
loop takes the newest frame whenever it is ready for one, and frames it had no time for
are dropped (counted), never queued up. A camera that stalls or fails is closed and opened
again with growing pauses; ``status`` says what the screen should show.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from appliance.errors import ApplianceError, BadInput, CameraFailed, CameraNotFound, CameraTimeout
from appliance.sources.base import FrameSource
from appliance.types import Frame

log = logging.getLogger("hinge_mirror.live")

CAMERA_ERRORS = (CameraTimeout, CameraFailed, CameraNotFound)
REOPEN_BACKOFF_S = (0.25, 0.5, 1.0, 2.0, 4.0)


@dataclass(frozen=True)
class Grabbed:
    """A frame and when the loop's clock saw it arrive (seconds)."""

    frame: Frame
    received_s: float


class FrameGrabber:
    """Reads ``open_source()``'s frames in a thread.

    ``realtime``: play recordings at their own speed (by their timestamps) instead of as
    fast as they decode. ``keep_every_frame``: hand over every frame, waiting for the
    loop (deterministic runs and tests) instead of dropping old ones. ``give_up_s``: a
    camera that stays lost this long ends the loop (``status == "failed"``). ``name``:
    what the log calls the source (``"side camera"`` for the second camera).
    """

    def __init__(
        self,
        open_source: Callable[[], FrameSource],
        *,
        realtime: bool,
        keep_every_frame: bool = False,
        give_up_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        name: str = "camera",
    ) -> None:
        self._open_source = open_source
        self.name = name
        self.realtime = realtime
        self.keep_every_frame = keep_every_frame
        self.give_up_s = give_up_s
        self.clock = clock
        self.status = "starting"  # starting | ok | lost | ended | failed
        self.error: ApplianceError | None = None
        self.dropped = 0
        self.delivered = 0
        self.reopen_attempts = 0  # each try to reopen a lost camera
        self._slot: Grabbed | None = None
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="frame-grabber", daemon=True)

    def start(self) -> FrameGrabber:
        """Start reading."""
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 2.0) -> None:
        """Stop reading (the thread ends within ``timeout_s`` or is left as a daemon)."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        self._thread.join(timeout_s)

    @property
    def finished(self) -> bool:
        """The source ended (a file) or failed for good, and its last frame was taken."""
        return self.status in ("ended", "failed") and self._slot is None

    def get(self, timeout_s: float) -> Grabbed | None:
        """The newest frame not yet taken, waiting at most ``timeout_s`` seconds."""
        with self._cond:
            if self._slot is None and not self.finished:
                self._cond.wait(timeout_s)
            grabbed, self._slot = self._slot, None
            self._cond.notify_all()
        return grabbed

    # -- the thread --------------------------------------------------------------------

    def _run(self) -> None:
        lost_since: float | None = None
        attempt = 0
        delivered_before = 0
        while not self._stop.is_set():
            try:
                with self._open_source() as source:
                    self._read(source)
                if not self._stop.is_set():
                    self._set_status("ended")
                return
            except CAMERA_ERRORS as error:
                now = self.clock()
                if self.delivered > delivered_before:  # it worked for a while: a new outage
                    lost_since, attempt = None, 0
                delivered_before = self.delivered
                lost_since = lost_since if lost_since is not None else now
                self.error = error
                self._set_status("lost")
                log.warning("%s lost (%s); reopening", self.name, error)
                if now - lost_since > self.give_up_s:
                    self._set_status("failed")
                    return
                self._stop.wait(REOPEN_BACKOFF_S[min(attempt, len(REOPEN_BACKOFF_S) - 1)])
                attempt += 1
                self.reopen_attempts += 1
            except BadInput as error:
                self.error = error
                self._set_status("failed")
                return

    def _read(self, source: FrameSource) -> None:
        started = self.clock()
        first_t: float | None = None
        for frame in source.frames():
            if self._stop.is_set():
                return
            if self.realtime:
                first_t = frame.t_s if first_t is None else first_t
                delay = (frame.t_s - first_t) - (self.clock() - started)
                if delay > 0 and self._stop.wait(delay):
                    return
            self._put(Grabbed(frame, self.clock()))

    def _put(self, grabbed: Grabbed) -> None:
        with self._cond:
            if self.keep_every_frame:
                while self._slot is not None and not self._stop.is_set():
                    self._cond.wait(0.1)
            elif self._slot is not None:
                self.dropped += 1
            self._slot = grabbed
            self.delivered += 1
            if self.status != "ok":
                self.status = "ok"
                self.error = None
            self._cond.notify_all()

    def _set_status(self, status: str) -> None:
        with self._cond:
            self.status = status
            self._cond.notify_all()
