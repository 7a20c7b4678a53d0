"""Debounce and press/hold logic on made-up timelines (seconds): no pins, no clock."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from appliance.controls.press_logic import (
    ButtonLogic,
    Debouncer,
    Gesture,
    GestureEvent,
    Transition,
    run_timeline,
)

DEBOUNCE = 0.05
HOLD = 3.0


def set_button() -> ButtonLogic:
    return ButtonLogic(DEBOUNCE, HOLD)


def bounce_train(t0: float, settle_to: bool, gaps: list[float]) -> list[tuple[float, bool]]:
    """A contact changing to ``settle_to`` at ``t0`` and chattering: edges ``gaps`` apart
    (an even number of gaps), alternating, the last one back at ``settle_to``."""
    assert len(gaps) % 2 == 0
    edges = [(t0, settle_to)]
    for gap in gaps:
        edges.append((edges[-1][0] + gap, not edges[-1][1]))
    return edges


def test_a_clean_short_press_is_one_press_at_release():
    events = run_timeline(set_button(), [(1.0, True), (1.4, False)], until_s=10.0)
    assert events == [GestureEvent(Gesture.PRESS, 1.4)]


def test_the_press_is_only_reported_once_the_release_has_lasted_the_debounce_time():
    logic = set_button()
    logic.edge(1.0, True)
    assert logic.edge(1.4, False) == []
    assert logic.tick(1.44) == []  # the release could still be a bounce
    assert logic.tick(1.46) == [GestureEvent(Gesture.PRESS, 1.4)]


def test_holding_for_the_hold_time_fires_a_hold_then_and_nothing_on_release():
    logic = set_button()
    assert logic.edge(0.0, True) == []
    assert logic.tick(2.99) == []
    assert logic.tick(3.0) == [GestureEvent(Gesture.HOLD, 3.0)]
    assert logic.tick(4.0) == []
    assert logic.edge(5.0, False) == []
    assert logic.tick(6.0) == []


def test_a_hold_with_no_tick_until_release_is_still_a_hold_dated_at_the_hold_time():
    events = run_timeline(set_button(), [(0.0, True), (4.2, False)], until_s=5.0)
    assert events == [GestureEvent(Gesture.HOLD, 3.0)]


def test_a_bouncy_contact_counts_as_one_press():
    edges = bounce_train(1.0, True, [0.005] * 6)  # closing: 5 ms chatter
    edges += bounce_train(1.5, False, [0.005] * 4)  # opening: chatter again
    events = run_timeline(set_button(), edges, until_s=3.0)
    assert events == [GestureEvent(Gesture.PRESS, edges[-1][0])]


def test_a_bouncy_contact_ticked_every_millisecond_still_counts_once():
    edges = bounce_train(1.0, True, [0.004, 0.006, 0.003, 0.002]) + bounce_train(
        1.3, False, [0.002, 0.008, 0.004, 0.001]
    )
    logic = set_button()
    events: list[GestureEvent] = []
    for step in range(0, 3000):
        t = step / 1000
        while edges and edges[0][0] <= t:
            events += logic.edge(*edges.pop(0))
        events += logic.tick(t)
    assert [e.gesture for e in events] == [Gesture.PRESS]


def test_a_tap_shorter_than_the_debounce_time_is_ignored():
    events = run_timeline(set_button(), [(1.0, True), (1.03, False)], until_s=10.0)
    assert events == []


def test_a_glitch_during_a_hold_does_not_split_it():
    edges = [(0.0, True), (1.5, False), (1.51, True)]  # 10 ms open mid-hold
    logic = set_button()
    events = run_timeline(logic, edges, until_s=3.5)
    assert events == [GestureEvent(Gesture.HOLD, 3.0)]


def test_a_release_just_before_the_hold_time_is_a_press_even_if_ticked_at_the_hold_time():
    logic = set_button()
    logic.edge(0.0, True)
    logic.edge(2.99, False)
    assert logic.tick(3.0) == []  # the release at 2.99 is not yet certain
    assert logic.tick(3.05) == [GestureEvent(Gesture.PRESS, 2.99)]


def test_a_bounce_just_before_the_hold_time_only_delays_the_hold_until_it_is_certain():
    logic = set_button()
    logic.edge(0.0, True)
    logic.edge(2.99, False)
    assert logic.tick(3.0) == []
    assert logic.edge(3.01, True) == [GestureEvent(Gesture.HOLD, 3.0)]


def test_a_button_without_hold_reports_its_press_when_the_press_is_certain():
    logic = ButtonLogic(DEBOUNCE, None)
    assert logic.edge(1.0, True) == []
    assert logic.tick(1.06) == [GestureEvent(Gesture.PRESS, 1.0)]
    assert logic.tick(9.0) == []  # however long it is held
    assert logic.edge(9.0, False) == []
    assert logic.tick(10.0) == []


def test_a_button_already_down_at_start_gives_nothing_until_pressed_again():
    logic = ButtonLogic(DEBOUNCE, HOLD, pressed=True)
    assert logic.tick(10.0) == []  # a stuck button never "holds"
    assert run_timeline(logic, [(11.0, False), (12.0, True), (12.2, False)], 13.0) == [
        GestureEvent(Gesture.PRESS, 12.2)
    ]


def test_two_presses_give_two_events_in_order():
    edges = [(1.0, True), (1.2, False), (2.0, True), (5.5, False), (6.0, True), (6.1, False)]
    assert run_timeline(set_button(), edges, until_s=7.0) == [
        GestureEvent(Gesture.PRESS, 1.2),
        GestureEvent(Gesture.HOLD, 5.0),
        GestureEvent(Gesture.PRESS, 6.1),
    ]


def test_the_debouncer_dates_an_accepted_change_at_its_edge():
    debouncer = Debouncer(DEBOUNCE)
    assert debouncer.edge(1.0, True) == []
    assert debouncer.known_until(1.02) == 1.0
    assert debouncer.tick(1.05) == [Transition(1.0, True)]
    assert debouncer.pressed
    assert debouncer.known_until(1.06) == 1.06


def test_time_going_backwards_is_treated_as_the_latest_time():
    logic = set_button()
    logic.edge(1.0, True)
    logic.tick(1.2)
    events = logic.edge(1.1, False) + logic.tick(1.3)  # stamped late by another thread
    assert events == [GestureEvent(Gesture.PRESS, 1.2)]


@pytest.mark.parametrize(("debounce_s", "hold_s"), [(-0.01, 3.0), (0.05, 0.0)])
def test_nonsense_timings_are_refused(debounce_s, hold_s):
    with pytest.raises(ValueError, match="must be"):
        ButtonLogic(debounce_s, hold_s)


# --- Properties over generated timelines -------------------------------------------------

short_s = st.floats(min_value=0.0005, max_value=DEBOUNCE * 0.98)


@settings(max_examples=200, deadline=None)
@given(
    start=st.floats(min_value=0.0, max_value=100.0),
    runs=st.lists(st.tuples(short_s, st.floats(min_value=0.0005, max_value=2.0)), max_size=30),
    hold=st.sampled_from([None, 0.2, HOLD]),
)
def test_closures_all_shorter_than_the_debounce_time_give_no_event(start, runs, hold):
    """Every closed spell is shorter than ``debounce_s`` (the open spells any length)."""
    edges: list[tuple[float, bool]] = []
    t = start
    for closed_s, open_s in runs:
        edges += [(t, True), (t + closed_s, False)]
        t += closed_s + open_s
    assert run_timeline(ButtonLogic(DEBOUNCE, hold), edges, until_s=t + 10.0) == []


chatter = st.lists(st.tuples(short_s, short_s), max_size=4).map(
    lambda pairs: [gap for pair in pairs for gap in pair]
)


@st.composite
def physical_presses(draw: st.DrawFn) -> tuple[list[tuple[float, bool]], list[float], float]:
    """A timeline of physical presses, each with chatter on closing and on opening.

    Returns the edges, the press durations (seconds from the last closing edge of the
    closing chatter to the last edge of the opening chatter), and the end time.
    """
    edges: list[tuple[float, bool]] = []
    durations: list[float] = []
    t = draw(st.floats(min_value=0.0, max_value=10.0))
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        closing = bounce_train(t, True, draw(chatter))
        down_at = closing[-1][0]
        held_s = draw(st.floats(min_value=DEBOUNCE * 1.05, max_value=6.0))
        opening = bounce_train(down_at + held_s, False, draw(chatter))
        up_at = opening[-1][0]
        assume(abs(up_at - down_at - HOLD) > 0.001)  # not a hair's breadth from the hold time
        edges += closing + opening
        durations.append(up_at - down_at)
        t = up_at + draw(st.floats(min_value=DEBOUNCE * 1.05, max_value=3.0))
    return edges, durations, t + 1.0


@settings(max_examples=150, deadline=None)
@given(timeline=physical_presses(), tick_every=st.sampled_from([None, 0.017, 0.25]))
def test_each_physical_press_gives_exactly_one_event_of_the_right_kind(timeline, tick_every):
    edges, durations, end = timeline
    logic = set_button()
    events: list[GestureEvent] = []
    if tick_every is None:
        events = run_timeline(logic, edges, until_s=end)
    else:
        pending = list(edges)
        t = 0.0
        while t <= end:
            while pending and pending[0][0] <= t:
                events += logic.edge(*pending.pop(0))
            events += logic.tick(t)
            t += tick_every
        events += run_timeline(logic, pending, until_s=end)
    expected = [Gesture.HOLD if d >= HOLD else Gesture.PRESS for d in durations]
    assert [e.gesture for e in events] == expected
    assert all(a.t_s <= b.t_s for a, b in itertools.pairwise(events))
