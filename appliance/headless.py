"""``hinge-mirror run`` with no screen: the demo once, headless, written to a folder.

A newcomer's ``make run`` on a machine without a screen (a server, a container, ssh) still
shows the product: one visit of the demo lifter goes through the mirror's own loop and
session on SDL's dummy driver, every change of the screen saved as a PNG (as
``--record-screens``), then what the voice said is written as a WAV (``render_set_audio``:
the same ``Voice``) and as text. The session runs on the frames' clock, so the visit runs
as fast as the screens render and the screens are the ones the mirror shows in real time.
Nothing goes to the history (the demo is never recorded). ``run`` decides when this
happens: never under systemd, where the mirror waits for its screen instead.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
from pathlib import Path
from typing import Any

from appliance.words import counted

log = logging.getLogger("hinge_mirror")

DEFAULT_FOLDER = Path("hinge-mirror-demo")
"""Where the headless demo writes (relative to the working directory) without
``--record-screens DIR``."""


def show_demo(args: argparse.Namespace, config: Any, reason: str) -> int:
    """Run the demo's visit once into ``--record-screens`` (else ``DEFAULT_FOLDER``); print
    where to look and how to see the mirror on a screen. ``reason``: why there is no screen."""
    from appliance.audio import render_set_audio
    from appliance.display.window import PygameDisplay
    from appliance.live.grabber import FrameGrabber
    from appliance.live.loop import LiveLoop, LoopOptions
    from appliance.run import history_for, mirror_session
    from appliance.sources import open_source

    folder: Path = args.record_screens or DEFAULT_FOLDER
    log.info("no screen (%s): showing the demo once, headless, into %s/", reason, folder)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["SDL_VIDEODRIVER"] = "dummy"  # asked for: draws nowhere, saves the PNGs
    spec = f"demo:{args.mode}"
    store = history_for(spec, None, config.mirror)  # in memory: the demo is never recorded
    screen = PygameDisplay(windowed=True)
    # Every frame, as fast as it renders: nobody watches in real time.
    grabber = FrameGrabber(lambda: open_source(spec), realtime=False, keep_every_frame=True)
    loop = LiveLoop(
        grabber,
        None,
        mirror_session(args.mode, config, store),
        screen,
        None,  # no speaker: the cues are rendered to the WAV below
        None,
        lambda events, now: [],
        LoopOptions(
            until_end=True,
            record_screens=folder,
            diagnostics=args.diagnostics,
            runtime="keypoints source (no model)",
        ),
    )
    for stop_signal in (signal.SIGTERM, signal.SIGINT):  # as the mirror ends on them
        signal.signal(stop_signal, lambda *_: loop.request_stop())
    grabber.start()
    try:
        code = loop.run()
        loop.finish()
    finally:
        grabber.stop()
        store.close()
        screen.close()
    cues = loop.stats.cues
    wav = folder / "voice.wav"
    render_set_audio(cues, wav, config.audio)
    said = folder / "said.txt"
    said.write_text("".join(f"{cue.t_s:6.1f} s  {cue.text}\n" for cue in cues))
    screens = loop.stats.screens
    summaries = [path for path in screens if "-summary-" in path.name]
    summary = f" (the set's summary: {summaries[0]})" if summaries else ""
    shown = counted(len(screens), "PNG")
    print(f"hinge-mirror: what the mirror showed: {shown} in {folder}/{summary}")
    print(f"hinge-mirror: what it said: {wav} ({counted(len(cues), 'cue')}, as text in {said})")
    print(
        "hinge-mirror: to see the mirror on a screen: `make run` in a desktop session"
        " (RUN_ARGS=--windowed for a window), on the Pi the service (sudo ./hardware/install.sh);"
        " Esc, Q or Ctrl-C stop it"
    )
    return code
