"""``hinge-mirror run``: the appliance — live loop, mirror screen, voice and buttons.

Source: ``--source``, else the Pi camera when present, else the first webcam, else the
built-in demo lifter. A side camera (issue 12): ``--side-source`` or ``[camera.side]
source``; both cameras' frames are timed on one clock (``time.monotonic`` at capture), the
side camera's pose model runs at most ``[camera.side] fps`` times a second
(``appliance.live.side``). Recordings and the demo play at their own speed; the demo repeats
its visit (with the room empty in between) unless ``--until-end``.

No screen: a bare ``run`` (``make run``) from a terminal shows the demo once, headless,
into a folder (``appliance.headless``); asked for a source or a window, or under systemd,
it is exit 4 (systemd: after waiting for the screen, which may be switched off at boot).

History: a camera's sets are recorded in the history (``--history FILE``: in that file
instead); a recording's (a file source) only with ``--history [FILE]``, else they are
kept in memory only (as in the studio profile) and forgotten; the demo's never.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from appliance.errors import EXIT_OK
from appliance.types import MODES
from appliance.words import counted

log = logging.getLogger("hinge_mirror")


def default_source_spec() -> str:
    """The Pi camera when present, else the first webcam found, else the demo lifter."""
    from appliance.sources.probe import probe_cameras

    found = probe_cameras()
    if any(line.startswith("picamera") for line in found):
        return "picamera"
    webcams = [line.split(": ", 1)[0] for line in found if line.startswith("webcam:")]
    if webcams:
        return webcams[0]
    log.warning("no camera found: showing the demo lifter")
    return "demo"


def _handle(args: argparse.Namespace) -> int:
    from appliance.cli import config_from
    from appliance.controls import keyboard_events, open_buttons
    from appliance.display.window import no_screen, open_display
    from appliance.live.grabber import FrameGrabber
    from appliance.live.loop import LiveLoop, LoopOptions
    from appliance.live.thermal import HeatGuard
    from appliance.mqtt import open_telemetry
    from appliance.pose import PoseEstimator
    from appliance.sources.spec import carries_keypoints, is_camera
    from appliance.supervise import (
        Notifier,
        StageHeartbeat,
        Watchdog,
        exit_on_thread_crash,
        watchdog_interval_s,
    )

    logging.basicConfig(level=logging.INFO, format="hinge-mirror: %(message)s")
    config = config_from(args)
    notifier = Notifier.from_env()
    if headless_allowed(args, notifier.enabled):
        reason = no_screen()
        if reason is not None:
            from appliance.headless import show_demo

            return show_demo(args, config, reason)
    spec = args.source or default_source_spec()
    if spec == "demo":
        spec = f"demo:{args.mode}"
    if args.record_screens is not None:
        args.record_screens.mkdir(parents=True, exist_ok=True)
    check_history_choice(spec, args.history)
    side_spec = side_source_spec(args, config, spec)
    # Two cameras count time from one moment, so their frames pair up (issue 12).
    epoch_s = time.monotonic() if side_spec is not None else None
    first = _open(spec, config, args.until_end, epoch_s)  # bad input stops here
    estimator = None if carries_keypoints(spec) else PoseEstimator.from_config(config)
    opened = [first]

    def reopen() -> Any:
        return opened.pop() if opened else _open(spec, config, args.until_end, epoch_s)

    side = None if side_spec is None else _side_feed(side_spec, config, epoch_s)

    # Under systemd a screen that is not there yet (monitor off at boot) is waited for;
    # from a terminal, a missing screen is said at once.
    retry_s = DISPLAY_RETRY_S if notifier.enabled else ()
    screen = open_display(
        args.windowed, retry_s, lambda wait_s: notifier.extend_timeout(int((wait_s + 30) * 1e6))
    )
    buttons = open_buttons(config.controls)
    voice = _voice(config)
    grabber = FrameGrabber(reopen, realtime=not is_camera(spec))
    store = history_for(spec, args.history, config.mirror)
    store.close_unfinished()  # sets cut short by a power cut or a kill: their reps are kept
    options = LoopOptions(
        until_end=args.until_end,
        record_screens=args.record_screens,
        diagnostics=args.diagnostics,
        runtime=estimator.model.runtime if estimator else "keypoints source (no model)",
    )
    session = mirror_session(args.mode, config, store, side_camera=side is not None)
    exit_on_thread_crash(notifier)
    heartbeat = StageHeartbeat(STAGES)
    watchdog = Watchdog(heartbeat, notifier, watchdog_interval_s())
    telemetry = open_telemetry(config)  # None without [mqtt]: paho is never imported
    loop = LiveLoop(
        grabber,
        estimator,
        session,
        screen,
        voice,
        buttons,
        keyboard_events,
        options,
        supervisor=_Supervisor(heartbeat, watchdog),
        heat=HeatGuard(),
        telemetry=telemetry,
        side=side,
    )
    # Ctrl-C ends the mirror as the service's SIGTERM does: the set kept, the statistics said.
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, lambda *_: loop.request_stop())
    grabber.start()  # only now: frames read while the screen was opening would be dropped
    if side is not None:
        side.grabber.start()
    try:
        code = loop.run()
        loop.finish()
    finally:
        notifier.stopping()
        if telemetry is not None:
            telemetry.close()
        grabber.stop()
        if side is not None:
            side.grabber.stop()
        store.close()
        if loop.voice is not None:
            loop.voice.close()
        if buttons is not None:
            buttons.close()
        screen.close()
    _report(loop, spec)
    return code if code != EXIT_OK or grabber.status != "failed" else 1


def _open(spec: str, config: Any, until_end: bool, epoch_s: float | None = None) -> Any:
    """The source; the demo, without ``until_end``, visits for ever with the room empty
    between visits long enough for the set to end, its summary and the attract screen.
    ``epoch_s``: a camera's times count from this ``time.monotonic()`` reading."""
    from appliance.sources import open_source
    from appliance.sources.demo import DemoSource, visit_pause_s
    from appliance.sources.spec import is_demo

    if is_demo(spec) and not until_end:
        open_source(spec, config.camera).close()  # a demo:MODE with an unknown mode stops here
        pause_s = visit_pause_s(config.mirror.leave_s, config.mirror.summary_s)
        return DemoSource(spec.partition(":")[2] or "drill", sets=None, away_s=pause_s)
    return open_source(spec, config.camera, epoch_s=epoch_s)


def side_source_spec(args: argparse.Namespace, config: Any, front_spec: str) -> str | None:
    """The side camera's source: ``--side-source``, else ``[camera.side] source``; ``None``
    without one. ``BadInput`` when it names the front camera's own source."""
    from appliance.errors import BadInput

    spec = getattr(args, "side_source", None) or config.camera.side.source or None
    if spec is not None and _same_camera(spec, front_spec):
        raise BadInput(f"--side-source {spec}: that is the front camera; the side needs another")
    return spec


def _same_camera(a: str, b: str) -> bool:
    """``picamera`` is ``picamera:0``, ``webcam`` is ``webcam:0``."""
    return a.removesuffix(":0") == b.removesuffix(":0")


def _side_feed(spec: str, config: Any, epoch_s: float | None) -> Any:
    """The side camera, opened (bad input stops here, exit 2), with its own pose
    estimator and grabber, paced at ``[camera.side] fps``. A side camera that does not
    answer does not stop the mirror: it runs on the front camera while the grabber keeps
    trying (for ever: the side camera never ends the loop)."""
    from appliance.errors import CameraNotFound
    from appliance.live.grabber import FrameGrabber
    from appliance.live.side import SideFeed
    from appliance.pose import PoseEstimator
    from appliance.sources import open_source
    from appliance.sources.spec import carries_keypoints, is_camera

    side = config.camera.side
    opened: list[Any] = []
    try:
        opened.append(open_source(spec, side.camera(), epoch_s=epoch_s))
    except CameraNotFound as error:
        log.warning("side camera %s not found (%s): the front camera alone", spec, error)

    def reopen() -> Any:
        return opened.pop() if opened else open_source(spec, side.camera(), epoch_s=epoch_s)

    estimator = None if carries_keypoints(spec) else PoseEstimator.from_config(config)
    grabber = FrameGrabber(
        reopen, realtime=not is_camera(spec), give_up_s=math.inf, name="side camera"
    )
    log.info("side camera: %s (pose model at most %g frames/s)", spec, side.fps)
    return SideFeed(grabber, estimator, max_hz=side.fps)


def mirror_session(mode: str, config: Any, store: Any, *, side_camera: bool = False) -> Any:
    """The mirror's session for ``mode`` as configured (``config``: the whole ``Config``),
    keeping its sets in ``store``: the people of a home mirror, none in a studio.
    ``side_camera``: a second camera beside the lifter is judged with the front one."""
    from appliance.live.session import Session, SessionTiming

    mirror = config.mirror
    people = mirror.people if mirror.profile == "home" else ()
    return Session(
        mode,
        SessionTiming.from_config(mirror),
        store,
        config.cues,
        people=people,
        side_camera=side_camera,
    )


def headless_allowed(args: argparse.Namespace, under_systemd: bool) -> bool:
    """Whether a missing screen means the headless demo (``appliance.headless``) rather
    than exit 4: a bare ``run`` (``make run``) from a terminal. Not when a source, a window,
    ``--history`` or an SDL video driver was asked for (they need the screen), nor under
    systemd (``NOTIFY_SOCKET``): the appliance waits for its screen, never shows a demo."""
    asked = args.source or args.windowed or args.history is not None
    return not (asked or under_systemd or os.environ.get("SDL_VIDEODRIVER"))


def check_history_choice(spec: str, history: Path | bool | None) -> None:
    """``BadInput`` for ``--history`` with the demo: pretend sets are never recorded."""
    from appliance.errors import BadInput
    from appliance.sources.spec import is_demo

    if history is not None and is_demo(spec):
        raise BadInput("the demo is never recorded: --history is for a camera or a recording")


def history_for(spec: str, history: Path | bool | None, mirror: Any) -> Any:
    """The history store for this run (see the module docstring). ``history``: ``None``
    (no ``--history``), ``True`` (``--history``: the user's history) or a file."""
    from appliance.history import HistoryStore, open_history
    from appliance.sources.spec import is_camera, is_demo

    path = history if isinstance(history, Path) else None
    if is_demo(spec) or (history is None and not is_camera(spec)):
        if not is_demo(spec):
            log.info("%s: not recorded in the history (--history records it)", spec)
        return HistoryStore.open(Path(":memory:"), keep_personal=False)
    return open_history(
        path, studio=mirror.profile == "studio", anonymous_counts=mirror.anonymous_counts
    )


STAGES = ("camera", "pose", "display")
DISPLAY_RETRY_S = (2.0, 4.0, 8.0, 15.0, 30.0, 30.0)  # seconds between tries to open the screen


class _Supervisor:
    """The loop's progress, to systemd: READY once every stage worked, pings while they do."""

    def __init__(self, heartbeat: Any, watchdog: Any) -> None:
        self.heartbeat = heartbeat
        self.watchdog = watchdog

    def beat(self, stage: str) -> None:
        self.heartbeat.beat(stage)

    def tick(self) -> bool:
        return bool(self.watchdog.tick())


def _voice(config: Any) -> Any:
    """The speaker: every cue phrase pre-rendered in the background, tones without speech."""
    from appliance.audio import Voice, open_output

    voice = Voice(config.audio, open_output())
    voice.prerender()
    return voice


def _report(loop: Any, spec: str) -> None:
    stats = loop.stats
    latency = stats.latency_ms()
    said = counted(len(stats.cues), "cue")
    if latency is not None:
        said += f", camera-to-cue latency median {latency[0]:.0f} ms, p95 {latency[1]:.0f} ms"
    dropped = loop.grabber.dropped
    side = ""
    if loop.side is not None:
        side = f" (side camera: {loop.side.frames} evaluated, {loop.side.skipped} skipped)"
    print(
        f"{spec}: {counted(stats.frames, 'frame')} evaluated, {dropped} dropped{side}, "
        f"{counted(loop.session.sets_done, 'set')}, {said}",
        file=sys.stderr,
    )


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add ``run`` to the command line."""
    parser = subparsers.add_parser("run", parents=[common], help="the mirror (live loop)")
    parser.add_argument(
        "--source", metavar="S", help="video, image folder, .jsonl, webcam[:N], picamera[:N], demo"
    )
    parser.add_argument(
        "--side-source",
        metavar="S",
        help="a second camera beside the lifter (picamera:1, webcam:N; a file for tests):"
        " both views judged together (default: [camera.side] source, else none)",
    )
    parser.add_argument(
        "--mode",
        choices=MODES,
        default="drill",
        help="what the coach watches for: the hip-hinge drill or the deadlift (default: drill;"
        " the DRILL and DEADLIFT buttons switch it)",
    )
    parser.add_argument("--windowed", action="store_true", help="a window, not fullscreen")
    parser.add_argument(
        "--until-end",
        action="store_true",
        help="exit when a file source ends (the demo: after one visit, not repeated)",
    )
    parser.add_argument(
        "--history",
        nargs="?",
        const=True,
        type=Path,
        metavar="FILE",
        help="record a recording's sets (a file source; without this they are kept in memory"
        " only): in FILE, or bare, in your history ($HINGE_MIRROR_HISTORY, else the default"
        " under ~/.local/share/hinge-mirror); a camera's sets are always recorded (in FILE if"
        " given); the demo's never",
    )
    parser.add_argument(
        "--record-screens",
        type=Path,
        metavar="DIR",
        help="save a PNG whenever the screen changes (with no screen, a bare run shows the demo"
        " once into DIR, default ./hinge-mirror-demo)",
    )
    parser.add_argument("--diagnostics", action="store_true", help="start with the overlay on")
    parser.set_defaults(handler=_handle)
