"""The voice the live loop talks to: one cue at a time, spoken if it can be, else a tone.

Overlap rule (never two sounds over each other): when nothing plays, a cue starts at once.
While a sound plays, a safety cue stops anything that is not safety and starts at once;
any other cue waits in a single slot for at most ``max_wait_s`` (1 s) and is started by
``poll()`` when the speaker is free, else dropped. A newer cue takes the slot from a waiting
one unless the waiting one is more severe (safety > form > praise > info). The loop calls
``poll()`` every frame. A sound still "playing" ``DEADLINE_SLACK_S`` after its own length is
stopped (a stuck device must not silence the coach).

Speech comes from the disk cache, filled by one background thread (``prerender`` at start-up,
and any phrase asked for that is not rendered yet); ``say`` never waits for espeak-ng: a phrase
that is not ready yet is played as its severity's tone. Times are seconds on ``clock``.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from appliance.audio import tones
from appliance.audio.config import AudioConfig
from appliance.audio.player import (
    AudioFailed,
    AudioOutput,
    SilentOutput,
    Sound,
    sound_duration_s,
)
from appliance.audio.speech import DEFAULT_TIMEOUT_S, SpeechUnavailable, espeak_path, render_phrase
from appliance.coach import phrases
from appliance.types import FAULT_IDS, STICK_FAULT_IDS, CueEvent

log = logging.getLogger(__name__)

DEFAULT_MAX_WAIT_S = 1.0
"""How long a cue may wait for the speaker before it is dropped, seconds."""
DEADLINE_SLACK_S = 1.0
"""How long past its own length a sound may still report busy before it is stopped, seconds."""
_RANK = {"info": 0, "praise": 1, "form": 2, "safety": 3}


def all_phrases() -> list[str]:
    """Every phrase the coach can say (appliance/coach/phrases.py), fault cues first."""
    texts = [phrases.fault_cue(f) for f in FAULT_IDS]
    texts += [phrases.praise(f) for f in FAULT_IDS]
    texts += [phrases.GOOD_REP, phrases.TURN_SIDEWAYS, phrases.STAND_STILL]
    texts.append(phrases.SIDE_CAMERA_LOST)
    texts += [phrases.cant_see(part) for part in phrases.MISSING_PRIORITY]
    texts += [phrases.fault_cue(f) for f in STICK_FAULT_IDS]  # the drill's stick
    texts += [phrases.praise(f) for f in STICK_FAULT_IDS]
    texts += list(phrases.SETUP_TEXTS)
    return texts


@dataclass(frozen=True)
class Spoken:
    """A cue that was played: the event, when its sound started (``clock`` seconds), and
    how: ``"speech"`` (``path`` is the WAV) or ``"tone"`` (``path`` is ``None``)."""

    event: CueEvent
    started_at_s: float
    how: str
    path: Path | None


class Voice:
    """Says ``CueEvent``s through an ``AudioOutput``, one at a time (see the module doc).

    ``config`` gives volume, mute, voice and cache folder; ``output`` is the speaker (closed
    by ``close``); ``clock`` returns seconds. ``spoken`` and ``dropped`` are the history.
    """

    def __init__(
        self,
        config: AudioConfig,
        output: AudioOutput,
        clock: Callable[[], float] = time.monotonic,
        *,
        speech_timeout_s: float = DEFAULT_TIMEOUT_S,
        max_wait_s: float = DEFAULT_MAX_WAIT_S,
    ) -> None:
        self.config = config
        self.output = output
        self.clock = clock
        self.speech_timeout_s = speech_timeout_s
        self.max_wait_s = max_wait_s
        self.muted = config.mute
        self.spoken: list[Spoken] = []
        self.dropped: list[CueEvent] = []
        self._pending: tuple[CueEvent, float] | None = None  # (event, when it was said)
        self._current: Spoken | None = None
        self._deadline = 0.0
        self._audio_error_logged = False
        self._closed = False
        # Speech: texts whose WAV is ready, filled by the worker thread.
        self._ready: dict[str, Path] = {}
        self._requested: set[str] = set()
        self._jobs: queue.Queue[str | None] = queue.Queue()
        self._unfinished = 0
        self._idle = threading.Condition()
        self._worker: threading.Thread | None = None
        self.speech_error: str | None = None
        """Why speech is off (cues are tones), or ``None`` while it works."""
        if config.enabled and espeak_path() is None:
            self._speech_off(SpeechUnavailable("espeak-ng is not installed"))

    # --- speech cache ------------------------------------------------------------------

    def _speech_off(self, error: SpeechUnavailable) -> None:
        if self.speech_error is None:
            self.speech_error = str(error)
            if isinstance(self.output, SilentOutput):
                # No speaker: open_output has said the cues will be silent; "tones" would
                # contradict it.
                log.debug("speech unavailable (no speaker either): %s", error)
            else:
                log.warning("speech unavailable, cues will be tones: %s", error)

    def prerender(self, texts: Iterable[str] | None = None) -> None:
        """Render ``texts`` (default: ``all_phrases()``) in the background thread; returns
        at once. Each espeak-ng call has ``speech_timeout_s``; the first failure turns speech
        off for this ``Voice``, so the whole job is bounded."""
        if not self.config.enabled or self.speech_error is not None or self._closed:
            return
        for text in all_phrases() if texts is None else texts:
            if text in self._requested:
                continue
            self._requested.add(text)
            with self._idle:
                self._unfinished += 1
            self._jobs.put(text)
        if self._worker is None and self._unfinished:
            self._worker = threading.Thread(target=self._work, name="voice-render", daemon=True)
            self._worker.start()

    def _work(self) -> None:
        while (text := self._jobs.get()) is not None:
            try:
                if self.speech_error is None:
                    self._ready[text] = render_phrase(
                        text,
                        self.config.voice,
                        self.config.speed_wpm,
                        self.config.cache_directory(),
                        timeout_s=self.speech_timeout_s,
                    )
            except SpeechUnavailable as error:
                self._speech_off(error)
            except Exception as error:  # a bug here must cost speech, not the render thread
                self._speech_off(SpeechUnavailable(f"rendering {text!r} failed: {error!r}"))
            finally:
                with self._idle:
                    self._unfinished -= 1
                    self._idle.notify_all()

    def wait_prerendered(self, timeout_s: float) -> bool:
        """Wait at most ``timeout_s`` seconds for the background renders; true if all done."""
        with self._idle:
            return self._idle.wait_for(lambda: self._unfinished == 0, timeout_s)

    # --- saying ------------------------------------------------------------------------

    def say(self, event: CueEvent) -> bool:
        """Play ``event`` now, or let it wait (see the module doc). Never blocks. False when
        disabled, muted, closed or dropped; true when started or waiting."""
        if not self.config.enabled or self.muted or self._closed:
            return False
        self.poll()
        if not self._playing():
            return self._start(event)
        current = self._current.event.severity if self._current else None
        if event.severity == "safety" and current != "safety":
            self.output.stop()
            self._drop_pending()
            return self._start(event)
        if self._pending is not None:
            if _RANK.get(event.severity, 0) < _RANK.get(self._pending[0].severity, 0):
                self.dropped.append(event)
                return False
            self._drop_pending()
        self._pending = (event, self.clock())
        return True

    def poll(self) -> None:
        """Start the waiting cue if the speaker is free, drop it if it waited too long, and
        stop a sound that overran its deadline. Call once per frame."""
        if self._pending is None:
            self._playing()
            return
        event, said_at = self._pending
        if self.clock() - said_at > self.max_wait_s:
            self._drop_pending()
        elif not self._playing():
            self._pending = None
            self._start(event)

    @property
    def waiting(self) -> CueEvent | None:
        """The cue waiting for the speaker, if any."""
        return self._pending[0] if self._pending is not None else None

    def set_muted(self, muted: bool) -> None:
        """Mute (stopping any sound and dropping a waiting cue) or unmute."""
        self.muted = muted
        if muted:
            self._drop_pending()
            self.output.stop()
            self._current = None

    def started_at(self, event: CueEvent) -> float | None:
        """When ``event``'s sound started (``clock`` seconds), or ``None`` if it has not."""
        for record in reversed(self.spoken):
            if record.event is event:
                return record.started_at_s
        return next((r.started_at_s for r in reversed(self.spoken) if r.event == event), None)

    def close(self) -> None:
        """Stop the sound and the render thread (waiting at most 1 s) and close the output."""
        self._closed = True
        self._drop_pending()
        self._jobs.put(None)
        if self._worker is not None:
            self._worker.join(1.0)
        self.output.close()

    def _drop_pending(self) -> None:
        if self._pending is not None:
            self.dropped.append(self._pending[0])
            self._pending = None

    def _playing(self) -> bool:
        if not self.output.busy():
            self._current = None
            return False
        if self._current is not None and self.clock() > self._deadline:
            log.warning("a sound overran its deadline by %.1f s and was stopped", DEADLINE_SLACK_S)
            self.output.stop()
            self._current = None
            return False
        return True

    def _start(self, event: CueEvent) -> bool:
        path = self._ready.get(event.text)
        if path is None and self.speech_error is None:
            self.prerender([event.text])  # ready for next time; a tone for now
        candidates: list[tuple[str, Path | None, Sound]] = []
        if path is not None:
            candidates.append(("speech", path, path))
        candidates.append(("tone", None, tones.tone(event.severity)))
        for how, wav, sound in candidates:
            try:
                duration = sound_duration_s(sound)
                self.output.play(sound, self.config.volume)
            except AudioFailed as error:
                if not self._audio_error_logged:
                    log.warning("cannot play a cue: %s", error)
                    self._audio_error_logged = True
                continue
            now = self.clock()
            self._current = Spoken(event, now, how, wav)
            self._deadline = now + duration + DEADLINE_SLACK_S
            self.spoken.append(self._current)
            return True
        self.dropped.append(event)
        return False
