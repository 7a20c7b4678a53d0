"""The MQTT thread: the only place that touches the network (and imports paho-mqtt).

One thread owns the paho client and runs its network loop in short steps (0.1 s). It
connects with a last will (``offline`` on the availability topic, retained), and on each
successful connection says ``online``, publishes the discovery configs and then the
current state — only the current state: what changed while the broker was away is not
replayed. After that it publishes what changed in the newest state the loop left in the
``Latest`` slot; the diagnostic numbers at most every ``diagnostics_every_s``. It takes
commands (``CommandGate``) and Home Assistant's ``online`` on ``<discovery>/status``
(republish everything).

A broker that is down, refuses the login, fails TLS, is slow to answer or drops the
connection never stops the mirror: the thread logs one line when the link's state
changes (connected, unreachable, refused, lost), waits 1 s, 2 s, 4 s… up to
``reconnect_max_s`` between tries (a little less, at random, so a studio's mirrors do
not all call at once), and goes on. Nothing it does can raise into the loop.
"""

from __future__ import annotations

import logging
import random
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any

from appliance.errors import BadConfig
from appliance.live.thermal import read_heat
from appliance.mqtt.commands import CommandGate
from appliance.mqtt.config import MqttConfig
from appliance.mqtt.entities import COMMANDS, OFFLINE, ONLINE, Topics, discovery_configs
from appliance.mqtt.state import UNKNOWN, State

log = logging.getLogger("hinge_mirror.mqtt")

STEP_S = 0.1  # seconds the network loop waits for traffic in one step
CONNECT_TIMEOUT_S = 5.0  # seconds for the TCP (and TLS) connection
CONNACK_TIMEOUT_S = 10.0  # seconds for the broker to accept the login
BIRTH_JITTER_S = 1.0  # republish up to this long after Home Assistant's birth message
DIAGNOSTIC_KEYS = frozenset({"fps", "inference_ms", "cue_latency_ms", "cpu_temperature"})


class Latest:
    """The newest state from the loop; each ``put`` replaces the last (thread-safe)."""

    def __init__(self) -> None:
        self._state: State | None = None
        self._lock = threading.Lock()

    def put(self, state: State) -> None:
        """Leave ``state`` (never mutated afterwards) in place of the last one."""
        with self._lock:
            self._state = state

    def peek(self) -> State | None:
        """The newest state, left in place (None before the first)."""
        with self._lock:
            return self._state


def tls_context(config: MqttConfig) -> ssl.SSLContext | None:
    """The TLS context ``[mqtt]`` asks for, or None; ``BadConfig`` naming the key of a
    file that is not what it should be."""
    if not config.tls:
        return None
    try:
        context = ssl.create_default_context(cafile=config.ca_file or None)
    except (ssl.SSLError, OSError) as error:
        raise BadConfig(f"mqtt.ca_file: not a usable CA certificate: {error}") from error
    if config.cert_file:
        try:
            context.load_cert_chain(config.cert_file, config.key_file or None)
        except (ssl.SSLError, OSError) as error:
            raise BadConfig(f"mqtt.cert_file: not a usable certificate and key: {error}") from error
    return context


def new_client(config: MqttConfig, client_id: str, context: ssl.SSLContext | None) -> Any:
    """A paho client set up as ``[mqtt]`` says (``ImportError`` without paho-mqtt)."""
    from paho.mqtt.client import CallbackAPIVersion, Client

    client = Client(CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True)
    client.connect_timeout = CONNECT_TIMEOUT_S
    client.suppress_exceptions = True  # a callback's surprise is logged, never raised
    if config.username:
        client.username_pw_set(config.username, config.password())
    if context is not None:
        client.tls_set_context(context)
    return client


class MqttLink:
    """The connection to the broker, in its own thread. ``names``: the lifter entity is
    announced. ``latest``: where the loop leaves its state; ``gate``: where commands go."""

    def __init__(
        self,
        config: MqttConfig,
        names: bool,
        latest: Latest,
        gate: CommandGate,
        *,
        diagnostics_every_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        read_temperature: Callable[[], float | None] = lambda: read_heat().temp_c,
    ) -> None:
        self.config = config
        self.names = names
        self.latest = latest
        self.gate = gate
        self.topics = Topics.of(config)
        self.diagnostics_every_s = diagnostics_every_s
        self.clock = clock
        self.read_temperature = read_temperature
        self.state = "starting"  # starting | connected | unreachable | refused | lost | error
        self._client = new_client(config, config.resolved_client_id(), tls_context(config))
        self._client.will_set(self.topics.availability, OFFLINE, qos=1, retain=True)
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message
        self._phase = "down"  # down | connecting | up
        self._connect_at = 0.0
        self._refused = False
        self._next_try = 0.0
        self._delay_s = 0.0
        self._published: dict[str, str] = {}
        self._republish_at: float | None = None
        self._diagnostics_at: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mqtt", daemon=True)

    def start(self) -> MqttLink:
        """Start the thread; it connects on its own (and keeps trying)."""
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 3.0) -> None:
        """Say ``offline``, disconnect and end the thread (waits ``timeout_s`` at most)."""
        self._stop.set()
        self._thread.join(timeout_s)

    # -- the thread --------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._step()
            except Exception as error:  # a surprise never ends the mirror: drop, retry
                self._went("error", f"{type(error).__name__}: {error}")
                self._drop()
        self._say_goodbye()

    def _step(self) -> None:
        now = self.clock()
        if self._phase == "down":
            if now < self._next_try:
                self._stop.wait(min(STEP_S * 5, self._next_try - now))
                return
            self._connect(now)
            return
        if self._client.loop(timeout=STEP_S) != 0:
            if self._phase == "up":
                self._went("lost", "connection closed")
            elif not self._refused:  # a refused login was said already
                self._went("unreachable", "connection closed before the login was accepted")
            self._drop()
            return
        if self._phase == "connecting" and now - self._connect_at > CONNACK_TIMEOUT_S:
            self._went("unreachable", f"no answer to the login in {CONNACK_TIMEOUT_S:.0f} s")
            self._drop()
        elif self._phase == "up":
            self._publish(self.clock())

    def _connect(self, now: float) -> None:
        config = self.config
        self._phase, self._connect_at, self._refused = "connecting", now, False
        try:
            self._client.connect(config.host, config.port, keepalive=config.keepalive_s)
        except (OSError, ValueError) as error:  # refused, unreachable, DNS, TLS (SSLError)
            kind = "tls" if isinstance(error, ssl.SSLError) else "unreachable"
            self._went(kind, str(error) or type(error).__name__)
            self._drop()

    def _drop(self) -> None:
        """Close the connection and wait before the next try (doubling, up to the max)."""
        self._phase = "down"
        try:
            self._client.disconnect()
            self._client.loop(timeout=0)
        except Exception:  # closing a broken connection may fail too; nothing to do
            pass
        self._delay_s = min(max(1.0, self._delay_s * 2), self.config.reconnect_max_s)
        self._next_try = self.clock() + self._delay_s * random.uniform(0.8, 1.0)

    def _went(self, state: str, detail: str) -> None:
        """One log line when the link's state changes (not at every retry)."""
        if state == self.state:
            return
        self.state = state
        where = f"{self.config.host}:{self.config.port}"
        if state == "connected":
            log.info("mqtt: connected to %s as %s", where, self.config.resolved_client_id())
        else:
            words = {
                "unreachable": "cannot reach",
                "tls": "TLS failed with",
                "refused": "login refused by",
                "lost": "lost the connection to",
                "error": "error talking to",
            }[state]
            log.warning("mqtt: %s %s: %s (coaching goes on; retrying)", words, where, detail)

    # -- callbacks (on this thread, inside client.loop) ---------------------------------

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        if reason.is_failure:
            self._refused = True
            self._went("refused", str(reason))
            return  # the broker closes the connection; the next step retries later
        self._phase, self._delay_s = "up", 0.0
        self._went("connected", "")
        topics = self.topics
        client.subscribe([(topics.command(name), 0) for name in COMMANDS] + [(topics.ha_status, 0)])
        self._announce()

    def _on_message(self, client: Any, userdata: Any, message: Any) -> None:
        try:
            if message.topic == self.topics.ha_status:
                if message.payload == ONLINE.encode():
                    self._republish_at = self.clock() + random.uniform(0, BIRTH_JITTER_S)
                return
            self.gate.receive(message.topic, bytes(message.payload), bool(message.retain))
        except Exception as error:  # one bad message never costs the connection
            log.warning("mqtt: message on %s not handled: %s", message.topic[:80], error)

    # -- publishing ----------------------------------------------------------------------

    def _announce(self) -> None:
        """Online, the discovery configs, then the whole current state."""
        client = self._client
        client.publish(self.topics.availability, ONLINE, qos=1, retain=True)
        for topic, payload in discovery_configs(self.config, self.names):
            client.publish(topic, payload, qos=1, retain=True)
        self._published = {}
        self._diagnostics_at = None
        self._republish_at = None

    def _publish(self, now: float) -> None:
        """What changed since it was last published (diagnostics: when due)."""
        if self._republish_at is not None and now >= self._republish_at:
            self._announce()
        state = self.latest.peek()
        if state is None:
            return
        due = self._diagnostics_at is None or now - self._diagnostics_at >= self.diagnostics_every_s
        if due:
            self._diagnostics_at = now
            temperature = self.read_temperature()
            state = {
                **state,
                "cpu_temperature": UNKNOWN if temperature is None else f"{temperature:.1f}",
            }
        for key, value in state.items():
            if (key in DIAGNOSTIC_KEYS and not due) or self._published.get(key) == value:
                continue
            self._client.publish(self.topics.state(key), value, qos=0, retain=True)
            self._published[key] = value

    def _say_goodbye(self) -> None:
        """A clean stop: ``offline`` (the last will is for an unclean one), then disconnect."""
        if self._phase != "up":
            return
        try:
            self._client.publish(self.topics.availability, OFFLINE, qos=0, retain=True)
            self._client.disconnect()
            for _ in range(10):
                if self._client.loop(timeout=STEP_S) != 0:
                    break
        except Exception:  # the broker may be gone already; the last will covers that
            pass
