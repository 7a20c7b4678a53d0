"""Recordings timed as the camera delivers them: a 1080p clip is shrunk to the camera's
stream before the pose stage, as the Pi's ISP hands the model a 640x480 stream live."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from appliance.config import CameraConfig
from appliance.sources.camera_size import as_camera_delivers, fitted_size
from appliance.types import Frame
from tests.conftest import SHARED_MEDIA, hinge_mirror, need


def test_a_wide_recording_fits_the_cameras_width_and_keeps_its_shape() -> None:
    assert fitted_size(1920, 1080, 640, 480) == (640, 360)
    assert fitted_size(1080, 1920, 640, 480) == (270, 480)


def test_a_recording_already_small_enough_is_never_enlarged() -> None:
    assert fitted_size(480, 270, 640, 480) == (480, 270)


def test_a_large_frame_is_averaged_down_and_a_small_one_passes_untouched() -> None:
    camera = CameraConfig()
    large = np.full((1080, 1920, 3), 200, dtype=np.uint8)
    small = np.zeros((360, 640, 3), dtype=np.uint8)
    frames = [Frame(0, 0.0, 1920, 1080, large), Frame(1, 0.033, 640, 360, small)]
    shrunk, untouched = as_camera_delivers(frames, camera)
    assert shrunk.image is not None
    assert (shrunk.width, shrunk.height, shrunk.image.shape) == (640, 360, (360, 640, 3))
    assert int(shrunk.image.min()) == int(shrunk.image.max()) == 200, "area averaging"
    assert (shrunk.index, shrunk.t_s) == (0, 0.0)
    assert untouched is frames[1]


def test_bench_times_a_1080p_clip_at_the_cameras_size_unless_asked_for_its_own(
    model_dir: Path,
) -> None:
    clip = need(SHARED_MEDIA / "deadlift-side-single-rep" / "good" / "000002.mp4")
    live = json.loads(hinge_mirror("bench", str(clip), "--frames", "8", "--json").stdout)
    assert "1920x1080" in live["source"]
    assert "shrunk to fit 640x480 as the camera delivers it" in live["source"]
    native = hinge_mirror("bench", str(clip), "--frames", "8", "--native-size", "--json")
    assert native.returncode == 0, native.stderr
    assert "timed at its own size" in json.loads(native.stdout)["source"]
