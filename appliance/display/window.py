"""The screen itself: a pygame window or the fullscreen mirror, and screenshots of it.

The same code runs fullscreen on the Pi (SDL's kmsdrm driver), in a window on a laptop,
and off-screen in tests (SDL's dummy driver). Rendering is ``renderer.render``'s job;
this module opens, flips, saves and hands over key presses.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from appliance.display.screen_model import ScreenModel
from appliance.errors import DisplayUnavailable
from appliance.native_output import native_stderr_silenced

log = logging.getLogger("hinge_mirror.display")

WINDOW_SIZE = (1280, 720)
# Drivers that draw nowhere: fine in tests and windows asked for them, an error for the mirror.
OFFSCREEN_DRIVERS = ("offscreen", "dummy")


class PygameDisplay:
    """Opens the screen; ``show(model)`` draws and flips and returns when (monotonic s)."""

    def __init__(self, windowed: bool, size: tuple[int, int] | None = None) -> None:
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        import pygame

        self._pygame = pygame
        try:
            with native_stderr_silenced():
                pygame.display.init()
            pygame.font.init()
            if windowed or os.environ.get("SDL_VIDEODRIVER") in OFFSCREEN_DRIVERS:
                self.surface = pygame.display.set_mode(size or WINDOW_SIZE)
            else:
                self.surface = pygame.display.set_mode(size or (0, 0), pygame.FULLSCREEN)
                pygame.mouse.set_visible(False)
        except pygame.error as error:
            raise DisplayUnavailable(f"cannot open the display: {error}") from error
        pygame.display.set_caption("Hinge Mirror")
        self.driver = pygame.display.get_driver()
        asked = os.environ.get("SDL_VIDEODRIVER", "")
        if not windowed and self.driver in OFFSCREEN_DRIVERS and self.driver != asked:
            pygame.display.quit()
            raise DisplayUnavailable(
                f"no screen: SDL fell back to its {self.driver} driver "
                "(is the monitor on and connected? SDL_VIDEODRIVER=kmsdrm on the Pi)"
            )

    def show(self, model: ScreenModel) -> float:
        """Draw ``model`` and flip; the monotonic time (seconds) the flip returned."""
        from appliance.display.renderer import render

        render(model, self.surface)
        if model.brightness < 1.0:
            level = max(0, min(255, round(255 * model.brightness)))
            self.surface.fill((level, level, level), special_flags=self._pygame.BLEND_MULT)
        self._pygame.display.flip()
        return time.monotonic()

    def events(self) -> list[Any]:
        """Key presses and window events since the last call."""
        return list(self._pygame.event.get())

    def save(self, path: Path) -> None:
        """A PNG of what is on the screen now."""
        self._pygame.image.save(self.surface, str(path))

    def close(self) -> None:
        """Close the window."""
        self._pygame.display.quit()


def no_screen() -> str | None:
    """Why there is no screen (SDL fell back to a driver that draws nowhere, or has no
    video driver at all), or ``None`` when there is one. Opens no window."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    try:
        with native_stderr_silenced():  # SDL's complaints while it probes for a screen
            pygame.display.init()
        driver = pygame.display.get_driver()
    except pygame.error as error:
        return f"SDL has no video driver: {error}"
    finally:
        pygame.display.quit()
    if driver in OFFSCREEN_DRIVERS and driver != os.environ.get("SDL_VIDEODRIVER", ""):
        return f"SDL fell back to its {driver} driver"
    return None


def open_display(
    windowed: bool,
    retry_s: tuple[float, ...] = (),
    on_retry: Callable[[float], object] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> PygameDisplay:
    """Open the screen, waiting ``retry_s`` seconds between tries (a monitor switched off
    at boot comes later); ``on_retry(wait_s)`` is told before each wait."""
    for wait_s in (*retry_s, None):
        try:
            return PygameDisplay(windowed)
        except DisplayUnavailable as error:
            if wait_s is None:
                raise
            log.warning("%s; trying again in %g s", error, wait_s)
            if on_retry is not None:
                on_retry(wait_s)
            sleep(wait_s)
    raise AssertionError("unreachable")
