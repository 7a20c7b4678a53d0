"""``open_source``: from a ``SOURCE`` string (interfaces.md) to an open frame source.

``SOURCE`` is a path to a video file, an image folder or a ``.jsonl`` keypoints file,
``webcam`` or ``webcam:N``, ``picamera`` or ``picamera:N`` (the Pi's camera connector N),
or ``demo`` (one visit of the synthetic lifter,
then the source ends).
"""

from __future__ import annotations

from pathlib import Path

from appliance.config import CameraConfig
from appliance.errors import BadInput
from appliance.sources.base import FrameSource
from appliance.sources.camera import CameraSource
from appliance.sources.images import ImageFolderSource
from appliance.sources.keypoints_file import KeypointsSource
from appliance.sources.picamera import PiCamera2Device
from appliance.sources.video import VideoSource
from appliance.sources.webcam import WebcamDevice
from appliance.types import MODES

KINDS = "a video file, an image folder, a .jsonl keypoints file, webcam[:N], picamera[:N] or demo"


def open_source(
    spec: str,
    camera: CameraConfig | None = None,
    *,
    image_fps: float = 30.0,
    epoch_s: float | None = None,
) -> FrameSource:
    """Open the source named by ``spec``.

    ``camera`` configures ``picamera`` and ``webcam`` (size, rate, capture deadline);
    ``image_fps`` is the frame rate (frames per second) assumed for an image folder.
    ``epoch_s``: a camera's ``t_s`` is seconds since this ``time.monotonic()`` reading
    instead of since its first frame (two cameras on one clock).
    Raises ``BadInput`` for an unusable spec or file, ``CameraNotFound`` for a camera that
    does not answer.
    """
    if is_demo(spec):
        from appliance.sources.demo import DemoSource

        mode = demo_mode(spec)
        if mode not in MODES:
            raise BadInput(f"{spec}: the demo's mode is drill or deadlift, e.g. demo:deadlift")
        return DemoSource(mode)
    if is_picamera(spec):
        number = parse_camera_number(spec)
        device = PiCamera2Device(camera, camera_num=number)
        name = "Pi camera" if number == 0 else f"Pi camera {number}"
        return CameraSource(device, camera, name=name, epoch_s=epoch_s)
    if is_camera(spec):  # a webcam: the Pi camera was taken above
        index = parse_webcam_index(spec)
        device_w = WebcamDevice(index, camera)
        return CameraSource(device_w, camera, name=f"webcam {index}", epoch_s=epoch_s)
    if not spec:
        raise BadInput(f"no source given: expected {KINDS}")
    path = Path(spec)
    if not path.exists():
        raise BadInput(f"{spec}: no such file or folder (a source is {KINDS})")
    if path.is_dir():
        return ImageFolderSource(path, fps=image_fps)
    if path.suffix.lower() == ".jsonl":
        return KeypointsSource(path)
    return VideoSource(path)


def parse_webcam_index(spec: str) -> int:
    """The N of ``webcam:N`` (0 for plain ``webcam``); ``BadInput`` if N is not an index."""
    return parse_camera_number(spec)


def parse_camera_number(spec: str) -> int:
    """The N of ``webcam:N`` or ``picamera:N`` (0 without one); ``BadInput`` if N is not
    a whole number."""
    kind, _, number = spec.partition(":")
    if not number:
        return 0
    if not (number.isascii() and number.isdigit()):
        raise BadInput(f"{spec}: the {kind} number must be a whole number like {kind}:1")
    return int(number)


def is_picamera(spec: str) -> bool:
    """True for a Pi camera: ``picamera`` (connector 0) or ``picamera:N``."""
    return spec == "picamera" or spec.startswith("picamera:")


def carries_keypoints(spec: str) -> bool:
    """True for sources whose frames come with keypoints (the demo, a .jsonl file): they
    need no pose model."""
    return is_demo(spec) or spec.lower().endswith(".jsonl")


def demo_mode(spec: str) -> str:
    """The mode the demo lifter of ``demo[:MODE]`` lifts in (drill unless named)."""
    return spec.partition(":")[2] or "drill"


def is_demo(spec: str) -> bool:
    """True for the built-in demo lifter (``demo``, ``demo:MODE``): nothing real, never
    recorded in a history."""
    return spec == "demo" or spec.startswith("demo:")


def is_camera(spec: str) -> bool:
    """True for live sources (the Pi camera, a webcam): no end of their own, their own pace."""
    return is_picamera(spec) or spec == "webcam" or spec.startswith("webcam:")
