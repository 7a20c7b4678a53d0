"""What someone in front of the mirror would notice about the screen.

Rendered off-screen (SDL's dummy driver, set in conftest) on plain surfaces; time only
moves through the model's ``now_s``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt
import pygame
import pytest

from appliance.display.canvas import Drawn
from appliance.display.examples import example_models, example_pose
from appliance.display.renderer import render, render_boxes
from appliance.display.screen_model import CueView, ScreenModel

SIZES = ((1920, 1080), (1280, 720), (800, 480))
LIVE = (
    "ready",
    "ready_calibrating",
    "running_safety",
    "running_praise",
    "camera_lost",
    "diagnostics",
)
EXAMPLES = example_models()
Image = npt.NDArray[np.int16]


def draw(model: ScreenModel, size: tuple[int, int], **options: bool) -> Image:
    """``model`` rendered at ``size``, as a (height, width, 3) array."""
    surface = pygame.Surface(size)
    render(model, surface, **options)
    return pygame.surfarray.array3d(surface).transpose(1, 0, 2).astype(np.int16)


def boxes(model: ScreenModel, size: tuple[int, int]) -> list[Drawn]:
    return render_boxes(model, pygame.Surface(size))


def texts(model: ScreenModel, size: tuple[int, int] = (1280, 720)) -> dict[str, str]:
    """What each piece of text on the screen says, by kind."""
    return {d.kind: d.text for d in boxes(model, size) if d.text}


def bright(image: Image, level: int = 100) -> npt.NDArray[np.bool_]:
    return image.max(axis=2) > level


def cue_band(image: Image) -> Image:
    return image[round(0.75 * image.shape[0]) :]


def line_heights(mask: npt.NDArray[np.bool_]) -> list[int]:
    """Heights (pixels) of the runs of rows holding lit pixels: one per line of text."""
    rows = np.asarray(mask.any(axis=1)).tolist()
    runs: list[int] = []
    start: int | None = None
    for y, lit in enumerate([*rows, False]):
        if lit and start is None:
            start = y
        elif not lit and start is not None:
            runs.append(y - start)
            start = None
    return runs


def running_with(cue_text: str, severity: str = "safety") -> ScreenModel:
    base = EXAMPLES["running_safety"]
    return replace(base, cue=CueView(cue_text, severity, None, base.now_s), guidance=None)


# -- readable from 3 m ----------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "cue", ["Slow it down", "Flat back — chest proud", "Chest and hips rise together"]
)
def test_cue_letters_are_at_least_8_percent_of_the_screen_height(
    size: tuple[int, int], cue: str
) -> None:
    image = draw(running_with(cue), size)
    heights = line_heights(bright(cue_band(image)))
    assert 1 <= len(heights) <= 2
    # "Slow it down" has no descenders: its line height is the letters' own height.
    assert min(heights) >= 0.08 * size[1], heights


@pytest.mark.parametrize("size", SIZES)
def test_a_long_cue_wraps_instead_of_leaving_the_screen(size: tuple[int, int]) -> None:
    model = running_with("Stand tall, don't lean back — chest and hips rise together")
    cue = next(d for d in boxes(model, size) if d.kind == "cue")
    assert pygame.Rect((0, 0), size).contains(cue.rect)
    assert cue.text.count("\n") == 1  # two lines


def test_safety_cues_are_red_and_praise_is_green() -> None:
    def cue_colour(model: ScreenModel) -> npt.NDArray[np.float64]:
        band = cue_band(draw(model, (1280, 720)))
        return band[bright(band, 200)].mean(axis=0)

    red = cue_colour(EXAMPLES["running_safety"])
    green = cue_colour(EXAMPLES["running_praise"])
    amber = cue_colour(running_with("Hips back, not down", "form"))
    assert red[0] > 200
    assert red[1] < 110
    assert red[2] < 110
    assert green[1] > 180
    assert green[0] < 120
    assert green[2] < 140
    assert amber[0] > 200
    assert 140 < amber[1] < 230
    assert amber[2] < 80


# -- the mirror stays a mirror --------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", LIVE)
def test_the_middle_stays_black_for_the_reflection(name: str, size: tuple[int, int]) -> None:
    model = replace(
        EXAMPLES[name],
        guidance="I can't see your hands — step back, and turn sideways so I can check your back",
        scores=tuple(range(40, 100, 2)),
    )
    image = draw(model, size)
    h, w = image.shape[:2]
    middle = image[round(0.25 * h) : round(0.75 * h), round(0.3 * w) : round(0.7 * w)]
    assert middle.max() == 0


def test_the_full_size_skeleton_is_off_by_default_and_mirrored_when_on() -> None:
    model = EXAMPLES["running_safety"]
    h, w = 720, 1280
    image = draw(model, (w, h), full_skeleton=True)
    middle = image[round(0.25 * h) : round(0.75 * h), round(0.3 * w) : round(0.7 * w)]
    assert middle.max() > 100  # the check above would notice
    # The lifter faces right in the camera's frame: the reflection faces left, so the head
    # (the highest lit part of the middle) sits left of the feet.
    ys, xs = np.nonzero(bright(image[:, round(0.3 * w) : round(0.7 * w)]))
    assert xs[ys < ys.min() + 20].mean() < xs[ys > ys.max() - 20].mean()


@pytest.mark.parametrize("name", ["idle", *LIVE, "summary"])
def test_the_screen_is_mostly_black(name: str) -> None:
    lit = bright(draw(EXAMPLES[name], (1280, 720)), 30).mean()
    assert lit < (0.03 if name == "idle" else 0.12)


# -- rep counter, scores, figure --------------------------------------------------------


def test_the_rep_counter_is_big_at_the_top_right() -> None:
    def corner(reps: int) -> Image:
        image = draw(replace(EXAMPLES["running_safety"], rep_count=reps), (1280, 720))
        return image[: round(0.22 * 720), round(0.7 * 1280) :]

    seven, seventeen = bright(corner(7), 200), bright(corner(17), 200)
    assert max(line_heights(seven)) >= 0.1 * 720
    assert np.nonzero(seventeen.any(axis=0))[0].size > 1.5 * np.nonzero(seven.any(axis=0))[0].size
    assert texts(replace(EXAMPLES["running_safety"], rep_count=17))["reps"] == "17"


def test_score_dots_are_coloured_by_score_oldest_first() -> None:
    model = replace(EXAMPLES["running_safety"], scores=(95, 70, 30))
    drawn = boxes(model, (1280, 720))
    dots = next(d.rect for d in drawn if d.kind == "dots")
    row = draw(model, (1280, 720))[dots.centery, dots.left : dots.right]
    colours: list[str] = []
    for pixel in row:
        kind = "green" if pixel[1] > 180 and pixel[0] < 120 else None
        kind = kind or ("amber" if pixel[0] > 200 and pixel[1] > 150 and pixel[2] < 60 else None)
        kind = kind or ("red" if pixel[0] > 200 and pixel[1] < 100 else None)
        if kind and (not colours or colours[-1] != kind):
            colours.append(kind)
    assert colours == ["green", "amber", "red"]


def test_the_profile_figure_lights_the_faulty_segment_in_the_cue_colour() -> None:
    model = EXAMPLES["running_safety"]
    figure = next(d.rect for d in boxes(model, (1280, 720)) if d.kind == "figure")

    def red_in_figure(m: ScreenModel) -> int:
        crop = draw(m, (1280, 720))[figure.top : figure.bottom, figure.left : figure.right]
        return int(((crop[..., 0] > 200) & (crop[..., 1] < 110)).sum())

    assert red_in_figure(model) > 200
    assert red_in_figure(replace(model, faulty_segments=())) == 0


def test_the_profile_figure_is_mirrored_like_the_reflection() -> None:
    def head_x(facing_right: bool) -> float:
        model = replace(EXAMPLES["running_safety"], pose=example_pose(0.8, facing_right))
        figure = next(d.rect for d in boxes(model, (1280, 720)) if d.kind == "figure")
        crop = bright(
            draw(model, (1280, 720))[figure.top : figure.bottom, figure.left : figure.right]
        )
        ys, xs = np.nonzero(crop)
        return float(xs[ys < ys.min() + 10].mean() - xs[ys > ys.max() - 10].mean())

    # Facing right in the camera image, the reflection faces left: head left of the feet.
    assert head_x(facing_right=True) < 0 < head_x(facing_right=False)


def test_no_figure_without_a_person() -> None:
    for pose in (None, replace(example_pose(), person_present=False)):
        model = replace(EXAMPLES["running_safety"], pose=pose)
        assert "figure" not in {d.kind for d in boxes(model, (1280, 720))}
