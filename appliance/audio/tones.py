"""Tones for when speech is unavailable: one short, distinct sound per cue severity.

``safety``: two quick high beeps. ``form``: one mid tone. ``praise``: a rising two-note
chime. ``info``: a soft low tone. Each is mono 16-bit PCM at ``SAMPLE_RATE_HZ`` (espeak-ng's
own rate, so speech and tones mix without resampling), under half a second long.
"""

from __future__ import annotations

import io
import wave
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

SAMPLE_RATE_HZ = 22050
SEVERITIES: tuple[str, ...] = ("safety", "form", "info", "praise")

Samples = npt.NDArray[np.int16]
"""Mono 16-bit PCM samples at ``SAMPLE_RATE_HZ``."""

_RAMP_S = 0.005  # fade in and out, seconds: no click at either end


def _note(freq_hz: float, duration_s: float, level: float, decay_per_s: float = 0.0) -> np.ndarray:
    """A sine note with a little second harmonic (audible on small speakers), ``level``
    0..1 of full scale, faded in and out, optionally decaying like a struck chime."""
    t = np.arange(round(duration_s * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
    wave_ = np.sin(2 * np.pi * freq_hz * t) + 0.25 * np.sin(4 * np.pi * freq_hz * t)
    envelope = np.exp(-decay_per_s * t)
    ramp = min(len(t) // 2, round(_RAMP_S * SAMPLE_RATE_HZ))
    envelope[:ramp] *= np.linspace(0.0, 1.0, ramp)
    envelope[len(t) - ramp :] *= np.linspace(1.0, 0.0, ramp)
    return level / 1.25 * wave_ * envelope


def _gap(duration_s: float) -> np.ndarray:
    return np.zeros(round(duration_s * SAMPLE_RATE_HZ))


def _to_pcm(signal: np.ndarray) -> Samples:
    return np.clip(np.round(signal * 32767), -32768, 32767).astype(np.int16)


@cache
def _tone(severity: str) -> bytes:
    if severity == "safety":
        beep = _note(1320.0, 0.09, 0.9)
        parts = [beep, _gap(0.06), beep]
    elif severity == "praise":
        parts = [_note(784.0, 0.12, 0.7, decay_per_s=4.0), _note(1047.0, 0.22, 0.7, 6.0)]
    elif severity == "info":
        parts = [_note(330.0, 0.25, 0.35)]
    else:  # "form", and any severity we do not know
        parts = [_note(660.0, 0.22, 0.6)]
    return _to_pcm(np.concatenate(parts)).tobytes()


def tone(severity: str) -> Samples:
    """The tone for a cue of ``severity`` (``safety``/``form``/``info``/``praise``; anything
    else sounds like ``form``), as a read-only array."""
    return np.frombuffer(_tone(severity if severity in SEVERITIES else "form"), np.int16)


def duration_s(samples: Samples) -> float:
    """How long ``samples`` play, seconds."""
    return len(samples) / SAMPLE_RATE_HZ


def wav_bytes(samples: Samples) -> bytes:
    """``samples`` as the bytes of a WAV file (mono, 16-bit, ``SAMPLE_RATE_HZ``)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE_HZ)
        wav.writeframes(samples.astype("<i2").tobytes())
    return buffer.getvalue()


def read_wav(path: Path) -> Samples:
    """A 16-bit PCM WAV file as mono samples at ``SAMPLE_RATE_HZ`` (channels averaged,
    other rates resampled linearly). Raises ``OSError`` or ``wave.Error``."""
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2:
            raise wave.Error(f"{path}: expected 16-bit samples, got {8 * wav.getsampwidth()}-bit")
        channels, rate = wav.getnchannels(), wav.getframerate()
        data = np.frombuffer(wav.readframes(wav.getnframes()), "<i2").astype(np.float64)
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1)
    if rate != SAMPLE_RATE_HZ and len(data) > 1:
        n_out = round(len(data) * SAMPLE_RATE_HZ / rate)
        data = np.interp(np.linspace(0, len(data) - 1, n_out), np.arange(len(data)), data)
    return np.round(data).astype(np.int16)
