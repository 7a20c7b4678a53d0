"""The three GPIO buttons, read through gpiozero, turned into control events.

gpiozero calls our edge callbacks in its own thread; they only stamp the edge with the clock
and queue it. The live loop's main thread calls ``poll(now)``, which runs the pure debounce
and press/hold logic (``press_logic``) and returns control events. gpiozero's own debouncing
and hold thread are not used, so every decision is a function of the recorded timestamps.

What each button means:

========  ===================================  ======================================
button    press                                hold
========  ===================================  ======================================
DRILL     ``MODE_DRILL`` (on release)          ``diagnostics_hold_s`` (5 s): ``DIAGNOSTICS``
DEADLIFT  ``MODE_DEADLIFT`` (on release)       ``progress_hold_s`` (2 s): ``PROGRESS``
SET       ``SET_TOGGLE`` (on release)          ``hold_s`` (3 s): ``RECALIBRATE``
========  ===================================  ======================================

A button with a hold reports its press on release (it cannot know earlier that the press
is not a hold); a hold is reported the moment its time is reached, not at release. On the
progress screen the live loop reads DRILL and DEADLIFT as "previous / next person" and SET
as "close" (see ``appliance.live.session``).
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from appliance.controls.config import ControlsConfig
from appliance.controls.events import Control, ControlEvent
from appliance.controls.press_logic import ButtonLogic, Gesture, GestureEvent

log = logging.getLogger("hinge_mirror.controls")

NO_GPIO_MESSAGE = "no GPIO available: keyboard only"

# gpiozero's own hold detection is not used (``when_held`` stays unset). Its hold thread still
# runs, and ``close()`` waits for it up to ``hold_time`` if the button is down: keep it short.
_GPIOZERO_HOLD_S = 0.1


@dataclass(frozen=True)
class ButtonBinding:
    """One button: its ``name``, BCM ``pin``, hold time ``hold_s`` (seconds, or ``None``)
    and the controls its press and hold stand for."""

    name: str
    pin: int
    hold_s: float | None
    on_press: Control
    on_hold: Control | None


def bindings(config: ControlsConfig) -> tuple[ButtonBinding, ...]:
    """The buttons ``config`` describes, and what each means."""
    drill = ButtonBinding(
        "DRILL",
        config.drill_pin,
        config.diagnostics_hold_s,
        Control.MODE_DRILL,
        Control.DIAGNOSTICS,
    )
    deadlift = ButtonBinding(
        "DEADLIFT",
        config.deadlift_pin,
        config.progress_hold_s,
        Control.MODE_DEADLIFT,
        Control.PROGRESS,
    )
    set_ = ButtonBinding(
        "SET", config.set_pin, config.hold_s, Control.SET_TOGGLE, Control.RECALIBRATE
    )
    return drill, deadlift, set_


class GpioButtons:
    """gpiozero ``Button``s on the configured pins (pull-up, pressed = low).

    ``pin_factory``: a gpiozero pin factory (tests pass ``MockFactory()``); ``None`` uses
    gpiozero's default (lgpio on a Pi 5). ``clock``: seconds, monotonic; the same clock the
    caller passes to ``poll``. Raises whatever gpiozero raises when there is no GPIO; use
    ``open_buttons`` to get ``None`` instead.
    """

    def __init__(
        self,
        config: ControlsConfig,
        pin_factory: Any = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from gpiozero import Button  # imported here: only this class needs gpiozero

        self._clock = clock
        self._edges: queue.SimpleQueue[tuple[int, float, bool]] = queue.SimpleQueue()
        self._bindings = bindings(config)
        self._devices: list[Any] = []
        self._logic: list[ButtonLogic] = []
        try:
            for index, binding in enumerate(self._bindings):
                button = Button(
                    binding.pin,
                    pull_up=True,
                    bounce_time=None,  # debounced by press_logic instead
                    hold_time=_GPIOZERO_HOLD_S,
                    pin_factory=pin_factory,
                )
                self._devices.append(button)
                self._logic.append(
                    ButtonLogic(config.debounce_s, binding.hold_s, pressed=button.is_pressed)
                )
                button.when_pressed = self._recorder(index, True)
                button.when_released = self._recorder(index, False)
        except BaseException:
            self.close()
            raise

    def _recorder(self, index: int, pressed: bool) -> Callable[[], None]:
        def record() -> None:  # runs in gpiozero's thread: stamp and queue, nothing else
            self._edges.put((index, self._clock(), pressed))

        return record

    @property
    def pins(self) -> dict[str, int]:
        """Button name → BCM pin number."""
        return {b.name: b.pin for b in self._bindings}

    def poll(self, now: float | None = None) -> list[ControlEvent]:
        """The control events completed since the last poll, oldest first.

        ``now``: seconds on the same clock as ``clock`` (default: read ``clock``). Call it
        every frame or so: a hold is reported at the first poll after its time is reached.
        """
        events: list[ControlEvent] = []
        while True:
            try:
                index, t_s, pressed = self._edges.get_nowait()
            except queue.Empty:
                break
            events += self._translate(index, self._logic[index].edge(t_s, pressed))
        if now is None:
            now = self._clock()
        for index, logic in enumerate(self._logic):
            events += self._translate(index, logic.tick(now))
        events.sort(key=lambda e: e.t_s)
        return events

    def _translate(self, index: int, gestures: list[GestureEvent]) -> list[ControlEvent]:
        binding = self._bindings[index]
        events = []
        for gesture in gestures:
            control = binding.on_press if gesture.gesture is Gesture.PRESS else binding.on_hold
            if control is not None:
                events.append(ControlEvent(control, gesture.t_s, "gpio"))
        return events

    def close(self) -> None:
        """Release the pins (idempotent). Takes up to about 0.1 s: each gpiozero ``Button``
        joins its hold thread, which wakes every 0.1 s, so the three are closed together."""
        devices, self._devices = self._devices, []
        for device in devices:
            device.when_pressed = None
            device.when_released = None
        closers = [threading.Thread(target=d.close, name="close-button") for d in devices]
        for closer in closers:
            closer.start()
        for closer in closers:
            closer.join()

    def __enter__(self) -> GpioButtons:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def no_gpio_errors() -> tuple[type[BaseException], ...]:
    """The errors that mean "no usable GPIO here": no pin factory, no pin library, the
    pin library refusing (``lgpio.error``: no gpiochip, pin busy), a pin the board lacks."""
    errors: list[type[BaseException]] = [ImportError, OSError, RuntimeError]
    exc = sys.modules.get("gpiozero.exc")
    if exc is not None:
        errors.append(exc.GPIOZeroError)
    lgpio = sys.modules.get("lgpio")
    if lgpio is not None and isinstance(getattr(lgpio, "error", None), type):
        errors.append(lgpio.error)
    return tuple(errors)


def open_buttons(
    config: ControlsConfig,
    pin_factory: Any = None,
    clock: Callable[[], float] = time.monotonic,
) -> GpioButtons | None:
    """The GPIO buttons, or ``None`` (and one log line) when this machine has no GPIO.

    gpiozero's warnings while it tries one pin library after another are silenced; the
    reason it gave up is in the log line.
    """
    try:
        with warnings.catch_warnings():
            try:
                from gpiozero.exc import NativePinFactoryFallback, PinFactoryFallback
            except ImportError:
                pass  # no gpiozero: GpioButtons raises ImportError below
            else:
                warnings.simplefilter("ignore", PinFactoryFallback)
                warnings.simplefilter("ignore", NativePinFactoryFallback)
            return GpioButtons(config, pin_factory=pin_factory, clock=clock)
    except no_gpio_errors() as error:
        log.warning("%s (%s: %s)", NO_GPIO_MESSAGE, type(error).__name__, error)
        return None
