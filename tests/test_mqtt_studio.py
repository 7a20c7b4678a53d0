"""A studio's mirrors on one broker: a device each, and no names from the studio profile.

Three real mirrors (the command line, the demo lifter) share one Mosquitto, each with its
own client id; Home Assistant's side sees three devices with entities of their own. The
two studio mirrors know people's names and still never publish one; the home mirror that
is allowed to (``publish_names = true``) says who is lifting.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from appliance.config import Config, MirrorConfig
from appliance.errors import BadConfig
from appliance.mqtt import publishes_names
from appliance.mqtt.config import MqttConfig
from appliance.mqtt.entities import ENTITIES
from tests.conftest import REPO
from tests.test_mqtt_broker import MOSQUITTO, Broker, Watcher

pytestmark = pytest.mark.skipif(
    not Path(MOSQUITTO).exists(), reason="mosquitto is not installed (apt install mosquitto)"
)

MIRRORS = {
    "studio-a": ('profile = "studio"\npeople = ["Alice", "Bob"]', "publish_names = false"),
    "studio-b": ('profile = "studio"\npeople = ["Alice", "Bob"]', ""),
    "home-c": ('profile = "home"\npeople = ["Carol"]', "publish_names = true"),
}


RUN_DEMO = [sys.executable, "-m", "appliance", "run", "--source", "demo", "--windowed"]


def start_mirror(name: str, broker: Broker, folder: Path) -> subprocess.Popen[bytes]:
    mirror, mqtt = MIRRORS[name]
    toml = folder / f"{name}.toml"
    toml.write_text(
        f'[mirror]\n{mirror}\n\n[mqtt]\nhost = "127.0.0.1"\nport = {broker.port}\n'
        f'client_id = "{name}"\nname = "Mirror {name}"\n{mqtt}\n',
        encoding="utf-8",
    )
    env = dict(
        os.environ,
        PYTHONPATH=str(REPO),
        XDG_CACHE_HOME=str(folder / name),
        HINGE_MIRROR_HISTORY=str(folder / f"{name}.sqlite"),
    )
    return subprocess.Popen(
        [*RUN_DEMO, "--config", str(toml)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_three_mirrors_are_three_devices_and_the_studio_names_nobody(
    tmp_path: Path,
) -> None:
    broker = Broker(tmp_path).start()
    watcher = Watcher(broker.port)
    mirrors = [start_mirror(name, broker, tmp_path) for name in MIRRORS]
    try:
        for name in MIRRORS:
            watcher.wait_for(f"hinge-mirror/{name}/availability", "online", timeout_s=90)
        watcher.wait_for("hinge-mirror/home-c/lifter/state", "Carol", timeout_s=60)
        # Let the demo lifter step in, so whatever the mirrors say about a person is said.
        for name in MIRRORS:
            watcher.wait_for(f"hinge-mirror/{name}/presence/state", "ON", timeout_s=90)
    finally:
        for mirror in mirrors:
            mirror.send_signal(signal.SIGTERM)
        for mirror in mirrors:
            try:
                mirror.wait(60)
            except subprocess.TimeoutExpired:
                mirror.kill()
        messages = watcher.all()
        watcher.close()
        broker.kill()
    assert [m.returncode for m in mirrors] == [0, 0, 0]
    configs = {
        m.topic: json.loads(m.payload)
        for m in messages
        if m.topic.endswith("/config") and m.payload
    }
    devices = {c["device"]["identifiers"][0]: c["device"]["name"] for c in configs.values()}
    assert devices == {
        "hinge_mirror_studio-a": "Mirror studio-a",
        "hinge_mirror_studio-b": "Mirror studio-b",
        "hinge_mirror_home-c": "Mirror home-c",
    }
    unique_ids = [c["unique_id"] for c in configs.values()]
    assert len(unique_ids) == len(set(unique_ids)) == 3 * len(ENTITIES) + 1  # + home-c's lifter
    for name in MIRRORS:  # each mirror's entities read and take commands on its own topics
        own = [c for t, c in configs.items() if f"/{name}/" in t]
        assert all(
            c["state_topic"].startswith(f"hinge-mirror/{name}/") for c in own if "state_topic" in c
        )
    studio = [m for m in messages if "/studio-" in m.topic]
    assert studio, "the studio mirrors said nothing"
    for message in studio:
        text = message.topic + message.payload.decode("utf-8", "replace")
        assert "Alice" not in text, message
        assert "Bob" not in text, message
        assert "/lifter/state" not in message.topic
    assert all(len(m.payload) < 4096 for m in messages), "no image, nothing large, ever leaves"
    lifter = "homeassistant/sensor/home-c/lifter/config"
    assert configs[lifter]["name"] == "Lifter"


def test_names_are_published_only_at_home_when_asked() -> None:
    def config(profile: str, mqtt_profile: str = "", names: bool = True) -> Config:
        return Config(
            mirror=MirrorConfig(profile=profile),
            mqtt=MqttConfig(profile=mqtt_profile, publish_names=names),
        )

    assert publishes_names(config("home"))
    assert not publishes_names(config("home", names=False))
    assert not publishes_names(config("studio"))  # [mirror] studio wins
    assert not publishes_names(config("home", "studio", names=False))
    with pytest.raises(BadConfig, match=r"mqtt\.publish_names"):
        config("home", "studio")
