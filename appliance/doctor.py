"""``hinge-mirror doctor``: one line per check of this machine; exit 0 only if all pass.

Checks: configuration, inference runtime, model (present, sha256, runs), camera, display
driver, GPIO, audio. A failed check names what to do about it. The exit code of a failed
run is that of the first failure's kind (3 bad configuration, 4 missing hardware or model).
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from appliance.config import Config
from appliance.errors import EXIT_BAD_CONFIG, EXIT_MISSING, EXIT_OK, ApplianceError
from appliance.native_output import native_stderr_silenced


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
        from gpiozero.exc import BadPinFactory
    except ImportError:
        return _failed("gpio", "gpiozero is not installed (pip install 'hinge-mirror[pi]')")
    try:
        with warnings.catch_warnings():  # one line per check, not gpiozero's fallback chatter
            warnings.simplefilter("ignore")
            factory = Device._default_pin_factory()
    except BadPinFactory as error:
        return _failed("gpio", f"no GPIO pin factory: {error}")
    return _passed("gpio", f"pin factory {type(factory).__name__}")


def check_audio() -> CheckResult:
    """espeak-ng can render the spoken cues."""
    path = shutil.which("espeak-ng")
    if path is None:
        return _failed("audio", "espeak-ng is not installed: sudo apt install espeak-ng")
    return _passed("audio", f"espeak-ng at {path}")


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
        check_display(),
        check_gpio(),
        check_audio(),
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
