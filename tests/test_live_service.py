"""The appliance under systemd: READY when frames and the screen work, a clean SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


def read_datagrams(sock: socket.socket, until: str, timeout_s: float) -> list[str]:
    """Notifications received until one contains ``until`` (or the timeout)."""
    got: list[str] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            got.append(sock.recv(4096).decode())
        except TimeoutError:
            break
        if until in got[-1]:
            break
    return got


def test_the_mirror_says_ready_once_it_shows_frames_and_stops_cleanly_on_sigterm(
    tmp_path: Path,
) -> None:
    address = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(address))
    env = dict(os.environ, NOTIFY_SOCKET=str(address), SDL_VIDEODRIVER="dummy")
    env["WATCHDOG_USEC"] = "2000000"
    env.pop("WATCHDOG_PID", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "appliance", "run", "--source", "demo", "--windowed"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        before_ready = read_datagrams(sock, "READY=1", timeout_s=60)
        assert any("READY=1" in d for d in before_ready), before_ready
        pings = read_datagrams(sock, "WATCHDOG=1", timeout_s=5)
        assert any("WATCHDOG=1" in d for d in pings), pings
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        sock.close()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "frames evaluated" in stderr


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_sigterm_or_ctrl_c_mid_set_keeps_the_set_and_its_reps_in_the_history(
    tmp_path: Path, stop: signal.Signals
) -> None:
    from appliance.history import HistoryStore
    from appliance.synthetic import make_set

    recording = tmp_path / "set.jsonl"
    make_set(mode="drill", reps=5, seed=7).write_jsonl(recording)
    history = tmp_path / "history.sqlite"
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", HINGE_MIRROR_HISTORY=str(history))
    # A recording is recorded only when asked: bare --history, to $HINGE_MIRROR_HISTORY.
    command = ["run", "--source", str(recording), "--windowed", "--history"]
    process = subprocess.Popen(
        [sys.executable, "-m", "appliance", *command],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(9.0)  # the recording plays at its own speed: two reps end by about 9 s
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "interrupted" not in stderr  # Ctrl-C ends like SIGTERM ...
    assert "frames evaluated" in stderr  # ... with the statistics line
    with HistoryStore.open(history) as store:
        (recorded,) = store.sets()
    assert recorded.ended_at is not None, "the set in progress was ended and saved"
    assert len(recorded.reps) >= 1
