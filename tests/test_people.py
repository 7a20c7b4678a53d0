"""A household at the mirror: who is lifting, their progress screen, their own history, and
each set's summary against their last sets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pygame
import pytest

from appliance.coach.trend import compare_with_last_sets
from appliance.controls.events import Control, ControlEvent
from appliance.display.renderer import render
from appliance.history import HistoryStore, open_history
from appliance.history.records import SetRecord
from appliance.live.session import PROGRESS_CLOSE_S, Session
from appliance.synthetic import make_set
from appliance.types import Rep

PEOPLE = ("Ada", "Ben")


class Clock:
    """The session's clock: seconds, moved on by each set."""

    def __init__(self) -> None:
        self.t = 0.0


def lift(
    session: Session,
    clock: Clock,
    reps: int = 4,
    seed: int = 1,
    faults: dict[int, set[str]] | None = None,
) -> None:
    """One synthetic set in front of the mirror, then the lifter walks off and the
    summary's time runs out."""
    synthetic = make_set(mode=session.mode, reps=reps, seed=seed, faults=faults, leave=True)
    for frame in synthetic.frames():
        now = clock.t + frame.t_s
        session.on_frame(frame.pose, now, now)
        session.tick(now)
    clock.t += synthetic.duration_s + 10.0
    session.tick(clock.t)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    kept = open_history(tmp_path / "history.sqlite")
    yield kept
    kept.close()


def test_with_no_history_the_first_person_lifts_and_the_screen_names_them(
    store: HistoryStore,
) -> None:
    session = Session("drill", store=store, people=PEOPLE)
    assert session.person == "Ada"
    assert session.screen(0.0).person == "Ada"
    assert Session("drill", store=store).screen(0.0).person is None  # no names: no name shown


def test_ben_chosen_on_the_progress_screen_owns_his_set_and_adas_charts_stay_hers(
    store: HistoryStore, tmp_path: Path
) -> None:
    clock = Clock()
    session = Session("drill", store=store, people=PEOPLE)
    lift(session, clock, seed=1)
    session.open_progress(clock.t)
    assert session.progress is not None
    assert session.progress.person == "Ada"
    assert len(session.progress.records) == 1
    session.choose_person(1, clock.t)
    assert session.progress.person == "Ben"
    assert session.progress.records == ()
    session.close_progress()
    lift(session, clock, seed=2)
    assert [len(r.reps) for r in store.sets("Ada")] == [4]
    assert [len(r.reps) for r in store.sets("Ben")] == [4]
    assert Session("drill", store=store, people=PEOPLE).person == "Ben"  # who lifted last


def test_the_chooser_goes_round_the_people_and_a_guest(store: HistoryStore) -> None:
    session = Session("drill", store=store, people=PEOPLE)
    seen = []
    for _ in range(4):
        session.choose_person(1, 0.0)
        seen.append(session.screen(0.0).person)
    assert seen == ["Ben", "Guest", "Ada", "Ben"]
    session.choose_person(-1, 0.0)
    assert session.person == "Ada"


def test_a_set_begun_before_the_lifter_says_who_they_are_becomes_theirs(
    store: HistoryStore,
) -> None:
    clock = Clock()
    session = Session("drill", store=store, people=PEOPLE)
    synthetic = make_set(mode="drill", reps=3, seed=4, leave=True)
    frames = list(synthetic.frames())
    for frame in frames[:30]:  # stepped in: a set starts by itself, as Ada's
        session.on_frame(frame.pose, frame.t_s, frame.t_s)
        session.tick(frame.t_s)
    assert session.set_state == "running"
    assert session.screen(1.0).person_hint == "Not Ada? Hold DEADLIFT to choose"
    session.choose_person(1, frames[29].t_s)
    for frame in frames[30:]:
        session.on_frame(frame.pose, frame.t_s, frame.t_s)
        session.tick(frame.t_s)
    clock.t = synthetic.duration_s + 10.0
    session.tick(clock.t)
    assert store.sets("Ada") == []  # the empty start was dropped, not left behind
    assert [len(r.reps) for r in store.sets("Ben")] == [3]


def test_the_second_set_is_compared_with_the_first_and_a_new_person_has_nothing_to_compare(
    store: HistoryStore,
) -> None:
    clock = Clock()
    session = Session("drill", store=store, people=PEOPLE)
    lift(session, clock, seed=5, faults={1: {"squatting"}, 2: {"squatting"}, 3: {"squatting"}})
    assert session.summary is not None
    assert session.summary.comparison is None  # nothing before it
    lift(session, clock, seed=6)
    assert session.summary is not None
    comparison = session.summary.comparison
    assert comparison is not None
    assert len(comparison.averages) == 2
    assert re.fullmatch(
        r"(Up \d+ on|Down \d+ on|Level with) your last set \(\d+\)", comparison.score_line
    )
    assert comparison.fault == "squatting"
    assert comparison.fault_line is not None
    assert comparison.fault_line.startswith("Squatting: gone this set")
    assert comparison.fault_trend == "better"
    session.choose_person(1, clock.t)
    lift(session, clock, seed=7)
    assert session.summary is not None
    assert session.summary.comparison is None  # Ben's first set: Ada's do not count


def rep(score: int, *faults: str) -> Rep:
    return Rep(1, 0.0, 1.0, 2.0, faults, score, {}, {})


def stored(*reps: Rep) -> SetRecord:
    return SetRecord(1, 1, "Ada", "deadlift", "side", 0.0, 60.0, None, reps, ())


def test_the_comparison_says_up_down_or_level_and_whether_the_fault_is_going() -> None:
    before = [stored(rep(70, "squatting"), rep(72, "squatting"), rep(74))]
    better = compare_with_last_sets([85, 88, 86], [(), ("squatting",), ()], before)
    assert better is not None
    assert better.score_line == "Up 14 on your last set (72)"
    assert better.fault_line == "Squatting: 1 of 3 reps, was 67%"
    assert better.fault_trend == "better"
    worse = compare_with_last_sets([60, 62], [("squatting",), ("squatting",)], before)
    assert worse is not None
    assert worse.score_line.startswith("Down 11")
    assert worse.fault_trend == "worse"
    level = compare_with_last_sets([73, 72], [("rounded_back",), ()], before)
    assert level is not None
    assert level.score_line == "Level with your last set (72)"
    assert level.fault_line == "Rounded back: 1 of 2 reps, new this set"
    assert compare_with_last_sets([80], [()], []) is None


def test_the_progress_screen_after_three_sets_shows_them_and_closes_by_itself(
    store: HistoryStore, tmp_path: Path
) -> None:
    clock = Clock()
    session = Session("drill", store=store, people=PEOPLE)
    for seed in (11, 12, 13):
        lift(session, clock, seed=seed, reps=3)
    session.open_progress(clock.t)
    model = session.screen(clock.t)
    assert model.progress is not None
    assert [len(r.reps) for r in model.progress.records] == [3, 3, 3]
    surface = pygame.Surface((1280, 720))
    render(model, surface)
    pygame.image.save(surface, str(tmp_path / "progress.png"))
    pixels = pygame.surfarray.array3d(surface)
    # Reps per week (top left): this week's bar is the bright cyan one.
    top_left = pixels[: 1280 // 2, 100:360]
    assert (np.all(top_left == (110, 215, 255), axis=2)).sum() > 1000
    # Average score per set (top right): three coloured dots.
    top_right = pixels[1280 // 2 :, 100:360]
    assert (top_right.max(axis=2) > 200).sum() > 300
    session.tick(clock.t + PROGRESS_CLOSE_S + 1.0)
    assert session.progress is None


def test_on_the_progress_screen_the_mode_buttons_choose_the_person_and_set_closes_it(
    store: HistoryStore,
) -> None:
    from appliance.live.loop import LiveLoop, LoopOptions

    session = Session("drill", store=store, people=PEOPLE)
    loop = LiveLoop(None, None, session, None, None, None, lambda *_: [], LoopOptions())  # type: ignore[arg-type]

    def press(control: Control) -> None:
        loop.handle(ControlEvent(control, 0.0, "gpio"))

    press(Control.PROGRESS)  # DEADLIFT held 2 s
    assert session.progress is not None
    press(Control.MODE_DEADLIFT)
    assert session.person == "Ben"
    assert session.mode == "drill"  # on this screen it picks the person, not the mode
    press(Control.MODE_DRILL)
    press(Control.MODE_DRILL)
    assert session.person is None  # the guest
    press(Control.SET_TOGGLE)
    assert session.progress is None
    assert session.set_state == "idle"  # SET closed the screen; it did not start a set
    press(Control.MODE_DEADLIFT)
    assert session.mode == "deadlift"  # back on the mirror the buttons mean modes again


def test_a_known_lifter_who_goes_straight_to_the_bar_is_judged_against_her_own_posture(
    store: HistoryStore,
) -> None:
    clock = Clock()
    session = Session("deadlift", store=store, people=PEOPLE)
    lift(session, clock, reps=3, seed=3)  # Ada stands still first: her baseline is stored
    assert store.last_baseline("Ada", "side") is not None
    head_up = {1: {"head_up"}, 2: {"head_up"}, 3: {"head_up"}}
    straight_in = make_set(mode="deadlift", reps=3, seed=4, stand_s=0.0, faults=head_up)

    def first_rep(lifter: Session) -> Rep:
        start = clock.t
        for frame in straight_in.frames():
            lifter.on_frame(frame.pose, start + frame.t_s, start + frame.t_s)
            lifter.tick(start + frame.t_s)
        lifter.end_set(start + straight_in.duration_s)
        clock.t += straight_in.duration_s + 10.0
        lifter.tick(clock.t)
        assert lifter.summary is not None
        return store.sets(lifter.person)[-1].reps[0]

    assert "head_up" in first_rep(session).faults  # from her first rep on
    session.choose_person(1, clock.t)  # Ben has never stood still in front of this mirror
    bens_first = first_rep(session)
    # Without his own posture Ben is judged against generic norms with wide margins (real
    # lifters look ahead at the floor): the same moderate head lift is not called on him.
    assert "head_up" not in bens_first.unjudged
    assert "head_up" not in bens_first.faults


def test_through_the_real_buttons_hold_deadlift_then_press_deadlift_and_set(
    store: HistoryStore,
) -> None:
    from gpiozero.pins.mock import MockFactory

    from appliance.controls import ControlsConfig, GpioButtons
    from appliance.live.loop import LiveLoop, LoopOptions
    from appliance.sources.fake_camera import ManualClock

    clock = ManualClock(100.0)
    config = ControlsConfig()
    factory = MockFactory()
    session = Session("drill", store=store, people=PEOPLE)

    class NoKeys:  # a screen with no keyboard: only the buttons speak
        def events(self) -> list[object]:
            return []

    with GpioButtons(config, pin_factory=factory, clock=clock) as buttons:
        loop = LiveLoop(
            None,  # type: ignore[arg-type]
            None,
            session,
            NoKeys(),  # type: ignore[arg-type]
            None,
            buttons,
            lambda *_: [],
            LoopOptions(),
        )

        def press(pin: int, hold_s: float) -> None:
            factory.pin(pin).drive_low()
            for _ in range(round(hold_s / 0.05)):  # the loop polls every frame
                clock.advance(0.05)
                for event in loop.poll_controls(clock()):
                    loop.handle(event)
            factory.pin(pin).drive_high()
            clock.advance(0.1)
            for event in loop.poll_controls(clock()):
                loop.handle(event)

        press(config.deadlift_pin, 2.2)
        assert session.progress is not None
        assert session.progress.person == "Ada"
        assert session.mode == "drill"  # the hold did not also switch the mode
        press(config.deadlift_pin, 0.2)
        assert session.progress.person == "Ben"
        press(config.set_pin, 0.2)
        assert session.progress is None
        assert session.person == "Ben"


def test_the_chooser_underlines_whoever_is_chosen_a_guest_included(store: HistoryStore) -> None:
    session = Session("drill", store=store, people=PEOPLE)
    underline_x = {}
    for _ in range(3):
        session.open_progress(0.0)
        surface = pygame.Surface((1280, 720))
        render(session.screen(0.0), surface)
        top = pygame.surfarray.array3d(surface)[:, :120]
        xs = np.nonzero(np.all(top == (110, 215, 255), axis=2))[0]  # the cyan underline
        assert xs.size, f"nothing underlined for {session.person}"
        underline_x[session.person] = int(xs.mean())
        session.choose_person(1, 0.0)
    assert underline_x["Ada"] < underline_x["Ben"] < underline_x[None]  # the guest is last
