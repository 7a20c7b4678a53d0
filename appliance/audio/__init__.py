"""The audio room: spoken cues (espeak-ng, pre-rendered) and tones, one sound at a time.

``Voice`` is what the live loop talks to; ``open_output`` opens the speaker (pygame.mixer,
or silence when there is none); ``render_set_audio`` writes a set's cues to one WAV file.
"""

from appliance.audio.config import AudioConfig, default_cache_dir
from appliance.audio.mixdown import render_set_audio
from appliance.audio.player import (
    AudioFailed,
    AudioOutput,
    PygameMixerOutput,
    RecordingOutput,
    SilentOutput,
    open_output,
)
from appliance.audio.speech import SpeechUnavailable, prerender, render_phrase
from appliance.audio.voice import Spoken, Voice, all_phrases

__all__ = [
    "AudioConfig",
    "AudioFailed",
    "AudioOutput",
    "PygameMixerOutput",
    "RecordingOutput",
    "SilentOutput",
    "SpeechUnavailable",
    "Spoken",
    "Voice",
    "all_phrases",
    "default_cache_dir",
    "open_output",
    "prerender",
    "render_phrase",
    "render_set_audio",
]
