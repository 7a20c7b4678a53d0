"""Keeping OpenCV and FFmpeg quiet: the user sees our one-line errors, not library chatter.

Two separate loggers print when a file is bad:

- FFmpeg (``moov atom not found``, ``Invalid NAL unit size``, ...). OpenCV's FFmpeg backend
  reads ``OPENCV_FFMPEG_LOGLEVEL`` when the backend first starts in the process. Only a
  negative value (``-8``, FFmpeg's ``AV_LOG_QUIET``) silences it: any value >= 0 installs
  OpenCV's own callback, which prints FFmpeg's messages with ``printf`` to *stdout* and
  would corrupt ``--json -`` output. So the variable must be set before the first
  ``cv2.VideoCapture``/``VideoWriter`` of the process; importing ``appliance.sources`` does.
- OpenCV itself (``[ WARN:0@0.01] global cap.cpp:212 open VIDEOIO(FFMPEG): ...``, PNG
  decoder warnings, V4L2 "can't open camera by index"). ``quiet_opencv()`` silences these
  only while our calls run, unless the user set ``OPENCV_LOG_LEVEL`` themselves.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import cv2
import numpy as np
import numpy.typing as npt

from appliance.types import RGBImage

FFMPEG_LOGLEVEL_ENV = "OPENCV_FFMPEG_LOGLEVEL"
FFMPEG_QUIET = "-8"
OPENCV_LOGLEVEL_ENV = "OPENCV_LOG_LEVEL"

_lock = threading.Lock()
_depth = 0
_saved_level: int | None = None


def quiet_video_logs() -> None:
    """Silence FFmpeg's own messages for this process (a user's setting wins).

    Effective only before the process's first OpenCV video open; harmless afterwards.
    """
    os.environ.setdefault(FFMPEG_LOGLEVEL_ENV, FFMPEG_QUIET)


@contextmanager
def quiet_opencv() -> Iterator[None]:
    """Silence OpenCV's log while the block runs; nested and threaded use is safe."""
    global _depth, _saved_level
    if OPENCV_LOGLEVEL_ENV in os.environ:
        yield
        return
    with _lock:
        if _depth == 0:
            _saved_level = cv2.utils.logging.getLogLevel()
            cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved_level is not None:
                cv2.utils.logging.setLogLevel(_saved_level)


def bgr_to_rgb(bgr: npt.NDArray[np.uint8]) -> RGBImage:
    """A new RGB array from OpenCV's BGR ``(height, width, 3)`` uint8 image."""
    rgb: RGBImage = np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)
    return rgb


quiet_video_logs()
