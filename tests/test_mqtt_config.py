"""``[mqtt]`` as an installer writes it: defaults, and every mistake stops start-up (exit 3)
with a message naming the key — the password included, which never sits in the TOML."""

from __future__ import annotations

from pathlib import Path

import pytest

from appliance.config import Config, load_config
from appliance.errors import BadConfig
from appliance.mqtt import open_telemetry
from appliance.mqtt.config import MqttConfig, host_slug
from tests.conftest import hinge_mirror


def test_without_mqtt_the_mirror_talks_to_no_broker() -> None:
    assert not Config().mqtt.active
    assert open_telemetry(Config()) is None
    assert not MqttConfig(host="broker.local", enabled=False).active


def test_a_mirror_is_named_after_its_host_unless_given_an_id() -> None:
    plain = MqttConfig(host="broker.local")
    assert plain.resolved_prefix() == f"hinge-mirror/{host_slug()}"
    assert plain.resolved_client_id() == f"hinge-mirror-{host_slug()}"
    assert plain.discovery_prefix == "homeassistant"
    named = MqttConfig(host="broker.local", client_id="Studio.Mirror_3")
    assert named.device_id() == "studio-mirror_3"
    assert named.resolved_prefix() == "hinge-mirror/studio-mirror_3"
    assert named.device_name() == "Hinge Mirror studio-mirror_3"


def test_the_password_comes_from_its_file(tmp_path: Path) -> None:
    secret = tmp_path / "mqtt-password"
    secret.write_text("s3cret\n", encoding="utf-8")
    config = MqttConfig(host="broker.local", username="mirror", password_file=str(secret))
    assert config.password() == "s3cret"


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("port = 70000", "mqtt.port"),
        ('port = "1883"', "mqtt.port"),
        ('password = "hunter2"', "mqtt.password"),  # never inline: unknown key
        ('password_file = "/nonexistent/mqtt-password"', "mqtt.password_file"),
        ('topic_prefix = "mirrors/#"', "mqtt.topic_prefix"),
        ('topic_prefix = "/mirrors"', "mqtt.topic_prefix"),
        ('discovery_prefix = ""', "mqtt.discovery_prefix"),
        ('client_id = "my mirror"', "mqtt.client_id"),
        ('profile = "gym"', "mqtt.profile"),
        ('profile = "studio"\npublish_names = true', "mqtt.publish_names"),
        ('ca_file = "/etc/ssl/certs/ca-certificates.crt"', "mqtt.ca_file"),  # without tls
        ('tls = true\nca_file = "/nonexistent/ca.pem"', "mqtt.ca_file"),
        ('tls = true\nkey_file = "/nonexistent/key.pem"', "mqtt.key_file"),
        ("keepalive_s = 1", "mqtt.keepalive_s"),
        ("reconnect_max_s = 0", "mqtt.reconnect_max_s"),
        ("enabled = 1", "mqtt.enabled"),
    ],
)
def test_a_bad_mqtt_value_names_its_key(tmp_path: Path, toml: str, key: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[mqtt]\nhost = "broker.local"\n{toml}\n', encoding="utf-8")
    with pytest.raises(BadConfig) as raised:
        load_config(path)
    assert str(raised.value).startswith(key), raised.value


def test_a_ca_file_that_is_no_certificate_stops_the_mirror_naming_it(tmp_path: Path) -> None:
    fake = tmp_path / "ca.pem"
    fake.write_text("not a certificate\n", encoding="utf-8")
    config = Config(mqtt=MqttConfig(host="127.0.0.1", tls=True, ca_file=str(fake)))
    with pytest.raises(BadConfig, match=r"^mqtt\.ca_file"):
        open_telemetry(config)


def test_run_with_a_bad_mqtt_section_exits_3_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[mqtt]\nhost = "broker.local"\npassword = "hunter2"\n', encoding="utf-8")
    done = hinge_mirror("run", "--config", str(path), "--source", "demo", "--until-end")
    assert done.returncode == 3, done.stderr
    assert "mqtt.password: unknown key" in done.stderr
    assert "password_file" in done.stderr  # where it goes instead
    assert "hunter2" not in done.stderr
    assert "Traceback" not in done.stderr
