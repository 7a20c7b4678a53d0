"""``hinge-mirror bench``: what each stage of a frame costs on this machine.

Prints per-stage median and p95 per frame (milliseconds), frames per second, and the
ratio of the whole per-frame cost excluding decode to inference alone. Numbers, not
pass/fail: speed targets live here, not in timed tests.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from appliance.config import CameraConfig
from appliance.errors import BadInput
from appliance.percentiles import p95
from appliance.types import MODES

STAGES = ("decode", "preprocess", "inference", "postprocess", "evaluate", "stick")
# The stages of a frame that come after the source hands it over. "stick" (the drill's
# stick detector and tracker, appliance.stick) is on the drill's road only: timed with
# --mode drill, and its mean per frame added to the ratio.
AFTER_DECODE = ("preprocess", "inference", "postprocess", "evaluate")


@dataclass
class BenchResult:
    """Per-frame stage times in seconds, and the wall time of the whole run."""

    runtime: str
    source: str
    samples: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STAGES})
    wall_s: float = 0.0
    frames: int = 0
    cue_latencies: list[float] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The shape documented in interfaces.md."""
        stages = {
            name: {"median_ms": _ms(statistics.median(values)), "p95_ms": _ms(p95(values))}
            for name, values in self.samples.items()
            if values
        }
        return {
            "runtime": self.runtime,
            "source": self.source,
            "frames": self.frames,
            "fps": round(self.frames / self.wall_s, 1) if self.wall_s > 0 else 0.0,
            "stages": stages,
            "ratio_excluding_decode": self.ratio_excluding_decode(),
            **self._stick(),
            **self._cue_latency(),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }

    def _stick(self) -> dict[str, Any]:
        """The stick detector's mean cost per frame (ms; it runs on a schedule, so the mean
        is what a frame pays) and its ratio to median inference."""
        stick, inference = self.samples["stick"], self.samples["inference"]
        if not stick:
            return {}
        mean = statistics.fmean(stick)
        ratio = (
            round(mean / statistics.median(inference), 3)
            if inference and statistics.median(inference) > 0
            else None
        )
        return {"stick_ms_per_frame": _ms(mean), "stick_ratio_to_inference": ratio}

    def _cue_latency(self) -> dict[str, Any]:
        """From a frame's decode starting to the cue it caused being decided (ms)."""
        if not self.cue_latencies:
            return {}
        values = self.cue_latencies
        return {
            "cue_latency_ms": {"median": _ms(statistics.median(values)), "p95": _ms(p95(values))}
        }

    def ratio_excluding_decode(self) -> float | None:
        """Median whole per-frame cost after decode (preprocess, inference, postprocess and
        smoothing, evaluation) over median inference alone; in drill mode the stick
        detector's mean per-frame cost is added (it runs on a schedule)."""
        inference = self.samples["inference"]
        if not inference or statistics.median(inference) <= 0:
            return None
        totals = [
            sum(stage) for stage in zip(*(self.samples[s] for s in AFTER_DECODE), strict=True)
        ]
        stick = self.samples["stick"]
        extra = statistics.fmean(stick) if stick else 0.0
        return round((statistics.median(totals) + extra) / statistics.median(inference), 3)


def _ms(seconds: float) -> float:
    return round(seconds * 1000.0, 3)


def run_bench(spec: str, args: argparse.Namespace) -> BenchResult:
    """Run the pose pipeline and the form evaluator over ``spec`` as fast as possible,
    timing each stage."""
    from appliance.cli import config_from
    from appliance.coach import CuePolicy
    from appliance.form import FormEvaluator
    from appliance.pipeline import needs_estimator, pose_of
    from appliance.pose import PoseEstimator
    from appliance.sources import open_source
    from appliance.sources.camera_size import as_camera_delivers
    from appliance.stick.stage import DrillStick

    config = config_from(args)
    evaluator = FormEvaluator(args.mode)
    policy = CuePolicy(args.mode)
    stick = DrillStick() if args.mode == "drill" else None  # the drill's road only
    with open_source(spec, config.camera) as source:
        estimator = PoseEstimator.from_config(config)
        result = BenchResult(
            runtime=estimator.model.runtime,
            source=source.description + sized_as(spec, config.camera, args.native_size),
        )
        frames = iter(
            source.frames()
            if args.native_size
            else as_camera_delivers(source.frames(), config.camera)
        )
        warmup = args.warmup
        start = time.perf_counter()
        while args.frames is None or result.frames < args.frames:
            t0 = time.perf_counter()
            frame = next(frames, None)
            decode_s = time.perf_counter() - t0
            if frame is None:
                break
            pose = pose_of(frame, estimator)  # frames of a keypoints file skip the model
            t1 = time.perf_counter()
            form = evaluator.update(pose, frame.t_s)
            t_stick = time.perf_counter()
            if stick is not None:
                _seen, form = stick.observe(frame.image, pose, form)
            stick_s = time.perf_counter() - t_stick
            cues = policy.update(form)
            if stick is not None:
                stick.heard(cues)  # as the live session and appliance.pipeline do
            t2 = time.perf_counter()
            evaluate_s = t2 - t1 - stick_s
            result.cue_latencies.extend(t2 - t0 for _ in cues)
            if warmup > 0:
                warmup -= 1
                start = time.perf_counter()
                continue
            times = estimator.last_times
            result.samples["decode"].append(decode_s)
            result.samples["evaluate"].append(evaluate_s)
            if stick is not None and frame.image is not None:
                result.samples["stick"].append(stick_s)
            if needs_estimator(frame):
                result.samples["preprocess"].append(times.preprocess_s)
                result.samples["inference"].append(times.inference_s)
                result.samples["postprocess"].append(times.postprocess_s)
            result.frames += 1
        result.wall_s = time.perf_counter() - start
    if result.frames == 0:
        raise BadInput(f"{spec}: no frames to measure (after {args.warmup} warm-up frames)")
    return result


def sized_as(spec: str, camera: CameraConfig, native_size: bool) -> str:
    """What the source description adds about the size the frames were timed at."""
    from appliance.sources.spec import carries_keypoints

    if carries_keypoints(spec):
        return ""
    if native_size:
        return ", timed at its own size"
    return f", shrunk to fit {camera.width}x{camera.height} as the camera delivers it"


def format_table(report: dict[str, Any]) -> str:
    """The human-readable table."""
    lines = [
        f"source   {report['source']}",
        f"runtime  {report['runtime']}",
        f"frames   {report['frames']}   fps {report['fps']}   peak RSS {report['peak_rss_mb']} MB",
        "",
        f"{'stage':<14}{'median ms':>12}{'p95 ms':>10}",
    ]
    for name, stats in report["stages"].items():
        lines.append(f"{name:<14}{stats['median_ms']:>12.2f}{stats['p95_ms']:>10.2f}")
    if "cue_latency_ms" in report:
        latency = report["cue_latency_ms"]
        lines.append(f"{'cue latency':<14}{latency['median']:>12.2f}{latency['p95']:>10.2f}")
    ratio = report["ratio_excluding_decode"]
    if "stick_ms_per_frame" in report:
        stick_ratio = report["stick_ratio_to_inference"]
        lines.append(
            f"stick detector {report['stick_ms_per_frame']:.2f} ms per frame (mean, on a "
            "schedule)" + (f" = {stick_ratio:.2f}x inference" if stick_ratio is not None else "")
        )
    lines.append("")
    lines.append(
        "per-frame cost excluding decode / inference alone: "
        + (f"{ratio:.2f}x" if ratio is not None else "n/a (no inference: keypoints source)")
    )
    return "\n".join(lines)


def _handle(args: argparse.Namespace) -> int:
    if args.soak is not None:
        return _soak(args)
    if args.side_source is not None:  # two cameras (issue 12): appliance.bench_pair
        from appliance.bench_pair import format_pair_table, run_pair_bench

        pair = run_pair_bench(args.source, args.side_source, args).to_json()
        print(json.dumps(pair) if args.json else format_pair_table(pair))
        return 0
    result = run_bench(args.source, args)
    report = result.to_json()
    if args.json:
        json.dump(report, sys.stdout)
        sys.stdout.write("\n")
    else:
        print(format_table(report))
    return 0


def _soak(args: argparse.Namespace) -> int:
    from appliance.cli import config_from
    from appliance.pose import PoseEstimator
    from appliance.soak import soak
    from appliance.sources import open_source
    from appliance.sources.spec import carries_keypoints

    config = config_from(args)
    open_source(args.source, config.camera).close()  # bad input stops here, exit 2
    estimator = None if carries_keypoints(args.source) else PoseEstimator.from_config(config)
    soak(
        lambda: open_source(args.source, config.camera), args.soak, args.mode, estimator, sys.stdout
    )
    return 0


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add ``bench`` to the command line."""
    parser = subparsers.add_parser(
        "bench", parents=[common], help="time each stage of the pipeline on a source"
    )
    parser.add_argument("source", metavar="SOURCE", help="video, image folder, .jsonl, webcam")
    parser.add_argument("--json", action="store_true", help="print the JSON report")
    parser.add_argument(
        "--side-source",
        metavar="SIDE",
        help="a second recording, the side camera's: time both cameras together",
    )
    parser.add_argument(
        "--side-offset",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="seconds added to the side recording's times to put them on the front's clock",
    )
    parser.add_argument(
        "--side-fps",
        type=float,
        metavar="FPS",
        help="side frames given to the pose model per second at most (default: [camera.side]"
        " fps, 15)",
    )
    parser.add_argument(
        "--native-size",
        action="store_true",
        help="time recordings at their own size; by default frames larger than the camera's"
        " stream ([camera] width x height) are first shrunk to it, in the decode stage, as"
        " the camera's ISP delivers them live",
    )
    parser.add_argument("--mode", choices=MODES, default="deadlift", help="evaluator mode")
    parser.add_argument(
        "--soak", type=float, metavar="MINUTES", help="run the whole loop this long; print RSS"
    )
    parser.add_argument("--frames", type=_positive_int, default=None, help="stop after N frames")
    parser.add_argument(
        "--warmup", type=_non_negative_int, default=5, help="frames to run before timing"
    )
    parser.set_defaults(handler=_handle)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {text}")
    return value
