"""The mirror's screens say the right things and fit any screen: idle, ready, summary,
camera lost, diagnostics; the rest-screen tips."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pygame
import pytest

from appliance.display.canvas import Drawn
from appliance.display.examples import example_models
from appliance.display.renderer import PRESS_SET, STAND_STILL, render, render_boxes
from appliance.display.screen_model import CueView, Diagnostics, ScreenModel, SummaryView
from appliance.display.tips import GENERAL, TIPS, tip_for
from appliance.types import FAULT_IDS

EXAMPLES = example_models()


def boxes(model: ScreenModel, size: tuple[int, int] = (1280, 720)) -> list[Drawn]:
    return render_boxes(model, pygame.Surface(size))


def texts(model: ScreenModel, size: tuple[int, int] = (1280, 720)) -> dict[str, str]:
    """What each piece of text on the screen says (lines joined by spaces), by kind."""
    return {d.kind: d.text.replace("\n", " ") for d in boxes(model, size) if d.text}


def pixels(model: ScreenModel, size: tuple[int, int] = (1280, 720)) -> np.ndarray:
    surface = pygame.Surface(size)
    render(model, surface)
    return pygame.surfarray.array3d(surface)


# -- states -----------------------------------------------------------------------------


def test_idle_invites_and_names_the_mode() -> None:
    shown = texts(EXAMPLES["idle"])
    assert shown["title"] == "Hinge Mirror"
    assert shown["invite"] == "Step in front of the mirror"
    assert shown["mode"] == "DEADLIFT MODE"
    assert "reps" not in shown


def test_idle_moves_slowly_and_only_when_time_moves() -> None:
    idle = EXAMPLES["idle"]
    still = pixels(idle)
    assert np.array_equal(still, pixels(idle))
    assert not np.array_equal(still, pixels(replace(idle, now_s=1.5)))
    # A whole hinge period later the figure is back; only the slow drift has moved it.
    drift = np.abs(pixels(replace(idle, now_s=6.0)).astype(int) - still).max(axis=2) > 40
    assert drift.mean() < 0.02


def test_ready_asks_to_stand_still_while_calibrating_else_to_start() -> None:
    assert texts(EXAMPLES["ready_calibrating"])["prompt"] == STAND_STILL
    assert texts(EXAMPLES["ready"])["prompt"] == PRESS_SET
    assert texts(EXAMPLES["ready_calibrating"])["state"] == "CALIBRATING"


def test_a_set_starting_with_calibration_asks_to_stand_still() -> None:
    # The session starts a set when someone steps in and calibrates inside it.
    shown = texts(replace(EXAMPLES["running_safety"], calibrating=True))
    assert shown["prompt"] == STAND_STILL
    assert "cue" not in shown
    assert shown["state"] == "CALIBRATING"


def test_running_shows_mode_state_view_and_guidance() -> None:
    shown = texts(EXAMPLES["running_safety"])
    assert shown["mode"] == "DEADLIFT"
    assert shown["state"] == "SET IN PROGRESS"
    assert shown["view"] == "SIDE VIEW"
    assert shown["guidance"] == "Turn sideways so I can check your back"
    assert shown["cue"] == "Flat back — chest proud"
    assert shown["average"] == "avg 76"


def test_camera_lost_says_so_and_keeps_the_set() -> None:
    lost = EXAMPLES["camera_lost"]
    shown = texts(lost)
    assert shown["notice"] == "Camera lost — reconnecting…"
    assert shown["reps"] == "4"
    kinds = {d.kind for d in boxes(lost)}
    assert "dots" in kinds
    assert "figure" not in kinds  # the last pose is stale
    # Without a notice text from the loop the renderer still says it.
    assert texts(replace(lost, notice=None))["notice"] == "Camera lost — reconnecting…"


def test_a_starting_camera_is_a_small_notice_not_a_cue() -> None:
    shown = texts(replace(EXAMPLES["running_safety"], camera="starting"))
    assert shown["notice"] == "Starting the camera…"
    assert shown["cue"] == "Flat back — chest proud"


def test_summary_shows_reps_scores_fault_cue_and_tip() -> None:
    shown = texts(EXAMPLES["summary"])
    assert shown["reps"] == "6"
    assert shown["average_big"] == "79"
    assert shown["fault"] == "MAIN FAULT: ROUNDED BACK"
    assert shown["fault_cue"] == "Flat back — chest proud"
    assert shown["tip"] == tip_for("rounded_back")
    assert "dots" in {d.kind for d in boxes(EXAMPLES["summary"])}


def test_a_clean_set_is_praised() -> None:
    shown = texts(EXAMPLES["summary_clean"])
    assert shown["praise"] == "Clean set"
    assert "fault" not in shown


def test_summary_without_a_summary_view_uses_the_models_reps() -> None:
    model = ScreenModel(mode="drill", set_state="summary", rep_count=3, scores=(80, 90, 70))
    shown = texts(model)
    assert shown["reps"] == "3"
    assert shown["average_big"] == "80"
    assert shown["tip"] == GENERAL


def test_diagnostics_overlay_shows_the_numbers() -> None:
    lines = texts(EXAMPLES["diagnostics"])["diagnostics"]
    for part in (
        "29.8 fps",
        "inference 11.4 ms",
        "84 / 131 ms",
        "dropped 3",
        "litert",
        "demo source",
    ):
        assert part in lines
    missing = Diagnostics(0.0, 0.0, None, None, 0, "none")
    assert "– / – ms" in texts(replace(EXAMPLES["idle"], diagnostics=missing))["diagnostics"]


# -- fits any screen --------------------------------------------------------------------

STRESS = {
    "long_everything": replace(
        EXAMPLES["diagnostics"],
        rep_count=128,
        scores=tuple(range(30, 100)),
        cue=CueView(
            "Stand tall, don't lean back — drive your hips through and keep the bar close",
            "form",
            None,
            0.0,
        ),
        guidance="I can't see your feet — step back, then turn sideways so I can check your back",
        notice="Model slow — inference took longer than a frame",
        diagnostics=Diagnostics(
            29.97, 123.456, 1234.0, 98765.0, 123456, "tflite_runtime", "a long note " * 4
        ),
    ),
    "long_summary": ScreenModel(
        mode="deadlift",
        set_state="summary",
        rep_count=30,
        scores=tuple(range(40, 100, 2)),
        summary=SummaryView(
            30,
            tuple(range(40, 100, 2)),
            "incomplete_lockout",
            "Drive your hips through",
            tip_for("squatting") + " " + tip_for("rounded_back"),
        ),
        camera="lost",
        diagnostics=Diagnostics(30.0, 10.0, 80.0, 120.0, 0, "litert"),
    ),
}
ALL_SCREENS = {**EXAMPLES, **STRESS}
SCREEN_SIZES = ((800, 480), (1280, 720), (1920, 1080), (1024, 600), (1080, 1920))


@pytest.mark.parametrize("size", SCREEN_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", ALL_SCREENS)
def test_nothing_overlaps_or_leaves_the_screen(name: str, size: tuple[int, int]) -> None:
    model = ALL_SCREENS[name]
    drawn = boxes(model, size)
    screen = pygame.Rect((0, 0), size)
    for d in drawn:
        assert screen.contains(d.rect), f"{d.kind} {d.rect} leaves {screen}"
    for a, b in itertools.combinations(drawn, 2):
        assert not a.rect.colliderect(b.rect), f"{a.kind} {a.rect} overlaps {b.kind} {b.rect}"
    edge = pixels(model, size)
    frame = np.concatenate(
        [
            edge[:2].reshape(-1, 3),
            edge[-2:].reshape(-1, 3),
            edge[:, :2].reshape(-1, 3),
            edge[:, -2:].reshape(-1, 3),
        ]
    )
    assert frame.max() < 60, "something is cut off at the screen's edge"


@pytest.mark.parametrize("size", SCREEN_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_size_shows_the_same_things_uncut(name: str, size: tuple[int, int]) -> None:
    # A small panel gets smaller text, never fewer texts or cut ones.
    assert texts(EXAMPLES[name], size) == texts(EXAMPLES[name], (1920, 1080))


def test_text_too_long_for_its_place_is_shrunk_or_cut() -> None:
    model = STRESS["long_everything"]
    shown = texts(model, (800, 480))
    assert model.cue is not None
    assert shown["cue"] == model.cue.text
    assert shown["diagnostics"].endswith("…")  # the long note is cut
    assert shown["reps"] == "128"


def test_rendering_is_pure() -> None:
    model = EXAMPLES["running_safety"]
    first = pixels(model)
    pixels(EXAMPLES["summary"])
    assert np.array_equal(first, pixels(model))


# -- tips -------------------------------------------------------------------------------


def test_every_fault_has_a_tip_from_coaching_md() -> None:
    assert set(TIPS) == set(FAULT_IDS)
    assert "supermans" in tip_for("rounded_back")
    assert "glute bridges" in tip_for("rounded_back")
    for fault in ("squatting", "shallow_hinge"):
        assert all(x in tip_for(fault) for x in ("90-90", "fire hydrants", "hip thrusts"))
    assert tip_for(None) == GENERAL
    assert "leg circles" in GENERAL
    assert tip_for("not_a_fault") == GENERAL
