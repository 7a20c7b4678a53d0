"""The MQTT room: the mirror as a Home Assistant device (state out, a few commands in).

``open_telemetry(config)`` gives the live loop its ``telemetry`` (an ``MqttBridge``) when
``[mqtt]`` names a broker, else ``None``: a mirror without MQTT never imports paho-mqtt.
The client runs in its own thread (``link``); the loop only leaves state in a slot and
takes commands from an inbox (``bridge``). What is published, and which commands are
taken, is in ``entities``, ``state`` and ``commands``; the doctor's check is ``probe``.
See docs/mqtt.md.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from appliance.mqtt.bridge import MqttBridge

log = logging.getLogger("hinge_mirror.mqtt")

MISSING = "paho-mqtt is not installed (pip install 'hinge-mirror[mqtt]')"


def publishes_names(config: Any) -> bool:
    """Whether the lifter's name may be published: the home profile (both ``[mirror]``
    and ``[mqtt]`` say so; the studio wins) with ``[mqtt] publish_names = true``."""
    studio = "studio" in (config.mirror.profile, config.mqtt.profile)
    return config.mqtt.publish_names and not studio


def paho_available() -> bool:
    """Whether paho-mqtt can be imported (without importing it)."""
    import importlib.util

    return importlib.util.find_spec("paho") is not None


def open_telemetry(config: Any) -> MqttBridge | None:
    """The bridge for ``config`` (the whole ``Config``), its thread started, or None when
    MQTT is off. Without paho-mqtt the mirror runs on without MQTT, saying why in one
    line. A TLS file that is no certificate raises ``BadConfig`` (exit 3)."""
    if not config.mqtt.active:
        return None
    if not paho_available():
        log.error("mqtt: %s; the mirror runs without MQTT", MISSING)
        return None
    from appliance.mqtt.bridge import MqttBridge
    from appliance.mqtt.commands import CommandGate, Inbox
    from appliance.mqtt.entities import Topics
    from appliance.mqtt.link import Latest, MqttLink
    from appliance.mqtt.state import StateReader

    names = publishes_names(config)
    latest, inbox = Latest(), Inbox()
    gate = CommandGate(Topics.of(config.mqtt), inbox, time.monotonic)
    link = MqttLink(config.mqtt, names, latest, gate).start()
    return MqttBridge(StateReader(names), latest, inbox, link)
