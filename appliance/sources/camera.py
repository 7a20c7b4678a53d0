"""Live cameras: one small device interface, and the frame source that drives any device.

A device only opens, captures one RGB image within a deadline, and closes. Real devices
(``PiCamera2Device``, ``WebcamDevice``) import their libraries inside themselves;
``FakeCamera`` stands in for them in tests. Every capture has a deadline
(``CameraConfig.capture_timeout_s``), so nothing here blocks forever.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Protocol, runtime_checkable

from appliance.config import CameraConfig
from appliance.sources.base import SourceBase
from appliance.types import Frame, RGBImage

Clock = Callable[[], float]
"""A monotonic clock: seconds from an arbitrary origin, like ``time.monotonic``."""


@runtime_checkable
class CameraDevice(Protocol):
    """A camera that hands over one RGB ``(height, width, 3)`` uint8 image per capture.

    ``open()`` raises ``CameraNotFound`` (not connected, busy, library missing).
    ``capture(timeout_s)`` returns the next image or raises ``CameraTimeout`` once
    ``timeout_s`` seconds have passed without one, ``CameraFailed`` if the camera broke.
    ``close()`` releases the camera and never raises. A device may also have a
    ``frame_size`` attribute, ``(width, height)`` in pixels, once open.
    """

    def open(self) -> None: ...

    def capture(self, timeout_s: float) -> RGBImage: ...

    def close(self) -> None: ...


class CameraSource(SourceBase):
    """Frames from a ``CameraDevice``, timestamped by ``clock`` as each capture returns.

    The device is opened here, so ``CameraNotFound`` surfaces at open time. ``t_s`` is
    seconds since the first frame's capture, or since ``epoch_s`` (a reading of ``clock``)
    when given: two cameras given the same epoch share one clock, and a camera opened again
    after an outage carries on with its time. ``start_monotonic`` is the clock's reading
    that ``t_s`` counts from (``None`` before the first frame without an epoch), to relate
    ``t_s`` back to ``clock`` (latency).
    ``frames()`` runs until the source is closed or the device raises ``CameraTimeout`` /
    ``CameraFailed``, which pass through unchanged for the live loop to handle; calling it
    again continues the same numbering and time base.
    """

    def __init__(
        self,
        device: CameraDevice,
        config: CameraConfig | None = None,
        *,
        name: str = "camera",
        clock: Clock = time.monotonic,
        epoch_s: float | None = None,
    ) -> None:
        self.device = device
        self.config = config or CameraConfig()
        self._clock = clock
        self._closed = False
        self._next_index = 0
        self.start_monotonic: float | None = epoch_s
        device.open()
        size = getattr(device, "frame_size", None)
        self.width, self.height = size or (self.config.width, self.config.height)
        self.nominal_fps = self.config.fps
        self.description = f"{name} ({self.width}x{self.height}, {self.config.fps:g} fps)"

    def frames(self) -> Iterator[Frame]:
        """Capture frames until closed; each within ``config.capture_timeout_s`` seconds."""
        timeout_s = self.config.capture_timeout_s
        while not self._closed:
            image = self.device.capture(timeout_s)
            now = self._clock()
            if self.start_monotonic is None:
                self.start_monotonic = now
            index = self._next_index
            self._next_index += 1
            height, width = image.shape[:2]
            yield Frame(index, now - self.start_monotonic, width, height, image)

    def close(self) -> None:
        """Close the device (once)."""
        if not self._closed:
            self._closed = True
            self.device.close()
