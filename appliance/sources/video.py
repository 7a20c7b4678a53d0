"""Video files through OpenCV's FFmpeg backend: RGB frames timestamped from the file.

Problems with the file are ``BadInput`` with one line: at open time when it cannot be
used at all (missing, empty, a still image, not a video, no decodable frame), and at the
end of iteration when decoding stops far short of what the container promised (a file
cut off while copying), after yielding every frame that did decode.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from appliance.errors import BadInput
from appliance.sources._containers import cut_part
from appliance.sources._opencv import bgr_to_rgb, quiet_opencv, quiet_video_logs
from appliance.sources.base import SourceBase
from appliance.types import Frame

# Decoding fewer frames than the container promised is normal for edited phone clips
# (an edit list hides frames: the clips in shared/media decode 75-100 % of the count).
# Without proof of a cut (see ``cut_part``) only a shortfall below this is an error.
SHORT_FRACTION = 0.5


class VideoSource(SourceBase):
    """Frames of a video file, converted BGR to RGB.

    ``t_s`` (seconds) comes from each frame's presentation time in the file, shifted so the
    first frame is at 0; if the file gives no times, ``index / nominal_fps``. Timestamps are
    strictly increasing. ``frames()`` may be called again to replay the file from the start.
    """

    def __init__(self, path: str | Path) -> None:
        quiet_video_logs()
        self.path = Path(path)
        self._closed = False
        self._capture: cv2.VideoCapture | None = None
        self._capture, self._first, self._first_ms = _open(self.path)
        self.height, self.width = self._first.shape[:2]
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self.nominal_fps = float(fps) if math.isfinite(fps) and 0 < fps <= 1000 else None
        count = self._capture.get(cv2.CAP_PROP_FRAME_COUNT)
        # An unknown count reads as 0, -1 or a huge negative (AV_NOPTS_VALUE).
        self.promised_frames: int | None = int(count) if 0 < count < 1e9 else None
        rate = f"{self.nominal_fps:.2f} fps" if self.nominal_fps else "unknown fps"
        self.description = f"video {self.path.name} ({self.width}x{self.height}, {rate})"

    def frames(self) -> Iterator[Frame]:
        """Every decodable frame in order; ``BadInput`` at the end if the file was cut short.
        Nothing once the source is closed."""
        if self._closed:
            return
        if self._capture is None:
            self._capture, self._first, self._first_ms = _open(self.path)
        capture, first_ms = self._capture, self._first_ms
        image: npt.NDArray[np.uint8] | None = self._first
        self._capture = None
        step_s = 1.0 / (self.nominal_fps or 30.0)
        use_file_times = True
        previous_t = -math.inf
        index = 0
        try:
            while image is not None:
                if index == 0:
                    t_s = 0.0
                else:
                    pos_ms = capture.get(cv2.CAP_PROP_POS_MSEC)
                    if index == 1:
                        # Some streams report 0 for every frame: then count frames instead.
                        use_file_times = pos_ms > first_ms
                    t_s = (pos_ms - first_ms) / 1000.0 if use_file_times else index * step_s
                    if t_s <= previous_t:
                        t_s = previous_t + step_s
                previous_t = t_s
                yield Frame(index, t_s, image.shape[1], image.shape[0], bgr_to_rgb(image))
                index += 1
                with quiet_opencv():
                    ok, bgr = capture.read()
                image = np.asarray(bgr, dtype=np.uint8) if ok and bgr is not None else None
        finally:
            capture.release()
        self._check_complete(index)

    def close(self) -> None:
        """Release the decoder."""
        self._closed = True
        if self._capture is not None:
            self._capture.release()
            self._capture = None

    def _check_complete(self, decoded: int) -> None:
        promised = self.promised_frames
        if promised is None or decoded >= promised:
            return
        if decoded < promised * SHORT_FRACTION or cut_part(self.path) is not None:
            raise BadInput(
                f"{self.path} ends after {decoded} of {promised} frames: truncated or corrupt"
            )


def _open(path: Path) -> tuple[cv2.VideoCapture, npt.NDArray[np.uint8], float]:
    """Open ``path`` and decode its first frame: (capture, first BGR image, its time in ms)."""
    if not path.exists():
        raise BadInput(f"{path}: no such file")
    if path.is_dir():
        raise BadInput(f"{path} is a folder, not a video")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise BadInput(f"{path}: cannot read ({error.strerror})") from error
    if size == 0:
        raise BadInput(f"{path} is empty (0 bytes)")
    with quiet_opencv():
        if cv2.haveImageReader(str(path)):
            raise BadInput(f"{path} is a still image, not a video (put images in a folder)")
        capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
        if not capture.isOpened():
            capture.release()
            raise BadInput(
                f"{path}: {_why_unreadable(path, 'not a video file that can be decoded')}"
            )
        ok, first = capture.read()
    if not ok or first is None:
        capture.release()
        raise BadInput(f"{path}: {_why_unreadable(path, 'no video frame could be decoded')}")
    return capture, np.asarray(first, dtype=np.uint8), capture.get(cv2.CAP_PROP_POS_MSEC)


def _why_unreadable(path: Path, fallback: str) -> str:
    part = cut_part(path)
    return f"truncated video (the file ends inside its {part})" if part else fallback
