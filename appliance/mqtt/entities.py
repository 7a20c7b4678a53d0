"""What a mirror shows Home Assistant: its entities, their topics and discovery configs.

One device per mirror. Each entity has a state topic ``<prefix>/<object>/state``
(retained); the settable ones also a command topic ``<prefix>/<object>/set``. Every entity
shares the availability topic ``<prefix>/availability`` (``online`` / ``offline``, the
last will). Discovery configs go to
``<discovery prefix>/<component>/<device id>/<object>/config``, retained. Entity names and
units follow Home Assistant's conventions (``has_entity_name``: the device's name comes
first in the UI).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from appliance import __version__
from appliance.mqtt.config import MqttConfig
from appliance.types import MODES

ONLINE = "online"
OFFLINE = "offline"
PRESS = "PRESS"
VIEWS = ("side", "front", "oblique", "unknown")
CAMERA_STATES = ("starting", "ok", "lost", "ended", "failed")


@dataclass(frozen=True)
class Entity:
    """One Home Assistant entity of the mirror. ``object_id``: its part of the topics and
    unique id; ``component``: ``sensor``, ``binary_sensor``, ``select`` or ``button``;
    ``settable``: it takes commands; ``extra``: the rest of its discovery config."""

    object_id: str
    component: str
    name: str
    extra: dict[str, Any] = field(default_factory=dict)
    diagnostic: bool = False

    @property
    def settable(self) -> bool:
        """It takes commands (a select or a button)."""
        return self.component in ("select", "button")

    @property
    def has_state(self) -> bool:
        """It has a state topic (all but buttons)."""
        return self.component != "button"


_DIAGNOSTIC = {"entity_category": "diagnostic"}
_MS = {"unit_of_measurement": "ms", "device_class": "duration", "state_class": "measurement"}

ENTITIES: tuple[Entity, ...] = (
    Entity("presence", "binary_sensor", "Presence", {"device_class": "occupancy"}),
    Entity("mode", "select", "Mode", {"options": list(MODES), "icon": "mdi:weight-lifter"}),
    Entity("set_in_progress", "binary_sensor", "Set in progress", {"device_class": "running"}),
    Entity(
        "reps", "sensor", "Reps in this set", {"state_class": "measurement", "icon": "mdi:counter"}
    ),
    Entity(
        "last_set_score",
        "sensor",
        "Last set average score",
        {"state_class": "measurement", "icon": "mdi:star-outline"},
    ),
    Entity("last_set_fault", "sensor", "Last set main fault", {"icon": "mdi:alert-outline"}),
    Entity("sets_today", "sensor", "Sets today", {"state_class": "total_increasing"}),
    Entity("reps_today", "sensor", "Reps today", {"state_class": "total_increasing"}),
    Entity("view", "sensor", "View", {"device_class": "enum", "options": list(VIEWS)}),
    Entity("start_set", "button", "Start set", {"icon": "mdi:play"}),
    Entity("end_set", "button", "End set", {"icon": "mdi:stop"}),
    Entity("recalibrate", "button", "Recalibrate", {"icon": "mdi:human-male"}),
    Entity(
        "fps",
        "sensor",
        "Frame rate",
        {"unit_of_measurement": "fps", "state_class": "measurement"},
        diagnostic=True,
    ),
    Entity("inference_ms", "sensor", "Inference time", dict(_MS), diagnostic=True),
    Entity("cue_latency_ms", "sensor", "Camera-to-cue latency", dict(_MS), diagnostic=True),
    Entity(
        "cpu_temperature",
        "sensor",
        "CPU temperature",
        {"unit_of_measurement": "°C", "device_class": "temperature", "state_class": "measurement"},
        diagnostic=True,
    ),
    Entity(
        "camera",
        "sensor",
        "Camera",
        {"device_class": "enum", "options": list(CAMERA_STATES)},
        diagnostic=True,
    ),
    Entity("last_error", "sensor", "Last error", {"icon": "mdi:alert-circle-outline"}, True),
)

LIFTER = Entity("lifter", "sensor", "Lifter", {"icon": "mdi:account"})
"""Who is lifting: only in the home profile with ``publish_names = true``."""

COMMANDS = {e.object_id: e for e in ENTITIES if e.settable}
"""The closed list of entities that take commands."""


@dataclass(frozen=True)
class Topics:
    """The topics of one mirror (``config``: its ``[mqtt]``)."""

    prefix: str
    discovery_prefix: str
    device_id: str

    @classmethod
    def of(cls, config: MqttConfig) -> Topics:
        """The topics ``[mqtt]`` gives this mirror."""
        return cls(config.resolved_prefix(), config.discovery_prefix, config.device_id())

    @property
    def availability(self) -> str:
        """``online`` / ``offline`` (the last will), retained."""
        return f"{self.prefix}/availability"

    @property
    def ha_status(self) -> str:
        """Where Home Assistant announces itself (``online``) when it starts."""
        return f"{self.discovery_prefix}/status"

    def state(self, object_id: str) -> str:
        """Where an entity's state is published, retained."""
        return f"{self.prefix}/{object_id}/state"

    def command(self, object_id: str) -> str:
        """Where a settable entity takes commands."""
        return f"{self.prefix}/{object_id}/set"

    def discovery(self, entity: Entity) -> str:
        """Where an entity's discovery config goes, retained."""
        return (
            f"{self.discovery_prefix}/{entity.component}/{self.device_id}/{entity.object_id}/config"
        )

    def unique_id(self, entity: Entity) -> str:
        """Home Assistant's unique id of an entity (stable across restarts)."""
        return f"hinge_mirror_{self.device_id}_{entity.object_id}".replace("-", "_")


def entities_for(names: bool) -> tuple[Entity, ...]:
    """The entities published: the lifter's name only when ``names`` is allowed."""
    return (*ENTITIES, LIFTER) if names else ENTITIES


def discovery_configs(config: MqttConfig, names: bool) -> list[tuple[str, str]]:
    """(topic, JSON payload) of every discovery config, retained; an empty payload
    removes the lifter entity where names are not published (Home Assistant's way)."""
    topics = Topics.of(config)
    device = {
        "identifiers": [f"hinge_mirror_{topics.device_id}"],
        "name": config.device_name(),
        "manufacturer": "Hinge Mirror",
        "model": "Hinge Mirror (Raspberry Pi 5, MoveNet)",
        "sw_version": __version__,
    }
    origin = {"name": "hinge-mirror", "sw_version": __version__}
    out: list[tuple[str, str]] = []
    for entity in entities_for(names):
        payload: dict[str, Any] = {
            "name": entity.name,
            "has_entity_name": True,
            "unique_id": topics.unique_id(entity),
            "availability_topic": topics.availability,
            "payload_available": ONLINE,
            "payload_not_available": OFFLINE,
            "device": device,
            "origin": origin,
            **entity.extra,
        }
        if entity.diagnostic:
            payload.update(_DIAGNOSTIC)
        if entity.has_state:
            payload["state_topic"] = topics.state(entity.object_id)
        if entity.settable:
            payload["command_topic"] = topics.command(entity.object_id)
        if entity.component == "button":
            payload["payload_press"] = PRESS
        out.append((topics.discovery(entity), json.dumps(payload, sort_keys=True)))
    if not names:
        out.append((topics.discovery(LIFTER), ""))
    return out
