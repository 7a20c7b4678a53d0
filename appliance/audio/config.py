"""The ``[audio]`` section of the configuration: volume, mute, the espeak-ng voice and where
rendered phrases are cached."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from appliance.paths import state_path
from appliance.settings import check_section, setting


def default_cache_dir() -> Path:
    """Where rendered phrases are cached: ``$STATE_DIRECTORY/voice`` under systemd, else
    ``$XDG_CACHE_HOME/hinge-mirror/voice``, else ``~/.cache/hinge-mirror/voice``."""
    return state_path("voice", xdg_env="XDG_CACHE_HOME", xdg_default=".cache")


@dataclass(frozen=True)
class AudioConfig:
    """How the mirror sounds.

    ``enabled``: false means no sound at all (not even tones). ``volume``: 0..1, applied to
    every sound. ``mute``: start muted (a button or key may unmute). ``voice``: an espeak-ng
    voice name (``espeak-ng --voices``), e.g. ``"en"``, ``"en-us"``. ``speed_wpm``: speaking
    rate in words per minute (espeak-ng ``-s``, 80..450). ``cache_dir``: folder for the
    rendered WAVs; empty means ``default_cache_dir()``.
    """

    SECTION: ClassVar[str] = "audio"
    enabled: bool = True
    volume: float = setting(0.8, lambda v: 0.0 <= v <= 1.0, "a number from 0 to 1")
    mute: bool = False
    voice: str = setting(
        "en", lambda v: bool(v.strip()) and " " not in v, "an espeak-ng voice name like 'en'"
    )
    speed_wpm: int = setting(160, lambda v: 80 <= v <= 450, "an integer from 80 to 450")
    cache_dir: str = ""

    def __post_init__(self) -> None:
        check_section(self)

    def cache_directory(self) -> Path:
        """The cache folder as a path."""
        return Path(self.cache_dir).expanduser() if self.cache_dir else default_cache_dir()
