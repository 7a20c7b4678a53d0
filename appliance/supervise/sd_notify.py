"""A dependency-free client for systemd's notification protocol (``sd_notify(3)``).

systemd passes ``NOTIFY_SOCKET`` to a ``Type=notify`` service: the address of an
``AF_UNIX`` datagram socket, either a filesystem path or, when it starts with ``@``, a
name in the abstract namespace. Each message is one datagram of newline-separated
``KEY=VALUE`` assignments (``READY=1``, ``STATUS=...``, ``WATCHDOG=1``, ``STOPPING=1``,
``EXTEND_TIMEOUT_USEC=...``).

Started from a terminal there is no ``NOTIFY_SOCKET`` and every call is a no-op. A send
that fails (socket gone, queue full past the send timeout) is logged once per run of
failures and reported as ``False``; nothing here ever raises into the caller, because a
broken supervisor link must not take the mirror down (the watchdog will, if it matters).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Mapping

log = logging.getLogger("hinge_mirror.supervise")

NOTIFY_SOCKET_ENV = "NOTIFY_SOCKET"
WATCHDOG_USEC_ENV = "WATCHDOG_USEC"
WATCHDOG_PID_ENV = "WATCHDOG_PID"

DEFAULT_SEND_TIMEOUT_S = 1.0
"""How long one send may block when systemd's receive queue is full (seconds)."""


def socket_address(value: str) -> str:
    """The ``AF_UNIX`` address for a ``NOTIFY_SOCKET`` value.

    A leading ``@`` names the abstract namespace, spelled with a leading NUL byte for
    ``socket.sendto``; anything else is a filesystem path. Raises ``ValueError`` for an
    address that is neither (relative paths, empty names).
    """
    if value.startswith("@") and len(value) > 1:
        return "\0" + value[1:]
    if value.startswith("/"):
        return value
    raise ValueError(f"{NOTIFY_SOCKET_ENV}={value!r} is neither an absolute path nor @abstract")


def watchdog_interval_s(
    environ: Mapping[str, str] | None = None, pid: int | None = None
) -> float | None:
    """systemd's watchdog timeout for this process in seconds, or ``None`` if there is none.

    Read from ``WATCHDOG_USEC`` (microseconds). If ``WATCHDOG_PID`` is set and is not our
    pid, the watchdog belongs to another process (we are a child) and ``None`` is
    returned. Ping at least every half of this interval (``sd_watchdog_enabled(3)``).
    """
    env = os.environ if environ is None else environ
    raw_usec = env.get(WATCHDOG_USEC_ENV)
    if not raw_usec:
        return None
    raw_pid = env.get(WATCHDOG_PID_ENV)
    if raw_pid:
        try:
            if int(raw_pid) != (os.getpid() if pid is None else pid):
                return None
        except ValueError:
            return None
    try:
        usec = int(raw_usec)
    except ValueError:
        return None
    return usec / 1_000_000 if usec > 0 else None


def _clean(text: str) -> str:
    """One line: a newline would start a new assignment in the datagram."""
    return " ".join(text.split())


class Notifier:
    """Sends notifications to the service manager at ``address`` (``NOTIFY_SOCKET``'s value).

    ``address=None`` disables it: every method returns ``False`` without doing anything.
    ``send_timeout_s`` bounds each send (seconds). Safe to use from several threads.
    """

    def __init__(
        self, address: str | None, *, send_timeout_s: float = DEFAULT_SEND_TIMEOUT_S
    ) -> None:
        self.send_timeout_s = send_timeout_s
        self._address: str | None = None
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._failing = False
        self.failures = 0
        if address:
            try:
                self._address = socket_address(address)
            except ValueError as error:
                log.warning("not notifying systemd: %s", error)

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        send_timeout_s: float = DEFAULT_SEND_TIMEOUT_S,
    ) -> Notifier:
        """A notifier for ``$NOTIFY_SOCKET`` (disabled when it is unset or empty)."""
        env = os.environ if environ is None else environ
        return cls(env.get(NOTIFY_SOCKET_ENV) or None, send_timeout_s=send_timeout_s)

    @property
    def enabled(self) -> bool:
        """Whether there is a service manager to notify."""
        return self._address is not None

    def send(self, *assignments: str) -> bool:
        """Send ``KEY=VALUE`` assignments in one datagram; ``True`` if it was sent."""
        if self._address is None or not assignments:
            return False
        data = "\n".join(assignments).encode("utf-8", "replace")
        with self._lock:
            try:
                if self._sock is None:
                    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
                    sock.settimeout(self.send_timeout_s)
                    self._sock = sock
                self._sock.sendto(data, self._address)
            except OSError as error:  # includes TimeoutError
                self.failures += 1
                self._drop_socket()
                if not self._failing:
                    log.warning("cannot notify systemd (%s): %s", assignments[0], error)
                self._failing = True
                return False
            if self._failing:
                log.info("notifying systemd works again")
            self._failing = False
            return True

    def ready(self, status: str | None = None) -> bool:
        """Start-up is complete (``READY=1``), with an optional status line."""
        fields = ["READY=1"]
        if status is not None:
            fields.append(f"STATUS={_clean(status)}")
        return self.send(*fields)

    def status(self, text: str) -> bool:
        """A one-line, human-readable status shown by ``systemctl status``."""
        return self.send(f"STATUS={_clean(text)}")

    def watchdog(self) -> bool:
        """The keep-alive ping (``WATCHDOG=1``)."""
        return self.send("WATCHDOG=1")

    def stopping(self, status: str | None = None) -> bool:
        """Shutdown has begun (``STOPPING=1``)."""
        fields = ["STOPPING=1"]
        if status is not None:
            fields.append(f"STATUS={_clean(status)}")
        return self.send(*fields)

    def extend_timeout(self, usec: int) -> bool:
        """Ask for ``usec`` microseconds more to finish starting or stopping
        (``EXTEND_TIMEOUT_USEC=``); must be repeated before it runs out."""
        return self.send(f"EXTEND_TIMEOUT_USEC={max(0, int(usec))}")

    def close(self) -> None:
        """Close the socket (a later send opens a new one)."""
        with self._lock:
            self._drop_socket()

    def _drop_socket(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None
