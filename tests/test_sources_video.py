"""Video files as frame sources: real footage, colour order, timestamps, and every way a
file can be unusable — each a one-line ``BadInput``, with no library noise on the console."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import cv2
import numpy as np
import pytest

from appliance.errors import BadInput
from appliance.sources import VideoSource, open_source
from appliance.sources import video as video_module
from appliance.types import Frame

MEDIA = Path(__file__).resolve().parents[2] / "shared" / "media"
FASTSTART_CLIP = MEDIA / "coach-demos" / "Deadlift_edited7.mp4"  # moov before mdat
needs_media = pytest.mark.skipif(
    not MEDIA.is_dir(), reason=f"real footage not found at {MEDIA} (shared/media next to the repo)"
)


def write_video(
    path: Path,
    frames: int = 30,
    *,
    fps: float = 30.0,
    size: tuple[int, int] = (96, 64),
    rgb: tuple[int, int, int] = (255, 0, 0),
    fourcc: str = "mp4v",
) -> Path:
    """A synthetic clip of solid ``rgb`` frames, ``size`` = (width, height)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*fourcc), fps, size)
    assert writer.isOpened(), f"OpenCV cannot write {path}"
    bgr = np.zeros((size[1], size[0], 3), np.uint8)
    bgr[:] = rgb[::-1]
    for _ in range(frames):
        writer.write(bgr)
    writer.release()
    return path


def cut(source: Path, destination: Path, fraction: float) -> Path:
    """A copy of the first ``fraction`` of ``source``'s bytes, as a cut-off download would be."""
    data = source.read_bytes()
    destination.write_bytes(data[: int(len(data) * fraction)])
    return destination


def read_all(source: VideoSource) -> list[Frame]:
    return list(source.frames())


def pixels(frame: Frame) -> np.ndarray:
    assert frame.image is not None
    return frame.image


def assert_one_line(error: pytest.ExceptionInfo[BadInput]) -> str:
    message = str(error.value)
    assert message
    assert "\n" not in message
    return message


# --- real footage ---------------------------------------------------------------------


@needs_media
@pytest.mark.parametrize(
    ("clip", "width", "height", "count"),
    [
        ("coach-demos/Deadlift_edited7.mp4", 640, 360, 303),
        ("deadlift-mixed/bad/bad003.mp4", 1280, 720, 28),
    ],
)
def test_a_real_clip_decodes_every_frame_at_its_size_with_steady_timestamps(
    clip, width, height, count
):
    with VideoSource(MEDIA / clip) as source:
        frames = read_all(source)
    assert (source.width, source.height) == (width, height)
    assert len(frames) == count
    assert [f.index for f in frames] == list(range(count))
    images = [pixels(f) for f in frames]
    assert all(i.shape == (height, width, 3) for i in images)
    assert all(i.dtype == np.uint8 for i in images)
    times = np.array([f.t_s for f in frames])
    assert times[0] == 0.0
    assert np.all(np.diff(times) > 0)
    assert source.nominal_fps is not None
    expected = np.arange(count) / source.nominal_fps
    assert np.max(np.abs(times - expected)) < 0.05  # within ~1.5 frames over the clip
    assert source.description.startswith(f"video {Path(clip).name} ({width}x{height}, ")


@needs_media
def test_an_edited_phone_clip_that_decodes_fewer_frames_than_its_header_is_not_an_error():
    # Its edit list hides 16 of the 118 frames its header counts; nothing is missing.
    with VideoSource(MEDIA / "deadlift-side-single-rep/bad/000001.mp4") as source:
        frames = read_all(source)
    assert source.promised_frames == 118
    assert len(frames) == 102


# --- colour order and timestamps --------------------------------------------------------


def test_frames_come_out_rgb_so_a_red_clip_has_a_high_red_channel(tmp_path):
    path = write_video(tmp_path / "red.mp4", rgb=(255, 0, 0))
    frames = read_all(VideoSource(path))
    mean = np.mean([pixels(f).reshape(-1, 3).mean(axis=0) for f in frames], axis=0)
    assert mean[0] > 200
    assert max(mean[1], mean[2]) < 60


def test_timestamps_follow_the_file_at_its_frame_rate(tmp_path):
    path = write_video(tmp_path / "clip.mp4", frames=45, fps=15.0)
    source = VideoSource(path)
    frames = read_all(source)
    assert source.nominal_fps == pytest.approx(15.0)
    assert source.promised_frames == 45
    assert [f.t_s for f in frames] == pytest.approx([i / 15 for i in range(45)], abs=1e-3)
    assert (frames[0].width, frames[0].height) == (96, 64)


def test_timestamps_fall_back_to_the_frame_count_when_the_file_reports_none(tmp_path, monkeypatch):
    real = cv2.VideoCapture

    class NoTimes:
        def __init__(self, *args):
            self._capture = real(*args)

        def get(self, prop):
            return 0.0 if prop == cv2.CAP_PROP_POS_MSEC else self._capture.get(prop)

        def __getattr__(self, name):
            return getattr(self._capture, name)

    monkeypatch.setattr(video_module.cv2, "VideoCapture", NoTimes)
    frames = read_all(VideoSource(write_video(tmp_path / "clip.mp4", frames=10, fps=20.0)))
    assert [f.t_s for f in frames] == pytest.approx([i / 20 for i in range(10)])


def test_a_video_can_be_replayed_from_the_start(tmp_path):
    source = VideoSource(write_video(tmp_path / "clip.mp4", frames=5))
    assert len(read_all(source)) == 5
    assert [f.index for f in source.frames()] == [0, 1, 2, 3, 4]
    source.close()
    assert list(source.frames()) == []


# --- unusable files: BadInput at open time ------------------------------------------------


def test_a_missing_file_is_rejected_with_one_line(tmp_path):
    with pytest.raises(BadInput) as error:
        open_source(str(tmp_path / "nope.mp4"))
    assert "no such file" in assert_one_line(error)


def test_a_folder_without_images_is_rejected_with_one_line(tmp_path):
    (tmp_path / "notes.txt").write_text("not an image")
    with pytest.raises(BadInput) as error:
        open_source(str(tmp_path))
    assert "has no images" in assert_one_line(error)


def test_a_text_file_renamed_mp4_is_rejected_with_one_line(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_text("this is a text file, not a video\n")
    with pytest.raises(BadInput) as error:
        open_source(str(path))
    assert assert_one_line(error) == f"{path}: not a video file that can be decoded"


def test_a_png_renamed_mp4_is_rejected_as_a_still_image(tmp_path):
    path = tmp_path / "clip.mp4"
    _, png = cv2.imencode(".png", np.zeros((32, 32, 3), np.uint8))
    path.write_bytes(png.tobytes())
    with pytest.raises(BadInput) as error:
        open_source(str(path))
    assert "still image, not a video" in assert_one_line(error)


def test_an_empty_file_is_rejected_with_one_line(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"")
    with pytest.raises(BadInput) as error:
        open_source(str(path))
    assert "empty" in assert_one_line(error)


def test_a_video_with_zero_frames_is_rejected_at_open(tmp_path):
    path = write_video(tmp_path / "zero.mp4", frames=0)
    with pytest.raises(BadInput) as error:
        open_source(str(path))
    assert assert_one_line(error).startswith(str(path))


def test_a_truncated_mp4_whose_index_was_lost_is_rejected_at_open_as_truncated(tmp_path):
    # OpenCV writes the index (moov) last, so cutting the file loses it: it cannot open.
    whole = write_video(tmp_path / "whole.mp4", frames=60)
    path = cut(whole, tmp_path / "cut.mp4", 0.5)
    with pytest.raises(BadInput) as error:
        open_source(str(path))
    assert "truncated video" in assert_one_line(error)


# --- truncated but decodable: frames, then BadInput ---------------------------------------


@needs_media
def test_a_truncated_faststart_mp4_yields_what_decodes_then_says_it_was_cut(tmp_path):
    path = cut(FASTSTART_CLIP, tmp_path / "cut.mp4", 0.5)
    source = VideoSource(path)
    decoded: list[Frame] = []
    with pytest.raises(BadInput) as error:
        decoded.extend(source.frames())  # keeps the frames yielded before the error
    message = assert_one_line(error)
    assert 100 < len(decoded) < 303
    assert message == f"{path} ends after {len(decoded)} of 303 frames: truncated or corrupt"


@needs_media
def test_a_faststart_mp4_cut_before_its_first_frame_is_rejected_at_open(tmp_path):
    path = cut(FASTSTART_CLIP, tmp_path / "cut.mp4", 0.02)
    with pytest.raises(BadInput) as error:
        VideoSource(path)
    assert "truncated video" in assert_one_line(error)


@pytest.mark.parametrize(("fourcc", "suffix"), [("MJPG", ".avi"), ("mp4v", ".mkv")])
def test_a_cut_avi_or_mkv_yields_what_decodes_then_says_it_was_cut(tmp_path, fourcc, suffix):
    whole = write_video(tmp_path / f"whole{suffix}", frames=40, fourcc=fourcc)
    path = cut(whole, tmp_path / f"cut{suffix}", 0.8)
    decoded: list[Frame] = []
    with pytest.raises(BadInput) as error:
        decoded.extend(VideoSource(path).frames())
    assert 20 <= len(decoded) < 40
    assert f"ends after {len(decoded)} of 40 frames" in assert_one_line(error)


def test_a_complete_avi_and_mkv_end_without_complaint(tmp_path):
    for fourcc, suffix in [("MJPG", ".avi"), ("mp4v", ".mkv")]:
        path = write_video(tmp_path / f"whole{suffix}", frames=12, fourcc=fourcc)
        assert len(read_all(VideoSource(path))) == 12


# --- the console stays quiet ---------------------------------------------------------------


def test_bad_videos_print_only_our_one_line_with_no_ffmpeg_or_opencv_noise(tmp_path):
    text = tmp_path / "text.mp4"
    text.write_text("not a video\n")
    moov_lost = cut(write_video(tmp_path / "w.mp4", frames=60), tmp_path / "moov_lost.mp4", 0.5)
    zero = write_video(tmp_path / "zero.mp4", frames=0)
    specs = [text, moov_lost, zero]
    if MEDIA.is_dir():  # decode errors mid-stream ("Invalid NAL unit size ...")
        specs.append(cut(FASTSTART_CLIP, tmp_path / "faststart_cut.mp4", 0.5))
    script = textwrap.dedent(
        """
        import sys
        from appliance.errors import BadInput
        from appliance.sources import open_source
        for spec in sys.argv[1:]:
            try:
                with open_source(spec) as source:
                    for frame in source.frames():
                        pass
            except BadInput as error:
                print(f"hinge-mirror: error: {error}", file=sys.stderr)
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCV_")}
    result = subprocess.run(
        [sys.executable, "-c", script, *map(str, specs)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == len(specs), result.stderr
    for line, spec in zip(lines, specs, strict=True):
        assert line.startswith(f"hinge-mirror: error: {spec}")
