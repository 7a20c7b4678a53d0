"""A folder of still images played as a video: natural file-name order, a fixed frame rate.

Image files are those ending in one of ``IMAGE_SUFFIXES`` (any case); hidden files (names
starting with ``.``, such as macOS ``._frame1.png``) and sub-folders are ignored. Names are
sorted naturally, so ``frame2.png`` comes before ``frame10.png``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from appliance.errors import BadInput
from appliance.sources._opencv import bgr_to_rgb, quiet_opencv
from appliance.sources.base import SourceBase
from appliance.types import Frame

IMAGE_SUFFIXES: tuple[str, ...] = (".png", ".jpg", ".jpeg", ".bmp", ".webp")

_DIGITS = re.compile(r"(\d+)")


class ImageFolderSource(SourceBase):
    """Each image of a folder as one frame; ``t_s = index / fps`` seconds.

    ``fps`` (frames per second, > 0) is the rate the images are assumed to have been taken
    at. The folder's listing is fixed at open time and the first image is decoded then, to
    learn the size; a later image that cannot be decoded raises ``BadInput`` naming it when
    it is reached. Frames may differ in size; ``width``/``height`` are the first image's.
    """

    def __init__(self, folder: str | Path, *, fps: float = 30.0) -> None:
        if not fps > 0:
            raise BadInput(f"image frame rate must be above 0, got {fps!r}")
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise BadInput(f"{self.folder} is not a folder")
        self.files = list_images(self.folder)
        if not self.files:
            kinds = ", ".join(s.lstrip(".") for s in IMAGE_SUFFIXES)
            raise BadInput(f"{self.folder} has no images ({kinds})")
        first = read_rgb(self.files[0])
        self.height, self.width = first.shape[:2]
        self.nominal_fps = float(fps)
        self.description = (
            f"image folder {self.folder.name} ({len(self.files)} images, "
            f"{self.width}x{self.height}, {fps:g} fps)"
        )

    def frames(self) -> Iterator[Frame]:
        """One RGB frame per image, in natural name order; can be called again to replay."""
        fps = self.nominal_fps or 30.0
        for index, path in enumerate(self.files):
            image = read_rgb(path)
            yield Frame(index, index / fps, image.shape[1], image.shape[0], image)


def list_images(folder: Path) -> list[Path]:
    """The image files directly inside ``folder``, naturally sorted by name."""
    try:
        entries = list(folder.iterdir())
    except OSError as error:
        raise BadInput(f"{folder}: cannot list the folder ({error.strerror})") from error
    images = [
        p
        for p in entries
        if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".") and p.is_file()
    ]
    return sorted(images, key=_natural_key)


def read_rgb(path: Path) -> npt.NDArray[np.uint8]:
    """Decode one image file to an RGB ``(height, width, 3)`` uint8 array, or ``BadInput``."""
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as error:
        raise BadInput(f"{path}: cannot read ({error.strerror})") from error
    with quiet_opencv():
        bgr = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if bgr is None:
        raise BadInput(f"{path}: not an image that can be decoded")
    return bgr_to_rgb(np.asarray(bgr, dtype=np.uint8))


def _natural_key(path: Path) -> tuple[tuple[tuple[int, int | str], ...], str]:
    # Digit runs compare as numbers, the rest case-insensitively; the exact name breaks ties.
    parts = _DIGITS.split(path.name)
    key = tuple((0, int(p)) if p.isdecimal() else (1, p.lower()) for p in parts if p)
    return key, path.name
