"""``hinge-mirror bench FRONT --side-source SIDE``: what two cameras cost (issue 12).

Both recordings go through what the live loop does with two cameras: every front frame
through its pose model, the fused evaluator (``appliance.fusion.PairedEvaluator``) and the
cue policy; side frames (on the front's clock, ``--side-offset``) through their own pose
model and evaluator, at most ``--side-fps`` of them a second (default ``[camera.side]
fps``: 15), the rest skipped as the loop skips them (``appliance.live.side``). In the live
loop's order too: a front frame's pose beside the poses of the side frames taken up to it
(``appliance.pipeline.poses_together``), their verdicts, then the front frame's (like
stages run one after another, the second with their code still in the processor's
caches).

Prints per camera: frames, the rate it was processed at (frames per second of wall time),
per-stage median and p95 (milliseconds) and its ratio of the per-frame cost excluding
decode to inference; and together: the combined rate, what one front frame costs with
its share of the side camera's work (milliseconds: the budget at 30 fps is 33 ms), and
the ratio of all work excluding decode to all inference run (the target is 1.2 at most);
both from each camera's median per-frame costs, weighted by its frames.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from appliance.bench import AFTER_DECODE
from appliance.errors import BadInput
from appliance.percentiles import p95
from appliance.types import Frame

if TYPE_CHECKING:
    from appliance.pose import StageTimes

STAGES_ONE_CAMERA = ("decode", *AFTER_DECODE)


@dataclass
class CameraTimes:
    """One camera's per-frame stage times (seconds) and counts."""

    samples: dict[str, list[float]] = field(
        default_factory=lambda: {s: [] for s in STAGES_ONE_CAMERA}
    )
    frames: int = 0
    skipped: int = 0

    def after_decode(self) -> list[float]:
        """Each frame's cost after decode (seconds): preprocess to evaluation."""
        return [sum(stage) for stage in zip(*(self.samples[s] for s in AFTER_DECODE), strict=True)]

    def to_json(self, wall_s: float) -> dict[str, Any]:
        """Frames, rate (per second of ``wall_s``), stages (ms) and the ratio."""
        stages = {
            name: {"median_ms": _ms(statistics.median(v)), "p95_ms": _ms(p95(v))}
            for name, v in self.samples.items()
            if v
        }
        inference = self.samples["inference"]
        ratio = None
        if inference and statistics.median(inference) > 0:
            ratio = round(statistics.median(self.after_decode()) / statistics.median(inference), 3)
        return {
            "frames": self.frames,
            "skipped": self.skipped,
            "fps": round(self.frames / wall_s, 1) if wall_s > 0 else 0.0,
            "stages": stages,
            "ratio_excluding_decode": ratio,
        }


@dataclass
class PairBenchResult:
    """Both cameras' times and the wall time of the whole run (seconds)."""

    runtime: str
    sources: dict[str, str]
    side_fps: float
    cameras: dict[str, CameraTimes] = field(
        default_factory=lambda: {"front": CameraTimes(), "side": CameraTimes()}
    )
    wall_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """``cameras`` (each as ``CameraTimes.to_json``) and ``combined``."""
        front, side = self.cameras["front"], self.cameras["side"]
        # Medians per camera (as one camera's ratio), weighted by each camera's frames:
        # robust to the odd slow frame of a busy machine.
        work = front.frames * _median(front.after_decode())
        work += side.frames * _median(side.after_decode())
        inference = front.frames * _median(front.samples["inference"])
        inference += side.frames * _median(side.samples["inference"])
        frames = front.frames + side.frames
        return {
            "runtime": self.runtime,
            "sources": self.sources,
            "side_fps_limit": self.side_fps,
            "cameras": {name: c.to_json(self.wall_s) for name, c in self.cameras.items()},
            "combined": {
                "frames": frames,
                "fps": round(frames / self.wall_s, 1) if self.wall_s > 0 else 0.0,
                "ms_per_front_frame": _ms(work / front.frames) if front.frames else None,
                "ratio_excluding_decode": round(work / inference, 3) if inference > 0 else None,
            },
        }


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def _ms(seconds: float) -> float:
    return round(seconds * 1000.0, 3)


def run_pair_bench(front_spec: str, side_spec: str, args: argparse.Namespace) -> PairBenchResult:
    """Both sources through the two-camera road as fast as possible, timing each stage."""
    from appliance.bench import sized_as
    from appliance.cli import config_from
    from appliance.coach import CuePolicy
    from appliance.fusion import PairedEvaluator
    from appliance.fusion.pairing import FRONT, merged_frames
    from appliance.live.side import SideRate
    from appliance.pipeline import needs_estimator, pose_of, poses_together
    from appliance.pose import PoseEstimator
    from appliance.sources import open_source
    from appliance.sources.camera_size import as_camera_delivers

    config = config_from(args)
    side_fps = float(args.side_fps or config.camera.side.fps)
    side_rate = SideRate(side_fps)
    evaluator = PairedEvaluator(args.mode)
    policy = CuePolicy(args.mode)
    with (
        open_source(front_spec, config.camera) as front,
        open_source(side_spec, config.camera.side.camera()) as side,
    ):
        estimators = {"front": PoseEstimator.from_config(config)}
        estimators["side"] = PoseEstimator.from_config(config)
        side_camera = config.camera.side.camera()
        result = PairBenchResult(
            estimators["front"].model.runtime,
            {
                "front": front.description + sized_as(front_spec, config.camera, args.native_size),
                "side": side.description + sized_as(side_spec, side_camera, args.native_size),
            },
            side_fps,
        )
        front_frames, side_frames = front.frames(), side.frames()
        if not args.native_size:
            front_frames = as_camera_delivers(front_frames, config.camera)
            side_frames = as_camera_delivers(side_frames, side_camera)
        decode: dict[str, list[float]] = {"front": [], "side": []}
        frames = merged_frames(
            _timed(front_frames, decode["front"]),
            _timed(side_frames, decode["side"]),
            args.side_offset,
        )
        warmup = args.warmup
        last_front_t: float | None = None
        waiting: list[tuple[Frame, float]] = []  # side frames due (and their decode, s)
        start = time.perf_counter()
        for camera, frame in frames:
            if camera != FRONT:
                if last_front_t is not None and frame.t_s > last_front_t + 1.0:
                    break  # the front recording is over (frames come in time order)
                if not side_rate.take(frame.t_s):
                    result.cameras["side"].skipped += 1
                else:
                    waiting.append((frame, decode["side"][-1]))
                continue
            last_front_t = frame.t_s
            # The live loop's order (appliance.live.loop): the front frame's pose, the poses
            # of the side frames taken up to it, their verdicts, then the front's verdict.
            # As poses_together does it: the front frame and the first side frame due
            # through each stage together, any more side frames after, one by one.
            side_poses = []
            jobs = [(frame, estimators["front"])]
            if waiting:
                jobs.append((waiting[0][0], estimators["side"]))
            front_pose, *first_side = poses_together(jobs)
            front_stages = estimators["front"].last_times
            for k, (side_frame, side_decode_s) in enumerate(waiting):
                side_pose = first_side[0] if k == 0 else pose_of(side_frame, estimators["side"])
                side_poses.append(
                    (side_frame, side_decode_s, side_pose, estimators["side"].last_times)
                )
            waiting.clear()
            for side_frame, side_decode_s, side_pose, side_stages in side_poses:
                t1 = time.perf_counter()
                evaluator.update_side(side_pose, side_frame.t_s)
                evaluate_s = time.perf_counter() - t1
                if warmup > 0:
                    warmup -= 1
                    start = time.perf_counter()
                    continue
                times = result.cameras["side"]
                _note(times, side_stages, needs_estimator(side_frame), evaluate_s, side_decode_s)
            t1 = time.perf_counter()
            policy.update(evaluator.update(front_pose, frame.t_s))
            evaluate_s = time.perf_counter() - t1
            if warmup > 0:
                warmup -= 1
                start = time.perf_counter()
                continue
            times = result.cameras["front"]
            _note(times, front_stages, needs_estimator(frame), evaluate_s, decode["front"][-1])
            if args.frames is not None and result.cameras["front"].frames >= args.frames:
                break
        result.wall_s = time.perf_counter() - start
    if result.cameras["front"].frames == 0:
        raise BadInput(f"{front_spec}: no frames to measure (after {args.warmup} warm-up frames)")
    return result


def _note(
    times: CameraTimes,
    stages: StageTimes,
    ran_model: bool,
    evaluate_s: float,
    decode_s: float,
) -> None:
    """Keep one measured frame's stage times (seconds) in ``times``; ``ran_model``: the
    frame went through the pose model (not a keypoints file's)."""
    times.samples["decode"].append(decode_s)
    times.samples["evaluate"].append(evaluate_s)
    if ran_model:
        times.samples["preprocess"].append(stages.preprocess_s)
        times.samples["inference"].append(stages.inference_s)
        times.samples["postprocess"].append(stages.postprocess_s)
    times.frames += 1


def _timed(frames: Iterable[Frame], decode_s: list[float]) -> Iterator[Frame]:
    """``frames``, noting how long each took to come (seconds) in ``decode_s``."""
    iterator = iter(frames)
    while True:
        t0 = time.perf_counter()
        frame = next(iterator, None)
        decode_s.append(time.perf_counter() - t0)
        if frame is None:
            return
        yield frame


def stage_table(stages: dict[str, dict[str, float]]) -> list[str]:
    """One line per stage: median and p95 (ms)."""
    lines = [f"{'stage':<14}{'median ms':>12}{'p95 ms':>10}"]
    for name, stats in stages.items():
        lines.append(f"{name:<14}{stats['median_ms']:>12.2f}{stats['p95_ms']:>10.2f}")
    return lines


def format_pair_table(report: dict[str, Any]) -> str:
    """The human-readable tables: each camera, then both together."""
    lines = [f"runtime  {report['runtime']}", ""]
    for name, camera in report["cameras"].items():
        skipped = f" ({camera['skipped']} skipped: side at most {report['side_fps_limit']:g}/s)"
        lines.append(
            f"{name} camera  {report['sources'][name]}\n"
            f"frames   {camera['frames']}{skipped if name == 'side' else ''}   "
            f"rate {camera['fps']} frames/s"
        )
        lines += stage_table(camera["stages"])
        ratio = camera["ratio_excluding_decode"]
        lines.append(
            "per-frame cost excluding decode / inference: "
            + (f"{ratio:.2f}x" if ratio is not None else "n/a (keypoints source)")
        )
        lines.append("")
    both = report["combined"]
    ratio = both["ratio_excluding_decode"]
    per_front = both["ms_per_front_frame"]
    lines += [
        f"both cameras  {both['frames']} frames, combined rate {both['fps']} frames/s",
        "one front frame with its share of the side camera: "
        + (f"{per_front:.2f} ms (excluding decode)" if per_front is not None else "n/a"),
        "all work excluding decode / all inference: "
        + (f"{ratio:.2f}x" if ratio is not None else "n/a (keypoints sources)"),
    ]
    return "\n".join(lines)
