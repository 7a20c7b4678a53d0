"""The buttons through gpiozero's MockFactory, the no-GPIO fallback, and the keyboard map.

Time comes from a fake clock the test advances; nothing sleeps. MockFactory calls the
edge callbacks synchronously in the test's thread, so each edge is stamped with the fake
clock's time when ``drive_low()`` / ``drive_high()`` is called.
"""

from __future__ import annotations

import logging
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pygame
import pytest
from gpiozero import Button, Device
from gpiozero.exc import BadPinFactory, PinFactoryFallback
from gpiozero.pins.mock import MockFactory

from appliance.controls import (
    KEY_HELP,
    Control,
    ControlEvent,
    ControlsConfig,
    GpioButtons,
    keyboard_events,
    open_buttons,
)
from appliance.controls.buttons import NO_GPIO_MESSAGE
from appliance.errors import BadConfig

START = 100.0  # the fake clock's first reading, seconds


class FakeClock:
    """A monotonic clock that moves only when told to (seconds)."""

    def __init__(self, t: float = START) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> float:
        self.t += seconds
        return self.t


@dataclass
class Rig:
    buttons: GpioButtons
    clock: FakeClock
    factory: MockFactory
    config: ControlsConfig

    def pin(self, name: str) -> Any:  # the MockPin behind a button
        return self.factory.pin(self.buttons.pins[name])

    def press(self, name: str, for_s: float) -> list[ControlEvent]:
        """Press ``name`` cleanly, keep it down ``for_s`` seconds (polling every 20 ms, as
        the loop would), release it; everything polled until 0.2 s after the release."""
        events: list[ControlEvent] = []
        self.pin(name).drive_low()
        events += self.wait(for_s)
        self.pin(name).drive_high()
        events += self.wait(0.2)
        return events

    def wait(self, seconds: float, step_s: float = 0.02) -> list[ControlEvent]:
        """Let ``seconds`` pass, polling every ``step_s`` like the live loop."""
        events: list[ControlEvent] = []
        end = self.clock.t + seconds
        while self.clock.t < end - 1e-9:
            self.clock.advance(min(step_s, end - self.clock.t))
            events += self.buttons.poll(self.clock.t)
        return events


@pytest.fixture
def factory() -> Iterator[MockFactory]:
    factory = MockFactory()
    yield factory
    factory.reset()
    factory.close()


@pytest.fixture
def rig(factory: MockFactory) -> Iterator[Rig]:
    clock = FakeClock()
    config = ControlsConfig()
    buttons = GpioButtons(config, pin_factory=factory, clock=clock)
    yield Rig(buttons, clock, factory, config)
    buttons.close()


def controls(events: list[ControlEvent]) -> list[Control]:
    return [e.control for e in events]


# --- Buttons through MockFactory ----------------------------------------------------------


def test_pressing_deadlift_then_set_gives_mode_deadlift_then_set_toggle(rig: Rig) -> None:
    events = rig.press("DEADLIFT", 0.3) + rig.wait(1.0) + rig.press("SET", 0.3)
    assert controls(events) == [Control.MODE_DEADLIFT, Control.SET_TOGGLE]
    deadlift, set_toggle = events
    assert deadlift.t_s == pytest.approx(START + 0.3)  # dated at the release
    assert set_toggle.t_s == pytest.approx(START + 0.5 + 1.0 + 0.3)  # dated at the release
    assert {e.source for e in events} == {"gpio"}


def test_deadlift_and_set_are_reported_on_release_since_either_could_become_a_hold(
    rig: Rig,
) -> None:
    for name, control in (("DEADLIFT", Control.MODE_DEADLIFT), ("SET", Control.SET_TOGGLE)):
        rig.pin(name).drive_low()
        assert rig.wait(1.0) == []  # could still become a hold
        rig.pin(name).drive_high()
        assert controls(rig.wait(0.1)) == [control]


def test_holding_deadlift_for_2_s_opens_the_progress_screen_at_2_s(rig: Rig) -> None:
    rig.pin("DEADLIFT").drive_low()
    assert rig.wait(1.9) == []
    (event,) = rig.wait(0.2)
    assert event.control is Control.PROGRESS
    assert event.t_s == pytest.approx(START + rig.config.progress_hold_s)
    rig.pin("DEADLIFT").drive_high()
    assert rig.wait(0.5) == []  # and nothing at the release


def test_holding_set_for_3_s_gives_recalibrate_at_3_s_and_nothing_on_release(rig: Rig) -> None:
    rig.pin("SET").drive_low()
    assert rig.wait(2.9) == []
    events = rig.wait(0.2)
    assert controls(events) == [Control.RECALIBRATE]
    assert events[0].t_s == pytest.approx(START + 3.0)  # at 3 s, while still held
    rig.pin("SET").drive_high()
    assert rig.wait(2.0) == []


def test_a_recalibrate_is_reported_at_the_first_poll_after_3_s_even_with_no_edge(rig: Rig) -> None:
    rig.pin("SET").drive_low()
    rig.clock.advance(4.0)  # the loop stalled: no poll for 4 s
    events = rig.buttons.poll(rig.clock.t)
    assert controls(events) == [Control.RECALIBRATE]
    assert events[0].t_s == pytest.approx(START + 3.0)


def test_a_short_drill_press_is_drill_mode_and_holding_it_5_s_toggles_diagnostics(rig: Rig) -> None:
    assert controls(rig.press("DRILL", 0.4)) == [Control.MODE_DRILL]
    assert controls(rig.press("DRILL", 3.5)) == [Control.MODE_DRILL]  # 3 s is not enough
    assert controls(rig.press("DRILL", 5.5)) == [Control.DIAGNOSTICS]


def test_a_bouncy_contact_counts_as_one_press(rig: Rig) -> None:
    pin = rig.pin("SET")
    for _ in range(4):  # closing: 5 ms chatter
        pin.drive_low()
        rig.clock.advance(0.005)
        pin.drive_high()
        rig.clock.advance(0.005)
    pin.drive_low()
    events = rig.wait(0.5)
    for _ in range(3):  # opening: chatter again
        pin.drive_high()
        rig.clock.advance(0.005)
        pin.drive_low()
        rig.clock.advance(0.005)
    pin.drive_high()
    events += rig.wait(0.5)
    assert controls(events) == [Control.SET_TOGGLE]


def test_a_tap_shorter_than_the_debounce_time_is_ignored(rig: Rig) -> None:
    pin = rig.pin("SET")
    pin.drive_low()
    rig.clock.advance(rig.config.debounce_s * 0.6)
    pin.drive_high()
    assert rig.wait(1.0) == []


def test_edges_are_queued_between_polls_and_come_out_in_time_order(rig: Rig) -> None:
    rig.pin("SET").drive_low()
    rig.clock.advance(0.3)
    rig.pin("SET").drive_high()
    rig.clock.advance(0.3)
    rig.pin("DEADLIFT").drive_low()
    rig.clock.advance(0.3)
    rig.pin("DEADLIFT").drive_high()
    rig.clock.advance(0.3)  # one late poll sees all four edges
    assert controls(rig.buttons.poll(rig.clock.t)) == [
        Control.SET_TOGGLE,
        Control.MODE_DEADLIFT,
    ]


def test_the_buttons_use_the_configured_pins_with_pull_ups(factory: MockFactory) -> None:
    config = ControlsConfig(drill_pin=5, deadlift_pin=6, set_pin=13)
    with GpioButtons(config, pin_factory=factory, clock=FakeClock()) as buttons:
        assert buttons.pins == {"DRILL": 5, "DEADLIFT": 6, "SET": 13}
        assert [factory.pin(n).pull for n in (5, 6, 13)] == ["up", "up", "up"]
        assert [factory.pin(n).bounce for n in (5, 6, 13)] == [None, None, None]


def test_close_releases_the_pins(factory: MockFactory) -> None:
    buttons = GpioButtons(ControlsConfig(), pin_factory=factory, clock=FakeClock())
    buttons.close()
    buttons.close()  # twice is fine
    with Button(22, pin_factory=factory):  # would raise GPIOPinInUse if still held
        pass


def test_a_button_held_down_at_start_is_ignored_until_pressed_again(factory: MockFactory) -> None:
    factory.pin(22).drive_low()  # stuck, or someone leaning on it at boot
    clock = FakeClock()
    with GpioButtons(ControlsConfig(), pin_factory=factory, clock=clock) as buttons:
        clock.advance(10.0)
        assert buttons.poll(clock.t) == []  # no recalibration from a stuck button
        factory.pin(22).drive_high()
        clock.advance(0.5)
        assert buttons.poll(clock.t) == []


# --- No GPIO: keyboard only -----------------------------------------------------------------


# gpiozero's default pin factories and the libraries they import.
PIN_LIBRARIES = (
    *("lgpio", "RPi", "RPi.GPIO", "pigpio"),
    *("gpiozero.pins.lgpio", "gpiozero.pins.rpigpio", "gpiozero.pins.pigpio"),
    "gpiozero.pins.native",
)


def only_our_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "hinge_mirror.controls"]


def test_no_pin_library_means_keyboard_only_with_one_log_line(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    recwarn: pytest.WarningsRecorder,
) -> None:
    # No default pin factory set, and none of gpiozero's four pin libraries importable:
    # gpiozero walks its real fallback chain and gives up with BadPinFactory.
    monkeypatch.setattr(Device, "pin_factory", None)
    monkeypatch.delenv("GPIOZERO_PIN_FACTORY", raising=False)
    for name in PIN_LIBRARIES:
        monkeypatch.setitem(sys.modules, name, None)
    caplog.set_level(logging.INFO, logger="hinge_mirror.controls")

    assert open_buttons(ControlsConfig()) is None

    records = only_our_records(caplog)
    assert len(records) == 1
    assert records[0].getMessage().startswith(NO_GPIO_MESSAGE)
    assert BadPinFactory.__name__ in records[0].getMessage()
    assert not [w for w in recwarn if issubclass(w.category, PinFactoryFallback)]


class BusyFactory(MockFactory):
    """A factory whose pin library refuses one pin, as lgpio does when it is in use."""

    def __init__(self, busy_pin: int, error: type[Exception]) -> None:
        super().__init__()
        self.busy_pin = busy_pin
        self.error = error

    def pin(self, name: Any, pin_class: Any = None, **kwargs: Any) -> Any:
        if name == self.busy_pin:
            raise self.error("GPIO busy")
        return super().pin(name, pin_class, **kwargs)


def test_an_lgpio_error_means_keyboard_only_and_frees_the_pins_already_taken(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    lgpio = types.ModuleType("lgpio")
    lgpio_error = type("error", (Exception,), {})
    lgpio.error = lgpio_error  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "lgpio", lgpio)
    factory = BusyFactory(ControlsConfig().deadlift_pin, lgpio_error)
    caplog.set_level(logging.INFO, logger="hinge_mirror.controls")

    assert open_buttons(ControlsConfig(), pin_factory=factory) is None

    assert [r.getMessage() for r in only_our_records(caplog)] == [
        f"{NO_GPIO_MESSAGE} (error: GPIO busy)"
    ]
    with Button(ControlsConfig().drill_pin, pin_factory=factory):  # DRILL was released
        pass
    factory.reset()


def test_a_bug_is_not_mistaken_for_missing_gpio() -> None:
    with pytest.raises(TypeError):
        open_buttons(ControlsConfig(), pin_factory=BusyFactory(17, TypeError))


def test_with_gpio_open_buttons_gives_the_buttons(factory: MockFactory) -> None:
    buttons = open_buttons(ControlsConfig(), pin_factory=factory, clock=FakeClock())
    assert isinstance(buttons, GpioButtons)
    buttons.close()


# --- Config -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "setting"),
    [
        ({"set_pin": 40}, "controls.set_pin"),
        ({"set_pin": 17}, "controls.set_pin"),  # same pin as DRILL
        ({"drill_pin": True}, "controls.drill_pin"),
        ({"debounce_s": -0.01}, "controls.debounce_s"),
        ({"hold_s": 0.01}, "controls.hold_s"),  # shorter than the debounce time
        ({"diagnostics_hold_s": "5"}, "controls.diagnostics_hold_s"),
    ],
)
def test_a_bad_controls_value_names_its_key(values: dict[str, Any], setting: str) -> None:
    with pytest.raises(BadConfig, match=f"^{setting}: "):
        ControlsConfig(**values)


# --- Keyboard -----------------------------------------------------------------------------


def key(code: int, mod: int = 0) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=code, mod=mod)


@pytest.mark.parametrize(
    ("code", "control"),
    [
        (pygame.K_1, Control.MODE_DRILL),
        (pygame.K_d, Control.MODE_DRILL),
        (pygame.K_2, Control.MODE_DEADLIFT),
        (pygame.K_l, Control.MODE_DEADLIFT),
        (pygame.K_SPACE, Control.SET_TOGGLE),
        (pygame.K_RETURN, Control.SET_TOGGLE),
        (pygame.K_KP_ENTER, Control.SET_TOGGLE),
        (pygame.K_c, Control.RECALIBRATE),
        (pygame.K_F1, Control.DIAGNOSTICS),
        (pygame.K_i, Control.DIAGNOSTICS),
        (pygame.K_ESCAPE, Control.QUIT),
        (pygame.K_q, Control.QUIT),
    ],
)
def test_each_key_means_its_control(code: int, control: Control) -> None:
    assert keyboard_events([key(code)], now=12.5) == [ControlEvent(control, 12.5, "keyboard")]


def test_shift_does_not_matter_but_ctrl_and_alt_chords_are_left_alone() -> None:
    assert controls(keyboard_events([key(pygame.K_d, pygame.KMOD_LSHIFT)], 0.0)) == [
        Control.MODE_DRILL
    ]
    assert keyboard_events([key(pygame.K_q, pygame.KMOD_LALT)], 0.0) == []
    assert controls(keyboard_events([key(pygame.K_c, pygame.KMOD_LCTRL)], 0.0)) == [Control.QUIT]


def test_closing_the_window_quits_and_other_events_are_ignored() -> None:
    events = [
        pygame.event.Event(pygame.KEYUP, key=pygame.K_SPACE, mod=0),
        pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(3, 4)),
        key(pygame.K_z),
        pygame.event.Event(pygame.QUIT),
    ]
    assert keyboard_events(events, now=3.0) == [ControlEvent(Control.QUIT, 3.0, "keyboard")]


def test_several_keys_in_one_frame_keep_their_order() -> None:
    events = keyboard_events([key(pygame.K_2), key(pygame.K_SPACE), key(pygame.K_c)], 1.0)
    assert controls(events) == [Control.MODE_DEADLIFT, Control.SET_TOGGLE, Control.RECALIBRATE]


def test_every_control_has_a_key_and_the_help_names_them() -> None:
    every_key = [key(getattr(pygame, name)) for name in dir(pygame) if name.startswith("K_")]
    reachable = {e.control for e in keyboard_events(every_key, 0.0)}
    assert reachable == set(Control)
    for name in ("1", "D", "2", "L", "Space", "Enter", "C", "F1", "I", "Esc", "Q"):
        assert name in KEY_HELP
