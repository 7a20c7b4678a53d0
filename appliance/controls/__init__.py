"""The controls room: GPIO buttons and keyboard keys, turned into control events.

``open_buttons(config)`` gives the three GPIO buttons, or ``None`` on a machine without
GPIO; ``keyboard_events`` maps pygame key events. Both produce ``ControlEvent``s. The
debounce and press/hold logic behind the buttons is in ``press_logic`` (pure, no clock).
"""

from appliance.controls.buttons import GpioButtons, open_buttons
from appliance.controls.config import ControlsConfig
from appliance.controls.events import Control, ControlEvent
from appliance.controls.keyboard import KEY_HELP, keyboard_events

__all__ = [
    "KEY_HELP",
    "Control",
    "ControlEvent",
    "ControlsConfig",
    "GpioButtons",
    "keyboard_events",
    "open_buttons",
]
