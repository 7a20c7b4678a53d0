"""USB webcams through OpenCV, with a deadline on every call.

``cv2.VideoCapture.read()`` can block forever when a camera hangs, so one worker thread
owns the capture object and the caller waits on its results with a timeout. A read that
overruns its deadline is not abandoned: the next ``capture()`` waits for that same read
rather than queueing another behind it.
"""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import cv2
import numpy as np

from appliance.config import CameraConfig
from appliance.errors import ApplianceError, CameraFailed, CameraNotFound, CameraTimeout
from appliance.sources._opencv import bgr_to_rgb, quiet_opencv
from appliance.types import RGBImage

T = TypeVar("T")

CLOSE_TIMEOUT_S = 1.0
DEV_DIR = Path("/dev")


class _Worker:
    """One daemon thread running submitted calls in order (a hung call cannot block exit)."""

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]] | None]
        self._jobs = queue.SimpleQueue()
        threading.Thread(target=self._run, name=name, daemon=True).start()

    def submit(self, call: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self._jobs.put((call, future))
        return future

    def stop(self) -> None:
        self._jobs.put(None)

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            call, future = job
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(call())
                except BaseException as error:
                    future.set_exception(error)


class WebcamDevice:
    """The webcam OpenCV calls ``index`` (``/dev/video<index>`` on Linux), as a
    ``CameraDevice``. Asks for ``config``'s size and rate; ``frame_size`` is what the camera
    actually gives, known after ``open()``, which waits at most ``open_timeout_s`` seconds.
    """

    def __init__(
        self, index: int = 0, config: CameraConfig | None = None, *, open_timeout_s: float = 5.0
    ) -> None:
        self.index = index
        self.config = config or CameraConfig()
        self.open_timeout_s = open_timeout_s
        self.frame_size: tuple[int, int] | None = None
        self._capture: cv2.VideoCapture | None = None
        self._worker: _Worker | None = None
        self._pending: Future[RGBImage] | None = None

    def open(self) -> None:
        """Open the webcam or raise ``CameraNotFound`` with the reason."""
        if self._worker is not None:
            return
        node = DEV_DIR / f"video{self.index}"
        if sys.platform.startswith("linux") and not node.exists():
            raise CameraNotFound(f"no webcam {self.index}: {node} does not exist")
        worker = _Worker(f"webcam{self.index}")
        try:
            opened = worker.submit(self._open_in_worker).result(timeout=self.open_timeout_s)
        except TimeoutError:
            worker.submit(self._discard_capture)  # runs if the hung open ever returns
            worker.stop()
            raise CameraNotFound(
                f"webcam {self.index} did not open within {self.open_timeout_s:g} s"
            ) from None
        except Exception as error:  # cv2.error from the driver
            worker.stop()
            raise CameraNotFound(f"webcam {self.index} cannot be opened ({error})") from error
        if not opened:
            worker.stop()
            raise CameraNotFound(f"webcam {self.index} cannot be opened (busy, or not a camera)")
        self._worker = worker

    def capture(self, timeout_s: float) -> RGBImage:
        """The next RGB frame; ``CameraTimeout`` after ``timeout_s`` s, ``CameraFailed`` if
        the webcam stopped delivering (unplugged)."""
        if self._worker is None:
            raise CameraFailed(f"webcam {self.index} is not open")
        if self._pending is None:
            self._pending = self._worker.submit(self._read_in_worker)
        pending = self._pending
        try:
            image = pending.result(timeout=timeout_s)
        except TimeoutError as error:
            if not pending.done():  # still reading: keep waiting on it next time
                raise CameraTimeout(
                    f"webcam {self.index} gave no frame within {timeout_s:g} s"
                ) from None
            self._pending = None
            raise CameraFailed(f"webcam {self.index} failed: {error}") from error
        except ApplianceError:
            self._pending = None
            raise
        except Exception as error:
            self._pending = None
            raise CameraFailed(f"webcam {self.index} failed: {error}") from error
        self._pending = None
        return image

    def close(self) -> None:
        """Release the webcam, waiting at most ``CLOSE_TIMEOUT_S`` for a hung read."""
        worker, self._worker = self._worker, None
        if worker is None:
            return
        capture, self._capture = self._capture, None
        if capture is not None:
            released = worker.submit(capture.release)
            # A hung driver keeps its daemon thread; there is nothing more to do then.
            with contextlib.suppress(TimeoutError, cv2.error):
                released.result(timeout=CLOSE_TIMEOUT_S)
        worker.stop()
        self._pending = None
        self.frame_size = None

    def _open_in_worker(self) -> bool:
        backend = cv2.CAP_V4L2 if sys.platform.startswith("linux") else cv2.CAP_ANY
        with quiet_opencv():
            capture = cv2.VideoCapture(self.index, backend)
            if not capture.isOpened():
                capture.release()
                return False
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.config.width)
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.config.height)
            capture.set(cv2.CAP_PROP_FPS, self.config.fps)
            capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not a stale queue
            width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
            height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        self._capture = capture
        self.frame_size = (width, height) if width > 0 and height > 0 else None
        return True

    def _discard_capture(self) -> None:
        capture, self._capture = self._capture, None
        if capture is not None:
            capture.release()
        self.frame_size = None

    def _read_in_worker(self) -> RGBImage:
        capture = self._capture
        if capture is None:
            raise CameraFailed(f"webcam {self.index} was closed")
        with quiet_opencv():
            try:
                ok, bgr = capture.read()
            except cv2.error as error:
                raise CameraFailed(f"webcam {self.index} failed: {error}") from error
        if not ok or bgr is None:
            raise CameraFailed(f"webcam {self.index} stopped delivering frames (unplugged?)")
        return bgr_to_rgb(np.asarray(bgr, dtype=np.uint8))
