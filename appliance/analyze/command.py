"""``hinge-mirror analyze SOURCE``: the pipeline over a file, as fast as the machine allows.

Outputs: a summary on the terminal, ``--json OUT`` (the version-1 report; ``-`` for stdout,
the summary then goes to stderr), ``--keypoints-out FILE.jsonl`` and ``--annotate OUT.mp4``.
Arguments are checked before any heavy work (output folders, then the source, then the
model). A source that turns out cut short mid-way still gets every output for what was
read, then its one-line error and exit 2.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from appliance.errors import ApplianceError, BadInput
from appliance.types import MODES, CueEvent

if TYPE_CHECKING:
    from appliance.coach.config import CueConfig
    from appliance.config import Config
    from appliance.form.evaluator import SetSummary
    from appliance.pipeline import CuePolicyLike, EstimatorLike
    from appliance.sources import FrameSource

STDOUT = "-"


@dataclass
class Analysis:
    """What a run over one source found: the evaluator's ``summary``, every cue, how many
    ``frames`` were analysed, the last frame's time (seconds), and the source's error if it
    ended early (``None`` when it was read to the end)."""

    summary: SetSummary
    cues: list[CueEvent] = field(default_factory=list)
    frames: int = 0
    last_t_s: float = 0.0
    error: BadInput | None = None


def make_policy(mode: str, cues: CueConfig | None = None) -> CuePolicyLike:
    """The cue policy for ``mode`` (``cues``: the ``[cues]`` config)."""
    from appliance.coach import CuePolicy

    return CuePolicy(mode, cues)


def analyse(
    source: FrameSource,
    *,
    mode: str,
    estimator: EstimatorLike | None,
    policy: CuePolicyLike,
    keypoints_out: Path | None = None,
    annotate_out: Path | None = None,
    max_frames: int | None = None,
    progress: TextIO | None = None,
) -> Analysis:
    """Run ``source`` through the pipeline, writing the keypoints and annotated video as it
    goes; at most ``max_frames`` frames. A ``BadInput`` raised by the source mid-way ends
    the run and is kept in ``Analysis.error``; every output is finished either way."""
    from appliance.analyze.annotate import AnnotatedVideo
    from appliance.analyze.progress import FrameProgress
    from appliance.form import FormEvaluator
    from appliance.pipeline import process
    from appliance.sources import KeypointsWriter
    from appliance.stick.stage import DrillStick

    evaluator = FormEvaluator(mode)
    stick = DrillStick() if mode == "drill" else None
    analysis = Analysis(evaluator.summary())
    size = {"width": source.width, "height": source.height}
    total = expected_frames(source)
    if max_frames is not None:
        total = max_frames if total is None else min(total, max_frames)
    bar = FrameProgress(progress, total)
    frames = source.frames()
    with ExitStack() as outputs:
        writer: KeypointsWriter | None = None
        video: AnnotatedVideo | None = None
        if keypoints_out is not None:
            with _writing(keypoints_out):
                writer = KeypointsWriter(keypoints_out, fps=source.nominal_fps, **size)
            outputs.enter_context(writer)
        if annotate_out is not None:
            video = AnnotatedVideo(annotate_out, fps=source.nominal_fps or 30.0, **size)
            outputs.enter_context(video)
        outputs.callback(bar.finish)
        outputs.callback(getattr(frames, "close", lambda: None))
        try:
            steps = process(
                itertools.islice(frames, max_frames), estimator, evaluator, policy, stick
            )
            for step in steps:
                analysis.frames += 1
                analysis.last_t_s = step.frame.t_s
                analysis.cues.extend(step.cues)
                if writer is not None:
                    writer.write(step.frame.t_s, step.pose)
                if video is not None:
                    video.write(step)
                bar.update(analysis.frames)
        except BadInput as error:
            analysis.error = error
    analysis.summary = evaluator.summary()
    if stick is not None:
        analysis.summary = replace(analysis.summary, reps=stick.merged(analysis.summary.reps))
    return analysis


def expected_frames(source: object) -> int | None:
    """How many frames ``source`` says it holds, when it says."""
    promised = getattr(source, "promised_frames", None)  # a video's container count
    if isinstance(promised, int):
        return promised
    files = getattr(source, "files", None)  # an image folder
    if isinstance(files, list):
        return len(files)
    data = getattr(source, "data", None)  # a keypoints file
    t_s = getattr(data, "t_s", None)
    return len(t_s) if t_s is not None else None


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """Turn an ``OSError`` while creating or writing ``path`` into a one-line ``BadInput``."""
    try:
        yield
    except OSError as error:
        raise BadInput(f"{path}: cannot write ({error.strerror or error})") from error


def check_output(path: Path, flag: str, suffix: str | None = None) -> None:
    """``BadInput`` (one line) unless a file can be written at ``path`` for ``flag``."""
    if suffix is not None and path.suffix.lower() != suffix:
        raise BadInput(f"{flag} {path}: the file name must end in {suffix}")
    if path.is_dir():
        raise BadInput(f"{flag} {path}: is a folder, expected a file name")
    folder = path.parent
    if not folder.is_dir():
        raise BadInput(f"{flag} {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise BadInput(f"{flag} {path}: cannot write in {folder}")


def _check_arguments(args: argparse.Namespace) -> None:
    """The cheap checks, before the source or the model is opened: a file source, and
    outputs that can be written and would not overwrite it."""
    from appliance.sources.spec import is_camera

    for source in (args.source, args.side_source):
        if source is not None and is_camera(source):
            raise BadInput(f"{source}: analyze reads files; for a camera use hinge-mirror run")
    if args.side_offset != 0.0 and args.side_source is None:
        raise BadInput("--side-offset: only with --side-source")
    outputs = [
        (args.json, "--json", None),
        (args.keypoints_out, "--keypoints-out", ".jsonl"),
        (args.annotate, "--annotate", ".mp4"),
    ]
    source = Path(args.source).resolve()
    for path, flag, suffix in outputs:
        if path is None or path == STDOUT:
            continue
        check_output(Path(path), flag, suffix)
        if Path(path).resolve() == source:
            raise BadInput(f"{flag} {path}: would overwrite the source")


@dataclass
class Reported:
    """One source analysed: the version-1 ``report`` (validated), the ``analysis`` behind
    it and the source's ``description`` for the terminal summary."""

    report: dict[str, Any]
    analysis: Analysis
    description: str


def report_for(
    source_path: str,
    *,
    mode: str,
    config: Config,
    estimator: Callable[[], EstimatorLike] | None = None,
    keypoints_out: Path | None = None,
    annotate_out: Path | None = None,
    max_frames: int | None = None,
    progress: TextIO | None = None,
) -> Reported:
    """Open ``source_path``, run it through the pipeline and build its report, as
    ``analyze --json`` writes it. ``estimator`` makes the pose estimator, called only for
    a source without keypoints (default: the configured MoveNet)."""
    from appliance.analyze.report import clip_timing
    from appliance.sources import open_source

    with open_source(source_path, config.camera) as source:
        analysis = analyse(
            source,
            mode=mode,
            estimator=estimator_for(source_path, config, estimator),
            policy=make_policy(mode, config.cues),
            keypoints_out=keypoints_out,
            annotate_out=annotate_out,
            max_frames=max_frames,
            progress=progress,
        )
        description = source.description
        timing = clip_timing(analysis.frames, source.nominal_fps, analysis.last_t_s)
    return reported(source_path, analysis, timing, description)


def estimator_for(
    source_path: str, config: Config, estimator: Callable[[], EstimatorLike] | None
) -> EstimatorLike | None:
    """The pose estimator for ``source_path``: none for a source that carries keypoints
    (keypoints files, the demo), else ``estimator()``, else the configured MoveNet."""
    from appliance.sources.spec import carries_keypoints

    if carries_keypoints(source_path):
        return None
    if estimator is not None:
        return estimator()
    from appliance.pose import PoseEstimator

    return PoseEstimator.from_config(config)


def reported(
    source_path: str,
    analysis: Analysis,
    timing: tuple[float, float],
    description: str,
    cameras: dict[str, Any] | None = None,
) -> Reported:
    """The validated version-1 report of ``analysis`` (``timing``: fps and duration in
    seconds, from ``clip_timing``); ``cameras`` with a side camera."""
    from appliance.analyze.report import build_report, validate_report

    fps, duration_s = timing
    report = build_report(
        source=source_path,
        summary=analysis.summary,
        cues=analysis.cues,
        frames=analysis.frames,
        fps=fps,
        duration_s=duration_s,
        complete=analysis.error is None,
        cameras=cameras,
    )
    try:
        validate_report(report)
    except ValueError as error:
        raise ApplianceError(f"internal error: the report breaks interfaces.md: {error}") from error
    return Reported(report, analysis, description)


def _mode_of(args: argparse.Namespace) -> str:
    """``--mode``, else the demo lifter's own mode for the demo, else deadlift."""
    from appliance.sources.spec import demo_mode, is_demo

    if args.mode is not None:
        return str(args.mode)
    return demo_mode(args.source) if is_demo(args.source) else "deadlift"


def _handle(args: argparse.Namespace) -> int:
    from appliance.analyze.summary import format_summary
    from appliance.cli import config_from

    _check_arguments(args)
    if args.side_source is not None:
        from appliance.analyze.paired import SideSource, report_for_pair

        if args.keypoints_out is not None:
            raise BadInput("--keypoints-out: not with --side-source (write each camera's alone)")
        reported = report_for_pair(
            args.source,
            SideSource(args.side_source, args.side_offset),
            mode=_mode_of(args),
            config=config_from(args),
            annotate_out=args.annotate,
            max_frames=args.max_frames,
            progress=sys.stderr,
        )
    else:
        reported = report_for(
            args.source,
            mode=_mode_of(args),
            config=config_from(args),
            keypoints_out=args.keypoints_out,
            annotate_out=args.annotate,
            max_frames=args.max_frames,
            progress=sys.stderr,
        )
    report, analysis, description = reported.report, reported.analysis, reported.description
    text = json.dumps(report, indent=2) + "\n"
    if args.json == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
    elif args.json is not None:
        with _writing(Path(args.json)):
            Path(args.json).write_text(text, encoding="utf-8")
    summary_stream = sys.stderr if args.json == STDOUT else sys.stdout
    print(format_summary(report, description), file=summary_stream)
    if analysis.error is not None:
        raise analysis.error
    return 0


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add ``analyze`` to the command line."""
    parser = subparsers.add_parser(
        "analyze",
        parents=[common],
        help="analyse a video, image folder or keypoints file offline",
        description="Run the coaching pipeline over a file as fast as possible and report "
        "the reps, faults and cues found.",
    )
    parser.add_argument("source", metavar="SOURCE", help="video, image folder or .jsonl file")
    parser.add_argument(
        "--mode", choices=MODES, help="default: deadlift (for the demo, the demo's own mode)"
    )
    parser.add_argument("--json", metavar="OUT", help="write the JSON report (- for stdout)")
    parser.add_argument(
        "--keypoints-out", type=Path, metavar="FILE.jsonl", help="write the keypoints file"
    )
    parser.add_argument(
        "--annotate", type=Path, metavar="OUT.mp4", help="write the video with drawings on"
    )
    parser.add_argument("--max-frames", type=positive_int, metavar="N", help="stop after N frames")
    parser.add_argument(
        "--side-source",
        metavar="SIDE",
        help="the same set from a side camera (video, image folder or .jsonl): fused verdicts",
    )
    parser.add_argument(
        "--side-offset",
        type=seconds,
        default=0.0,
        metavar="SECONDS",
        help="seconds to add to the side recording's times to match the front's (default 0)",
    )
    parser.set_defaults(handler=_handle)


def seconds(text: str) -> float:
    """An argparse type: a finite number of seconds (may be negative)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if value != value or abs(value) == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """An argparse type: a whole number above 0 (for counts of frames, jobs)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number above 0, got {text!r}")
    return value
