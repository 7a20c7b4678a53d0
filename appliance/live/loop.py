"""The live loop: frames in, pose, form, cues; the mirror and the voice out.

Capture runs in its own thread (``FrameGrabber``: newest frame wins). This loop, on the
main thread, takes the newest frame when there is one, runs the pose model, the form
evaluator and the cue policy on it (the same ``appliance.pipeline`` road ``analyze``
takes), hands cues to the voice, and redraws the screen at the display's rate. Every wait
has a bound: a frame is waited for one display period at most. The camera-to-cue
latency — from the frame's arrival to the flip that first shows its cue — is measured on
every cue.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from appliance.controls.events import Control, ControlEvent
from appliance.display.screen_model import Diagnostics, ScreenModel
from appliance.live.grabber import FrameGrabber
from appliance.live.session import Session
from appliance.live.side import SideFeed
from appliance.live.thermal import HeatGuard
from appliance.percentiles import p95
from appliance.pipeline import EstimatorLike, needs_estimator, poses_together
from appliance.types import CueEvent

log = logging.getLogger("hinge_mirror.live")

CAMERA_LOST = "Camera lost — reconnecting…"


class Screen(Protocol):
    """Where the mirror is drawn (``PygameDisplay`` is the real one)."""

    def show(self, model: ScreenModel) -> float: ...
    def events(self) -> list[Any]: ...
    def save(self, path: Path) -> None: ...


class Speaker(Protocol):
    """What says the cues (``appliance.audio.Voice``): ``say`` never blocks, ``poll``
    lets a waiting cue start once the one playing has ended."""

    def say(self, event: CueEvent) -> bool: ...
    def poll(self) -> None: ...
    def close(self) -> None: ...


class Supervisor(Protocol):
    """systemd's view of the loop: stages report progress, ``tick`` sends READY and the
    watchdog pings (``appliance.supervise``)."""

    def beat(self, stage: str) -> None: ...
    def tick(self) -> bool: ...


class Buttons(Protocol):
    """The GPIO buttons (``appliance.controls.GpioButtons``)."""

    def poll(self, now: float) -> list[ControlEvent]: ...


class Telemetry(Protocol):
    """The mirror seen from afar (``appliance.mqtt.MqttBridge``): ``observe`` takes the
    loop's state, ``poll`` gives the commands that came in as control events (source
    ``"mqtt"``); neither waits on the network."""

    def observe(self, loop: LiveLoop, now: float) -> None: ...
    def poll(self, now: float, session: Session) -> list[ControlEvent]: ...


@dataclass
class LoopOptions:
    """``until_end``: stop when a file source ends. ``record_screens``: a folder for a PNG
    each time what the screen shows changes. ``display_hz``: redraws per second at most.
    ``diagnostics``: start with the overlay on."""

    until_end: bool = False
    record_screens: Path | None = None
    display_hz: float = 30.0
    diagnostics: bool = False
    runtime: str = ""


@dataclass
class LoopStats:
    """What a run measured: frames processed, cue latencies (seconds), screens saved."""

    frames: int = 0
    latencies_s: list[float] = field(default_factory=list)
    screens: list[Path] = field(default_factory=list)
    cues: list[CueEvent] = field(default_factory=list)

    def latency_ms(self) -> tuple[float, float] | None:
        """(median, p95) camera-to-cue latency in milliseconds, if any cue was shown."""
        if not self.latencies_s:
            return None
        latencies = self.latencies_s
        return statistics.median(latencies) * 1000.0, p95(latencies) * 1000.0


ON_PROGRESS_SCREEN: dict[Control, Control | None] = {
    Control.MODE_DRILL: Control.PREVIOUS_PERSON,
    Control.MODE_DEADLIFT: Control.NEXT_PERSON,
    Control.SET_TOGGLE: Control.PROGRESS,  # closes it
    Control.RECALIBRATE: None,  # nobody is standing for it
}
"""What a control means while the progress screen shows (``None``: nothing)."""


class LiveLoop:
    """One appliance run. ``keyboard`` maps the screen's events to control events."""

    def __init__(
        self,
        grabber: FrameGrabber,
        estimator: EstimatorLike | None,
        session: Session,
        screen: Screen,
        voice: Speaker | None,
        buttons: Buttons | None,
        keyboard: Callable[[list[Any], float], list[ControlEvent]],
        options: LoopOptions,
        clock: Callable[[], float] = time.monotonic,
        supervisor: Supervisor | None = None,
        heat: HeatGuard | None = None,
        telemetry: Telemetry | None = None,
        side: SideFeed | None = None,
    ) -> None:
        """``side``: the side camera's frames (two cameras, issue 12), fed to the session
        before each front frame they precede."""
        self.grabber = grabber
        self.estimator = estimator
        self.session = session
        self.screen = screen
        self.voice = voice
        self.buttons = buttons
        self.keyboard = keyboard
        self.options = options
        self.clock = clock
        self.supervisor = supervisor
        self.heat = heat
        self.telemetry = telemetry
        self.side = side
        self._last_pose: Any = None
        self._reopen_attempts = 0
        self.stats = LoopStats()
        self.show_diagnostics = options.diagnostics
        self._waiting_for_screen: list[tuple[CueEvent, float]] = []
        self.frame_times: deque[float] = deque(maxlen=60)
        self._last_signature: tuple[Any, ...] | None = None
        self._quit = False
        # The session runs on the frames' clock (seconds): a camera that stalls stops time
        # for the set instead of ending it, and recordings replay the same way every time.
        self.frame_time = 0.0

    def run(self) -> int:
        """Run until quit, or until a file source ends with ``until_end``; exit code."""
        period = 1.0 / self.options.display_hz
        while not self._quit:
            now = self.clock()
            for event in self.poll_controls(now):
                self.handle(event)
            grabbed = self.grabber.get(period)
            if grabbed is not None:
                self._process(grabbed.frame, grabbed.received_s)
            self.session.tick(self.frame_time)
            if self.voice is not None:
                self.voice.poll()
            self._draw()
            if self.telemetry is not None:
                self.telemetry.observe(self, now)
            self._report_progress(grabbed is not None)
            if self.grabber.finished:
                return self._source_over()
        return 0

    def request_stop(self) -> None:
        """End the loop at the next iteration (SIGTERM); the set in progress is kept."""
        self._quit = True

    def finish(self) -> None:
        """After the loop: end the set in progress, so its reps make a summary, and the
        visit (a studio counts it, if it keeps counts, and forgets it)."""
        self.session.end_set(self.frame_time)
        self.session.end_session()

    def _report_progress(self, got_frame: bool) -> None:
        """Tell systemd which stages moved: a frame (camera, pose), a flip (display). A
        camera being reopened counts as progress while the grabber keeps trying."""
        if self.supervisor is None:
            return
        attempts = self.grabber.reopen_attempts
        if got_frame or attempts != self._reopen_attempts:
            self.supervisor.beat("camera")
        if got_frame:
            self.supervisor.beat("pose")
        self.supervisor.beat("display")
        self._reopen_attempts = attempts
        self.supervisor.tick()

    def handle(self, event: ControlEvent) -> None:
        """Act on a button or key. On the progress screen DRILL and DEADLIFT step through
        the people and SET closes it (three buttons, so they mean what the screen shows)."""
        now = self.frame_time
        control: Control | None = event.control
        if self.session.progress is not None and event.source != "mqtt":  # it says what it means
            control = ON_PROGRESS_SCREEN.get(event.control, event.control)
        match control:
            case Control.MODE_DRILL:
                self.session.set_mode("drill", now)
            case Control.MODE_DEADLIFT:
                self.session.set_mode("deadlift", now)
            case Control.SET_TOGGLE:
                self.session.toggle_set(now)
            case Control.RECALIBRATE:
                self.session.recalibrate()
            case Control.PROGRESS:
                self.session.toggle_progress(now)
            case Control.NEXT_PERSON:
                self.session.choose_person(1, now)
            case Control.PREVIOUS_PERSON:
                self.session.choose_person(-1, now)
            case Control.DIAGNOSTICS:
                self.show_diagnostics = not self.show_diagnostics
            case Control.QUIT:
                self._quit = True

    # -- steps -------------------------------------------------------------------------

    def poll_controls(self, now: float) -> list[ControlEvent]:
        """Button and key events since the last poll (``now``: the buttons' clock, s)."""
        events = self.buttons.poll(now) if self.buttons is not None else []
        if self.telemetry is not None:
            events += self.telemetry.poll(now, self.session)
        return events + self.keyboard(self.screen.events(), now)

    def _process(self, frame: Any, received_s: float) -> None:
        side_jobs: list[tuple[Any, EstimatorLike | None]] = []
        if self.side is not None:
            side_jobs = [(f, self.side.estimator) for f in self.side.due(frame.t_s)]
        if self.heat is not None and needs_estimator(frame) and self.heat.skip_frame():
            pose = self._last_pose  # hot: the model rests on this frame, the last pose stands
            side_poses = poses_together(side_jobs)
        else:
            pose, *side_poses = poses_together([(frame, self.estimator), *side_jobs])
        self._last_pose = pose
        self.frame_time = frame.t_s
        for (side_frame, _), side_pose in zip(side_jobs, side_poses, strict=True):
            self.session.on_side_frame(side_pose, side_frame.t_s)
        for cue in self.session.on_frame(pose, frame.t_s, frame.t_s, frame.image):
            self.stats.cues.append(cue)
            if self.voice is not None:
                self.voice.say(cue)
            self._waiting_for_screen.append((cue, received_s))
        self.stats.frames += 1
        self.frame_times.append(self.clock())

    def _draw(self) -> None:
        model = self._model(self.frame_time)
        shown_at = self.screen.show(model)
        for _cue, received_s in self._waiting_for_screen:
            self.stats.latencies_s.append(max(0.0, shown_at - received_s))
        self._waiting_for_screen.clear()
        self._record(model)

    def _model(self, now: float) -> ScreenModel:
        model = self.session.screen(now)
        status = self.grabber.status
        camera = _camera_trouble(status) or "ok"
        notice = CAMERA_LOST if camera == "lost" else self.session.notice
        diagnostics = self.diagnostics() if self.show_diagnostics else None
        side_camera = model.side_camera
        if self.side is not None:
            side_status = self.side.grabber.status
            side_camera = _camera_trouble(side_status) or side_camera
        return replace(
            model,
            camera=camera,
            notice=notice,
            diagnostics=diagnostics,
            side_camera=side_camera,
            side_pose=None if side_camera == "lost" else model.side_pose,
        )

    def diagnostics(self) -> Diagnostics:
        """The loop's numbers now: frames per second, inference (ms), cue latency (ms)."""
        times = self.frame_times
        fps = (
            (len(times) - 1) / (times[-1] - times[0])
            if len(times) > 1 and times[-1] > times[0]
            else 0.0
        )
        latency = self.stats.latency_ms()
        inference_ms = 0.0
        last_times = getattr(self.estimator, "last_times", None)
        if last_times is not None:
            inference_ms = last_times.inference_s * 1000.0
        return Diagnostics(
            fps=fps,
            inference_ms=inference_ms,
            latency_median_ms=latency[0] if latency else None,
            latency_p95_ms=latency[1] if latency else None,
            dropped_frames=self.grabber.dropped,
            runtime=self.options.runtime,
            note=self.heat.note() if self.heat is not None else "",
        )

    def _record(self, model: ScreenModel) -> None:
        folder = self.options.record_screens
        if folder is None:
            return
        signature = (
            model.mode,
            model.set_state,
            model.rep_count,
            model.cue.text if model.cue else None,
            model.guidance,
            model.camera,
            model.calibrating,
            model.person,
            model.progress.person if model.progress else "-",
            model.side_camera,
        )
        if signature == self._last_signature:
            return
        self._last_signature = signature
        lost = "-camera-lost" if model.camera == "lost" else ""
        lost += "-side-lost" if model.side_camera == "lost" else ""
        state = "progress" if model.progress is not None else model.set_state
        name = f"{len(self.stats.screens) + 1:04d}-{state}-rep{model.rep_count}{lost}.png"
        path = folder / name
        self.screen.save(path)
        self.stats.screens.append(path)

    def _source_over(self) -> int:
        """The source ended (a file) or the camera is gone for good."""
        if self.grabber.status == "failed" and self.grabber.error is not None:
            log.error("source failed: %s", self.grabber.error)
            if not self.options.until_end:
                return 1
        self.session.end_set(self.frame_time)
        self._draw()
        if self.options.until_end:
            return 0 if self.grabber.status == "ended" else 1
        while not self._quit:  # keep the summary on screen until the user quits
            for event in self.poll_controls(self.clock()):
                self.handle(event)
            self._draw()
            time.sleep(1.0 / self.options.display_hz)
        return 0


def _camera_trouble(grabber_status: str) -> str | None:
    """What the screen says of a camera whose grabber reports ``grabber_status``:
    ``"lost"`` (lost or failed), ``"starting"``, or ``None`` when it is delivering."""
    return {"lost": "lost", "failed": "lost", "starting": "starting"}.get(grabber_status)
