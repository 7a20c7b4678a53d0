"""The ``[mqtt]`` settings: which broker, how to log in, where to publish, what to say.

MQTT is off unless ``host`` names a broker (and ``enabled`` is not false). The password
is never in the TOML: ``password_file`` names a file holding it (one line). TLS files and
the password file must be readable when MQTT is on, so a wrong path stops start-up with
exit 3 naming the key, like any other bad value. This module imports no MQTT library.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from appliance.errors import BadConfig
from appliance.settings import check_section, setting

_SLUG = re.compile(r"[^a-z0-9_-]+")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_TOPIC = "a topic without wildcards (+ #), empty levels or a leading $ or /"


def slug(text: str) -> str:
    """``text`` as an id Home Assistant accepts in a discovery topic (``[a-z0-9_-]``)."""
    return _SLUG.sub("-", text.lower()).strip("-") or "mirror"


def host_slug() -> str:
    """This machine's host name, as a slug (the default identity of a mirror)."""
    return slug(socket.gethostname().split(".")[0])


def _topic_ok(topic: str) -> bool:
    """A publishable topic prefix, or empty (the default)."""
    if topic == "":
        return True
    return (
        len(topic) <= 128
        and not topic.startswith(("$", "/"))
        and not topic.endswith("/")
        and "//" not in topic
        and not set(topic) & {"+", "#", "\0"}
    )


@dataclass(frozen=True)
class MqttConfig:
    """How the mirror talks to an MQTT broker (``appliance.mqtt``).

    ``host``: the broker's host name or address; empty: MQTT off. ``port``: its TCP port
    (1883 plain, usually 8883 with TLS). ``tls``: encrypt, checking the broker's
    certificate against ``ca_file`` (PEM; empty: the system's CAs); ``cert_file`` and
    ``key_file``: a client certificate and its key (PEM), for brokers that ask for one.
    ``username``; ``password_file``: a file whose first line is the password.
    ``client_id``: this mirror's id at the broker, unique per broker (empty:
    ``hinge-mirror-<hostname>``). ``topic_prefix``: where its state and commands live
    (empty: ``hinge-mirror/<id>``, the id being the client id's slug when one is set,
    else the host name). ``discovery_prefix``: Home Assistant's (``homeassistant``).
    ``name``: the device's name in Home Assistant (empty: ``Hinge Mirror <id>``).
    ``profile``: what may be published, ``"studio"`` (anonymous state and counts) or
    ``"home"``; empty: as ``[mirror] profile``. ``publish_names``: in the home profile,
    also publish who is lifting. ``keepalive_s``: seconds between pings when idle.
    ``reconnect_max_s``: the longest wait between two tries to reach the broker (the
    waits double from 1 s up to this).
    """

    SECTION: ClassVar[str] = "mqtt"
    enabled: bool = True
    host: str = setting("", lambda v: len(v) <= 253 and " " not in v, "a host name or address")
    port: int = setting(1883, lambda v: 1 <= v <= 65535, "a TCP port from 1 to 65535")
    tls: bool = False
    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""
    username: str = setting("", lambda v: len(v) <= 256, "a user name of at most 256 characters")
    password_file: str = ""
    client_id: str = setting(
        "",
        lambda v: v == "" or bool(_CLIENT_ID.match(v)),
        "1 to 64 letters, digits, '.', '_' or '-'",
    )
    topic_prefix: str = setting("", _topic_ok, _TOPIC)
    discovery_prefix: str = setting("homeassistant", lambda v: v != "" and _topic_ok(v), _TOPIC)
    name: str = setting("", lambda v: len(v) <= 64, "a name of at most 64 characters")
    profile: str = setting("", lambda v: v in ("", "home", "studio"), '"home", "studio" or ""')
    publish_names: bool = False
    keepalive_s: int = setting(30, lambda v: 5 <= v <= 3600, "seconds from 5 to 3600")
    reconnect_max_s: float = setting(30.0, lambda v: 1 <= v <= 3600, "seconds from 1 to 3600")

    def __post_init__(self) -> None:
        check_section(self)
        if self.profile == "studio" and self.publish_names:
            raise BadConfig("mqtt.publish_names: the studio profile never publishes names")
        for key in ("ca_file", "cert_file", "key_file"):
            if getattr(self, key) and not self.tls:
                raise BadConfig(f"mqtt.{key}: is for TLS; set mqtt.tls = true to use it")
        if self.key_file and not self.cert_file:
            raise BadConfig("mqtt.key_file: needs mqtt.cert_file (the client certificate)")
        if self.active:
            for key in ("ca_file", "cert_file", "key_file", "password_file"):
                _readable(key, getattr(self, key))

    @property
    def active(self) -> bool:
        """Whether the mirror talks to a broker at all."""
        return self.enabled and self.host != ""

    def device_id(self) -> str:
        """This mirror's id in topics and Home Assistant's unique ids."""
        return slug(self.client_id) if self.client_id else host_slug()

    def resolved_client_id(self) -> str:
        """The client id given to the broker."""
        return self.client_id or f"hinge-mirror-{host_slug()}"

    def resolved_prefix(self) -> str:
        """Where this mirror's topics live."""
        return self.topic_prefix or f"hinge-mirror/{self.device_id()}"

    def device_name(self) -> str:
        """The device's name in Home Assistant."""
        return self.name or f"Hinge Mirror {self.device_id()}"

    def password(self) -> str | None:
        """The password (first line of ``password_file``), or None without one."""
        if not self.password_file:
            return None
        text = _readable("password_file", self.password_file)
        lines = text.splitlines()
        return lines[0] if lines else ""


def _readable(key: str, path: str) -> str:
    """The text of the file at ``path`` (empty path: ""); ``BadConfig`` naming ``key``."""
    if not path:
        return ""
    try:
        return Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadConfig(f"mqtt.{key}: cannot read {path}: {error}") from error
