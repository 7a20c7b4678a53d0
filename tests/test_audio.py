"""The mirror's voice: spoken cues rendered once and cached, tones when speech is missing,
one sound at a time, and a set's cues written to one WAV file to listen to offline.

Time only moves when a test moves it (a fake clock); the speaker is a ``RecordingOutput``
except in the one test that opens pygame.mixer on SDL's dummy driver.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import time
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from appliance.audio import (
    AudioConfig,
    AudioFailed,
    PygameMixerOutput,
    RecordingOutput,
    SilentOutput,
    SpeechUnavailable,
    Voice,
    all_phrases,
    default_cache_dir,
    open_output,
    prerender,
    render_phrase,
    render_set_audio,
    tones,
)
from appliance.coach import phrases
from appliance.errors import BadConfig
from appliance.types import CueEvent

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (apt install espeak-ng); CI installs it",
)

SQUAT_CUE = phrases.fault_cue("squatting")  # "Hips back, not down"
SQUAT_PRAISE = phrases.praise("squatting")  # "Better — hips back"


class FakeClock:
    """Seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def cue(text: str = SQUAT_CUE, severity: str = "form", t_s: float = 0.0) -> CueEvent:
    kind = {"praise": "praise", "info": "guidance"}.get(severity, "fault")
    return CueEvent(t_s=t_s, text=text, kind=kind, severity=severity)


def executable(path: Path, script: str) -> Path:
    path.write_text(script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def config(tmp_path: Path) -> AudioConfig:
    return AudioConfig(cache_dir=str(tmp_path / "voice"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_voice(clock: FakeClock) -> Iterator[Callable[..., tuple[Voice, RecordingOutput]]]:
    """Voices on the fake clock with a recording speaker, closed after the test."""
    made: list[Voice] = []

    def make(config: AudioConfig, **output_options: object) -> tuple[Voice, RecordingOutput]:
        output = RecordingOutput(clock, **output_options)  # type: ignore[arg-type]
        voice = Voice(config, output, clock, speech_timeout_s=5.0)
        made.append(voice)
        return voice, output

    yield make
    for voice in made:
        voice.close()


@pytest.fixture
def counting_espeak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """espeak-ng wrapped by a script first on PATH that logs each call; returns a function
    counting the renders (calls with ``-w``)."""
    real = shutil.which("espeak-ng")
    assert real is not None
    log = tmp_path / "espeak-calls.log"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    executable(bin_dir / "espeak-ng", f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{real}" "$@"\n')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")

    def renders() -> int:
        lines = log.read_text().splitlines() if log.exists() else []
        return sum(line.startswith("-w ") for line in lines)

    return renders


@pytest.fixture
def no_espeak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PATH on which espeak-ng cannot be found."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


# --- speech and its cache ---------------------------------------------------------------


@needs_espeak
def test_a_cue_phrase_is_rendered_once_and_then_served_from_the_cache(
    config: AudioConfig, counting_espeak: Callable[[], int]
) -> None:
    cache = config.cache_directory()
    first = render_phrase(SQUAT_CUE, "en", 160, cache)
    again = render_phrase(SQUAT_CUE, "en", 160, cache)
    assert again == first
    assert counting_espeak() == 1
    assert 0.5 < wav_seconds(first) < 4.0  # "Hips back, not down" is about 2 s of speech
    assert [p.name for p in cache.iterdir()] == [first.name]  # no temporary file left


@needs_espeak
def test_another_speed_is_rendered_again(
    config: AudioConfig, counting_espeak: Callable[[], int]
) -> None:
    cache = config.cache_directory()
    normal = render_phrase(SQUAT_CUE, "en", 160, cache)
    fast = render_phrase(SQUAT_CUE, "en", 220, cache)
    assert fast != normal
    assert counting_espeak() == 2
    assert wav_seconds(fast) < wav_seconds(normal)


@needs_espeak
def test_start_up_warms_the_cache_with_every_coach_phrase(config: AudioConfig) -> None:
    ready = prerender(all_phrases(), "en", 160, config.cache_directory())
    assert set(ready) == set(all_phrases())
    assert {SQUAT_CUE, SQUAT_PRAISE, phrases.GOOD_REP, phrases.cant_see("feet")} <= set(ready)
    assert len({path.name for path in ready.values()}) == len(ready)  # one file per phrase


@needs_espeak
def test_the_cache_survives_a_restart(
    config: AudioConfig,
    make_voice: Callable[..., tuple[Voice, RecordingOutput]],
    counting_espeak: Callable[[], int],
) -> None:
    before, _ = make_voice(config)
    before.prerender([SQUAT_CUE, SQUAT_PRAISE])
    assert before.wait_prerendered(10.0)
    assert counting_espeak() == 2
    before.close()

    after, output = make_voice(config)  # a restart: a new Voice, the same cache folder
    after.prerender([SQUAT_CUE, SQUAT_PRAISE])
    assert after.wait_prerendered(10.0)
    assert counting_espeak() == 2  # nothing rendered again
    assert after.say(cue(SQUAT_CUE))
    assert after.spoken[0].how == "speech"
    assert output.played[0].sound == after.spoken[0].path


@needs_espeak
def test_a_phrase_not_rendered_yet_is_a_tone_now_and_speech_next_time(
    config: AudioConfig,
    make_voice: Callable[..., tuple[Voice, RecordingOutput]],
    clock: FakeClock,
) -> None:
    voice, _ = make_voice(config)
    assert voice.say(cue(SQUAT_CUE))  # nothing pre-rendered: say() must not wait for espeak
    assert voice.spoken[-1].how == "tone"
    assert voice.wait_prerendered(10.0)
    clock.advance(5.0)
    assert voice.say(cue(SQUAT_CUE))
    assert voice.spoken[-1].how == "speech"


# --- when speech is unavailable ---------------------------------------------------------


@pytest.mark.usefixtures("no_espeak")
def test_without_espeak_the_mirror_beeps_a_distinct_tone_per_severity(
    config: AudioConfig,
    make_voice: Callable[..., tuple[Voice, RecordingOutput]],
    clock: FakeClock,
) -> None:
    with pytest.raises(SpeechUnavailable, match="espeak-ng is not installed"):
        render_phrase(SQUAT_CUE, "en", 160, config.cache_directory())
    voice, output = make_voice(config)
    assert voice.speech_error is not None
    for severity in ("safety", "form", "info", "praise"):
        assert voice.say(cue(severity=severity))
        clock.advance(1.0)
    assert [s.how for s in voice.spoken] == ["tone"] * 4
    sounds = [p.sound for p in output.played if isinstance(p.sound, np.ndarray)]
    assert len(sounds) == 4
    assert all(0.1 < tones.duration_s(s) < 0.5 for s in sounds)
    for i, a in enumerate(sounds):
        for b in sounds[i + 1 :]:
            assert not np.array_equal(a, b)
    assert np.array_equal(sounds[0], tones.tone("safety"))
    safety = tones.tone("safety").astype(np.float64)
    # Two beeps: the middle of the safety tone is silent between them.
    middle = safety[len(safety) // 2 - 100 : len(safety) // 2 + 100]
    assert np.abs(middle).max() < 1.0 < np.abs(safety).max()


@pytest.mark.usefixtures("no_espeak")
def test_without_speech_one_line_says_what_cues_will_be(
    config: AudioConfig, caplog: pytest.LogCaptureFixture
) -> None:
    # A speaker: the cues will be tones, and the log says so.
    with caplog.at_level(logging.WARNING, logger="appliance.audio.voice"):
        Voice(config, RecordingOutput()).close()
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "speech unavailable, cues will be tones"
    ]
    caplog.clear()
    # No speaker: open_output has said the cues will be silent; nothing says "tones".
    with caplog.at_level(logging.WARNING, logger="appliance.audio.voice"):
        voice = Voice(config, SilentOutput())
        voice.close()
    assert voice.speech_error is not None
    assert caplog.records == []


def test_espeak_that_hangs_times_out_into_a_tone(
    config: AudioConfig,
    make_voice: Callable[..., tuple[Voice, RecordingOutput]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bin_dir = tmp_path / "hung-bin"
    bin_dir.mkdir()
    executable(
        bin_dir / "espeak-ng",
        '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "eSpeak NG: hung"; exit 0; fi\nsleep 30\n',
    )
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    cache = config.cache_directory()

    started = time.monotonic()
    with pytest.raises(SpeechUnavailable, match=r"did not finish within 0\.3 s"):
        render_phrase(SQUAT_CUE, "en", 160, cache, timeout_s=0.3)
    assert time.monotonic() - started < 3.0  # the sleeping child was killed too
    assert list(cache.iterdir()) == []  # no half-written WAV left behind

    voice = Voice(config, RecordingOutput(), speech_timeout_s=0.3)
    voice.prerender()  # all 29 phrases: the first timeout turns speech off for the rest
    assert voice.wait_prerendered(5.0)
    assert voice.speech_error is not None
    assert "did not finish" in voice.speech_error
    assert voice.say(cue(severity="safety"))
    assert voice.spoken[0].how == "tone"
    voice.close()


# --- one sound at a time ----------------------------------------------------------------


def test_a_muted_mirror_says_nothing(
    config: AudioConfig, make_voice: Callable[..., tuple[Voice, RecordingOutput]]
) -> None:
    muted, output = make_voice(AudioConfig(mute=True, cache_dir=config.cache_dir))
    assert not muted.say(cue(severity="safety"))
    disabled, disabled_output = make_voice(AudioConfig(enabled=False, cache_dir=config.cache_dir))
    assert not disabled.say(cue())
    assert output.played == []
    assert disabled_output.played == []

    voice, live = make_voice(config)
    assert voice.say(cue())
    voice.set_muted(True)  # the mute button mid-cue silences it at once
    assert not live.busy()
    assert not voice.say(cue())
    assert len(live.played) == 1


def test_the_voice_plays_at_the_configured_volume(
    config: AudioConfig, make_voice: Callable[..., tuple[Voice, RecordingOutput]]
) -> None:
    voice, output = make_voice(AudioConfig(volume=0.3, cache_dir=config.cache_dir))
    voice.say(cue())
    assert output.played[0].volume == pytest.approx(0.3)


def test_two_cues_at_once_the_second_waits_and_never_overlaps(
    config: AudioConfig,
    make_voice: Callable[..., tuple[Voice, RecordingOutput]],
    clock: FakeClock,
) -> None:
    voice, output = make_voice(config, busy_for_s=0.5)  # every sound lasts 0.5 s
    first, second = cue(SQUAT_CUE), cue(SQUAT_PRAISE, "praise")
    assert voice.say(first)
    clock.advance(0.125)
    assert voice.say(second)  # accepted: it waits for the speaker
    assert voice.waiting is second
    assert len(output.played) == 1
    clock.advance(0.25)
    voice.poll()
    assert len(output.played) == 1  # still playing the first
    clock.advance(0.125)
    voice.poll()
    assert [p.at_s for p in output.played] == [100.0, 100.5]
    assert voice.started_at(first) == 100.0
    assert voice.started_at(second) == 100.5
    assert output.overlaps == 0
    assert voice.dropped == []


def test_a_cue_that_waits_more_than_a_second_is_dropped(
    config: AudioConfig,
    make_voice: Callable[..., tuple[Voice, RecordingOutput]],
    clock: FakeClock,
) -> None:
    voice, output = make_voice(config, busy_for_s=1.5)
    late = cue(SQUAT_PRAISE, "praise")
    voice.say(cue())
    clock.advance(0.2)
    voice.say(late)
    clock.advance(1.1)
    voice.poll()
    assert voice.dropped == [late]
    assert voice.waiting is None
    clock.advance(1.0)
    voice.poll()
    assert len(output.played) == 1
    assert voice.started_at(late) is None


def test_a_safety_cue_interrupts_a_praise(
    config: AudioConfig,
    make_voice: Callable[..., tuple[Voice, RecordingOutput]],
    clock: FakeClock,
) -> None:
    voice, output = make_voice(config, busy_for_s=2.0)
    voice.say(cue(SQUAT_PRAISE, "praise"))
    clock.advance(0.3)
    safety = cue(phrases.fault_cue("rounded_back"), "safety")
    assert voice.say(safety)
    assert voice.started_at(safety) == pytest.approx(100.3)
    assert output.played[0].ended_at_s == pytest.approx(100.3)  # the praise was cut first
    assert output.stops == 1
    assert output.overlaps == 0


def test_a_safety_cue_waits_for_another_safety_cue(
    config: AudioConfig,
    make_voice: Callable[..., tuple[Voice, RecordingOutput]],
    clock: FakeClock,
) -> None:
    voice, output = make_voice(config, busy_for_s=0.5)
    voice.say(cue(severity="safety"))
    clock.advance(0.1)
    voice.say(cue(severity="safety"))
    assert len(output.played) == 1
    assert output.stops == 0


def test_a_waiting_safety_cue_keeps_its_place_before_a_praise(
    config: AudioConfig,
    make_voice: Callable[..., tuple[Voice, RecordingOutput]],
    clock: FakeClock,
) -> None:
    voice, _ = make_voice(config, busy_for_s=0.5)
    voice.say(cue(severity="safety"))
    safety = cue(severity="safety")
    voice.say(safety)
    praise = cue(SQUAT_PRAISE, "praise")
    assert not voice.say(praise)
    assert voice.waiting is safety
    assert voice.dropped == [praise]


def test_a_stuck_sound_is_stopped_at_its_deadline(
    config: AudioConfig,
    make_voice: Callable[..., tuple[Voice, RecordingOutput]],
    clock: FakeClock,
) -> None:
    voice, output = make_voice(config, busy_for_s=60.0)  # the device never says it is done
    voice.say(cue())  # a tone of about 0.2 s: its deadline is about 1.2 s away
    clock.advance(1.0)
    voice.poll()
    assert output.stops == 0
    clock.advance(0.5)
    voice.poll()
    assert output.stops == 1
    assert voice.say(cue(SQUAT_PRAISE, "praise"))
    assert len(output.played) == 2
    assert output.overlaps == 0


def test_a_speaker_that_refuses_a_sound_drops_the_cue_without_raising(
    config: AudioConfig, make_voice: Callable[..., tuple[Voice, RecordingOutput]]
) -> None:
    voice, _ = make_voice(config, fail_with=AudioFailed("the USB speaker was unplugged"))
    event = cue()
    assert not voice.say(event)
    assert voice.dropped == [event]
    assert voice.spoken == []


# --- a set's cues as one WAV file ---------------------------------------------------------


def _read_mono(path: Path) -> tuple[np.ndarray, int]:
    """The samples and rate of a mono 16-bit WAV file."""
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        rate = wav.getframerate()
        return np.frombuffer(wav.readframes(wav.getnframes()), "<i2"), rate


def _expect_in_order(samples: np.ndarray, parts: list[np.ndarray], volume: float) -> None:
    """``samples`` is 0.25 s of silence, each part (scaled by ``volume``) with 0.5 s of
    silence between, then 0.25 s of silence."""
    lead, gap = round(0.25 * tones.SAMPLE_RATE_HZ), round(0.5 * tones.SAMPLE_RATE_HZ)
    expected = [np.zeros(lead)]
    for i, part in enumerate(parts):
        expected += [np.zeros(gap)] if i else []
        expected.append(np.round(part * volume))
    expected.append(np.zeros(lead))
    want = np.concatenate(expected)
    assert len(samples) == len(want)
    assert np.abs(samples.astype(np.int32) - want.astype(np.int32)).max() <= 1


@needs_espeak
def test_render_set_audio_writes_the_fault_cue_then_the_praise(
    config: AudioConfig, tmp_path: Path
) -> None:
    events = [cue(SQUAT_CUE, "form", t_s=12.0), cue(SQUAT_PRAISE, "praise", t_s=21.5)]
    out = tmp_path / "set.wav"
    spoken = render_set_audio(events, out, config)
    assert [(s.event.text, s.how) for s in spoken] == [
        (SQUAT_CUE, "speech"),
        (SQUAT_PRAISE, "speech"),
    ]
    samples, rate = _read_mono(out)
    assert rate == tones.SAMPLE_RATE_HZ
    assert 2.5 < len(samples) / rate < 8.0  # two short phrases, not the 9.5 s between them
    said = [tones.read_wav(s.path) for s in spoken if s.path is not None]
    _expect_in_order(samples, said, config.volume)
    if shutil.which("sox"):
        stat_out = subprocess.run(
            ["sox", str(out), "-n", "stat"], capture_output=True, text=True, timeout=10
        ).stderr
        rms_line = next(line for line in stat_out.splitlines() if line.startswith("RMS     amp"))
        rms = float(rms_line.split()[-1])
        assert rms > 0.01, stat_out  # audible speech, not silence


@pytest.mark.usefixtures("no_espeak")
def test_render_set_audio_without_espeak_writes_the_two_tones(
    config: AudioConfig, tmp_path: Path
) -> None:
    events = [cue(SQUAT_CUE, "form", t_s=3.0), cue(SQUAT_PRAISE, "praise", t_s=8.0)]
    out = tmp_path / "set.wav"
    spoken = render_set_audio(events, out, config)
    assert [s.how for s in spoken] == ["tone", "tone"]
    samples, _ = _read_mono(out)
    _expect_in_order(samples, [tones.tone("form"), tones.tone("praise")], config.volume)


@pytest.mark.usefixtures("no_espeak")
def test_render_set_audio_follows_the_live_overlap_rule(
    config: AudioConfig, tmp_path: Path
) -> None:
    # A praise said 0.05 s after a fault cue waits for it, then plays: never on top of it.
    events = [cue(SQUAT_CUE, "form", t_s=3.0), cue(SQUAT_PRAISE, "praise", t_s=3.05)]
    spoken = render_set_audio(events, tmp_path / "set.wav", config)
    assert spoken[1].started_at_s - spoken[0].started_at_s >= tones.duration_s(tones.tone("form"))


# --- the real speaker and configuration -------------------------------------------------


def test_pygame_mixer_plays_a_tone_and_a_wav_on_the_dummy_driver(tmp_path: Path) -> None:
    assert os.environ.get("SDL_AUDIODRIVER") == "dummy"
    wav_file = tmp_path / "chime.wav"
    wav_file.write_bytes(tones.wav_bytes(tones.tone("praise")))
    output = PygameMixerOutput(init_timeout_s=5.0)
    try:
        output.play(tones.tone("safety"), 0.5)
        assert output.busy()
        output.stop()
        assert not output.busy()
        output.play(wav_file, 0.8)
        assert output.busy()
        with pytest.raises(AudioFailed, match="cannot play"):
            output.play(tmp_path / "missing.wav", 0.8)
    finally:
        output.close()


def test_no_sound_device_means_a_silent_mirror_and_one_log_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import pygame

    pygame.mixer.quit()
    monkeypatch.setenv("SDL_AUDIODRIVER", "no-such-driver")
    with caplog.at_level(logging.WARNING, logger="appliance.audio.player"):
        output = open_output(init_timeout_s=5.0)
    assert isinstance(output, SilentOutput)
    assert len(caplog.records) == 1
    assert "no sound" in caplog.records[0].getMessage()


def test_audio_config_rejects_bad_values_naming_the_key() -> None:
    with pytest.raises(BadConfig, match=r"audio\.volume: expected a number from 0 to 1"):
        AudioConfig(volume=1.5)
    with pytest.raises(BadConfig, match=r"audio\.speed_wpm"):
        AudioConfig(speed_wpm=5)
    with pytest.raises(BadConfig, match=r"audio\.voice"):
        AudioConfig(voice="")


def test_the_default_cache_is_the_service_state_or_the_user_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path / "state"))
    assert default_cache_dir() == tmp_path / "state" / "voice"
    monkeypatch.delenv("STATE_DIRECTORY")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert default_cache_dir() == tmp_path / "cache" / "hinge-mirror" / "voice"
    assert AudioConfig().cache_directory() == default_cache_dir()
