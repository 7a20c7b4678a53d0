"""A cheap look for cameras, for ``hinge-mirror doctor``: never hangs, never raises.

Pi cameras are listed by picamera2 (if installed); USB webcams from sysfs, one line per
``uvcvideo`` capture node (a UVC camera also makes a metadata node, and a Pi 5 has many
ISP nodes that are not cameras: neither is listed).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from pathlib import Path
from typing import Any

from appliance.sources.picamera import LIBCAMERA_LOG_ENV

SYSFS_VIDEO = Path("/sys/class/video4linux")


def probe_cameras(timeout_s: float = 2.0) -> list[str]:
    """One line per camera that seems present, e.g. ``picamera 0: imx708 (...)`` or
    ``webcam:0: HD Pro Webcam C920 (/dev/video0)``; waits at most ``timeout_s`` seconds."""
    found: list[str] = []
    with contextlib.suppress(Exception):
        found += pi_cameras(timeout_s)
    with contextlib.suppress(Exception):
        found += usb_webcams(SYSFS_VIDEO)
    return found


def pi_cameras(timeout_s: float) -> list[str]:
    """Cameras libcamera reports through picamera2; ``[]`` if picamera2 is not installed or
    libcamera does not answer within ``timeout_s`` seconds (every line must be a camera)."""
    answers: list[list[dict[str, Any]]] = []

    def ask() -> None:
        os.environ.setdefault(LIBCAMERA_LOG_ENV, "*:ERROR")
        with contextlib.suppress(Exception):
            from picamera2 import Picamera2

            logging.getLogger("picamera2").addHandler(logging.NullHandler())
            answers.append(list(Picamera2.global_camera_info()))

    worker = threading.Thread(target=ask, name="probe-picamera", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive() or not answers:
        return []
    return [
        f"picamera {i}: {info.get('Model', 'unknown model')} ({info.get('Id', 'no id')})"
        for i, info in enumerate(answers[0])
    ]


def usb_webcams(sysfs: Path) -> list[str]:
    """USB (UVC) webcam capture nodes under ``sysfs`` (normally /sys/class/video4linux),
    as ``webcam:N: NAME (/dev/videoN)`` where ``webcam:N`` is the source to ask for."""
    lines: list[tuple[int, str]] = []
    for node in sysfs.glob("video*"):
        match = re.fullmatch(r"video(\d+)", node.name)
        if match is None:
            continue
        number = int(match.group(1))
        if _read(node / "index") not in ("", "0"):
            continue
        if (node / "device" / "driver").resolve().name != "uvcvideo":
            continue
        name = _read(node / "name") or "USB camera"
        lines.append((number, f"webcam:{number}: {name} (/dev/video{number})"))
    return [line for _, line in sorted(lines)]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def found_line(spec: str, found: list[str]) -> str | None:
    """The line of ``found`` (``probe_cameras``) for the camera ``spec`` names
    (``picamera[:N]``, ``webcam[:N]``), or ``None`` if it is not there."""
    kind, _, number = spec.partition(":")
    number = number or "0"
    prefix = f"picamera {number}:" if kind == "picamera" else f"webcam:{number}:"
    return next((line for line in found if line.startswith(prefix)), None)
