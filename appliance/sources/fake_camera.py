"""A fake ``CameraDevice`` for tests: plays given images, stalls or fails on cue, and records
every call it gets — the camera counterpart of gpiozero's ``MockFactory``.

    clock = ManualClock()
    camera = FakeCamera([img] * 10, script={3: STALL, 5: CameraFailed("unplugged")},
                        clock=clock, frame_interval_s=1 / 30)
    source = CameraSource(camera, clock=clock)

Capture number ``n`` counts ``capture()`` calls from 0. A stalled capture gives no image
and raises ``CameraTimeout`` at its deadline: with a ``ManualClock`` the clock jumps by the
timeout and nothing really waits; without one it waits on an event for the real timeout,
and ``unstall()`` ends the wait early with the next image. Scripted errors are raised as
given. Stalls and errors do not use up an image. When the images run out, a capture raises
``CameraFailed``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from appliance.errors import ApplianceError, CameraFailed, CameraNotFound, CameraTimeout
from appliance.types import RGBImage

STALL: Final = "stall"
"""Script entry: this capture gets no image before its deadline."""

Action = ApplianceError | Literal["stall"]


class ManualClock:
    """A clock that moves only when told to; call it for the time in seconds."""

    def __init__(self, start_s: float = 0.0) -> None:
        self.now_s = start_s

    def __call__(self) -> float:
        return self.now_s

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds`` (>= 0)."""
        if seconds < 0:
            raise ValueError(f"time cannot go back ({seconds} s)")
        self.now_s += seconds


@dataclass(frozen=True)
class CameraCall:
    """One call the fake received: ``"open"``, ``"capture"`` (with its timeout, seconds) or
    ``"close"``."""

    name: str
    timeout_s: float | None = None


class FakeCamera:
    """A scriptable ``CameraDevice``; see the module docstring.

    ``frames``: the images to hand out, a list or any iterable (a generator). ``script``:
    capture number -> ``STALL`` or an exception to raise. ``open_error``: raised by
    ``open()`` (e.g. ``CameraNotFound``). ``clock`` and ``frame_interval_s``: a manual
    clock advanced by ``frame_interval_s`` seconds per delivered image and by the timeout per
    stall. ``frame_size``: the ``(width, height)`` reported once open; by default the first
    image's, when ``frames`` is a sequence.
    """

    def __init__(
        self,
        frames: Iterable[RGBImage] = (),
        *,
        script: Mapping[int, Action] | None = None,
        open_error: CameraNotFound | None = None,
        clock: ManualClock | None = None,
        frame_interval_s: float = 0.0,
        frame_size: tuple[int, int] | None = None,
    ) -> None:
        if frame_size is None and isinstance(frames, Sequence) and len(frames) > 0:
            frame_size = (int(frames[0].shape[1]), int(frames[0].shape[0]))
        self._frames = iter(frames)
        self.script: dict[int, Action] = dict(script or {})
        self.open_error = open_error
        self.clock = clock
        self.frame_interval_s = frame_interval_s
        self._size = frame_size
        self.calls: list[CameraCall] = []
        self.is_open = False
        self.captures = 0
        self._unstalled = threading.Event()

    @property
    def frame_size(self) -> tuple[int, int] | None:
        """``(width, height)`` in pixels while open, else ``None``."""
        return self._size if self.is_open else None

    @property
    def capture_timeouts(self) -> list[float]:
        """The timeout (seconds) of every ``capture()`` call so far, in order."""
        return [c.timeout_s for c in self.calls if c.name == "capture" and c.timeout_s is not None]

    def open(self) -> None:
        """Open, or raise the scripted ``open_error``."""
        self.calls.append(CameraCall("open"))
        if self.open_error is not None:
            raise self.open_error
        self.is_open = True

    def capture(self, timeout_s: float) -> RGBImage:
        """The next image, or the scripted stall (``CameraTimeout``) or error."""
        self.calls.append(CameraCall("capture", timeout_s))
        number = self.captures
        self.captures += 1
        if not self.is_open:
            raise CameraFailed("capture() on a fake camera that is not open")
        action = self.script.get(number)
        if action == STALL:
            self._stall(number, timeout_s)
        elif isinstance(action, BaseException):
            raise action
        try:
            image = next(self._frames)
        except StopIteration:
            raise CameraFailed("the fake camera has no more frames") from None
        if self.clock is not None:
            self.clock.advance(self.frame_interval_s)
        return image

    def unstall(self) -> None:
        """End a real-time stall now: the waiting capture returns the next image."""
        self._unstalled.set()

    def close(self) -> None:
        """Close; never raises."""
        self.calls.append(CameraCall("close"))
        self.is_open = False

    def _stall(self, number: int, timeout_s: float) -> None:
        if self.clock is not None:
            self.clock.advance(timeout_s)
        elif self._unstalled.wait(timeout_s):
            self._unstalled.clear()
            return
        raise CameraTimeout(f"fake camera: no frame within {timeout_s:g} s (capture {number})")
