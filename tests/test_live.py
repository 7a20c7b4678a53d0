"""The live loop as a lifter meets it: demo set, buttons, a camera that drops out."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from appliance.controls import keyboard_events
from appliance.display.window import PygameDisplay
from appliance.errors import CameraFailed, CameraTimeout
from appliance.form import FormEvaluator
from appliance.live.grabber import FrameGrabber
from appliance.live.loop import LiveLoop, LoopOptions
from appliance.live.session import Session
from appliance.sources.base import SourceBase
from appliance.sources.demo import DEMO_FAULTY_REPS, DemoSource
from appliance.synthetic import make_set
from appliance.types import CueEvent, Frame


class HeardCues:
    """Stands in for the speaker: what would have been said, in order."""

    def __init__(self) -> None:
        self.said: list[CueEvent] = []

    def say(self, event: CueEvent) -> bool:
        self.said.append(event)
        return True

    def poll(self) -> None:
        pass

    def close(self) -> None:
        pass


def make_loop(
    open_source: Any,
    mode: str = "drill",
    *,
    record: Path | None = None,
    voice: Any = None,
    buttons: Any = None,
) -> tuple[LiveLoop, FrameGrabber, PygameDisplay]:
    grabber = FrameGrabber(open_source, realtime=False, keep_every_frame=True).start()
    screen = PygameDisplay(windowed=True, size=(640, 360))
    options = LoopOptions(until_end=True, record_screens=record, display_hz=1000.0)
    loop = LiveLoop(grabber, None, Session(mode), screen, voice, buttons, keyboard_events, options)
    return loop, grabber, screen


def test_the_demo_lifter_hears_the_fault_cue_then_the_praise_when_it_is_fixed(tmp_path):
    heard = HeardCues()
    loop, grabber, screen = make_loop(
        lambda: DemoSource("drill", sets=1), voice=heard, record=tmp_path
    )
    try:
        assert loop.run() == 0
    finally:
        grabber.stop()
        screen.close()
    texts = [cue.text for cue in heard.said if cue.kind in ("fault", "praise") and cue.fault]
    assert texts[:2] == ["Hips back, not down", "Better — hips back"]
    assert loop.session.sets_done == 1
    assert loop.session.summary is not None
    assert loop.session.summary.reps == 6
    assert len(DEMO_FAULTY_REPS) == 2
    names = [p.name for p in loop.stats.screens]
    assert any("running-rep3" in n for n in names)
    assert names[-1].split("-")[1] == "summary"
    assert all(p.stat().st_size > 0 for p in loop.stats.screens)


class FlakyCamera(SourceBase):
    """A camera (synthetic lifter) that stalls, then fails, then comes back: each opening
    plays on from where the last one stopped."""

    def __init__(self, frames: Iterator[Frame], outage_at: int, opened: list[str]) -> None:
        self._frames = frames
        self.outage_at = outage_at
        self.opened = opened
        self.width, self.height, self.nominal_fps = 640, 480, 30.0
        self.description = "flaky camera"

    def frames(self) -> Iterator[Frame]:
        self.opened.append("open")
        if len(self.opened) == 2:
            raise CameraFailed("the camera was unplugged")
        for frame in self._frames:
            yield frame
            if frame.index == self.outage_at and len(self.opened) == 1:
                raise CameraTimeout("no frame within 1 s")


def test_a_camera_that_drops_out_mid_set_shows_camera_lost_keeps_the_reps_and_recovers(tmp_path):
    synthetic = make_set(mode="drill", reps=4, seed=21, leave=True)
    middle = int(synthetic.reps[1].end_s * synthetic.fps) + 15  # the set is under way
    frames = iter(synthetic.frames())
    opened: list[str] = []
    loop, grabber, screen = make_loop(lambda: FlakyCamera(frames, middle, opened), record=tmp_path)
    try:
        assert loop.run() == 0
    finally:
        grabber.stop()
        screen.close()
    assert opened.count("open") == 3
    names = [p.name for p in loop.stats.screens]
    lost = [n for n in names if "lost" in n]
    assert lost, f"'camera lost' never shown: {names}"
    reps_when_lost = int(lost[0].split("-rep")[1].split("-")[0])
    assert reps_when_lost >= 1, "the outage should come after a rep, to show it is kept"
    assert loop.session.summary is not None
    assert loop.session.summary.reps == 4  # the reps before the outage were kept


def test_pressing_deadlift_then_set_starts_a_deadlift_set_and_holding_set_recalibrates():
    from gpiozero.pins.mock import MockFactory

    from appliance.controls import ControlsConfig, GpioButtons
    from appliance.sources.fake_camera import ManualClock

    clock = ManualClock(100.0)
    config = ControlsConfig()
    factory = MockFactory()
    synthetic = make_set(mode="drill", reps=1, seed=3, stand_s=6.0)
    buttons = GpioButtons(config, pin_factory=factory, clock=clock)
    loop, grabber, screen = make_loop(lambda: FlakyCamera(iter(()), -1, []), buttons=buttons)
    session = loop.session
    try:
        # Someone stands in front of the mirror in drill mode; let the loop see them.
        for frame in itertools.islice(synthetic.frames(), 45):
            session.on_frame(frame.pose, frame.t_s, frame.t_s)
            session.tick(frame.t_s)
        assert session.mode == "drill"

        def press(pin: int, hold_s: float) -> None:
            factory.pin(pin).drive_low()
            clock.advance(hold_s)
            for event in loop.poll_controls(clock()):
                loop.handle(event)
            factory.pin(pin).drive_high()
            clock.advance(0.1)
            for event in loop.poll_controls(clock()):
                loop.handle(event)

        press(config.deadlift_pin, 0.2)
        assert session.mode == "deadlift"
        assert session.set_state != "running"
        press(config.set_pin, 0.2)
        assert session.mode == "deadlift"
        assert session.set_state == "running"

        for frame in itertools.islice(synthetic.frames(), 45, 90):  # standing still: calibrated
            session.on_frame(frame.pose, frame.t_s, frame.t_s)
        assert isinstance(session.evaluator, FormEvaluator)  # one camera
        assert session.evaluator.calibrator.baseline is not None
        press(config.set_pin, 3.2)  # held 3 s: take the standing posture again
        assert session.set_state == "running"
        assert isinstance(session.evaluator, FormEvaluator)
        assert session.evaluator.calibrator.baseline is None
        frame = next(itertools.islice(synthetic.frames(), 90, None))
        session.on_frame(frame.pose, frame.t_s, frame.t_s)
        assert session.screen(frame.t_s).calibrating
    finally:
        grabber.stop()
        buttons.close()
        screen.close()


def test_the_demo_set_is_heard_through_the_speaker_path_fault_cue_then_praise(tmp_path):
    """The voice the appliance uses (speech cache, one sound at a time), on a recording
    speaker; then the same cues rendered to a WAV a person can listen to."""
    import shutil
    import wave

    from appliance.audio import AudioConfig, RecordingOutput, Voice, render_set_audio

    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt install espeak-ng); CI installs it")

    config = AudioConfig(cache_dir=str(tmp_path / "voice"))
    loops: list[LiveLoop] = []

    def set_time() -> float:  # the set's own clock, so sounds last as long as in real time
        return loops[0].frame_time if loops else 0.0

    output = RecordingOutput(set_time)
    voice = Voice(config, output, set_time)
    voice.prerender()
    assert voice.wait_prerendered(30.0)
    loop, grabber, screen = make_loop(lambda: DemoSource("drill", sets=1), voice=voice)
    loops.append(loop)
    try:
        assert loop.run() == 0
    finally:
        grabber.stop()
        screen.close()
        voice.close()
    said = [(spoken.event.text, spoken.how) for spoken in voice.spoken]
    assert said.index(("Hips back, not down", "speech")) < said.index(
        ("Better — hips back", "speech")
    )
    assert output.overlaps == 0
    wav = tmp_path / "demo-set.wav"
    played = render_set_audio(loop.stats.cues, wav, config)
    assert [p.event.text for p in played][:2] == ["Hips back, not down", "Better — hips back"]
    with wave.open(str(wav)) as audio:
        assert audio.getnframes() / audio.getframerate() > 1.5  # two phrases, not two beeps


def test_a_set_seen_only_from_the_front_is_not_called_clean():
    """Its back was never checked: the summary says so instead of praising it."""
    from appliance.display.renderer import render_boxes

    synthetic = make_set(mode="drill", reps=3, yaw_deg=90, seed=31)
    session = Session("drill")
    for frame in synthetic.frames():
        session.on_frame(frame.pose, frame.t_s, frame.t_s)
        session.tick(frame.t_s)
    session.end_set(synthetic.duration_s)
    assert session.summary is not None
    assert session.summary.main_fault is None
    assert session.summary.unchecked is not None
    assert "side view" in session.summary.unchecked
    import pygame

    surface = pygame.Surface((1280, 720))
    texts = [drawn.text for drawn in render_boxes(session.screen(synthetic.duration_s), surface)]
    assert "Clean set" not in texts
    assert "No faults seen" in texts


def test_a_camera_gone_for_good_ends_the_loop_with_an_error_after_a_bounded_time() -> None:
    """So systemd restarts the appliance instead of a mirror that waits for ever."""
    import time

    from appliance.errors import CameraNotFound

    class Gone(SourceBase):
        def frames(self) -> Iterator[Frame]:
            raise CameraNotFound("no camera answers")
            yield  # a generator that fails on first use

    grabber = FrameGrabber(lambda: Gone(), realtime=False, give_up_s=0.5).start()
    screen = PygameDisplay(windowed=True, size=(640, 360))
    options = LoopOptions(until_end=False, display_hz=100.0)
    loop = LiveLoop(grabber, None, Session("drill"), screen, None, None, keyboard_events, options)
    started = time.monotonic()
    try:
        assert loop.run() == 1
    finally:
        grabber.stop()
        screen.close()
    assert time.monotonic() - started < 10.0
    assert grabber.status == "failed"


def test_an_empty_room_dims_the_screen_after_a_while_and_wakes_when_someone_steps_in() -> None:
    from appliance.live.session import SessionTiming

    timing = SessionTiming(dim_after_s=60.0, dim_brightness=0.25)
    session = Session("drill", timing)
    synthetic = make_set(mode="drill", reps=0, walk_in=True, stand_s=3.0, seed=41)
    session.on_frame(None, 0.0, 0.0)
    session.tick(30.0)
    assert session.screen(30.0).brightness == 1.0
    session.tick(61.0)
    assert session.screen(61.0).brightness == 0.25
    for frame in synthetic.frames():
        t = 100.0 + frame.t_s
        session.on_frame(frame.pose, t, t)
        session.tick(t)
    assert session.screen(t).brightness == 1.0
    assert session.set_state == "running"

    screen = PygameDisplay(windowed=True, size=(640, 360))
    try:
        idle = Session("drill", timing).screen(0.0)
        screen.show(idle)
        bright = max(
            screen.surface.get_at((x, y))[0] for x in range(0, 640, 8) for y in range(0, 360, 8)
        )
        screen.show(replace(idle, brightness=0.25))
        dim = max(
            screen.surface.get_at((x, y))[0] for x in range(0, 640, 8) for y in range(0, 360, 8)
        )
    finally:
        screen.close()
    assert dim <= bright * 0.3 + 1


def test_every_rep_of_the_demo_set_is_in_the_history_and_a_studio_keeps_nothing(
    tmp_path: Path,
) -> None:
    from appliance.history import HistoryStore, open_history

    for studio in (False, True):
        path = tmp_path / f"history-{studio}.sqlite"
        store = open_history(path, studio=studio)
        loop, grabber, screen = make_loop(lambda: DemoSource("drill", sets=1))
        loop.session = Session("drill", store=store)
        try:
            assert loop.run() == 0
        finally:
            grabber.stop()
            screen.close()
        loop.session.end_session()
        store.close()
        if studio:
            assert not path.exists(), "the studio profile wrote a database"
            continue
        with HistoryStore.open(path) as kept:
            (recorded,) = kept.sets()
        assert [rep.index for rep in recorded.reps] == [1, 2, 3, 4, 5, 6]
        assert [rep.faults for rep in recorded.reps][1:3] == [("squatting",), ("squatting",)]
        assert "Hips back, not down" in [c.cue.text for c in recorded.cues]


def test_after_three_clean_drill_sets_the_summary_suggests_deadlift_mode(tmp_path: Path) -> None:
    from appliance.coach.progression import MOVE_ON
    from appliance.history import open_history

    store = open_history(tmp_path / "history.sqlite")
    session = Session("drill", store=store)
    t = 0.0
    tips = []
    for seed in (51, 52, 53):
        synthetic = make_set(mode="drill", reps=4, seed=seed, leave=True)
        for frame in synthetic.frames():
            session.on_frame(frame.pose, t + frame.t_s, t + frame.t_s)
            session.tick(t + frame.t_s)
        t += synthetic.duration_s + 10.0
        session.tick(t)
        assert session.summary is not None
        tips.append(session.summary.tip)
    store.close()
    assert tips[:2] != [MOVE_ON, MOVE_ON]
    assert tips[2] == MOVE_ON


def test_a_studio_that_keeps_counts_counts_the_visit_still_there_when_the_mirror_stops(
    tmp_path: Path,
) -> None:
    from appliance.history import HistoryStore, open_history

    path = tmp_path / "history.sqlite"
    store = open_history(path, studio=True, anonymous_counts=True)
    loop, grabber, screen = make_loop(lambda: DemoSource("drill", sets=1))
    loop.session = Session("drill", store=store)
    try:
        assert loop.run() == 0
        loop.finish()  # what run does on SIGTERM or at the end of a file
    finally:
        grabber.stop()
        screen.close()
        store.close()
    with HistoryStore.open(path) as kept:
        assert kept.sets() == []
        (count,) = kept.daily_counts()
    assert (count.mode, count.sets, count.reps) == ("drill", 1, 6)
