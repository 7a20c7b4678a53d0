"""A mirror on a real broker, watched by a real MQTT client, as Home Assistant sees it.

Each test starts its own Mosquitto on 127.0.0.1 at a free port (``.ci/run`` installs it)
and runs the mirror's own loop and session (in this process, or the real command line in
a subprocess); a paho client plays Home Assistant: it reads the discovery configs and the
state, and presses the buttons. Waits poll with generous deadlines: nothing here is timed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from appliance import __version__
from appliance.config import Config, MirrorConfig
from appliance.controls import keyboard_events
from appliance.controls.events import ControlEvent
from appliance.display.window import PygameDisplay
from appliance.live.grabber import FrameGrabber
from appliance.live.loop import LiveLoop, LoopOptions
from appliance.live.session import Session, SessionTiming
from appliance.mqtt import open_telemetry
from appliance.mqtt.config import MqttConfig
from appliance.mqtt.entities import COMMANDS, ENTITIES, Topics
from appliance.sources.base import SourceBase
from appliance.types import Frame
from tests.conftest import REPO

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
pytestmark = pytest.mark.skipif(
    not Path(MOSQUITTO).exists(), reason="mosquitto is not installed (apt install mosquitto)"
)

WAIT_S = 30.0  # generous: machines are shared
RUN_DEMO = [sys.executable, "-m", "appliance", "run", "--source", "demo", "--windowed"]


def wait_until(ready: Callable[[], Any], what: str, timeout_s: float = WAIT_S) -> Any:
    """Poll ``ready`` until it returns something true; fail naming ``what``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = ready()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"waited {timeout_s:.0f} s for {what}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class Broker:
    """A Mosquitto of the test's own, on 127.0.0.1; ``kill`` and ``start`` again at will."""

    def __init__(self, folder: Path, port: int | None = None, settings: str = "") -> None:
        self.folder = folder
        self.port = port or free_port()
        self.settings = settings or "allow_anonymous true"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Broker:
        conf = self.folder / f"mosquitto-{self.port}.conf"
        # As root it would drop to the mosquitto user, who cannot read the test's folder.
        user = "user root\n" if os.geteuid() == 0 else ""
        conf.write_text(
            f"listener {self.port} 127.0.0.1\npersistence false\n{user}{self.settings}\n",
            encoding="utf-8",
        )
        with (self.folder / "mosquitto.log").open("ab") as log:
            self.process = subprocess.Popen([MOSQUITTO, "-c", str(conf)], stdout=log, stderr=log)
        wait_until(lambda: listening(self.port), "mosquitto to listen")
        return self

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        wait_until(lambda: not listening(self.port), "mosquitto to be gone")


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    running = Broker(tmp_path).start()
    yield running
    running.kill()


@dataclass
class Message:
    topic: str
    payload: bytes
    retain: bool

    @property
    def text(self) -> str:
        return self.payload.decode("utf-8", "replace")


class Watcher:
    """Home Assistant's side: a real paho client that keeps every message it gets."""

    def __init__(self, port: int, topic: str = "#", username: str = "", password: str = "") -> None:
        from paho.mqtt.client import CallbackAPIVersion, Client

        self.messages: list[Message] = []
        self._lock = threading.Lock()
        self._subscribed = threading.Event()
        self.client = Client(CallbackAPIVersion.VERSION2, client_id=f"watcher-{uuid.uuid4().hex}")
        if username:
            self.client.username_pw_set(username, password)
        self.client.on_connect = lambda c, *_: c.subscribe(topic, qos=1)
        self.client.on_subscribe = lambda *_: self._subscribed.set()
        self.client.on_message = self._keep
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        assert self._subscribed.wait(WAIT_S), "the watcher could not subscribe"

    def _keep(self, client: Any, userdata: Any, message: Any) -> None:
        with self._lock:
            self.messages.append(Message(message.topic, bytes(message.payload), message.retain))

    def on(self, topic: str) -> list[Message]:
        with self._lock:
            return [m for m in self.messages if m.topic == topic]

    def last(self, topic: str) -> str | None:
        found = self.on(topic)
        return found[-1].text if found else None

    def values(self, topic: str) -> list[str]:
        return [m.text for m in self.on(topic)]

    def all(self) -> list[Message]:
        with self._lock:
            return list(self.messages)

    def forget(self) -> None:
        with self._lock:
            self.messages.clear()

    def wait_for(self, topic: str, payload: str, timeout_s: float = WAIT_S) -> None:
        wait_until(lambda: self.last(topic) == payload, f"{topic} = {payload!r}", timeout_s)

    def send(self, topic: str, payload: bytes | str, retain: bool = False) -> None:
        self.client.publish(topic, payload, qos=0, retain=retain)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


class PacedSource(SourceBase):
    """A camera's pace for recorded frames: one every ``pace_s`` seconds of wall time;
    then, with ``endless``, an empty room until the loop is stopped."""

    def __init__(self, frames: Iterable[Frame], pace_s: float = 0.005, endless: bool = True):
        self._frames = frames
        self.pace_s = pace_s
        self.endless = endless
        self.width, self.height, self.nominal_fps = 640, 480, 30.0
        self.description = "paced frames"

    def frames(self) -> Iterator[Frame]:
        last = Frame(0, 0.0, self.width, self.height)
        for frame in self._frames:
            time.sleep(self.pace_s)
            last = frame
            yield frame
        index, t_s = last.index, last.t_s
        while self.endless:
            time.sleep(self.pace_s)
            index, t_s = index + 1, t_s + 1 / 30
            yield Frame(index, t_s, self.width, self.height)


def mqtt_config(broker: Broker, client_id: str = "mirror-one", **mqtt: Any) -> Config:
    """A mirror's configuration for ``broker``; ``mqtt``: more ``[mqtt]`` keys."""
    settings = {"host": "127.0.0.1", "port": broker.port, "client_id": client_id}
    settings["reconnect_max_s"] = 2.0
    mirror = mqtt.pop("mirror", MirrorConfig())
    return Config(mirror=mirror, mqtt=MqttConfig(**{**settings, **mqtt}))


@dataclass
class Handled:
    """The control events the loop acted on (its own ``handle``, spied on)."""

    events: list[ControlEvent] = field(default_factory=list)

    def remote(self) -> list[str]:
        return [e.control.value for e in self.events if e.source == "mqtt"]


def run_mirror(
    config: Config,
    source: SourceBase,
    during: Callable[[LiveLoop], None],
    session: Session | None = None,
) -> tuple[LiveLoop, Handled]:
    """The mirror's loop (this thread) with MQTT from ``config`` on ``source``, while
    ``during(loop)`` runs in a thread of its own and ends by stopping the loop."""
    telemetry = open_telemetry(config)
    assert telemetry is not None
    grabber = FrameGrabber(lambda: source, realtime=False, keep_every_frame=True).start()
    screen = PygameDisplay(windowed=True, size=(320, 180))
    session = session or Session("drill", SessionTiming(leave_s=600.0))
    options = LoopOptions(until_end=True, display_hz=200.0)
    loop = LiveLoop(grabber, None, session, screen, None, None, keyboard_events, options)
    loop.telemetry = telemetry
    handled = Handled()
    own_handle = loop.handle

    def spy(event: ControlEvent) -> None:
        handled.events.append(event)
        own_handle(event)

    loop.handle = spy  # type: ignore[method-assign]
    failures: list[BaseException] = []

    def helper() -> None:
        try:
            during(loop)
        except BaseException as error:
            failures.append(error)
        finally:
            loop.request_stop()

    thread = threading.Thread(target=helper, name="test-helper")
    thread.start()
    try:
        loop.run()
        loop.finish()
    finally:
        loop.request_stop()
        thread.join(WAIT_S * 4)
        telemetry.close()
        grabber.stop()
        screen.close()
    if failures:
        raise failures[0]
    return loop, handled


def empty_room() -> PacedSource:
    return PacedSource([], pace_s=1 / 30)


# --- discovery and availability ---------------------------------------------------------


def test_home_assistant_finds_one_device_with_every_entity_retained(broker: Broker) -> None:
    config = mqtt_config(broker)
    topics = Topics.of(config.mqtt)
    watcher = Watcher(broker.port)

    def look(loop: LiveLoop) -> None:
        watcher.wait_for(topics.availability, "online")
        wait_until(lambda: watcher.last(topics.state("mode")) == "drill", "the mode's state")

    try:
        run_mirror(config, empty_room(), look)
        configs = {
            m.topic: json.loads(m.payload)
            for m in watcher.all()
            if m.topic.endswith("/config") and m.payload
        }
        watcher.wait_for(topics.availability, "offline")  # a clean stop says so
    finally:
        watcher.close()
    assert len(configs) == len(ENTITIES)
    assert all(t.startswith("homeassistant/") and "/mirror-one/" in t for t in configs)
    devices = {json.dumps(c["device"], sort_keys=True) for c in configs.values()}
    assert len(devices) == 1, "every entity belongs to the one device"
    device = configs[topics.discovery(ENTITIES[0])]["device"]
    assert device["identifiers"] == ["hinge_mirror_mirror-one"]
    assert device["sw_version"] == __version__
    assert device["model"]
    assert device["name"] == "Hinge Mirror mirror-one"
    by_id = {c["unique_id"]: c for c in configs.values()}
    assert len(by_id) == len(ENTITIES)
    assert all(c["availability_topic"] == topics.availability for c in configs.values())
    mode = configs["homeassistant/select/mirror-one/mode/config"]
    assert mode["options"] == ["drill", "deadlift"]
    assert mode["command_topic"] == topics.command("mode")
    assert configs["homeassistant/binary_sensor/mirror-one/presence/config"]["device_class"] == (
        "occupancy"
    )
    buttons = [c for t, c in configs.items() if "/button/" in t]
    assert sorted(c["name"] for c in buttons) == ["End set", "Recalibrate", "Start set"]
    assert all(c["payload_press"] == "PRESS" for c in buttons)
    diagnostic = {c["name"] for c in configs.values() if c.get("entity_category") == "diagnostic"}
    assert diagnostic == {
        "Frame rate",
        "Inference time",
        "Camera-to-cue latency",
        "CPU temperature",
        "Camera",
        "Last error",
    }
    assert configs["homeassistant/sensor/mirror-one/cpu_temperature/config"][
        "unit_of_measurement"
    ] == ("°C")
    # Only the command entities listen: nothing else has a command topic.
    assert {c["command_topic"] for c in configs.values() if "command_topic" in c} == {
        topics.command(name) for name in COMMANDS
    }
    retained = Watcher(broker.port, "homeassistant/#")  # a Home Assistant started later
    try:
        wait_until(lambda: len(retained.all()) >= len(ENTITIES), "the retained configs")
    finally:
        retained.close()
    assert all(m.retain for m in retained.all())


def test_home_assistant_coming_back_online_gets_discovery_and_state_again(broker: Broker) -> None:
    config = mqtt_config(broker)
    topics = Topics.of(config.mqtt)
    watcher = Watcher(broker.port)
    mode_config = "homeassistant/select/mirror-one/mode/config"

    def restart_home_assistant(loop: LiveLoop) -> None:
        wait_until(lambda: watcher.last(topics.state("mode")) == "drill", "the first state")
        watcher.forget()
        watcher.send("homeassistant/status", "online")  # Home Assistant's birth message
        wait_until(lambda: watcher.on(mode_config), "discovery republished")
        wait_until(lambda: watcher.on(topics.state("mode")), "state republished")
        wait_until(lambda: watcher.on(topics.availability), "availability republished")

    try:
        run_mirror(config, empty_room(), restart_home_assistant)
    finally:
        watcher.close()


def test_a_killed_mirror_goes_offline_by_its_last_will(broker: Broker, tmp_path: Path) -> None:
    toml = tmp_path / "config.toml"
    toml.write_text(
        f'[mqtt]\nhost = "127.0.0.1"\nport = {broker.port}\nclient_id = "killed-mirror"\n',
        encoding="utf-8",
    )
    availability = "hinge-mirror/killed-mirror/availability"
    watcher = Watcher(broker.port)
    env = dict(os.environ, PYTHONPATH=str(REPO), XDG_CACHE_HOME=str(tmp_path))
    mirror = subprocess.Popen(
        [*RUN_DEMO, "--config", str(toml)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        watcher.wait_for(availability, "online", timeout_s=60)
        mirror.send_signal(signal.SIGKILL)
        mirror.wait(WAIT_S)
        watcher.wait_for(availability, "offline")
    finally:
        if mirror.poll() is None:
            mirror.kill()
            mirror.wait(WAIT_S)
        watcher.close()
    assert mirror.returncode == -signal.SIGKILL
    late = Watcher(broker.port, availability)
    try:
        late.wait_for(availability, "offline")  # a Home Assistant started afterwards
    finally:
        late.close()


# --- state during a set -----------------------------------------------------------------


def test_a_recorded_set_shows_up_rep_by_rep_then_in_the_days_counts(broker: Broker) -> None:
    from appliance.synthetic import make_set

    config = mqtt_config(broker)
    topics = Topics.of(config.mqtt)
    lifter = make_set(mode="drill", reps=3, seed=7, leave=True)
    watcher = Watcher(broker.port)
    session = Session("drill", SessionTiming(leave_s=1.0))

    def watch_the_set(loop: LiveLoop) -> None:
        wait_until(lambda: watcher.last(topics.state("sets_today")) == "1", "the set counted")
        watcher.wait_for(topics.state("presence"), "OFF")  # the lifter walked away

    try:
        loop, _ = run_mirror(
            config, PacedSource(lifter.frames(), pace_s=0.01), watch_the_set, session
        )
    finally:
        watcher.close()
    assert loop.session.last_set is not None
    scores = loop.session.last_set.scores
    assert len(scores) == 3
    reps = [int(v) for v in watcher.values(topics.state("reps"))]
    assert reps[0] == 0
    assert max(reps) == 3
    during_set = reps[: reps.index(3) + 1]
    assert during_set == sorted(during_set), f"reps went back during the set: {reps}"
    assert len(set(during_set)) >= 3, f"the reps were not followed as they came: {reps}"
    assert watcher.values(topics.state("set_in_progress"))[-2:] == ["ON", "OFF"]
    assert watcher.last(topics.state("reps_today")) == "3"
    assert watcher.last(topics.state("last_set_score")) == f"{sum(scores) / len(scores):.0f}"
    assert watcher.last(topics.state("last_set_fault")) is not None
    assert "side" in watcher.values(topics.state("view"))
    assert watcher.values(topics.state("presence"))[-2:] == ["ON", "OFF"]
    assert float(watcher.last(topics.state("fps")) or "nan") >= 0  # every 10 s: once here
    assert watcher.last(topics.state("camera")) == "ok"


# --- commands -----------------------------------------------------------------------------


def test_home_assistant_sets_the_mode_starts_and_ends_a_set_and_recalibrates(
    broker: Broker,
) -> None:
    config = mqtt_config(broker)
    topics = Topics.of(config.mqtt)
    watcher = Watcher(broker.port)
    recalibrated: list[bool] = []

    def press(loop: LiveLoop) -> None:
        own = loop.session.recalibrate

        def recalibrate() -> None:
            recalibrated.append(True)
            own()

        loop.session.recalibrate = recalibrate  # type: ignore[method-assign]
        watcher.wait_for(topics.state("mode"), "drill")
        watcher.send(topics.command("mode"), "deadlift")
        watcher.wait_for(topics.state("mode"), "deadlift")
        assert loop.session.mode == "deadlift"
        watcher.send(topics.command("start_set"), "PRESS")
        watcher.wait_for(topics.state("set_in_progress"), "ON")
        assert loop.session.set_state == "running"
        watcher.send(topics.command("end_set"), "PRESS")
        watcher.wait_for(topics.state("set_in_progress"), "OFF")
        watcher.send(topics.command("recalibrate"), "PRESS")
        wait_until(lambda: recalibrated, "the recalibration")

    try:
        _, handled = run_mirror(config, empty_room(), press)
    finally:
        watcher.close()
    # The same events the buttons make, through the loop's own handling.
    assert handled.remote() == ["mode_deadlift", "set_toggle", "set_toggle", "recalibrate"]


def test_start_set_when_a_set_runs_and_end_set_when_none_does_change_nothing(
    broker: Broker,
) -> None:
    config = mqtt_config(broker)
    topics = Topics.of(config.mqtt)
    watcher = Watcher(broker.port)

    def press_twice(loop: LiveLoop) -> None:
        watcher.wait_for(topics.state("set_in_progress"), "OFF")
        watcher.send(topics.command("end_set"), "PRESS")  # none running: nothing
        watcher.send(topics.command("start_set"), "PRESS")
        watcher.wait_for(topics.state("set_in_progress"), "ON")
        watcher.send(topics.command("start_set"), "PRESS")  # running already: nothing
        watcher.send(topics.command("mode"), "drill")  # the mode it is in: nothing
        wait_until(lambda: loop.telemetry.link.gate.accepted == 4, "the four commands")  # type: ignore[union-attr]
        time.sleep(0.5)  # the loop takes its inbox every frame (30 a second)
        assert loop.session.set_state == "running"

    try:
        _, handled = run_mirror(config, empty_room(), press_twice)
    finally:
        watcher.close()
    assert handled.remote() == ["set_toggle", "mode_drill"]


# --- doctor -----------------------------------------------------------------------------------


def test_doctor_says_whether_the_broker_takes_the_login(broker: Broker, tmp_path: Path) -> None:
    from appliance.doctor import check_mqtt

    assert check_mqtt(Config()).ok  # no [mqtt]: nothing to check
    found = check_mqtt(mqtt_config(broker))
    assert found.ok, found.detail
    assert f"127.0.0.1:{broker.port}" in found.detail
    gone = check_mqtt(mqtt_config(Broker(tmp_path)))  # a port nobody listens on
    assert not gone.ok
    assert gone.exit_code == 1
    assert "cannot reach" in gone.detail
