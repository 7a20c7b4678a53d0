"""``make run`` on a machine with no screen: the demo once, headless, into a folder; exit 0."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from appliance.run import headless_allowed
from tests.conftest import REPO


def test_a_bare_run_without_a_screen_shows_the_demo_once_and_ends(tmp_path: Path) -> None:
    """As ``make run`` starts it: no arguments, no screen (SDL falls back to its off-screen
    driver), from a terminal; the folder is the default one, in the working directory."""
    history = tmp_path / "history.sqlite"
    env = dict(os.environ, HINGE_MIRROR_HISTORY=str(history), XDG_CACHE_HOME=str(tmp_path))
    for name in ("SDL_VIDEODRIVER", "DISPLAY", "WAYLAND_DISPLAY", "NOTIFY_SOCKET"):
        env.pop(name, None)
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run(
        [sys.executable, "-m", "appliance", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,  # the session runs on the frames' clock: a few seconds, not the visit's 40
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    said_lines = done.stderr.strip().splitlines()
    assert [line for line in said_lines if "no screen" in line] == said_lines[:1], done.stderr
    folder = tmp_path / "hinge-mirror-demo"
    screens = sorted(folder.glob("*.png"))
    assert len(screens) >= 5
    assert any("-summary-" in path.name for path in screens), [p.name for p in screens]
    assert (folder / "voice.wav").stat().st_size > 1000
    assert "Hips back, not down" in (folder / "said.txt").read_text()
    assert str(Path("hinge-mirror-demo") / "voice.wav") in done.stdout  # where to look
    assert "make run" in done.stdout  # and how to see it on a screen
    assert not history.exists(), "the demo is never recorded"


def _run_args(**given: object) -> argparse.Namespace:
    args = {"source": None, "windowed": False, "history": None, **given}
    return argparse.Namespace(**args)


@pytest.mark.parametrize(
    ("given", "under_systemd", "allowed"),
    [
        ({}, False, True),
        ({}, True, False),  # the service waits for its screen, then exit 4: never a demo
        ({"source": "demo"}, False, False),
        ({"windowed": True}, False, False),
        ({"history": True}, False, False),
    ],
)
def test_only_a_bare_run_outside_systemd_falls_back_to_the_headless_demo(
    monkeypatch: pytest.MonkeyPatch, given: dict[str, object], under_systemd: bool, allowed: bool
) -> None:
    monkeypatch.delenv("SDL_VIDEODRIVER", raising=False)
    assert headless_allowed(_run_args(**given), under_systemd) is allowed


def test_an_sdl_driver_asked_for_is_not_second_guessed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "kmsdrm")  # as the service sets it
    assert not headless_allowed(_run_args(), under_systemd=False)
