"""``hinge-mirror bench --soak MINUTES``: the whole loop for a long time; does it leak?

Runs the pipeline the mirror runs — pose model, form evaluator, cue policy and the screen
renderer (drawn off-screen) — over a source that starts again when it ends, as fast as
the machine allows, and prints the process's resident memory (MB), threads and open files
every ``every_s`` seconds, then the growth after the warm-up. Numbers, not pass/fail.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from appliance.sources.base import FrameSource
from appliance.types import Frame
from appliance.words import counted

WARM_UP_S = 60.0
AWAY_S = 4.0  # seconds nobody is in front of the mirror between two rounds of the source


@dataclass(frozen=True)
class Sample:
    """One reading: seconds since the start, frames so far, RSS (MB), threads, open files."""

    elapsed_s: float
    frames: int
    rss_mb: float
    threads: int
    open_files: int


def read_process() -> tuple[float, int, int]:
    """(resident memory in MB, threads, open file descriptors) of this process."""
    rss_kb = 0.0
    threads = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss_kb = float(line.split()[1])
        elif line.startswith("Threads:"):
            threads = int(line.split()[1])
    return rss_kb / 1024.0, threads, len(os.listdir("/proc/self/fd"))


def looping(open_source: Callable[[], FrameSource], away_s: float = AWAY_S) -> Iterator[Frame]:
    """The source's frames over and over, timestamps running on, with ``away_s`` seconds of
    empty frames between the rounds: the lifter leaves and the next one comes, as at a
    mirror used all day, so sets end and begin (one endless set would measure a counter
    nobody reaches)."""
    offset_s = 0.0
    while True:
        last = None
        with open_source() as source:
            fps = source.nominal_fps or 30.0
            for frame in source.frames():
                last = frame
                yield Frame(frame.index, offset_s + frame.t_s, frame.width, frame.height,
                            frame.image, frame.pose)  # fmt: skip
        if last is None:
            return
        offset_s += last.t_s
        for i in range(round(away_s * fps)):
            yield Frame(-1, offset_s + (i + 1) / fps, last.width, last.height)
        offset_s += away_s + 1.0 / fps


def soak(
    open_source: Callable[[], FrameSource],
    minutes: float,
    mode: str,
    estimator: object | None,
    out: TextIO,
    every_s: float = 30.0,
) -> list[Sample]:
    """Run the loop's work for ``minutes``; print and return the readings (at least ten)."""
    every_s = min(every_s, minutes * 60.0 / 10.0)
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # keep stdout to the table
    import pygame

    from appliance.display.renderer import render
    from appliance.live.session import Session
    from appliance.pipeline import pose_of

    pygame.display.init()
    pygame.font.init()
    surface = pygame.Surface((1280, 720))
    session = Session(mode)
    start = time.monotonic()
    next_sample = 0.0
    samples: list[Sample] = []
    print(f"{'elapsed s':>10}{'frames':>9}{'RSS MB':>9}{'threads':>9}{'files':>7}", file=out)
    for frames, frame in enumerate(looping(open_source), start=1):
        pose = pose_of(frame, estimator)  # type: ignore[arg-type]
        session.on_frame(pose, frame.t_s, frame.t_s)
        session.tick(frame.t_s)
        render(session.screen(frame.t_s), surface)
        elapsed = time.monotonic() - start
        if elapsed >= next_sample:
            rss, threads, files = read_process()
            sample = Sample(elapsed, frames, rss, threads, files)
            samples.append(sample)
            print(
                f"{elapsed:>10.0f}{frames:>9}{rss:>9.1f}{threads:>9}{files:>7}",
                file=out,
                flush=True,
            )
            next_sample += every_s
        if elapsed >= minutes * 60.0:
            break
    print(growth_line(samples), file=out)
    return samples


def growth_line(samples: list[Sample]) -> str:
    """How much RSS, threads and open files changed after the warm-up."""
    warm = [s for s in samples if s.elapsed_s >= min(WARM_UP_S, samples[-1].elapsed_s / 2)]
    if len(warm) < 2:
        return "too short to measure growth"
    first, last = warm[0], warm[-1]
    return (
        f"after warm-up ({first.elapsed_s:.0f} s to {last.elapsed_s:.0f} s): "
        f"RSS {last.rss_mb - first.rss_mb:+.1f} MB, threads {last.threads - first.threads:+d}, "
        f"open files {last.open_files - first.open_files:+d}; {counted(last.frames, 'frame')}"
    )
