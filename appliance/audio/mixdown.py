"""A set's cues as one WAV file, through the same ``Voice`` the live loop uses.

``render_set_audio`` replays the cue events at their own times (``CueEvent.t_s``) into a
``Voice`` on a simulated clock and a ``RecordingOutput``, then writes what the speaker was
asked to play: the same speech or tones, the same volume, the same overlap rule (a cue that
would have been dropped live is missing here too). Long quiet stretches between cues are
shortened to ``max_gap_s`` so the file is quick to listen to.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from appliance.audio import tones
from appliance.audio.config import AudioConfig
from appliance.audio.player import RecordingOutput
from appliance.audio.speech import DEFAULT_TIMEOUT_S
from appliance.audio.voice import Spoken, Voice
from appliance.types import CueEvent

_STEP_S = 0.01  # simulated clock step between polls, seconds


class _SimClock:
    """A clock that moves only when told (seconds)."""

    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def render_set_audio(
    events: list[CueEvent],
    path: Path,
    config: AudioConfig,
    *,
    max_gap_s: float = 0.5,
    lead_s: float = 0.25,
    speech_timeout_s: float = DEFAULT_TIMEOUT_S,
) -> list[Spoken]:
    """Write to ``path`` (mono 16-bit WAV, ``tones.SAMPLE_RATE_HZ``) what the lifter hears for
    ``events``: each cue at its ``t_s``, gaps longer than ``max_gap_s`` seconds shortened to
    it, ``lead_s`` seconds of silence at both ends. Renders speech first (blocking, each
    espeak-ng call bounded by ``speech_timeout_s``). Returns the cues that were played."""
    ordered = sorted(events, key=lambda e: e.t_s)
    clock = _SimClock(ordered[0].t_s if ordered else 0.0)
    output = RecordingOutput(clock)
    voice = Voice(config, output, clock, speech_timeout_s=speech_timeout_s)
    voice.prerender([e.text for e in ordered])
    voice.wait_prerendered(speech_timeout_s * (len(ordered) + 1))
    try:
        for event in ordered:
            while clock.t + _STEP_S <= event.t_s and (output.busy() or voice.waiting):
                clock.t += _STEP_S
                voice.poll()
            clock.t = max(clock.t, event.t_s)
            voice.say(event)
        while output.busy() or voice.waiting:
            clock.t += _STEP_S
            voice.poll()
    finally:
        voice.close()

    pieces: list[np.ndarray] = [np.zeros(round(lead_s * tones.SAMPLE_RATE_HZ), np.int16)]
    previous_end: float | None = None
    for played in output.played:
        samples = tones.read_wav(played.sound) if isinstance(played.sound, Path) else played.sound
        end = played.ended_at_s if played.ended_at_s is not None else played.at_s
        samples = samples[: max(0, round((end - played.at_s) * tones.SAMPLE_RATE_HZ))]
        if previous_end is not None:
            gap = min(max(0.0, played.at_s - previous_end), max_gap_s)
            pieces.append(np.zeros(round(gap * tones.SAMPLE_RATE_HZ), np.int16))
        pieces.append(np.round(samples * played.volume).astype(np.int16))
        previous_end = end
    pieces.append(np.zeros(round(lead_s * tones.SAMPLE_RATE_HZ), np.int16))
    _write_atomic(path, tones.wav_bytes(np.concatenate(pieces)))
    return voice.spoken


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
