"""The Raspberry Pi camera through picamera2, imported only when the camera is opened.

The model reads a small *lores* stream of ``CameraConfig.width`` x ``height`` made by the
ISP at no CPU cost; picamera2 also requires a *main* stream, set to the same small size as
nothing reads it. On a Pi 5 (PiSP) the lores stream can be RGB: picamera2's ``"BGR888"``
holds bytes in R, G, B order (its ``"RGB888"`` is B, G, R). Older Pis (VC4) only allow a
YUV420 lores stream; that is converted here. References: picamera2's manual, appendix A
(pixel formats), and ``Picamera2.check_camera_config`` ("lores stream must be YUV" only on
VC4); ``dispatch_functions`` (a job's ``get_result(timeout)`` raises ``TimeoutError``).
"""

from __future__ import annotations

import contextlib
import logging
import os
from typing import Any

import cv2
import numpy as np

from appliance.config import CameraConfig
from appliance.errors import CameraFailed, CameraNotFound, CameraTimeout
from appliance.types import RGBImage

INSTALL_HINT = "picamera2 is not installed: sudo apt install python3-picamera2"
# libcamera prints INFO lines to stderr on every start unless told otherwise.
LIBCAMERA_LOG_ENV = "LIBCAMERA_LOG_LEVELS"


class PiCamera2Device:
    """A ``CameraDevice`` for camera ``camera_num`` on the Pi's CSI connector.

    ``open()`` raises ``CameraNotFound`` when picamera2 is missing, no camera is connected,
    or another program holds it. ``capture(timeout_s)`` raises ``CameraTimeout`` when no
    frame arrives within ``timeout_s`` seconds (and cancels the pending request, so it does
    not swallow the next frame) and ``CameraFailed`` for any other camera error.
    """

    def __init__(self, config: CameraConfig | None = None, *, camera_num: int = 0) -> None:
        self.config = config or CameraConfig()
        self.camera_num = camera_num
        self.frame_size: tuple[int, int] | None = None
        self._camera: Any = None
        self._yuv = False

    def open(self) -> None:
        """Start the camera with the lores stream configured, or raise ``CameraNotFound``."""
        if self._camera is not None:
            return
        os.environ.setdefault(LIBCAMERA_LOG_ENV, "*:ERROR")
        try:
            from picamera2 import Picamera2
        except ImportError as error:
            raise CameraNotFound(INSTALL_HINT) from error
        # Without this, picamera2's own error log reaches stderr via logging's last resort.
        logging.getLogger("picamera2").addHandler(logging.NullHandler())
        try:
            camera = Picamera2(self.camera_num)
        except Exception as error:  # picamera2 raises bare RuntimeError / IndexError
            raise CameraNotFound(
                f"no Pi camera {self.camera_num} answers (not connected, or in use by "
                f"another program): {error}"
            ) from error
        try:
            self._yuv = self._configure(camera)
            camera.start()
        except Exception as error:
            _close_quietly(camera)
            raise CameraNotFound(f"the Pi camera cannot be started: {error}") from error
        self._camera = camera
        self.frame_size = (self.config.width, self.config.height)

    def capture(self, timeout_s: float) -> RGBImage:
        """The next lores frame as RGB, within ``timeout_s`` seconds."""
        camera = self._camera
        if camera is None:
            raise CameraFailed("the Pi camera is not open")
        try:
            job = camera.capture_array("lores", wait=False)
            array = job.get_result(timeout=timeout_s)
        except TimeoutError:
            cancel = getattr(camera, "cancel_all_and_flush", None)
            if cancel is not None:
                with contextlib.suppress(Exception):
                    cancel()
            raise CameraTimeout(f"the Pi camera gave no frame within {timeout_s:g} s") from None
        except Exception as error:
            raise CameraFailed(f"the Pi camera failed: {error}") from error
        return self._to_rgb(array)

    def close(self) -> None:
        """Stop and release the camera; never raises."""
        camera, self._camera = self._camera, None
        self.frame_size = None
        if camera is not None:
            _close_quietly(camera)

    def _configure(self, camera: Any) -> bool:
        """Configure the streams; True if the lores stream had to be YUV420 (not a Pi 5)."""
        size = (self.config.width, self.config.height)
        frame_us = round(1_000_000 / self.config.fps)
        for lores_format in ("BGR888", "YUV420"):
            configuration = camera.create_video_configuration(
                main={"size": size, "format": "YUV420"},
                lores={"size": size, "format": lores_format},
                controls={"FrameDurationLimits": (frame_us, frame_us)},
                buffer_count=4,
                display=None,
                encode=None,
            )
            try:
                camera.configure(configuration)
            except RuntimeError:
                if lores_format == "YUV420":
                    raise
                continue  # VC4: "lores stream must be YUV"
            return lores_format == "YUV420"
        raise AssertionError("unreachable")

    def _to_rgb(self, array: Any) -> RGBImage:
        if not self._yuv:
            rgb: RGBImage = np.ascontiguousarray(array)
            return rgb
        # picamera2 gives YUV420 as (height * 3 / 2, stride) with padding on the right of
        # every plane; convert at full stride, then crop, so the U/V rows stay aligned.
        # Its planes are Y, U, V (I420); OpenCV's COLOR_YUV420p2RGB means YV12 (V first).
        converted = cv2.cvtColor(array, cv2.COLOR_YUV2RGB_I420)
        cropped: RGBImage = np.ascontiguousarray(converted[:, : self.config.width])
        return cropped


def _close_quietly(camera: Any) -> None:
    for step in ("stop", "close"):
        with contextlib.suppress(Exception):
            getattr(camera, step)()
