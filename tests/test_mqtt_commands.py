"""What a message on a command topic can do: only what a button can, once, at a pace.

Pure: payloads checked, the rate limit on a made-up timeline, commands turned into the
buttons' control events for the session as it is, and the discovery configs' shape."""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace

import pytest

from appliance.controls.events import Control
from appliance.mqtt.bridge import control_events
from appliance.mqtt.commands import (
    Command,
    CommandGate,
    Inbox,
    RateLimit,
    parse_command,
)
from appliance.mqtt.config import MqttConfig
from appliance.mqtt.entities import ENTITIES, LIFTER, Topics, discovery_configs

TOPICS = Topics("hinge-mirror/m1", "homeassistant", "m1")


@pytest.mark.parametrize(
    ("topic", "payload", "retained", "expected"),
    [
        ("hinge-mirror/m1/mode/set", b"deadlift", False, Command("mode", "deadlift")),
        ("hinge-mirror/m1/start_set/set", b"PRESS", False, Command("start_set", "PRESS")),
        ("hinge-mirror/m1/mode/set", b"deadlift", True, "never replayed"),
        ("hinge-mirror/m1/mode/set", b"squat", False, "not one of drill, deadlift"),
        ("hinge-mirror/m1/mode/set", b"x" * 65, False, "65 bytes"),
        ("hinge-mirror/m1/mode/set", b"\xff", False, "not text"),
        ("hinge-mirror/m1/reps/set", b"99", False, "no entity takes commands"),
        ("hinge-mirror/m2/mode/set", b"drill", False, "no entity takes commands"),
    ],
)
def test_a_command_is_taken_only_on_its_topic_with_one_of_its_values(
    topic: str, payload: bytes, retained: bool, expected: Command | str
) -> None:
    parsed = parse_command(TOPICS, topic, payload, retained)
    if isinstance(expected, Command):
        assert parsed == expected
    else:
        assert isinstance(parsed, str)
        assert expected in parsed


def test_a_burst_passes_five_then_two_a_second() -> None:
    limit = RateLimit(burst=5, per_s=2.0)
    at_once = [limit.allow(10.0) for _ in range(8)]
    assert at_once == [True] * 5 + [False] * 3
    assert limit.allow(10.4) is False
    assert limit.allow(10.5) is True  # half a second: one more
    assert [limit.allow(20.0) for _ in range(6)] == [True] * 5 + [False]  # full again, no more


def test_the_gate_queues_at_most_what_the_inbox_holds() -> None:
    inbox = Inbox(size=3)
    clock = iter(float(i) for i in range(100))  # a second between messages: never limited
    gate = CommandGate(TOPICS, inbox, lambda: next(clock))
    for mode in ("drill", "deadlift", "drill", "deadlift"):
        gate.receive("hinge-mirror/m1/mode/set", mode.encode(), False)
    gate.receive("hinge-mirror/m1/mode/set", b"nonsense", False)
    assert [c.value for c in inbox.take_all()] == ["deadlift", "drill", "deadlift"]
    assert inbox.take_all() == []
    assert (gate.accepted, gate.ignored) == (4, 1)


def test_a_flood_that_lets_one_command_through_still_counts_every_dropped_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    times = iter([0.0] * 8 + [0.6] + [0.61] * 4)  # 5 pass, 3 dropped, 1 refilled, 4 dropped
    gate = CommandGate(TOPICS, Inbox(), lambda: next(times))
    with caplog.at_level(logging.WARNING, logger="hinge_mirror.mqtt"):
        for _ in range(13):
            gate.receive("hinge-mirror/m1/mode/set", b"drill", False)
    assert (gate.accepted, gate.dropped) == (6, 7)
    assert "commands slowed down; 3 were dropped" in caplog.text  # one line per burst


def session(state: str = "idle", progress: object = None) -> SimpleNamespace:
    return SimpleNamespace(set_state=state, progress=progress)


@pytest.mark.parametrize(
    ("command", "now", "controls"),
    [
        (Command("mode", "drill"), session(), [Control.MODE_DRILL]),
        (Command("mode", "deadlift"), session("running"), [Control.MODE_DEADLIFT]),
        (Command("start_set", "PRESS"), session("idle"), [Control.SET_TOGGLE]),
        (Command("start_set", "PRESS"), session("summary"), [Control.SET_TOGGLE]),
        (Command("start_set", "PRESS"), session("running"), []),
        (
            Command("start_set", "PRESS"),
            session("idle", "charts"),
            [Control.PROGRESS, Control.SET_TOGGLE],
        ),
        (Command("end_set", "PRESS"), session("running"), [Control.SET_TOGGLE]),
        (Command("end_set", "PRESS"), session("ready"), []),
        (Command("recalibrate", "PRESS"), session("running"), [Control.RECALIBRATE]),
    ],
)
def test_a_command_becomes_the_buttons_events_for_the_session_as_it_is(
    command: Command, now: SimpleNamespace, controls: list[Control]
) -> None:
    events = control_events(command, now, 12.5)
    assert [e.control for e in events] == controls
    assert all(e.source == "mqtt" and e.t_s == 12.5 for e in events)


def test_discovery_gives_each_entity_a_unique_id_and_removes_the_lifter_without_names() -> None:
    config = MqttConfig(host="broker", client_id="m1")
    anonymous = dict(discovery_configs(config, names=False))
    assert anonymous[Topics.of(config).discovery(LIFTER)] == ""  # removed from Home Assistant
    payloads = [json.loads(p) for p in anonymous.values() if p]
    assert len({p["unique_id"] for p in payloads}) == len(ENTITIES)
    named = dict(discovery_configs(config, names=True))
    assert json.loads(named[Topics.of(config).discovery(LIFTER)])["name"] == "Lifter"
    for payload in payloads:
        assert payload["has_entity_name"] is True
        assert payload["device"]["identifiers"] == ["hinge_mirror_m1"]
