"""The ``[audio]`` section of the configuration: volume, mute, the espeak-ng voice and where
rendered phrases are cached."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from appliance.errors import BadConfig


def default_cache_dir() -> Path:
    """Where rendered phrases are cached: ``$STATE_DIRECTORY/voice`` under systemd, else
    ``$XDG_CACHE_HOME/hinge-mirror/voice``, else ``~/.cache/hinge-mirror/voice``."""
    if state := os.environ.get("STATE_DIRECTORY"):
        return Path(state.split(":")[0]) / "voice"
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "hinge-mirror" / "voice"


@dataclass(frozen=True)
class AudioConfig:
    """How the mirror sounds.

    ``enabled``: false means no sound at all (not even tones). ``volume``: 0..1, applied to
    every sound. ``mute``: start muted (a button or key may unmute). ``voice``: an espeak-ng
    voice name (``espeak-ng --voices``), e.g. ``"en"``, ``"en-us"``. ``speed_wpm``: speaking
    rate in words per minute (espeak-ng ``-s``, 80..450). ``cache_dir``: folder for the
    rendered WAVs; empty means ``default_cache_dir()``.
    """

    enabled: bool = True
    volume: float = 0.8
    mute: bool = False
    voice: str = "en"
    speed_wpm: int = 160
    cache_dir: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.volume, bool) or not isinstance(self.volume, int | float):
            raise BadConfig(f"audio.volume: expected a number from 0 to 1, got {self.volume!r}")
        if not 0.0 <= self.volume <= 1.0:
            raise BadConfig(f"audio.volume: expected a number from 0 to 1, got {self.volume!r}")
        if isinstance(self.speed_wpm, bool) or not isinstance(self.speed_wpm, int):
            raise BadConfig(f"audio.speed_wpm: expected an integer, got {self.speed_wpm!r}")
        if not 80 <= self.speed_wpm <= 450:
            raise BadConfig(
                f"audio.speed_wpm: expected an integer from 80 to 450, got {self.speed_wpm!r}"
            )
        if not isinstance(self.voice, str) or not self.voice.strip() or " " in self.voice:
            raise BadConfig(
                f"audio.voice: expected an espeak-ng voice name like 'en', got {self.voice!r}"
            )

    def cache_directory(self) -> Path:
        """The cache folder as a path."""
        return Path(self.cache_dir).expanduser() if self.cache_dir else default_cache_dir()
