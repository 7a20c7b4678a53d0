"""``analyze FRONT --side-source SIDE``: two recordings of one set, fused (issue 12).

The front recording is the mirror's camera; the side recording's timestamps plus
``--side-offset`` put it on the front's clock. Each frame goes through its own camera's
pose model and evaluator (``appliance.fusion``); the cue policy hears the fused verdict on
every front frame, as it would live.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from appliance.analyze.command import Analysis, Reported, estimator_for, make_policy, reported
from appliance.errors import BadInput
from appliance.types import FormUpdate

if TYPE_CHECKING:
    from appliance.config import Config
    from appliance.pipeline import EstimatorLike
    from appliance.sources import FrameSource


@dataclass(frozen=True)
class SideSource:
    """The side camera's recording and its ``offset_s`` (seconds added to its
    timestamps to put them on the front's clock)."""

    path: str
    offset_s: float = 0.0


def analyse_pair(
    front: FrameSource,
    side: FrameSource,
    *,
    side_offset_s: float,
    mode: str,
    estimators: tuple[EstimatorLike | None, EstimatorLike | None],
    config: Config,
    annotate_out: Path | None = None,
    max_frames: int | None = None,
    progress: TextIO | None = None,
) -> Analysis:
    """Both sources through the fused pipeline; at most ``max_frames`` front frames. A
    ``BadInput`` from either source mid-way ends the run and is kept in the result."""
    from appliance.analyze.annotate import AnnotatedVideo
    from appliance.analyze.progress import FrameProgress
    from appliance.fusion import PairedEvaluator
    from appliance.fusion.pairing import FRONT, merged_frames
    from appliance.pipeline import Step, pose_of

    evaluator = PairedEvaluator(mode)
    policy = make_policy(mode, config.cues)
    analysis = Analysis(evaluator.summary())
    bar = FrameProgress(progress, None)
    video = None
    if annotate_out is not None:
        video = AnnotatedVideo(
            annotate_out,
            fps=front.nominal_fps or 30.0,
            width=front.width + side.width,
            height=max(front.height, side.height),
            side_width=side.width,
        )
    side_step: Step | None = None
    front_frames = itertools.islice(front.frames(), max_frames)
    try:
        for camera, frame in merged_frames(front_frames, side.frames(), side_offset_s):
            if camera == FRONT:
                pose = pose_of(frame, estimators[0])
                form = evaluator.update(pose, frame.t_s)
                cues = tuple(policy.update(form))
                analysis.frames += 1
                analysis.last_t_s = frame.t_s
                analysis.cues.extend(cues)
                if video is not None:
                    video.write(Step(frame, pose, form, cues), side_step)
                bar.update(analysis.frames)
            else:
                if analysis.last_t_s and frame.t_s > analysis.last_t_s + 1.0 and max_frames:
                    continue  # the front stopped at --max-frames: nothing left to pair
                pose = pose_of(frame, estimators[1])
                side_form: FormUpdate = evaluator.update_side(pose, frame.t_s)
                side_step = Step(frame, pose, side_form, ())
    except BadInput as error:
        analysis.error = error
    finally:
        bar.finish()
        if video is not None:
            video.close()
    analysis.summary = evaluator.summary()
    return analysis


def report_for_pair(
    front_path: str,
    side: SideSource,
    *,
    mode: str,
    config: Config,
    estimator: Callable[[], EstimatorLike] | None = None,
    annotate_out: Path | None = None,
    max_frames: int | None = None,
    progress: TextIO | None = None,
) -> Reported:
    """``report_for`` for a front and a side recording: the version-1 report with the
    ``cameras`` entry and each rep's ``judged_by`` (README.md, "Two cameras")."""
    from appliance.analyze.report import clip_timing
    from appliance.sources import open_source

    with (
        open_source(front_path, config.camera) as front,
        open_source(side.path, config.camera) as side_source,
    ):
        analysis = analyse_pair(
            front,
            side_source,
            side_offset_s=side.offset_s,
            mode=mode,
            estimators=(
                estimator_for(front_path, config, estimator),
                estimator_for(side.path, config, estimator),
            ),
            config=config,
            annotate_out=annotate_out,
            max_frames=max_frames,
            progress=progress,
        )
        description = f"{front.description} + side {side_source.description}"
        timing = clip_timing(analysis.frames, front.nominal_fps, analysis.last_t_s)
    cameras: dict[str, Any] = {
        "front": front_path,
        "side": side.path,
        "side_offset_s": round(side.offset_s, 3),
    }
    return reported(front_path, analysis, timing, description, cameras)
