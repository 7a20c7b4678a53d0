"""Commands from MQTT: a closed list, checked, rate-limited, handed to the loop.

Only the settable entities (``entities.COMMANDS``: the mode select and the start set, end
set and recalibrate buttons) take commands, each on its own command topic. A message is
ignored — with one log line — when it is retained (a command is said once, never replayed
at each reconnection), larger than ``MAX_PAYLOAD_BYTES``, not text, on any other topic, or
not one of its entity's values. Before any of that a token bucket admits at most
``burst`` messages at once and ``per_s`` a second after; the rest are dropped with one
line when dropping starts and one when it ends. What passes becomes the same control
events the buttons make (``appliance.controls``), queued for the loop in a small inbox:
nothing received can do more than a button press.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from appliance.mqtt.entities import COMMANDS, PRESS, Topics
from appliance.types import MODES

log = logging.getLogger("hinge_mirror.mqtt")

MAX_PAYLOAD_BYTES = 64
INBOX_SIZE = 8


@dataclass(frozen=True)
class Command:
    """A checked command: ``entity`` (an object id of ``COMMANDS``) and its ``value``
    (a mode for ``mode``, ``PRESS`` for a button)."""

    entity: str
    value: str


def parse_command(topics: Topics, topic: str, payload: bytes, retained: bool) -> Command | str:
    """The command in one message, or why it is ignored (one line)."""
    by_topic = {topics.command(name): name for name in COMMANDS}
    entity = by_topic.get(topic)
    if entity is None:
        return f"no entity takes commands on {topic[:80]!r}"
    if retained:
        return f"{entity}: a retained command is never replayed"
    if len(payload) > MAX_PAYLOAD_BYTES:
        return f"{entity}: payload of {len(payload)} bytes (at most {MAX_PAYLOAD_BYTES})"
    try:
        value = payload.decode("utf-8")
    except UnicodeDecodeError:
        return f"{entity}: payload is not text"
    allowed = MODES if entity == "mode" else (PRESS,)
    if value not in allowed:
        return f"{entity}: {value[:32]!r} is not one of {', '.join(allowed)}"
    return Command(entity, value)


class RateLimit:
    """A token bucket: ``burst`` messages at once, then ``per_s`` a second (seconds on the
    caller's clock)."""

    def __init__(self, burst: int = 5, per_s: float = 2.0) -> None:
        self.burst = burst
        self.per_s = per_s
        self._tokens = float(burst)
        self._at: float | None = None

    def allow(self, now_s: float) -> bool:
        """Whether a message arriving at ``now_s`` may pass."""
        if self._at is not None:
            self._tokens = min(self.burst, self._tokens + (now_s - self._at) * self.per_s)
        self._at = now_s
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


class Inbox:
    """Commands waiting for the loop, newest kept (``INBOX_SIZE`` at most); thread-safe."""

    def __init__(self, size: int = INBOX_SIZE) -> None:
        self._items: deque[Command] = deque(maxlen=size)
        self._lock = threading.Lock()

    def put(self, command: Command) -> None:
        """Queue ``command``; the oldest goes when the inbox is full."""
        with self._lock:
            self._items.append(command)

    def take_all(self) -> list[Command]:
        """Everything waiting, oldest first; never blocks for long."""
        with self._lock:
            items = list(self._items)
            self._items.clear()
        return items


class CommandGate:
    """What the MQTT thread does with each message on a command topic."""

    def __init__(
        self,
        topics: Topics,
        inbox: Inbox,
        clock: Callable[[], float],
        limit: RateLimit | None = None,
    ) -> None:
        self.topics = topics
        self.inbox = inbox
        self.clock = clock
        self.limit = limit or RateLimit()
        # Totals since start (messages); the drop count also runs per burst, for its log line.
        self.dropped = 0
        self.ignored = 0
        self.accepted = 0
        self._dropped_in_burst = 0

    def receive(self, topic: str, payload: bytes, retained: bool) -> None:
        """Check one message; queue its command, or log why not."""
        if not self.limit.allow(self.clock()):
            if self._dropped_in_burst == 0:
                log.warning(
                    "mqtt: commands are coming too fast; dropping them until they slow down"
                )
            self._dropped_in_burst += 1
            self.dropped += 1
            return
        if self._dropped_in_burst:
            log.warning("mqtt: commands slowed down; %d were dropped", self._dropped_in_burst)
            self._dropped_in_burst = 0
        parsed = parse_command(self.topics, topic, payload, retained)
        if isinstance(parsed, str):
            self.ignored += 1
            log.warning("mqtt: command ignored: %s", parsed)
            return
        self.accepted += 1
        self.inbox.put(parsed)
