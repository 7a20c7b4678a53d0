"""READY and watchdog pings that tell systemd the truth: every stage is making progress.

Stages (``"camera"``, ``"pose"``, ``"display"``) call ``StageHeartbeat.beat(stage)`` each
time they finish a unit of work: a frame arrived, an inference returned, a picture was
shown; a bounded recovery step that completed (a camera reopen attempt within its
deadline) is progress too. The main loop calls ``Watchdog.tick()`` once per iteration:

- ``READY=1`` is sent exactly once, when every stage has beaten at least once;
- after that, ``WATCHDOG=1`` is sent at most every half of systemd's watchdog interval,
  and only if every stage beat since the previous ping. A stage that stalls stops the
  pings, ``STATUS=`` names it, and systemd kills and restarts the process.

Call ``tick()`` from the main loop, never from a timer thread: a timer thread would keep
pinging while the loop itself hangs. Pure logic: the clock is injected (seconds,
monotonic), and so is the notifier.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Protocol

log = logging.getLogger("hinge_mirror.supervise")

Clock = Callable[[], float]
"""Monotonic time in seconds."""


class Notify(Protocol):
    """What the watchdog needs of ``sd_notify.Notifier``."""

    def ready(self, status: str | None = None) -> bool: ...

    def status(self, text: str) -> bool: ...

    def watchdog(self) -> bool: ...


class StageHeartbeat:
    """Progress counters for named stages; ``beat`` is cheap and safe from any thread."""

    def __init__(self, stages: Iterable[str], clock: Clock = time.monotonic) -> None:
        self.stages: tuple[str, ...] = tuple(dict.fromkeys(stages))
        if not self.stages:
            raise ValueError("a heartbeat needs at least one stage")
        self._clock = clock
        self._lock = threading.Lock()
        self._count = dict.fromkeys(self.stages, 0)
        self._last_s: dict[str, float | None] = dict.fromkeys(self.stages, None)

    def beat(self, stage: str) -> None:
        """``stage`` made progress now. Raises ``KeyError`` for a stage it does not know."""
        now = self._clock()
        with self._lock:
            self._count[stage] += 1  # KeyError: a typo must not silently never count
            self._last_s[stage] = now

    def counts(self) -> dict[str, int]:
        """How many times each stage has beaten so far."""
        with self._lock:
            return dict(self._count)

    def last_beat_s(self, stage: str) -> float | None:
        """When ``stage`` last beat (clock seconds), or ``None`` if it never did."""
        with self._lock:
            return self._last_s[stage]


class Watchdog:
    """Sends READY once and watchdog pings while every stage makes progress.

    ``interval_s`` is systemd's watchdog timeout (``sd_notify.watchdog_interval_s()``,
    seconds); pings go out at most every ``interval_s / 2``. ``None`` means no watchdog
    (run from a terminal, or ``WatchdogSec=`` unset): READY and STATUS still go out.
    """

    def __init__(
        self,
        stages: StageHeartbeat,
        notify: Notify,
        interval_s: float | None,
        clock: Clock = time.monotonic,
    ) -> None:
        if interval_s is not None and interval_s <= 0:
            raise ValueError(f"watchdog interval must be positive, got {interval_s} s")
        self.stages = stages
        self.notify = notify
        self.interval_s = interval_s
        self.clock = clock
        self.is_ready = False
        self.pings = 0
        self.stalled: tuple[str, ...] = ()
        self._baseline: dict[str, int] = {}
        self._last_ping_s = 0.0

    @property
    def ping_period_s(self) -> float | None:
        """Seconds between pings: half the watchdog interval."""
        return None if self.interval_s is None else self.interval_s / 2

    def tick(self) -> bool:
        """Call once per loop iteration. Returns ``True`` if a watchdog ping was sent."""
        now = self.clock()
        counts = self.stages.counts()
        if not self.is_ready:
            if all(counts.values()):
                self.is_ready = True
                self.notify.ready("running: " + ", ".join(self.stages.stages) + " ok")
                log.info("ready: every stage made progress")
                self._baseline = counts
                self._last_ping_s = now  # systemd arms the watchdog at READY
            return False
        period = self.ping_period_s
        if period is None or now - self._last_ping_s < period:
            return False
        stalled = tuple(s for s in self.stages.stages if counts[s] == self._baseline[s])
        if stalled:
            if stalled != self.stalled:
                self._report_stall(stalled, now)
            self.stalled = stalled
            return False
        if self.stalled:
            log.info("every stage is making progress again")
            self.notify.status("running: " + ", ".join(self.stages.stages) + " ok")
            self.stalled = ()
        self.notify.watchdog()
        self.pings += 1
        self._baseline = counts
        self._last_ping_s = now
        return True

    def _report_stall(self, stalled: tuple[str, ...], now: float) -> None:
        parts = []
        for stage in stalled:
            last = self.stages.last_beat_s(stage)
            ago = "never" if last is None else f"{now - last:.1f} s ago"
            parts.append(f"{stage} (last progress {ago})")
        text = "stalled: " + ", ".join(parts)
        log.warning("%s; withholding the watchdog ping", text)
        self.notify.status(text)
