"""Heat: the SoC's temperature and throttling, so a hot Pi slows down on purpose.

A Pi 5 that overheats throttles its CPU by itself and inference would fall behind the
camera without saying so. Instead, above ``hot_c`` the loop runs the pose model on every
other frame and the diagnostics overlay says why. Readings come from sysfs (where it
exists) and are taken at most every ``every_s`` seconds.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

THERMAL_ZONE = Path("/sys/class/thermal/thermal_zone0/temp")
# The Raspberry Pi firmware's throttle flags (bit 2: throttled now), where the kernel
# exposes them (not everywhere; vcgencmd get_throttled is the other way to read them).
THROTTLED = Path("/sys/devices/platform/soc/soc:firmware/get_throttled")


@dataclass(frozen=True)
class Heat:
    """Degrees Celsius (``None`` where unknown) and whether the firmware throttles now."""

    temp_c: float | None
    throttled: bool


def read_heat(zone: Path = THERMAL_ZONE, throttled: Path = THROTTLED) -> Heat:
    """The current reading; never raises (unknown parts are ``None`` / ``False``)."""
    temp_c = None
    with contextlib.suppress(OSError, ValueError):
        temp_c = int(zone.read_text().strip()) / 1000.0
    flags = 0
    with contextlib.suppress(OSError, ValueError):
        flags = int(throttled.read_text().strip(), 16)
    return Heat(temp_c, bool(flags & 0x4))


class HeatGuard:
    """Decides whether to skip inference on a frame because the SoC is hot."""

    def __init__(
        self,
        hot_c: float = 80.0,
        cool_c: float = 75.0,
        every_s: float = 5.0,
        read: Callable[[], Heat] = read_heat,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.hot_c, self.cool_c, self.every_s = hot_c, cool_c, every_s
        self._read, self._clock = read, clock
        self.heat = Heat(None, False)
        self.hot = False
        self._read_at: float | None = None
        self._frame = 0

    def skip_frame(self) -> bool:
        """True for every other frame while hot (hysteresis between ``cool_c`` and
        ``hot_c`` degrees, or while the firmware throttles)."""
        now = self._clock()
        if self._read_at is None or now - self._read_at >= self.every_s:
            self._read_at = now
            self.heat = self._read()
            temp = self.heat.temp_c
            if self.heat.throttled or (temp is not None and temp >= self.hot_c):
                self.hot = True
            elif temp is None or temp <= self.cool_c:
                self.hot = False
        self._frame += 1
        return self.hot and self._frame % 2 == 0

    def note(self) -> str:
        """One line for the diagnostics overlay."""
        temp = self.heat.temp_c
        reading = f"SoC {temp:.0f} °C" if temp is not None else "SoC temperature unknown"
        if self.hot:
            why = "throttled" if self.heat.throttled else "hot"
            return f"{reading}, {why}: pose on every other frame"
        return reading
