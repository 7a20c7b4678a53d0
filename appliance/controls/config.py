"""The ``[controls]`` settings: which GPIO pins the buttons are on, and their timing.

The buttons are wired from a GPIO pin to GND and read with the Pi's internal pull-up, so a
pressed button reads low. Pins are BCM numbers (``GPIO17``), not header positions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from appliance.errors import BadConfig
from appliance.settings import check_section, setting

# BCM numbers of the user GPIOs on the 40-pin header of every Pi since the B+.
_FIRST_PIN = 0
_LAST_PIN = 27
_PIN = f"a BCM GPIO number from {_FIRST_PIN} to {_LAST_PIN}"


def _on_header(pin: int) -> bool:
    return _FIRST_PIN <= pin <= _LAST_PIN


@dataclass(frozen=True)
class ControlsConfig:
    """GPIO buttons.

    ``drill_pin``, ``deadlift_pin``, ``set_pin``: BCM numbers of the DRILL, DEADLIFT and SET
    buttons (default GPIO17, GPIO27, GPIO22: header pins 11, 13 and 15, next to GND on 9 and
    14). ``debounce_s``: seconds a contact must stay put before a change counts (a bounce
    shorter than this is ignored). ``hold_s``: seconds SET must be held to recalibrate.
    ``diagnostics_hold_s``: seconds DRILL must be held to toggle the diagnostics overlay.
    ``progress_hold_s``: seconds DEADLIFT must be held to open (or close) the progress screen.

    Constructing one with a bad value raises ``BadConfig`` naming the key
    (``controls.set_pin: ...``), so a wrong value stops start-up like any other key.
    """

    SECTION: ClassVar[str] = "controls"
    drill_pin: int = setting(17, _on_header, _PIN)
    deadlift_pin: int = setting(27, _on_header, _PIN)
    set_pin: int = setting(22, _on_header, _PIN)
    debounce_s: float = setting(0.05, lambda v: 0.0 <= v <= 0.5, "seconds from 0 to 0.5")
    hold_s: float = 3.0
    diagnostics_hold_s: float = 5.0
    progress_hold_s: float = 2.0

    def __post_init__(self) -> None:
        check_section(self)
        pins = ("drill_pin", "deadlift_pin", "set_pin")
        for i, name in enumerate(pins):
            for other in pins[:i]:
                if getattr(self, name) == getattr(self, other):
                    raise BadConfig(
                        f"controls.{name}: GPIO{getattr(self, name)} is already "
                        f"controls.{other}; each button needs its own pin"
                    )
        for name in ("hold_s", "diagnostics_hold_s", "progress_hold_s"):
            value = getattr(self, name)
            if not self.debounce_s < value <= 30.0:
                raise BadConfig(
                    f"controls.{name}: expected seconds above controls.debounce_s "
                    f"({self.debounce_s}), at most 30, got {value!r}"
                )
