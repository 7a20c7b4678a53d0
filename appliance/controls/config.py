"""The ``[controls]`` settings: which GPIO pins the buttons are on, and their timing.

The buttons are wired from a GPIO pin to GND and read with the Pi's internal pull-up, so a
pressed button reads low. Pins are BCM numbers (``GPIO17``), not header positions.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from appliance.errors import BadConfig

# BCM numbers of the user GPIOs on the 40-pin header of every Pi since the B+.
_FIRST_PIN = 0
_LAST_PIN = 27


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

    drill_pin: int = 17
    deadlift_pin: int = 27
    set_pin: int = 22
    debounce_s: float = 0.05
    hold_s: float = 3.0
    diagnostics_hold_s: float = 5.0
    progress_hold_s: float = 2.0

    def __post_init__(self) -> None:
        pins = ("drill_pin", "deadlift_pin", "set_pin")
        for name in pins:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise BadConfig(f"controls.{name}: expected an integer, got {value!r}")
            if not _FIRST_PIN <= value <= _LAST_PIN:
                raise BadConfig(
                    f"controls.{name}: expected a BCM GPIO number from "
                    f"{_FIRST_PIN} to {_LAST_PIN}, got {value!r}"
                )
        for i, name in enumerate(pins):
            for other in pins[:i]:
                if getattr(self, name) == getattr(self, other):
                    raise BadConfig(
                        f"controls.{name}: GPIO{getattr(self, name)} is already "
                        f"controls.{other}; each button needs its own pin"
                    )
        for f in fields(self):
            if f.name in pins:
                continue
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise BadConfig(f"controls.{f.name}: expected a number, got {value!r}")
        if not 0.0 <= self.debounce_s <= 0.5:
            raise BadConfig(
                f"controls.debounce_s: expected seconds from 0 to 0.5, got {self.debounce_s!r}"
            )
        for name in ("hold_s", "diagnostics_hold_s", "progress_hold_s"):
            value = getattr(self, name)
            if not self.debounce_s < value <= 30.0:
                raise BadConfig(
                    f"controls.{name}: expected seconds above controls.debounce_s "
                    f"({self.debounce_s}), at most 30, got {value!r}"
                )
