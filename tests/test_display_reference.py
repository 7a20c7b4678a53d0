"""Reference-image tests of the main mirror screens (SDL's dummy driver, no window).

Each example screen is rendered at 1280x720 and 800x480, shrunk to a quarter of its
size, and compared with a small PNG in ``tests/reference_screens/`` with a per-pixel
tolerance (antialiasing may differ slightly between FreeType and SDL builds). After an
intended change of the look, regenerate the references and look at them:

    HINGE_MIRROR_UPDATE_REFERENCES=1 .venv/bin/pytest tests/test_display_reference.py
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pygame
import pytest

from appliance.display.examples import example_models
from appliance.display.renderer import render

REFERENCES = Path(__file__).parent / "reference_screens"
UPDATE = os.environ.get("HINGE_MIRROR_UPDATE_REFERENCES") == "1"
SCREENS = ("idle", "ready_calibrating", "running_safety", "summary", "camera_lost", "diagnostics")
SIZES = ((1280, 720), (800, 480))
SHRINK = 4
CHANNEL_TOLERANCE = 40  # 0..255, per colour channel of one shrunk pixel
MAX_DIFFERENT = 0.004  # fraction of shrunk pixels allowed beyond the tolerance


def shrunk(name: str, size: tuple[int, int]) -> pygame.Surface:
    """The example screen ``name`` rendered at ``size`` and shrunk by ``SHRINK``."""
    surface = pygame.Surface(size)
    render(example_models()[name], surface)
    return pygame.transform.smoothscale(surface, (size[0] // SHRINK, size[1] // SHRINK))


def pixels(surface: pygame.Surface) -> npt.NDArray[np.int16]:
    return pygame.surfarray.array3d(surface).astype(np.int16)


def different_fraction(a: pygame.Surface, b: pygame.Surface) -> float:
    """The fraction of pixels where some channel differs by more than the tolerance."""
    diff = np.abs(pixels(a) - pixels(b)).max(axis=2)
    return float((diff > CHANNEL_TOLERANCE).mean())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", SCREENS)
def test_screen_matches_reference(name: str, size: tuple[int, int], tmp_path: Path) -> None:
    actual = shrunk(name, size)
    path = REFERENCES / f"{name}_{size[0]}x{size[1]}.png"
    if UPDATE:
        REFERENCES.mkdir(exist_ok=True)
        pygame.image.save(actual, str(path))
    assert path.exists(), f"no reference {path.name}: run with HINGE_MIRROR_UPDATE_REFERENCES=1"
    expected = pygame.image.load(str(path))
    assert expected.get_size() == actual.get_size()
    fraction = different_fraction(actual, expected)
    if fraction > MAX_DIFFERENT:
        pygame.image.save(actual, str(tmp_path / path.name))
    assert fraction <= MAX_DIFFERENT, (
        f"{name} at {size} differs from {path.name} in {fraction:.1%} of pixels; "
        f"the new render is in {tmp_path}"
    )


def test_the_comparison_notices_a_changed_screen() -> None:
    running = shrunk("running_safety", (800, 480))
    lost = shrunk("camera_lost", (800, 480))
    assert different_fraction(running, lost) > 10 * MAX_DIFFERENT
    assert different_fraction(running, shrunk("running_safety", (800, 480))) == 0.0
