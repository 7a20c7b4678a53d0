"""Example screens: one ``ScreenModel`` for each main screen, for reference-image tests and
for looking at the renderer's work (``python -m appliance.display.examples DIR``).

The lifter's pose is made from the attract figure's hinge geometry, seen from the side in
a 640x480 frame, so the examples need nothing outside the display room.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path

import numpy as np

from appliance.coach.trend import SetComparison
from appliance.display.profile_figure import hinge_points
from appliance.display.screen_model import (
    CueView,
    Diagnostics,
    ProgressView,
    ScreenModel,
    SummaryView,
)
from appliance.display.tips import tip_for
from appliance.history.records import SetRecord
from appliance.types import KEYPOINT_INDEX, NUM_KEYPOINTS, Pose, Rep

FRAME = (640, 480)


def example_pose(hinge: float = 0.8, facing_right: bool = True, t_s: float = 0.0) -> Pose:
    """A lifter in side view, hinged ``hinge`` (0 standing .. 1 deep), feet at the bottom
    middle of a 640x480 frame; the near (left) side confident, the far side less so."""
    width, height = FRAME
    body_px = 0.85 * height  # hinge_points is in body-height units
    sign = 1.0 if facing_right else -1.0
    rows = np.zeros((NUM_KEYPOINTS, 3), dtype=np.float32)
    for part, (x, y) in hinge_points(hinge).items():
        px, py = 0.5 * width + sign * x * body_px, 0.95 * height + y * body_px
        if part == "nose":
            for name, dx, dy in (("nose", 0, 0), ("left_eye", -4, -6), ("right_eye", -2, -6)):
                rows[KEYPOINT_INDEX[name]] = (py + dy) / height, (px + sign * dx) / width, 0.8
            continue
        rows[KEYPOINT_INDEX[f"left_{part}"]] = py / height, px / width, 0.9
        rows[KEYPOINT_INDEX[f"right_{part}"]] = (py - 3) / height, (px - 6) / width, 0.5
    return Pose(rows, width, height, t_s, True)


BACK = (("left_shoulder", "left_hip"), ("right_shoulder", "right_hip"))
EXAMPLE_WALL_S = 1_795_000_000.0  # a Thursday in November 2026, 10:13 UTC


def example_records() -> tuple[SetRecord, ...]:
    """Nine deadlift sets over four weeks, scores rising and squatting fading."""
    records = []
    for k in range(9):
        started = EXAMPLE_WALL_S - (26 - 3 * k) * 86400.0
        reps = tuple(
            Rep(
                index=i + 1,
                start_s=3.0 * i,
                bottom_s=3.0 * i + 1,
                end_s=3.0 * i + 2,
                faults=("squatting",) if (i + k) % 9 < 6 - k // 2 else (),
                score=70 + 2 * k + i % 3,
                metrics={},
                unjudged={},
            )
            for i in range(5 + k % 3)
        )
        records.append(
            SetRecord(
                k + 1, k + 1, "Ada", "deadlift", "side", started, started + 60.0, None, reps, ()
            )
        )
    return tuple(records)


def example_models() -> dict[str, ScreenModel]:
    """The main screens by name: idle, ready (calibrating), running with a safety cue,
    running with praise, summary with a fault, clean summary, camera lost, diagnostics."""
    running = ScreenModel(
        mode="deadlift",
        set_state="running",
        rep_count=4,
        scores=(92, 88, 71, 54),
        cue=CueView("Flat back — chest proud", "safety", "rounded_back", 12.0),
        guidance="Turn sideways so I can check your back",
        view="side",
        phase="bottom",
        pose=example_pose(0.8),
        faulty_segments=BACK,
        now_s=12.5,
    )
    summary = SummaryView(
        reps=6,
        scores=(92, 88, 71, 54, 80, 90),
        main_fault="rounded_back",
        main_cue="Flat back — chest proud",
        tip=tip_for("rounded_back"),
    )
    return {
        "idle": ScreenModel(mode="deadlift", set_state="idle", now_s=0.0),
        "ready_calibrating": ScreenModel(
            mode="drill",
            set_state="ready",
            calibrating=True,
            view="side",
            pose=example_pose(0.0),
            phase="standing",
            now_s=3.0,
        ),
        "ready": ScreenModel(
            mode="drill",
            set_state="ready",
            view="front",
            pose=example_pose(0.0),
            now_s=3.0,
        ),
        "running_safety": running,
        "running_praise": replace(
            running,
            rep_count=5,
            scores=(*running.scores, 90),
            cue=CueView("Better — flat back", "praise", "rounded_back", 14.0),
            guidance=None,
            faulty_segments=(),
            pose=example_pose(0.1),
        ),
        "summary": ScreenModel(
            mode="deadlift",
            set_state="summary",
            rep_count=6,
            scores=summary.scores,
            summary=summary,
            now_s=40.0,
        ),
        "summary_compared": ScreenModel(
            mode="deadlift",
            set_state="summary",
            rep_count=6,
            scores=summary.scores,
            summary=replace(
                summary,
                main_fault="squatting",
                main_cue="Hips back, not down",
                tip=tip_for("squatting"),
                comparison=SetComparison(
                    averages=(72.0, 75.0, 76.0, 79.2),
                    score_line="Up 5 on your last 3 sets (74)",
                    score_trend="better",
                    fault="squatting",
                    fault_detail="2 of 6 reps, was 61%",
                    fault_trend="better",
                ),
            ),
            person="Ada",
            now_s=40.0,
        ),
        "progress": ScreenModel(
            mode="deadlift",
            set_state="ready",
            person="Ada",
            progress=ProgressView("Ada", ("Ada", "Ben"), example_records(), EXAMPLE_WALL_S),
            now_s=40.0,
        ),
        "summary_clean": ScreenModel(
            mode="drill",
            set_state="summary",
            rep_count=5,
            scores=(90, 95, 88, 91, 93),
            summary=SummaryView(5, (90, 95, 88, 91, 93), None, None, tip_for(None)),
            now_s=40.0,
        ),
        "camera_lost": replace(
            running,
            camera="lost",
            notice="Camera lost — reconnecting…",
            cue=None,
            guidance=None,
        ),
        "diagnostics": replace(
            running,
            diagnostics=Diagnostics(29.8, 11.4, 84.0, 131.0, 3, "litert", "demo source"),
        ),
    }


def save_examples(directory: Path, sizes: list[tuple[int, int]]) -> list[Path]:
    """Render every example at every ``(width, height)`` to ``NAME_WxH.png`` in
    ``directory``; the paths written."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    from appliance.display.renderer import render

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in example_models().items():
        for width, height in sizes:
            surface = pygame.Surface((width, height))
            render(model, surface)
            path = directory / f"{name}_{width}x{height}.png"
            pygame.image.save(surface, str(path))
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Write the example screens as PNGs (default sizes 1920x1080 and 800x480)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--size", action="append", default=[], help="WIDTHxHEIGHT, repeatable")
    args = parser.parse_args(argv)
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.size] or [(1920, 1080), (800, 480)]
    for path in save_examples(args.directory, [(w, h) for w, h in sizes]):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
