"""Where sounds go: a small ``AudioOutput`` interface, pygame.mixer behind it, and fakes.

A sound is a WAV file path or mono ``Samples`` (``tones.Samples``). ``play`` never waits for
the sound to finish; one sound plays at a time (a new ``play`` replaces the current one, but
``Voice`` never relies on that: it calls ``stop`` first). pygame is imported only here, and
only when a ``PygameMixerOutput`` is made.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from appliance.audio import tones
from appliance.errors import ApplianceError
from appliance.native_output import native_stderr_silenced

log = logging.getLogger(__name__)

Sound = Path | tones.Samples
DEFAULT_INIT_TIMEOUT_S = 3.0
"""Deadline for opening the sound device, seconds."""


class AudioFailed(ApplianceError, RuntimeError):
    """The sound device could not be opened, or refused a sound."""


class AudioOutput(Protocol):
    """A speaker that plays one sound at a time."""

    def play(self, sound: Sound, volume: float) -> None:
        """Start playing ``sound`` at ``volume`` (0..1) and return at once."""

    def busy(self) -> bool:
        """A sound is playing."""

    def stop(self) -> None:
        """Stop the sound that is playing, if any."""

    def close(self) -> None:
        """Release the device; the output is unusable afterwards."""


def sound_duration_s(sound: Sound) -> float:
    """How long ``sound`` plays, seconds (read from the WAV header for a path)."""
    if isinstance(sound, Path):
        try:
            with wave.open(str(sound), "rb") as wav:
                return wav.getnframes() / wav.getframerate()
        except (OSError, EOFError, wave.Error) as error:
            raise AudioFailed(f"cannot read {sound}: {error}") from error
    return tones.duration_s(sound)


class SilentOutput:
    """No speaker: accepts every sound and plays nothing."""

    def play(self, sound: Sound, volume: float) -> None:
        """Play nothing."""

    def busy(self) -> bool:
        """Never busy."""
        return False

    def stop(self) -> None:
        """Nothing to stop."""

    def close(self) -> None:
        """Nothing to release."""


class PygameMixerOutput:
    """The real speaker: pygame.mixer (SDL2), one channel, sounds loaded once and kept.

    Opening waits at most ``init_timeout_s`` seconds for the device (a stuck audio server
    must not hang start-up) and raises ``AudioFailed`` on failure or timeout.
    """

    def __init__(self, init_timeout_s: float = DEFAULT_INIT_TIMEOUT_S) -> None:
        try:
            import pygame
        except ImportError as error:
            raise AudioFailed(f"pygame is not installed: {error}") from error
        self._pygame: Any = pygame
        outcome: list[BaseException | None] = []

        def init() -> None:
            try:
                pygame.mixer.init(frequency=tones.SAMPLE_RATE_HZ, size=-16, buffer=512)
                outcome.append(None)
            except BaseException as error:  # handed to the caller's thread
                outcome.append(error)

        thread = threading.Thread(target=init, name="mixer-init", daemon=True)
        with native_stderr_silenced():  # ALSA's own lines when there is no sound card
            thread.start()
            thread.join(init_timeout_s)
        if not outcome:
            raise AudioFailed(f"the sound device did not open within {init_timeout_s:g} s")
        if outcome[0] is not None:
            raise AudioFailed(f"cannot open the sound device: {outcome[0]}")
        self._channel: Any = pygame.mixer.Channel(0)
        self._sounds: dict[str, Any] = {}

    def _load(self, sound: Sound) -> Any:
        """The pygame ``Sound`` for ``sound``, loaded once (a tone is keyed by its samples)."""
        key = str(sound) if isinstance(sound, Path) else hashlib.sha1(sound.tobytes()).hexdigest()
        if key not in self._sounds:
            source: str | io.BytesIO = (
                str(sound) if isinstance(sound, Path) else io.BytesIO(tones.wav_bytes(sound))
            )
            self._sounds[key] = self._pygame.mixer.Sound(file=source)
        return self._sounds[key]

    def play(self, sound: Sound, volume: float) -> None:
        """Start ``sound`` on the channel at ``volume`` (0..1); raises ``AudioFailed``."""
        try:
            loaded = self._load(sound)
            loaded.set_volume(volume)
            self._channel.play(loaded)
        except (self._pygame.error, OSError) as error:
            raise AudioFailed(
                f"cannot play {sound if isinstance(sound, Path) else 'a tone'}: {error}"
            ) from error

    def busy(self) -> bool:
        """The channel is playing."""
        return bool(self._channel.get_busy())

    def stop(self) -> None:
        """Stop the channel."""
        self._channel.stop()

    def close(self) -> None:
        """Stop and close the mixer."""
        self._channel.stop()
        self._sounds.clear()
        self._pygame.mixer.quit()


def open_output(init_timeout_s: float = DEFAULT_INIT_TIMEOUT_S) -> AudioOutput:
    """The real speaker, or a ``SilentOutput`` (with one log line) if it cannot be opened."""
    try:
        return PygameMixerOutput(init_timeout_s)
    except AudioFailed as error:
        log.warning("no sound, cues will be silent: %s", error)
        return SilentOutput()


@dataclass
class Played:
    """One sound a ``RecordingOutput`` was asked to play: when (its clock, seconds), what,
    how loud, and when it ended (``None`` while playing); ``overlapped`` is true when it
    started while another sound was still playing."""

    at_s: float
    sound: Sound
    volume: float
    duration_s: float
    ended_at_s: float | None = None
    overlapped: bool = False


class RecordingOutput:
    """A fake speaker for tests: records every ``play`` and ``stop`` on an injectable clock.

    A sound is busy for its real length (or ``busy_for_s`` seconds if given, to simulate a
    stuck device); ``fail_with`` makes every ``play`` raise that error instead.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        *,
        busy_for_s: float | None = None,
        fail_with: Exception | None = None,
    ) -> None:
        self.clock = clock
        self.busy_for_s = busy_for_s
        self.fail_with = fail_with
        self.played: list[Played] = []
        self.stops = 0
        self.closed = False

    def _current(self) -> Played | None:
        if not self.played:
            return None
        last = self.played[-1]
        now = self.clock()
        if last.ended_at_s is None and now >= last.at_s + last.duration_s:
            last.ended_at_s = last.at_s + last.duration_s
        return last if last.ended_at_s is None else None

    def play(self, sound: Sound, volume: float) -> None:
        """Record ``sound`` as started now; raises ``fail_with`` if set."""
        if self.fail_with is not None:
            raise self.fail_with
        current = self._current()
        if current is not None:
            current.ended_at_s = self.clock()
        length = self.busy_for_s if self.busy_for_s is not None else sound_duration_s(sound)
        self.played.append(Played(self.clock(), sound, volume, length, None, current is not None))

    def busy(self) -> bool:
        """A recorded sound has not reached its end (nor been stopped)."""
        return self._current() is not None

    def stop(self) -> None:
        """End the current sound now."""
        self.stops += 1
        current = self._current()
        if current is not None:
            current.ended_at_s = self.clock()

    def close(self) -> None:
        """Mark the output closed."""
        self.stop()
        self.closed = True

    @property
    def overlaps(self) -> int:
        """How many sounds were started over another one (``Voice`` must keep this at 0)."""
        return sum(p.overlapped for p in self.played)
