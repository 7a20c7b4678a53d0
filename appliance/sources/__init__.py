"""Frame sources: where frames come from — video files, image folders, keypoints files,
the Pi camera and webcams — each as timestamped RGB ``Frame`` objects.

Importing this package also silences FFmpeg's log for the process (see ``_opencv``), so
import it before any other OpenCV video call.
"""

from appliance.sources.base import FrameSource, SourceBase
from appliance.sources.camera import CameraDevice, CameraSource, Clock
from appliance.sources.fake_camera import STALL, CameraCall, FakeCamera, ManualClock
from appliance.sources.images import IMAGE_SUFFIXES, ImageFolderSource
from appliance.sources.keypoints_file import (
    KeypointsData,
    KeypointsSource,
    KeypointsWriter,
    read_keypoints_jsonl,
    write_keypoints_jsonl,
)
from appliance.sources.picamera import PiCamera2Device
from appliance.sources.probe import probe_cameras
from appliance.sources.spec import open_source
from appliance.sources.video import VideoSource
from appliance.sources.webcam import WebcamDevice

__all__ = [
    "IMAGE_SUFFIXES",
    "STALL",
    "CameraCall",
    "CameraDevice",
    "CameraSource",
    "Clock",
    "FakeCamera",
    "FrameSource",
    "ImageFolderSource",
    "KeypointsData",
    "KeypointsSource",
    "KeypointsWriter",
    "ManualClock",
    "PiCamera2Device",
    "SourceBase",
    "VideoSource",
    "WebcamDevice",
    "open_source",
    "probe_cameras",
    "read_keypoints_jsonl",
    "write_keypoints_jsonl",
]
