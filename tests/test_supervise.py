"""Supervision by systemd, against real AF_UNIX datagram sockets like systemd's own.

A socket bound in a temporary folder (and one in the abstract namespace) stands in for
systemd's notification socket; the tests read back the datagrams the mirror sent. Time
is a fake clock: it only moves when the test says so.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.supervise import (
    Notifier,
    StageHeartbeat,
    Watchdog,
    exit_on_thread_crash,
    watchdog_interval_s,
)

STAGES = ("camera", "pose", "display")


class FakeClock:
    """Monotonic seconds that advance only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def receive_all(sock: socket.socket) -> list[str]:
    """Every datagram waiting on ``sock``, decoded, oldest first (never blocks)."""
    messages = []
    while True:
        try:
            messages.append(sock.recv(4096, socket.MSG_DONTWAIT).decode())
        except BlockingIOError:
            return messages


@pytest.fixture
def systemd_socket(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    """A datagram socket bound to a path, as systemd's NOTIFY_SOCKET, and its address."""
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    yield sock, str(path)
    sock.close()


# --- sd_notify -------------------------------------------------------------------------


def test_messages_arrive_as_datagrams_on_a_path_socket(systemd_socket):
    sock, address = systemd_socket
    notifier = Notifier.from_env({"NOTIFY_SOCKET": address})
    assert notifier.enabled
    assert notifier.ready("camera and screen up")
    assert notifier.status("counting reps\nset 2")
    assert notifier.watchdog()
    assert notifier.extend_timeout(30_000_000)
    assert notifier.stopping()
    assert receive_all(sock) == [
        "READY=1\nSTATUS=camera and screen up",
        "STATUS=counting reps set 2",  # a newline would start a new assignment
        "WATCHDOG=1",
        "EXTEND_TIMEOUT_USEC=30000000",
        "STOPPING=1",
    ]


def test_messages_arrive_on_an_abstract_namespace_socket():
    name = f"hinge-mirror-test-{uuid.uuid4().hex}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    try:
        notifier = Notifier.from_env({"NOTIFY_SOCKET": "@" + name})
        assert notifier.ready()
        assert receive_all(sock) == ["READY=1"]
    finally:
        sock.close()


def test_without_notify_socket_every_call_is_a_no_op():
    notifier = Notifier.from_env({})
    assert not notifier.enabled
    assert not notifier.ready("x")
    assert not notifier.watchdog()
    assert not notifier.status("x")


def test_a_dead_socket_never_raises_and_is_logged_once(tmp_path, caplog):
    path = tmp_path / "gone"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.close()  # the file stays, nobody listens: ECONNREFUSED
    notifier = Notifier(str(path))
    missing = Notifier(str(tmp_path / "never-existed"))  # ENOENT
    with caplog.at_level(logging.WARNING, logger="hinge_mirror.supervise"):
        assert not notifier.watchdog()
        assert not notifier.watchdog()
        assert not missing.ready()
    assert notifier.failures == 2
    warnings = [r for r in caplog.records if "cannot notify systemd" in r.getMessage()]
    assert len(warnings) == 2  # once per notifier, not once per send


def test_a_relative_address_disables_the_notifier():
    assert not Notifier("relative/notify").enabled


def test_a_full_queue_times_out_instead_of_blocking(systemd_socket):
    _sock, address = systemd_socket  # bound, never read: its queue fills up
    notifier = Notifier(address, send_timeout_s=0.05)
    start = time.monotonic()
    sent = 0
    while notifier.watchdog():
        sent += 1
        assert sent < 10_000, "the receive queue never filled up"
    assert time.monotonic() - start < 5.0
    assert notifier.failures == 1


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"WATCHDOG_USEC": "20000000"}, 20.0),
        ({"WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "4242"}, 20.0),
        ({"WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "1"}, None),  # someone else's
        ({"WATCHDOG_USEC": "0"}, None),
        ({"WATCHDOG_USEC": "soon"}, None),
        ({}, None),
    ],
)
def test_watchdog_interval_from_the_environment(environ, expected):
    assert watchdog_interval_s(environ, pid=4242) == expected


# --- READY and the watchdog ------------------------------------------------------------


def make_watchdog(
    address: str | None, interval_s: float | None = 20.0
) -> tuple[FakeClock, StageHeartbeat, Watchdog]:
    clock = FakeClock()
    heartbeat = StageHeartbeat(STAGES, clock=clock)
    watchdog = Watchdog(heartbeat, Notifier(address), interval_s, clock=clock)
    return clock, heartbeat, watchdog


def run_for(
    seconds: int,
    clock: FakeClock,
    heartbeat: StageHeartbeat,
    watchdog: Watchdog,
    stages: tuple[str, ...] = STAGES,
) -> None:
    """One loop iteration per second in which ``stages`` make progress."""
    for _ in range(seconds):
        clock.now += 1.0
        for stage in stages:
            heartbeat.beat(stage)
        watchdog.tick()


def test_ready_once_only_after_every_stage_made_progress(systemd_socket):
    sock, address = systemd_socket
    clock, heartbeat, watchdog = make_watchdog(address)
    run_for(5, clock, heartbeat, watchdog, stages=("camera", "pose"))  # no screen yet
    assert receive_all(sock) == []
    assert not watchdog.is_ready
    run_for(3, clock, heartbeat, watchdog)
    messages = receive_all(sock)
    assert [m for m in messages if "READY=1" in m] == [
        "READY=1\nSTATUS=running: camera, pose, display ok"
    ]
    run_for(60, clock, heartbeat, watchdog)
    assert not [m for m in receive_all(sock) if "READY=1" in m]


def test_pings_go_out_at_half_the_interval_while_every_stage_progresses(systemd_socket):
    sock, address = systemd_socket
    clock, heartbeat, watchdog = make_watchdog(address, interval_s=20.0)
    run_for(1, clock, heartbeat, watchdog)  # READY
    receive_all(sock)
    run_for(60, clock, heartbeat, watchdog)
    assert receive_all(sock) == ["WATCHDOG=1"] * 6  # every 10 s for 60 s


def test_a_stage_that_stops_making_progress_stops_the_pings(systemd_socket):
    sock, address = systemd_socket
    clock, heartbeat, watchdog = make_watchdog(address, interval_s=20.0)
    run_for(30, clock, heartbeat, watchdog)
    assert "WATCHDOG=1" in receive_all(sock)

    # The pose model hangs: camera and display carry on, pose never returns.
    run_for(60, clock, heartbeat, watchdog, stages=("camera", "display"))
    messages = receive_all(sock)
    assert messages.count("WATCHDOG=1") <= 1  # at most the ping already due at the stall
    assert messages[-1].startswith("STATUS=stalled: pose (last progress ")
    assert watchdog.stalled == ("pose",)
    # Systemd (WatchdogSec=20s) would have killed us: no ping for far longer than 20 s.

    # Had it come back in time, the pings resume and the status says so.
    run_for(20, clock, heartbeat, watchdog)
    messages = receive_all(sock)
    assert "STATUS=running: camera, pose, display ok" in messages
    assert "WATCHDOG=1" in messages
    assert watchdog.stalled == ()


def test_a_stalled_camera_is_named_and_reported_once(systemd_socket):
    sock, address = systemd_socket
    clock, heartbeat, watchdog = make_watchdog(address, interval_s=10.0)
    run_for(10, clock, heartbeat, watchdog)
    receive_all(sock)
    run_for(30, clock, heartbeat, watchdog, stages=("pose", "display"))
    statuses = [m for m in receive_all(sock) if m.startswith("STATUS=")]
    assert len(statuses) == 1
    assert statuses[0].startswith("STATUS=stalled: camera")


def test_without_a_watchdog_ready_still_goes_out_and_no_pings(systemd_socket):
    sock, address = systemd_socket
    clock, heartbeat, watchdog = make_watchdog(address, interval_s=None)
    run_for(100, clock, heartbeat, watchdog)
    assert [m.split("\n")[0] for m in receive_all(sock)] == ["READY=1"]


def test_an_unknown_stage_is_an_error_not_a_silent_stall():
    heartbeat = StageHeartbeat(STAGES, clock=FakeClock())
    with pytest.raises(KeyError):
        heartbeat.beat("camra")


# --- a dead worker thread ends the process ---------------------------------------------


def test_a_thread_that_dies_ends_the_process_with_exit_1(systemd_socket, monkeypatch):
    sock, address = systemd_socket
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)  # restored after
    exits: list[int] = []
    exit_on_thread_crash(Notifier(address), exit_now=exits.append)

    def grab() -> None:
        raise RuntimeError("camera pipeline broke")

    worker = threading.Thread(target=grab, name="grabber")
    worker.start()
    worker.join(timeout=5)
    assert exits == [1]
    assert receive_all(sock) == ["STATUS=thread grabber died: RuntimeError: camera pipeline broke"]
