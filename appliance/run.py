"""``hinge-mirror run``: the live loop.

For now a pose mirror: frames from the source, MoveNet, the mirrored skeleton drawn on
black fullscreen (a window with ``--windowed``). The form evaluator, cues, voice and
buttons join this loop in their own issues.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from appliance.errors import EXIT_OK, CameraNotFound, DisplayUnavailable

TEXT_COLOUR = (230, 230, 230)


def default_source_spec() -> str:
    """The Pi camera when present, else the first webcam found."""
    from appliance.sources.probe import probe_cameras

    found = probe_cameras()
    if any(line.startswith("picamera") for line in found):
        return "picamera"
    webcams = [line.split(": ", 1)[0] for line in found if line.startswith("webcam:")]
    if webcams:
        return webcams[0]
    raise CameraNotFound("no camera found: connect one, or give --source VIDEO_FILE")


def _handle(args: argparse.Namespace) -> int:
    from appliance.cli import config_from
    from appliance.pose import PoseEstimator
    from appliance.sources import open_source

    config = config_from(args)
    estimator = PoseEstimator.from_config(config)
    spec = args.source or default_source_spec()
    with open_source(spec, config.camera) as source:
        return _loop(source, estimator, args)


def _loop(source: Any, estimator: Any, args: argparse.Namespace) -> int:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    from appliance.display.skeleton import draw_skeleton

    try:
        pygame.display.init()
        pygame.font.init()
        if args.windowed:
            screen = pygame.display.set_mode((960, 540))
        else:
            screen = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
            pygame.mouse.set_visible(False)
    except pygame.error as error:
        raise DisplayUnavailable(f"cannot open the display: {error}") from error
    pygame.display.set_caption("Hinge Mirror")
    font = pygame.font.Font(None, max(24, screen.get_height() // 20))
    is_recording = source.nominal_fps is not None and not spec_is_camera(args.source)
    started = time.monotonic()
    shown = 0
    try:
        for frame in source.frames():
            if is_recording:  # play a recording at its own speed, not as fast as possible
                delay = frame.t_s - (time.monotonic() - started)
                if delay > 0:
                    time.sleep(min(delay, 0.5))
            pose = estimator.estimate(frame)
            screen.fill((0, 0, 0))
            if pose.person_present:
                draw_skeleton(screen, pose, mirrored=True)
            shown += 1
            fps = shown / max(1e-6, time.monotonic() - started)
            label = f"{args.mode.upper()}   {fps:4.1f} fps"
            screen.blit(font.render(label, True, TEXT_COLOUR), (20, 20))
            pygame.display.flip()
            for event in pygame.event.get():
                if event.type == pygame.QUIT or (
                    event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_q)
                ):
                    return EXIT_OK
        if not args.until_end:
            # A recording ended: keep the last picture until the user closes the window.
            while not any(e.type in (pygame.QUIT, pygame.KEYDOWN) for e in pygame.event.get()):
                time.sleep(0.05)
    finally:
        pygame.display.quit()
    return EXIT_OK


def spec_is_camera(spec: str | None) -> bool:
    """True for live sources (no end, no own timeline)."""
    return spec is None or spec == "picamera" or spec.startswith("webcam")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add ``run`` to the command line."""
    parser = subparsers.add_parser("run", parents=[common], help="the mirror (live loop)")
    parser.add_argument(
        "--source", metavar="S", help="video, image folder, .jsonl, webcam[:N], picamera"
    )
    parser.add_argument("--mode", choices=("drill", "deadlift"), default="drill")
    parser.add_argument("--windowed", action="store_true", help="a window, not fullscreen")
    parser.add_argument("--until-end", action="store_true", help="exit when a file source ends")
    parser.set_defaults(handler=_handle)
