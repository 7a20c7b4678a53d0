"""The drill's stick on the mirror: drawn on the profile figure (green when held right,
amber when it tilts or slips), the set-up instruction on screen, and the idle screen
showing how to hold it. Screens are also saved as PNGs (``STICK_SCREENS_DIR``) to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pygame
import pytest

from appliance.display.examples import example_pose
from appliance.display.renderer import render, render_boxes
from appliance.display.screen_model import CueView, ScreenModel
from appliance.display.style import FORM, PRAISE
from appliance.types import Stick

SIZE = (1280, 720)
STICK = Stick(250.0, 300.0, 390.0, 300.0, 0.0, "across", 0.9, 1.0)
TILTED = Stick(250.0, 290.0, 390.0, 314.0, -9.7, "across", 0.9, 1.0)


def screen(model: ScreenModel, name: str, folder: Path) -> np.ndarray:
    """Render ``model``, save it as ``name``.png in ``folder``, return its pixels."""
    surface = pygame.Surface(SIZE)
    render(model, surface)
    pygame.image.save(surface, str(folder / f"{name}.png"))
    return pygame.surfarray.array3d(surface)


def count(pixels: np.ndarray, colour: tuple[int, int, int]) -> int:
    return int((np.abs(pixels.astype(int) - np.array(colour)).max(axis=2) <= 10).sum())


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    wanted = os.environ.get("STICK_SCREENS_DIR")
    path = Path(wanted) if wanted else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


def running(**changes: object) -> ScreenModel:
    base: dict[str, object] = {
        "mode": "drill",
        "set_state": "running",
        "rep_count": 2,
        "scores": (88, 90),
        "view": "front",
        "phase": "standing",
        "pose": example_pose(0.2),
        "now_s": 10.0,
    }
    base.update(changes)
    return ScreenModel(**base)  # type: ignore[arg-type]


def test_a_stick_held_right_is_green_on_the_figure(folder: Path) -> None:
    pixels = screen(running(stick=STICK, stick_ok=True), "drill-stick-held", folder)
    assert count(pixels, PRAISE) > 20
    assert count(pixels, FORM) == 0


def test_a_tilted_or_slipping_stick_is_amber_and_its_cue_is_on_screen(folder: Path) -> None:
    cue = CueView("Level the stick — shoulders square", "form", "stick_tilt", 10.0)
    model = running(stick=TILTED, stick_ok=False, cue=cue)
    pixels = screen(model, "drill-stick-tilted", folder)
    assert count(pixels, FORM) > 20
    drawn = {d.kind: d.text for d in render_boxes(model, pygame.Surface(SIZE)) if d.text}
    assert drawn["cue"].replace("\n", " ") == "Level the stick — shoulders square"


def test_the_set_up_check_shows_its_one_instruction(folder: Path) -> None:
    model = running(rep_count=0, scores=(), guidance="Rest the stick in your elbows")
    screen(model, "drill-setup-rest", folder)
    drawn = {d.kind: d.text for d in render_boxes(model, pygame.Surface(SIZE)) if d.text}
    assert drawn["guidance"].replace("\n", " ") == "Rest the stick in your elbows"
    ready = running(rep_count=0, scores=(), stick=STICK, guidance="Ready — hinge when you like")
    screen(ready, "drill-setup-ready", folder)


def test_the_idle_screen_in_drill_mode_shows_how_to_hold_the_stick(folder: Path) -> None:
    drill = ScreenModel(mode="drill", set_state="idle", now_s=1.5)
    pixels = screen(drill, "idle-drill", folder)
    drawn = {d.kind: d.text for d in render_boxes(drill, pygame.Surface(SIZE)) if d.text}
    assert "elbows" in drawn["stick_hint"]
    assert (np.abs(pixels.astype(int) - np.array(PRAISE) * 0.6).max(axis=2) <= 12).sum() > 10
    deadlift = ScreenModel(mode="deadlift", set_state="idle", now_s=1.5)
    screen(deadlift, "idle-deadlift", folder)
    assert "stick_hint" not in {d.kind for d in render_boxes(deadlift, pygame.Surface(SIZE))}
