"""The doctor's look at the broker: does it answer, and accept this mirror's login?

One connection with the mirror's host, port, TLS and login, under a client id of its own
(``<client id>-doctor``: the same id would push the running mirror off the broker),
closed at once. Every step has a deadline; nothing is published.
"""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass

from appliance.errors import EXIT_BAD_CONFIG, EXIT_MISSING, EXIT_OK, EXIT_RUNTIME, ApplianceError
from appliance.mqtt.config import MqttConfig


@dataclass(frozen=True)
class ProbeResult:
    """Whether the broker accepted the login, what to tell, and the doctor's exit code:
    3 for a refused login or a failed TLS check (the config is wrong), 1 for a broker
    that does not answer, 4 without paho-mqtt."""

    ok: bool
    detail: str
    exit_code: int = EXIT_OK


def probe_broker(config: MqttConfig, timeout_s: float = 5.0) -> ProbeResult:
    """Connect once as ``<client id>-doctor`` and disconnect; never longer than about
    ``timeout_s`` seconds (plus the TCP connect's own, as long)."""
    from appliance.mqtt import MISSING, paho_available

    where = f"{config.host}:{config.port}"
    if not paho_available():
        return ProbeResult(False, MISSING, EXIT_MISSING)
    from appliance.mqtt.link import new_client, tls_context

    try:
        client = new_client(config, f"{config.resolved_client_id()}-doctor", tls_context(config))
    except ApplianceError as error:
        return ProbeResult(False, str(error), error.exit_code)
    answer: list[str] = []
    client.on_connect = lambda _c, _u, _f, reason, _p: answer.append(
        "" if not reason.is_failure else str(reason)
    )
    client.connect_timeout = timeout_s
    started = time.monotonic()
    try:
        client.connect(config.host, config.port, keepalive=config.keepalive_s)
        while not answer and time.monotonic() - started < timeout_s:
            if client.loop(timeout=0.1) != 0:
                break
    except ssl.SSLError as error:
        return ProbeResult(False, f"TLS with {where} failed: {error}", EXIT_BAD_CONFIG)
    except (OSError, ValueError) as error:
        return ProbeResult(False, f"cannot reach the broker at {where}: {error}", EXIT_RUNTIME)
    finally:
        client.disconnect()
    took_ms = (time.monotonic() - started) * 1000.0
    if not answer:
        return ProbeResult(False, f"the broker at {where} did not accept a login", EXIT_RUNTIME)
    if answer[0]:
        return ProbeResult(
            False, f"the broker at {where} refused the login: {answer[0]}", EXIT_BAD_CONFIG
        )
    tls = "TLS, " if config.tls else ""
    user = f"as {config.username}" if config.username else "anonymously"
    return ProbeResult(True, f"broker {where} accepted the login ({tls}{user}) in {took_ms:.0f} ms")
