"""The screen itself: a pygame window or the fullscreen mirror, and screenshots of it.

The same code runs fullscreen on the Pi (SDL's kmsdrm driver), in a window on a laptop,
and off-screen in tests (SDL's dummy driver). Rendering is ``renderer.render``'s job;
this module opens, flips, saves and hands over key presses.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from appliance.display.screen_model import ScreenModel
from appliance.errors import DisplayUnavailable
from appliance.native_output import native_stderr_silenced

WINDOW_SIZE = (1280, 720)


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
            if windowed or os.environ.get("SDL_VIDEODRIVER") == "dummy":
                self.surface = pygame.display.set_mode(size or WINDOW_SIZE)
            else:
                self.surface = pygame.display.set_mode(size or (0, 0), pygame.FULLSCREEN)
                pygame.mouse.set_visible(False)
        except pygame.error as error:
            raise DisplayUnavailable(f"cannot open the display: {error}") from error
        pygame.display.set_caption("Hinge Mirror")
        self.driver = pygame.display.get_driver()

    def show(self, model: ScreenModel) -> float:
        """Draw ``model`` and flip; the monotonic time (seconds) the flip returned."""
        from appliance.display.renderer import render

        render(model, self.surface)
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
