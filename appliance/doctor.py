"""``hinge-mirror doctor``: one line per check of this machine; exit 0 only if all pass.

Checks: configuration, inference runtime, model (present, sha256, runs), camera, display
driver, GPIO, audio (a cue phrase spoken into a temporary folder, the sound device opened),
history (the profile, and the history file looked at read-only), MQTT (the broker answers
and takes the login, when ``[mqtt]`` names one). A failed check names what
to do about it. The exit code of a failed run is that of the first failure's kind (1 an
unusable history file, 3 bad configuration, 4 missing hardware or model).
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from appliance.audio.config import AudioConfig
from appliance.config import Config, MirrorConfig
from appliance.errors import EXIT_BAD_CONFIG, EXIT_MISSING, EXIT_OK, EXIT_RUNTIME, ApplianceError
from appliance.native_output import native_stderr_silenced
from appliance.words import counted as _counted

if TYPE_CHECKING:
    from appliance.audio.player import AudioOutput
    from appliance.history import HistorySummary


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check; ``exit_code`` is 0 when it passed."""

    name: str
    ok: bool
    detail: str
    exit_code: int = EXIT_OK


def _passed(name: str, detail: str) -> CheckResult:
    return CheckResult(name, True, detail)


def _failed(name: str, detail: str, exit_code: int = EXIT_MISSING) -> CheckResult:
    return CheckResult(name, False, detail, exit_code)


def check_runtime() -> CheckResult:
    """An inference runtime can be imported."""
    from appliance.pose.runtime import available_runtime

    try:
        return _passed("runtime", available_runtime())
    except ApplianceError as error:
        return _failed("runtime", str(error), error.exit_code)


def check_model(config: Config) -> CheckResult:
    """The configured model is installed, matches its sha256, and runs once."""
    from appliance.pose.estimator import load_pose_model

    try:
        model = load_pose_model(config)
        blank = np.zeros((model.input_size, model.input_size, 3), dtype=np.uint8)
        model.infer(blank)
        start = time.perf_counter()
        model.infer(blank)
        took_ms = (time.perf_counter() - start) * 1000.0
    except ApplianceError as error:
        return _failed("model", str(error), error.exit_code)
    return _passed(
        "model",
        f"{config.pose.model} verified in {config.models.directory()}, "
        f"one inference {took_ms:.1f} ms (MoveNet, Apache-2.0, Google)",
    )


def check_camera(config: Config) -> CheckResult:
    """A camera seems present (the Pi camera or a V4L2 webcam)."""
    from appliance.sources.probe import probe_cameras

    found = probe_cameras()
    if found:
        return _passed("camera", "; ".join(found))
    return _failed("camera", "no camera found: connect the Pi camera or a webcam")


def check_side_camera(config: Config) -> CheckResult:
    """With ``[camera.side] source``: that camera answers, and another is left for the
    mirror's own (issue 12). Without one there is no such line (``run_checks``)."""
    from appliance.sources.probe import found_line, probe_cameras
    from appliance.sources.spec import is_camera

    spec = config.camera.side.source
    if not spec:
        return _passed("side-cam", "none configured ([camera.side] source)")
    if not is_camera(spec):
        if Path(spec).expanduser().exists():
            return _passed("side-cam", f"{spec} (a recording, not a camera)")
        return _failed("side-cam", f"{spec}: no such file ([camera.side] source)")
    found = probe_cameras()
    line = found_line(spec, found)
    if line is None:
        hint = "the second CSI connector (CAM1)" if spec.startswith("picamera") else "USB"
        seen = "; ".join(found) or "no camera"
        return _failed("side-cam", f"{spec} not found: check its cable ({hint}); found: {seen}")
    others = [other for other in found if other != line]
    if not others:
        return _failed("side-cam", f"{line}, but no other camera for the mirror itself")
    return _passed("side-cam", f"{line}; the mirror's camera: {others[0]}")


def check_display() -> CheckResult:
    """SDL can open a video driver (on the Pi: kmsdrm, not a silent off-screen fallback)."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    try:
        import pygame
    except ImportError as error:
        return _failed("display", f"pygame is not installed: {error}")
    try:
        with native_stderr_silenced():  # SDL's complaints while it probes for a screen
            pygame.display.init()
        driver = pygame.display.get_driver()
    except pygame.error as error:
        return _failed("display", f"no display: {error}")
    finally:
        pygame.display.quit()
    if driver in ("offscreen", "dummy") and os.environ.get("SDL_VIDEODRIVER") != driver:
        return _failed("display", f"SDL fell back to the {driver} driver: no screen")
    return _passed("display", f"SDL video driver {driver}")


def check_gpio() -> CheckResult:
    """gpiozero finds a pin factory (lgpio on a Pi)."""
    try:
        from gpiozero import Device
    except ImportError:
        return _failed("gpio", "gpiozero is not installed (pip install 'hinge-mirror[pi]')")
    from appliance.controls.buttons import no_gpio_errors

    try:
        with warnings.catch_warnings():  # one line per check, not gpiozero's fallback chatter
            warnings.simplefilter("ignore")
            factory = Device._default_pin_factory()
    except no_gpio_errors() as error:  # no factory; GPIOZERO_PIN_FACTORY=lgpio without lgpio
        return _failed("gpio", f"no GPIO pin factory: {type(error).__name__}: {error}")
    return _passed("gpio", f"pin factory {type(factory).__name__}")


def _speech(audio: AudioConfig) -> CheckResult:
    """espeak-ng renders one real cue phrase, with the configured voice and speed, into a
    temporary folder (never the real cache), as the mirror's pre-render does."""
    from appliance.audio.speech import (
        SpeechUnavailable,
        espeak_path,
        espeak_version,
        render_phrase,
    )
    from appliance.audio.voice import all_phrases

    if espeak_path() is None:
        return _failed(
            "audio",
            "espeak-ng is not installed: sudo apt install espeak-ng (cues fall back to tones)",
        )
    phrase = all_phrases()[0]

    def speaks(voice: str) -> str | None:
        """None if ``voice`` renders ``phrase``, else why not."""
        with tempfile.TemporaryDirectory(prefix="hinge-mirror-doctor-") as folder:
            try:
                render_phrase(phrase, voice, audio.speed_wpm, Path(folder))
            except SpeechUnavailable as error:
                return str(error)
        return None

    problem = speaks(audio.voice)
    if problem is None:
        line = espeak_version()
        found = re.search(r"text-to-speech:\s*(\S+)", line)
        version = found.group(1) if found else line
        return _passed(
            "audio", f'espeak-ng {version} speaks "{audio.voice}" at {audio.speed_wpm} wpm'
        )
    default_voice = AudioConfig().voice
    if audio.voice != default_voice and speaks(default_voice) is None:
        return _failed(
            "audio",
            f'espeak-ng has no voice "{audio.voice}": set [audio] voice to one of '
            "`espeak-ng --voices` (cues fall back to tones)",
            EXIT_BAD_CONFIG,
        )
    return _failed("audio", f"espeak-ng cannot speak: {problem} (cues fall back to tones)")


def _sound_device(open_speaker: Callable[[], AudioOutput] | None) -> CheckResult:
    """The sound device opens (``PygameMixerOutput``, with its own deadline) and closes."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from appliance.audio.player import AudioFailed, PygameMixerOutput

    try:
        with native_stderr_silenced():  # SDL's and ALSA's lines when there is no sound card
            speaker = open_speaker() if open_speaker is not None else PygameMixerOutput()
            speaker.close()
    except AudioFailed as error:
        reason = str(error).removeprefix("cannot open the sound device: ")
        return _failed("audio", f"no sound device: {reason} (cues will be silent)")
    driver = os.environ.get("SDL_AUDIODRIVER", "")
    if driver in ("dummy", "disk"):
        return _passed("audio", f"sound device open (SDL_AUDIODRIVER={driver}: nothing is heard)")
    return _passed("audio", "sound device open")


def check_audio(
    audio: AudioConfig, open_speaker: Callable[[], AudioOutput] | None = None
) -> CheckResult:
    """What the mirror does for its cues: espeak-ng speaks a cue phrase, and the speaker
    opens (``open_speaker``, default ``PygameMixerOutput``). Both halves are reported;
    the exit code is that of the first that failed."""
    if not audio.enabled:
        return _passed("audio", "audio off in the config")
    halves = [_speech(audio), _sound_device(open_speaker)]
    failed = [half for half in halves if not half.ok]
    detail = "; ".join(half.detail for half in halves)
    return _failed("audio", detail, failed[0].exit_code) if failed else _passed("audio", detail)


def _history_problem(summary: HistorySummary) -> str | None:
    """Why the mirror could not use the history file as it is, or None."""
    from appliance.history import LATEST_VERSION

    path = summary.path
    if summary.state == "damaged":
        return (
            f"{path} is damaged ({summary.finding}): the mirror will set it aside and start afresh"
        )
    if summary.state == "newer":
        return (
            f"{path} is schema {summary.schema}, newer than this appliance knows "
            f"({LATEST_VERSION}; was it downgraded?): the mirror will run without history"
        )
    if summary.state == "unreadable":
        return f"cannot read {path}: {summary.finding}: the mirror will run without history"
    return None


def _studio_history(mirror: MirrorConfig, summary: HistorySummary) -> CheckResult:
    """The studio keeps nothing personal; with anonymous counts, they go to the file."""
    line = "studio profile: nothing personal kept"
    if mirror.anonymous_counts:
        problem = _history_problem(summary)
        if problem is not None:
            return _failed("history", f"{line}; anonymous counts: {problem}", EXIT_RUNTIME)
        if summary.state == "absent":
            line += f"; anonymous counts on: none yet at {summary.path} (made when it starts)"
        else:
            days = _counted(summary.counted_days, "day")
            line += f"; anonymous counts on: {days} counted in {summary.path}"
    if summary.state == "ok" and (summary.people or summary.sets):
        line += (
            f"; but {summary.path} still holds {_counted(summary.people, 'person', 'people')}, "
            f"{_counted(summary.sets, 'set')} from a home profile"
        )
    return _passed("history", line)


def check_history(mirror: MirrorConfig) -> CheckResult:
    """Which profile keeps what, and where. The history file (``default_history_path()``)
    is looked at read-only: never created, migrated or moved (the mirror's own open does
    that). A file the mirror would set aside or could not use fails with exit code 1
    (runtime): it is neither missing hardware nor bad configuration."""
    from appliance.history import LATEST_VERSION, inspect_history

    summary = inspect_history()
    if mirror.profile == "studio":
        return _studio_history(mirror, summary)
    people = f"; people: {', '.join(mirror.people)}" if mirror.people else ""
    problem = _history_problem(summary)
    if problem is not None:
        return _failed("history", problem + people, EXIT_RUNTIME)
    if summary.state == "absent":
        made = "made when the mirror starts"
        return _passed("history", f"none yet at {summary.path} ({made}){people}")
    counts = ", ".join(
        (
            _counted(summary.people, "person", "people"),
            _counted(summary.sets, "set"),
            _counted(summary.reps, "rep"),
        )
    )
    schema = f"schema {summary.schema}"
    if summary.schema is not None and summary.schema < LATEST_VERSION:
        schema += f"; the mirror will migrate it to {LATEST_VERSION}"
    return _passed("history", f"{summary.path}: {counts} ({schema}){people}")


def check_mqtt(config: Config) -> CheckResult:
    """Without ``[mqtt]``: nothing to check. With it: the broker takes the mirror's login."""
    if not config.mqtt.active:
        return _passed("mqtt", "off (no [mqtt] host)")
    from appliance.mqtt.probe import probe_broker

    result = probe_broker(config.mqtt)
    return CheckResult("mqtt", result.ok, result.detail, result.exit_code)


def run_checks(load: Callable[[], Config]) -> list[CheckResult]:
    """Every check, in order; a bad configuration still lets the others run on defaults."""
    try:
        config = load()
        results = [_passed("config", "valid")]
    except ApplianceError as error:
        config = Config()
        results = [_failed("config", str(error), EXIT_BAD_CONFIG)]
    results += [
        check_runtime(),
        check_model(config),
        check_camera(config),
        *([check_side_camera(config)] if config.camera.side.source else []),
        check_display(),
        check_gpio(),
        check_audio(config.audio),
        check_history(config.mirror),
        check_mqtt(config),
    ]
    return results


def _handle(args: argparse.Namespace) -> int:
    from appliance.cli import config_from

    results = run_checks(lambda: config_from(args))
    for result in results:
        mark = "ok  " if result.ok else "FAIL"
        print(f"{mark} {result.name:<8} {result.detail}")
    failures = [r for r in results if not r.ok]
    return failures[0].exit_code if failures else EXIT_OK


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add ``doctor`` to the command line."""
    parser = subparsers.add_parser("doctor", parents=[common], help="check this machine")
    parser.set_defaults(handler=_handle)
