"""Cameras: the fake that later tests of the live loop use, the source that timestamps
captures, and the real devices' error translation (webcam through a stand-in for
``cv2.VideoCapture``, the Pi camera through a stand-in ``picamera2`` module)."""

from __future__ import annotations

import sys
import threading
import time
import types
from typing import ClassVar

import cv2
import numpy as np
import pytest

from appliance.config import CameraConfig
from appliance.errors import CameraFailed, CameraNotFound, CameraTimeout
from appliance.sources import (
    STALL,
    CameraCall,
    CameraDevice,
    CameraSource,
    FakeCamera,
    ManualClock,
    PiCamera2Device,
    WebcamDevice,
    open_source,
    probe_cameras,
)
from appliance.sources import probe as probe_module
from appliance.sources import webcam as webcam_module
from appliance.types import Frame


def pixels(frame: Frame) -> np.ndarray:
    assert frame.image is not None
    return frame.image


def image(value: int = 0, size: tuple[int, int] = (64, 48)) -> np.ndarray:
    return np.full((size[1], size[0], 3), value, np.uint8)


# --- FakeCamera and CameraSource -----------------------------------------------------------


def test_a_camera_source_timestamps_frames_with_its_clock():
    clock = ManualClock(100.0)
    camera = FakeCamera([image(i) for i in range(4)], clock=clock, frame_interval_s=0.04)
    config = CameraConfig(capture_timeout_s=0.5)
    with CameraSource(camera, config, clock=clock) as source:
        stream = source.frames()
        frames = [next(stream) for _ in range(4)]
    assert [f.index for f in frames] == [0, 1, 2, 3]
    assert [f.t_s for f in frames] == pytest.approx([0.0, 0.04, 0.08, 0.12])
    assert [int(pixels(f)[0, 0, 0]) for f in frames] == [0, 1, 2, 3]
    assert source.start_monotonic == pytest.approx(100.04)
    assert camera.calls[0] == CameraCall("open")
    assert camera.capture_timeouts == [0.5] * 4
    assert camera.calls[-1] == CameraCall("close")
    assert not camera.is_open


def test_a_stalled_capture_times_out_at_its_deadline_without_really_waiting():
    clock = ManualClock()
    camera = FakeCamera([image()] * 3, script={1: STALL}, clock=clock)
    source = CameraSource(camera, CameraConfig(capture_timeout_s=2.0), clock=clock)
    frames = source.frames()
    started = time.monotonic()
    assert next(frames).index == 0
    with pytest.raises(CameraTimeout):
        next(frames)
    assert time.monotonic() - started < 0.5
    assert clock() == pytest.approx(2.0)  # the deadline passed on the fake clock
    # The loop may go on: the stall used no image and numbering continues.
    assert next(source.frames()).index == 1
    assert camera.capture_timeouts == [2.0, 2.0, 2.0]


def test_a_real_time_stall_waits_for_the_timeout_given():
    camera = FakeCamera([image()], script={0: STALL})
    camera.open()
    started = time.monotonic()
    with pytest.raises(CameraTimeout, match=r"0\.02 s"):
        camera.capture(0.02)
    assert 0.015 < time.monotonic() - started < 0.5


def test_a_stalled_capture_released_before_its_deadline_delivers_the_frame():
    camera = FakeCamera([image(7)], script={0: STALL})
    camera.open()
    threading.Timer(0.01, camera.unstall).start()
    started = time.monotonic()
    assert camera.capture(5.0)[0, 0, 0] == 7
    assert time.monotonic() - started < 2.0


def test_scripted_failures_reach_the_caller_unchanged():
    unplugged = CameraFailed("unplugged")
    camera = FakeCamera([image()] * 2, script={1: unplugged})
    frames = CameraSource(camera).frames()
    next(frames)
    with pytest.raises(CameraFailed) as error:
        next(frames)
    assert error.value is unplugged


def test_a_camera_that_is_not_there_fails_when_the_source_opens():
    camera = FakeCamera(open_error=CameraNotFound("no camera"))
    with pytest.raises(CameraNotFound, match="no camera"):
        CameraSource(camera)
    assert camera.calls == [CameraCall("open")]


def test_the_fake_plays_a_generator_and_fails_when_it_runs_out():
    camera = FakeCamera(image(i) for i in range(2))
    camera.open()
    assert [camera.capture(1.0)[0, 0, 0] for _ in range(2)] == [0, 1]
    with pytest.raises(CameraFailed, match="no more frames"):
        camera.capture(1.0)


def test_a_capture_on_a_closed_fake_fails():
    camera = FakeCamera([image()])
    with pytest.raises(CameraFailed, match="not open"):
        camera.capture(1.0)


def test_the_source_size_is_the_cameras_and_closing_twice_closes_once():
    camera = FakeCamera([image(size=(32, 24))])
    assert isinstance(camera, CameraDevice)
    source = CameraSource(camera, CameraConfig(fps=15), name="fake")
    assert (source.width, source.height, source.nominal_fps) == (32, 24, 15)
    assert source.description == "fake (32x24, 15 fps)"
    source.close()
    source.close()
    assert [c.name for c in camera.calls] == ["open", "close"]
    assert list(source.frames()) == []


# --- webcam ----------------------------------------------------------------------------------


def test_a_webcam_that_does_not_exist_is_not_found_quickly():
    started = time.monotonic()
    with pytest.raises(CameraNotFound, match="webcam 99"):
        open_source("webcam:99")
    assert time.monotonic() - started < 1.0


class StandInCapture:
    """Replaces ``cv2.VideoCapture`` for a webcam: reads block until ``release_read`` is set."""

    instances: ClassVar[list[StandInCapture]] = []

    def __init__(self, index, backend, *, opens=True):
        self.index = index
        self.opens = opens
        self.release_read = threading.Event()
        self.reads = 0
        self.released = False
        bgr_red = np.zeros((4, 6, 3), np.uint8)
        bgr_red[..., 2] = 255
        self.result: tuple[bool, np.ndarray | None] = (True, bgr_red)
        StandInCapture.instances.append(self)

    def isOpened(self):
        return self.opens

    def set(self, prop, value):
        return True

    def get(self, prop):
        return {cv2.CAP_PROP_FRAME_WIDTH: 6.0, cv2.CAP_PROP_FRAME_HEIGHT: 4.0}.get(prop, 0.0)

    def read(self):
        self.reads += 1
        self.release_read.wait(5.0)
        return self.result

    def release(self):
        self.released = True


@pytest.fixture
def stand_in_webcam(tmp_path, monkeypatch):
    (tmp_path / "video0").touch()
    monkeypatch.setattr(webcam_module, "DEV_DIR", tmp_path)
    StandInCapture.instances = []
    monkeypatch.setattr(webcam_module.cv2, "VideoCapture", StandInCapture)
    return StandInCapture.instances


def test_a_hung_webcam_read_times_out_and_the_next_capture_waits_for_the_same_read(
    stand_in_webcam,
):
    webcam = WebcamDevice(0, CameraConfig(width=64, height=48))
    webcam.open()
    assert webcam.frame_size == (6, 4)  # what the stand-in delivers, whatever was asked
    (capture,) = stand_in_webcam
    with pytest.raises(CameraTimeout, match=r"within 0\.02 s"):
        webcam.capture(0.02)
    capture.release_read.set()
    frame = webcam.capture(1.0)
    assert capture.reads == 1
    assert frame.shape == (4, 6, 3)
    assert tuple(frame[0, 0]) == (255, 0, 0)  # BGR in, RGB out
    webcam.close()
    assert capture.released


def test_a_webcam_that_stops_delivering_has_failed(stand_in_webcam):
    webcam = WebcamDevice(0)
    webcam.open()
    capture = stand_in_webcam[0]
    capture.result = (False, None)
    capture.release_read.set()
    with pytest.raises(CameraFailed, match="stopped delivering"):
        webcam.capture(1.0)
    webcam.close()


def test_a_webcam_that_will_not_open_is_not_found(stand_in_webcam, monkeypatch):
    monkeypatch.setattr(
        webcam_module.cv2, "VideoCapture", lambda i, b: StandInCapture(i, b, opens=False)
    )
    with pytest.raises(CameraNotFound, match="cannot be opened"):
        WebcamDevice(0).open()


# --- Pi camera -------------------------------------------------------------------------------


def test_the_pi_camera_without_picamera2_installed_is_not_found(monkeypatch):
    monkeypatch.setitem(sys.modules, "picamera2", None)  # makes the import fail
    with pytest.raises(CameraNotFound) as error:
        open_source("picamera")
    assert str(error.value) == "picamera2 is not installed: sudo apt install python3-picamera2"


class StandInJob:
    def __init__(self, result):
        self.result = result

    def get_result(self, timeout=None):
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result


class StandInPicamera2:
    """Enough of ``picamera2.Picamera2`` for the device: records what it is asked."""

    made: ClassVar[list[StandInPicamera2]] = []
    init_error: ClassVar[Exception | None] = None
    vc4: ClassVar[bool] = False  # older Pis only allow a YUV lores stream

    def __init__(self, camera_num=0):
        if StandInPicamera2.init_error is not None:
            raise StandInPicamera2.init_error
        self.configurations = []
        self.configured = None
        self.started = self.closed = False
        self.cancelled = 0
        self.next = None
        StandInPicamera2.made.append(self)

    def create_video_configuration(self, **kwargs):
        return kwargs

    def configure(self, configuration):
        self.configurations.append(configuration)
        if self.vc4 and configuration["lores"]["format"] != "YUV420":
            raise RuntimeError("lores stream must be YUV")
        self.configured = configuration

    def start(self):
        self.started = True

    def capture_array(self, name="main", wait=None):
        assert name == "lores"
        assert wait is False
        return StandInJob(self.next)

    def cancel_all_and_flush(self):
        self.cancelled += 1

    def stop(self):
        self.started = False

    def close(self):
        self.closed = True


@pytest.fixture
def stand_in_picamera2(monkeypatch):
    module = types.SimpleNamespace(Picamera2=StandInPicamera2)
    monkeypatch.setitem(sys.modules, "picamera2", module)
    monkeypatch.setattr(StandInPicamera2, "made", [])
    monkeypatch.setattr(StandInPicamera2, "init_error", None)
    monkeypatch.setattr(StandInPicamera2, "vc4", False)
    return StandInPicamera2


def test_the_pi_camera_asks_for_a_small_rgb_lores_stream_at_the_configured_rate(
    stand_in_picamera2,
):
    device = PiCamera2Device(CameraConfig(width=320, height=240, fps=25))
    device.open()
    (camera,) = stand_in_picamera2.made
    configuration = camera.configured
    assert configuration["lores"] == {"size": (320, 240), "format": "BGR888"}
    assert configuration["main"]["size"] == (320, 240)
    assert configuration["controls"] == {"FrameDurationLimits": (40_000, 40_000)}
    assert camera.started
    assert device.frame_size == (320, 240)
    rgb = image(9, size=(320, 240))
    camera.next = rgb
    assert np.array_equal(device.capture(1.0), rgb)
    device.close()
    assert camera.closed
    assert not camera.started


def test_the_pi_camera_converts_a_padded_yuv_lores_stream_on_older_pis(stand_in_picamera2):
    stand_in_picamera2.vc4 = True
    device = PiCamera2Device(CameraConfig(width=64, height=48))
    device.open()
    (camera,) = stand_in_picamera2.made
    assert camera.configured["lores"]["format"] == "YUV420"
    red = np.zeros((48, 64, 3), np.uint8)
    red[..., 0] = 255
    camera.next = padded_i420(cv2.cvtColor(red, cv2.COLOR_RGB2YUV_I420), 64, 48, stride=96)
    frame = device.capture(1.0)
    assert frame.shape == (48, 64, 3)
    assert frame[..., 0].min() > 230
    assert frame[..., 1:].max() < 25


def padded_i420(i420: np.ndarray, width: int, height: int, stride: int) -> np.ndarray:
    """Lay ``i420`` out as picamera2 hands it over: ``(height * 3 / 2, stride)``, each
    plane's rows padded to the stride (the chroma planes to half of it)."""
    flat = i420.reshape(-1)
    y = flat[: width * height].reshape(height, width)
    u = flat[width * height : width * height * 5 // 4].reshape(height // 2, width // 2)
    v = flat[width * height * 5 // 4 :].reshape(height // 2, width // 2)
    out = np.full(stride * height * 3 // 2, 77, np.uint8)  # junk in the padding
    out[: stride * height].reshape(height, stride)[:, :width] = y
    chroma = stride // 2
    for offset, plane in ((stride * height, u), (stride * height * 5 // 4, v)):
        out[offset : offset + chroma * height // 2].reshape(height // 2, chroma)[
            :, : width // 2
        ] = plane
    return out.reshape(height * 3 // 2, stride)


def test_a_pi_camera_capture_past_its_deadline_times_out_and_cancels_the_request(
    stand_in_picamera2,
):
    device = PiCamera2Device()
    device.open()
    camera = stand_in_picamera2.made[0]
    camera.next = TimeoutError()
    with pytest.raises(CameraTimeout):
        device.capture(0.5)
    assert camera.cancelled == 1


def test_picamera2_errors_are_translated_at_the_boundary(stand_in_picamera2):
    stand_in_picamera2.init_error = RuntimeError("Camera __init__ sequence did not complete.")
    with pytest.raises(CameraNotFound, match="not connected, or in use"):
        PiCamera2Device().open()
    stand_in_picamera2.init_error = IndexError("list index out of range")
    with pytest.raises(CameraNotFound):
        PiCamera2Device().open()
    stand_in_picamera2.init_error = None
    device = PiCamera2Device()
    device.open()
    stand_in_picamera2.made[0].next = RuntimeError("dma buffer gone")
    with pytest.raises(CameraFailed, match="dma buffer gone"):
        device.capture(0.5)


# --- probing ---------------------------------------------------------------------------------


def test_probing_lists_usb_webcam_capture_nodes_only(tmp_path):
    drivers = tmp_path / "drivers"
    for driver in ("uvcvideo", "pispbe"):
        (drivers / driver).mkdir(parents=True)
    sysfs = tmp_path / "video4linux"
    for number, driver, index, name in [
        (0, "uvcvideo", "0", "HD Pro Webcam C920"),
        (1, "uvcvideo", "1", "HD Pro Webcam C920"),  # its metadata node
        (19, "pispbe", "0", "pispbe-output0"),
    ]:
        node = sysfs / f"video{number}"
        (node / "device").mkdir(parents=True)
        (node / "device" / "driver").symlink_to(drivers / driver)
        (node / "index").write_text(index + "\n")
        (node / "name").write_text(name + "\n")
    assert probe_module.usb_webcams(sysfs) == ["webcam:0: HD Pro Webcam C920 (/dev/video0)"]


def test_probing_cameras_never_raises_and_returns_quickly(monkeypatch):
    monkeypatch.setitem(sys.modules, "picamera2", None)
    started = time.monotonic()
    found = probe_cameras(timeout_s=1.0)
    assert isinstance(found, list)
    assert all(isinstance(line, str) for line in found)
    assert time.monotonic() - started < 1.5


def test_probing_gives_up_on_a_hung_libcamera(monkeypatch):
    hang = threading.Event()
    info = types.SimpleNamespace(global_camera_info=lambda: hang.wait(2.0))
    module = types.SimpleNamespace(Picamera2=info)
    monkeypatch.setitem(sys.modules, "picamera2", module)
    try:
        started = time.monotonic()
        assert probe_module.pi_cameras(0.02) == []  # a hang is no camera
        assert time.monotonic() - started < 0.5
    finally:
        hang.set()
