"""A folder of images as a frame source: order, timing, colour, and bad images."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from appliance.errors import BadInput
from appliance.sources import ImageFolderSource, open_source
from appliance.types import Frame


def pixels(frame: Frame) -> np.ndarray:
    assert frame.image is not None
    return frame.image


def write_image(path: Path, value: int, size: tuple[int, int] = (40, 30)) -> Path:
    """A grey image whose every pixel is ``value``; ``size`` = (width, height)."""
    assert cv2.imwrite(str(path), np.full((size[1], size[0], 3), value, np.uint8))
    return path


def test_images_play_in_natural_name_order(tmp_path):
    for value, name in [(2, "frame2.png"), (10, "frame10.png"), (1, "frame1.jpg")]:
        write_image(tmp_path / name, value * 10)
    source = open_source(str(tmp_path))
    assert isinstance(source, ImageFolderSource)
    assert [p.name for p in source.files] == ["frame1.jpg", "frame2.png", "frame10.png"]
    firsts = [int(pixels(f)[0, 0, 0]) for f in source.frames()]
    assert firsts == pytest.approx([10, 20, 100], abs=3)  # jpeg is lossy


def test_only_visible_image_files_directly_in_the_folder_are_frames(tmp_path):
    write_image(tmp_path / "a.PNG", 0)
    write_image(tmp_path / "b.webp", 0)
    write_image(tmp_path / "c.bmp", 0)
    write_image(tmp_path / "d.jpeg", 0)
    (tmp_path / "._a.png").write_bytes(b"macOS resource fork, not an image")
    (tmp_path / "notes.txt").write_text("ignored")
    (tmp_path / "sub").mkdir()
    write_image(tmp_path / "sub" / "e.png", 0)
    source = ImageFolderSource(tmp_path)
    assert [p.name for p in source.files] == ["a.PNG", "b.webp", "c.bmp", "d.jpeg"]
    assert len(list(source.frames())) == 4


def test_timestamps_are_the_index_over_the_given_rate(tmp_path):
    for i in range(4):
        write_image(tmp_path / f"{i}.png", 0)
    source = open_source(str(tmp_path), image_fps=10.0)
    assert source.nominal_fps == 10.0
    assert [(f.index, f.t_s) for f in source.frames()] == [(i, i / 10) for i in range(4)]
    assert source.description == "image folder " + tmp_path.name + " (4 images, 40x30, 10 fps)"


def test_images_come_out_rgb(tmp_path):
    bgr_red = np.zeros((8, 8, 3), np.uint8)
    bgr_red[..., 2] = 255
    cv2.imwrite(str(tmp_path / "red.png"), bgr_red)
    (frame,) = ImageFolderSource(tmp_path).frames()
    assert tuple(pixels(frame)[0, 0]) == (255, 0, 0)


def test_images_of_different_sizes_keep_their_own_size(tmp_path):
    write_image(tmp_path / "1.png", 0, size=(40, 30))
    write_image(tmp_path / "2.png", 0, size=(20, 50))
    source = ImageFolderSource(tmp_path)
    assert (source.width, source.height) == (40, 30)
    sizes = [(f.width, f.height, pixels(f).shape) for f in source.frames()]
    assert sizes == [(40, 30, (30, 40, 3)), (20, 50, (50, 20, 3))]


def test_an_empty_folder_is_rejected_with_one_line(tmp_path):
    with pytest.raises(BadInput) as error:
        open_source(str(tmp_path))
    message = str(error.value)
    assert message == f"{tmp_path} has no images (png, jpg, jpeg, bmp, webp)"


def test_an_image_that_cannot_be_decoded_is_named_when_it_is_reached(tmp_path):
    write_image(tmp_path / "1.png", 0)
    png = (tmp_path / "1.png").read_bytes()
    (tmp_path / "2.png").write_bytes(png[: len(png) // 2])  # cut-off download
    write_image(tmp_path / "3.png", 0)
    source = ImageFolderSource(tmp_path)
    frames: list[Frame] = []
    with pytest.raises(BadInput) as error:
        frames.extend(source.frames())
    assert len(frames) == 1
    assert str(error.value) == f"{tmp_path / '2.png'}: not an image that can be decoded"


def test_a_first_image_that_cannot_be_decoded_is_rejected_at_open(tmp_path):
    (tmp_path / "1.jpg").write_text("not a jpeg")
    with pytest.raises(BadInput, match=r"1\.jpg: not an image that can be decoded$"):
        open_source(str(tmp_path))


def test_a_non_positive_image_rate_is_rejected(tmp_path):
    write_image(tmp_path / "1.png", 0)
    with pytest.raises(BadInput, match="frame rate"):
        ImageFolderSource(tmp_path, fps=0)
