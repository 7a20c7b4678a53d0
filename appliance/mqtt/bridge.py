"""The loop's side of MQTT: hand over the state, take the commands; never wait.

``MqttBridge`` is what ``LiveLoop`` is given as its ``telemetry``. Each frame the loop
calls ``observe`` (a few times a second it reads the state into the ``Latest`` slot: a
lock and an assignment) and ``poll`` (the commands waiting in the inbox, as the control
events the buttons make). The network is the ``MqttLink`` thread's alone.
"""

from __future__ import annotations

from typing import Any

from appliance.controls.events import Control, ControlEvent
from appliance.mqtt.commands import Command, Inbox
from appliance.mqtt.link import Latest, MqttLink
from appliance.mqtt.state import LoopLike, StateReader

SOURCE = "mqtt"
"""``ControlEvent.source`` of a command from MQTT."""


def control_events(command: Command, session: Any, now_s: float) -> list[ControlEvent]:
    """What a command means now, as the buttons' events. Start and end set say what they
    want, where SET only toggles: starting a set that runs (or ending one that does not)
    is nothing; starting one closes the progress screen first."""
    events: list[Control] = []
    running = session.set_state == "running"
    match command.entity:
        case "mode":
            events = [Control.MODE_DRILL if command.value == "drill" else Control.MODE_DEADLIFT]
        case "start_set" if not running:
            events = [Control.PROGRESS] if session.progress is not None else []
            events.append(Control.SET_TOGGLE)
        case "end_set" if running:
            events = [Control.SET_TOGGLE]
        case "recalibrate":
            events = [Control.RECALIBRATE]
    return [ControlEvent(control, now_s, SOURCE) for control in events]


class MqttBridge:
    """``reader`` turns the loop into state; ``latest`` and ``inbox`` are shared with
    ``link``, the thread that publishes and receives."""

    def __init__(self, reader: StateReader, latest: Latest, inbox: Inbox, link: MqttLink) -> None:
        self.reader = reader
        self.latest = latest
        self.inbox = inbox
        self.link = link

    def observe(self, loop: LoopLike, now_s: float) -> None:
        """Leave the loop's state for the MQTT thread (``now_s``: the loop's clock, s)."""
        state = self.reader.read(loop, now_s)
        if state is not None:
            self.latest.put(state)

    def poll(self, now_s: float, session: Any) -> list[ControlEvent]:
        """The commands that arrived, as control events stamped ``now_s``."""
        return [
            event
            for command in self.inbox.take_all()
            for event in control_events(command, session, now_s)
        ]

    def close(self, timeout_s: float = 3.0) -> None:
        """Say ``offline`` and stop the thread (``timeout_s`` at most: never hangs exit)."""
        self.link.stop(timeout_s)
