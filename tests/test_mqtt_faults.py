"""What goes wrong on the network never hurts a set: bad commands, floods, a broker that
is down, dies mid-set, refuses the login or fails TLS. The mirror coaches on, says one
line per change, and comes back with the current state (not a backlog)."""

from __future__ import annotations

import logging
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from appliance.config import Config
from appliance.history import HistoryStore
from appliance.live.loop import LiveLoop
from appliance.live.session import Session, SessionTiming
from appliance.mqtt.commands import CommandGate
from appliance.mqtt.entities import Topics
from tests.test_mqtt_broker import (
    MOSQUITTO,
    Broker,
    PacedSource,
    Watcher,
    empty_room,
    mqtt_config,
    run_mirror,
    wait_until,
)

pytestmark = pytest.mark.skipif(
    not Path(MOSQUITTO).exists(), reason="mosquitto is not installed (apt install mosquitto)"
)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    running = Broker(tmp_path).start()
    yield running
    running.kill()


def gate_of(loop: LiveLoop) -> CommandGate:
    return loop.telemetry.link.gate  # type: ignore[union-attr]


def mqtt_lines(caplog: pytest.LogCaptureFixture, words: str) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "hinge_mirror.mqtt" and words in r.getMessage()
    ]


def test_bad_commands_change_nothing_and_crash_nothing(
    broker: Broker, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.INFO, logger="hinge_mirror.mqtt")
    config = mqtt_config(broker)
    topics = Topics.of(config.mqtt)
    watcher = Watcher(broker.port)
    prefix = topics.prefix
    bad = [
        (f"{prefix}/presence/set", b"ON"),  # an entity that takes no command
        (f"{prefix}/shutdown/set", b"PRESS"),  # no such entity
        (f"{prefix}/mode/set/extra", b"deadlift"),
        (topics.command("mode"), b"squat"),  # not one of the modes
        (topics.command("mode"), b"DEADLIFT"),
        (topics.command("mode"), b"deadlift\n"),
        (topics.command("mode"), b""),
        (topics.command("mode"), b"\xff\xfe\x00"),  # not text
        (topics.command("mode"), f"__import__('os').system('touch {tmp_path}/x')".encode()),
        (topics.command("start_set"), b"ON"),  # a button only presses
        (topics.command("recalibrate"), b"PRESS" * 20),
        (topics.command("mode"), b"deadlift" + b" " * 1_000_000),  # oversized: 1 MB
    ]
    frames_before: list[int] = []
    # Left on the broker before the mirror came: a command is said once, never replayed.
    watcher.send(topics.command("mode"), "deadlift", retain=True)
    # Held by the broker before the mirror subscribes: the watcher hears it back from there.
    watcher.wait_for(topics.command("mode"), "deadlift")

    def attack(loop: LiveLoop) -> None:
        watcher.wait_for(topics.state("mode"), "drill")
        for topic, payload in bad:
            watcher.send(topic, payload)
            time.sleep(0.6)  # within the rate limit: each is looked at, and refused
        wait_until(lambda: gate_of(loop).ignored >= 10, "the bad commands to be looked at")
        frames_before.append(loop.stats.frames)
        for i in range(1000):  # a flood: a thousand wrong payloads within about a second
            watcher.send(topics.command("mode"), f"flood {i}")
        wait_until(lambda: gate_of(loop).dropped >= 900, "the flood to arrive")
        time.sleep(1.0)
        assert loop.session.mode == "drill"
        assert loop.session.set_state != "running"
        assert loop.telemetry.link.state == "connected"  # type: ignore[union-attr]
        assert loop.stats.frames > frames_before[0], "the loop stopped during the flood"
        time.sleep(3.0)  # the bucket fills again; a good command still works
        watcher.send(topics.command("mode"), "deadlift")
        watcher.wait_for(topics.state("mode"), "deadlift")

    try:
        _, handled = run_mirror(config, empty_room(), attack)
    finally:
        watcher.send(topics.command("mode"), b"", retain=True)  # clear the retained command
        watcher.close()
    assert handled.remote() == ["mode_deadlift"], "only the last, good command did anything"
    ignored = mqtt_lines(caplog, "command ignored")
    assert 10 <= len(ignored) <= 20, ignored  # one line each, and no line per flooded message
    assert any("1000000" in line or "bytes" in line for line in ignored)
    assert any("retained" in line for line in ignored)
    assert len(mqtt_lines(caplog, "too fast")) == 1
    assert not (tmp_path / "x").exists()


def test_a_flood_of_good_commands_is_rate_limited(broker: Broker) -> None:
    config = mqtt_config(broker)
    topics = Topics.of(config.mqtt)
    watcher = Watcher(broker.port)
    took: list[float] = []

    def flood(loop: LiveLoop) -> None:
        watcher.wait_for(topics.state("mode"), "drill")
        started = time.monotonic()
        for i in range(1000):
            watcher.send(topics.command("mode"), "deadlift" if i % 2 else "drill")
        wait_until(lambda: gate_of(loop).dropped + gate_of(loop).accepted >= 990, "the flood")
        took.append(time.monotonic() - started)
        time.sleep(0.5)

    try:
        _, handled = run_mirror(config, empty_room(), flood)
    finally:
        watcher.close()
    # A burst of 5, then 2 a second: a few switches, not a thousand.
    assert 1 <= len(handled.remote()) <= 5 + 2 * (took[0] + 1), handled.remote()


def test_broker_down_at_start_and_killed_mid_set_the_set_is_kept_whole(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from appliance.synthetic import make_set

    caplog.set_level(logging.INFO, logger="hinge_mirror.mqtt")
    broker = Broker(tmp_path)  # not started yet: the mirror starts without it
    config = mqtt_config(broker)
    topics = Topics.of(config.mqtt)
    lifter = make_set(mode="drill", reps=5, seed=21, leave=True)
    history = tmp_path / "history.sqlite"
    store = HistoryStore.open(history)
    session = Session("drill", SessionTiming(leave_s=1.0), store)
    seen: dict[str, float] = {}

    def outage(loop: LiveLoop) -> None:
        wait_until(lambda: loop.stats.frames > 30, "the mirror coaching without a broker")
        broker.start()
        watcher = Watcher(broker.port)
        try:
            wait_until(lambda: int(watcher.last(topics.state("reps")) or 0) >= 1, "a rep")
            reps_at_kill = len(loop.session.scores)
        finally:
            watcher.close()
        broker.kill()  # mid-set
        time.sleep(1.5)
        assert loop.session.set_state == "running", "the set goes on while the broker is gone"
        broker.start()
        restarted = time.monotonic()
        watcher = Watcher(broker.port)
        try:
            watcher.wait_for(
                topics.availability, "online", timeout_s=config.mqtt.reconnect_max_s + 10
            )
            wait_until(lambda: watcher.last(topics.state("reps")), "the state again")
            seen["back_s"] = time.monotonic() - restarted
            seen["reps_when_back"] = float(watcher.last(topics.state("reps")) or 0)
            assert len(loop.session.scores) >= reps_at_kill
            wait_until(lambda: watcher.last(topics.state("sets_today")) == "1", "the set counted")
            assert watcher.last(topics.state("reps_today")) == "5"
            # Back with the current state, then each change once: no backlog replayed.
            reps = [int(v) for v in watcher.values(topics.state("reps"))]
            climbing = reps[: reps.index(5) + 1]
            assert climbing == sorted(set(climbing)), reps
            assert climbing[0] >= reps_at_kill
        finally:
            watcher.close()

    try:
        run_mirror(config, PacedSource(lifter.frames(), pace_s=0.012), outage, session)
    finally:
        store.close()
        broker.kill()
    assert seen["back_s"] <= config.mqtt.reconnect_max_s + 5, seen
    with HistoryStore.open(history) as kept:
        (recorded,) = kept.sets()
    assert len(recorded.reps) == 5, "every rep of the set is in the history"
    assert recorded.ended_at is not None
    assert len(mqtt_lines(caplog, "cannot reach")) <= 2  # one per change, not per try
    assert len(mqtt_lines(caplog, "lost the connection")) == 1
    assert len(mqtt_lines(caplog, "connected to")) == 2


def test_a_refused_login_or_failing_tls_leaves_the_coach_alone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from appliance.synthetic import make_set

    caplog.set_level(logging.INFO, logger="hinge_mirror.mqtt")
    passwords = tmp_path / "passwords"
    subprocess.run(["mosquitto_passwd", "-b", "-c", str(passwords), "coach", "right"], check=True)
    passwords.chmod(0o644)
    broker = Broker(tmp_path, settings=f"allow_anonymous false\npassword_file {passwords}").start()
    wrong = tmp_path / "wrong-password"
    wrong.write_text("wrong\n", encoding="utf-8")
    right = tmp_path / "right-password"
    right.write_text("right\n", encoding="utf-8")
    from appliance.doctor import check_mqtt

    assert check_mqtt(mqtt_config(broker, username="coach", password_file=str(right))).ok
    refused = check_mqtt(mqtt_config(broker, username="coach", password_file=str(wrong)))
    assert not refused.ok
    assert refused.exit_code == 3
    assert "refused the login" in refused.detail
    try:
        for mqtt in ({"username": "coach", "password_file": str(wrong)}, {"tls": True}):
            caplog.clear()
            config = mqtt_config(broker, reconnect_max_s=1.0, **mqtt)
            lifter = make_set(mode="drill", reps=2, seed=3, leave=True)
            session = Session("drill", SessionTiming(leave_s=1.0))

            def lift(loop: LiveLoop) -> None:
                wait_until(lambda: loop.session.sets_done == 1, "the set to end")
                time.sleep(3.0)  # tries every second or so: several of them

            loop, _ = run_mirror(config, PacedSource(lifter.frames(), pace_s=0.008), lift, session)
            assert loop.session.last_set is not None
            assert len(loop.session.last_set.scores) == 2
            assert loop.telemetry.link.state in ("refused", "tls", "unreachable")  # type: ignore[union-attr]
            lines = [r.getMessage() for r in caplog.records if r.name == "hinge_mirror.mqtt"]
            assert len(lines) == 1, lines  # one line, however many tries
            assert ("refused" if "username" in mqtt else "127.0.0.1") in lines[0]
    finally:
        broker.kill()


def test_a_mirror_without_mqtt_does_not_import_paho(tmp_path: Path) -> None:
    import os
    import sys

    from appliance.synthetic import make_set
    from tests.conftest import REPO

    recording = make_set(mode="drill", reps=1, seed=7).write_jsonl(tmp_path / "set.jsonl")
    script = (
        "import sys\n"
        "from appliance.cli import main\n"
        f"code = main(['run', '--source', {str(recording)!r}, '--until-end', '--windowed',"
        f" '--mode', 'drill'])\n"
        "print('paho' in sys.modules, any(m.startswith('paho') for m in sys.modules), code)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "0"], done.stdout + done.stderr
    assert "mqtt:" not in done.stderr  # not a word about MQTT
    assert Config().mqtt.active is False
