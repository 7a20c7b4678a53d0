"""Running ``analyze``'s pipeline over many recordings, on every core.

Each recording is analysed exactly as ``hinge-mirror analyze`` does (``analyse`` and the
version-1 report builder of ``appliance.analyze``), in a pool of ``jobs`` worker processes
(each loads the pose model once, and only when a video needs it; keypoints files need
none). The cores are shared out: each worker's model runs on ``cpu_count // jobs``
threads. Longest files go first, so the last to finish are short.

A recording that cannot be analysed (missing, unreadable, cut short) comes back as an
``Outcome`` with its one-line error; a missing or broken model or runtime stops the whole
run with its own error (exit 4).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from appliance.config import Config
from appliance.errors import EXIT_MISSING, ApplianceError
from appliance.evaluate.scoring import Outcome

if TYPE_CHECKING:
    from appliance.pose.runtime import PoseModel


@dataclass(frozen=True)
class Task:
    """Analyse ``source`` (a path ``analyze`` takes) in ``mode``; ``position`` is its place
    in the list of tasks, ``name`` what progress calls it (its path in the labels); with
    ``side_source``, fused with that side camera's recording (``side_offset_s``)."""

    position: int
    source: str
    mode: str
    name: str = ""
    side_source: str | None = None
    side_offset_s: float = 0.0


@dataclass(frozen=True)
class _Done:
    position: int
    outcome: Outcome
    fatal: tuple[int, str] | None = None  # (exit code, message): stop everything


_worker: dict[str, Any] = {}
"""This process's config and (once a video needed it) its pose model."""


def _init_worker(config: Config) -> None:
    _worker.clear()
    _worker["config"] = config


def _model() -> PoseModel:
    if "model" not in _worker:
        from appliance.pose.estimator import load_pose_model

        _worker["model"] = load_pose_model(_worker["config"])
    model: PoseModel = _worker["model"]
    return model


def _run(task: Task) -> _Done:
    """One task in this worker: its outcome, never an exception (but a fatal one noted)."""
    start = time.monotonic()
    try:
        report, error = analyse_recording(
            task.source, task.mode, _worker["config"], _model, task.side_source, task.side_offset_s
        )
    except ApplianceError as exc:
        outcome = Outcome(None, str(exc), time.monotonic() - start)
        fatal = (exc.exit_code, str(exc)) if exc.exit_code == EXIT_MISSING else None
        return _Done(task.position, outcome, fatal)
    except Exception as exc:  # a bug on one file must not lose the other files' results
        message = f"internal error: {type(exc).__name__}: {exc}"
        return _Done(task.position, Outcome(None, message, time.monotonic() - start))
    return _Done(task.position, Outcome(report, error, time.monotonic() - start))


def analyse_recording(
    source: str,
    mode: str,
    config: Config,
    model: Callable[[], PoseModel],
    side_source: str | None = None,
    side_offset_s: float = 0.0,
) -> tuple[dict[str, Any], str | None]:
    """The version-1 report of ``source`` analysed in ``mode``, as ``analyze --json``
    writes it, and the source's error when it ended early (``None`` when read to the end).
    ``model`` gives the pose model, called only for a source without keypoints. With
    ``side_source``, as ``analyze --side-source --side-offset`` writes it."""
    from appliance.analyze.command import report_for
    from appliance.analyze.paired import SideSource, report_for_pair
    from appliance.pose import PoseEstimator

    def estimator() -> PoseEstimator:
        return PoseEstimator(model(), config.pose)

    if side_source is not None:
        side = SideSource(side_source, side_offset_s)
        reported = report_for_pair(source, side, mode=mode, config=config, estimator=estimator)
    else:
        reported = report_for(source, mode=mode, config=config, estimator=estimator)
    error = reported.analysis.error
    return reported.report, None if error is None else str(error)


def run_all(
    tasks: Sequence[Task], config: Config, jobs: int, progress: TextIO | None = None
) -> list[Outcome]:
    """The outcome of every task, in the tasks' order, using ``jobs`` processes (1: in this
    one). ``progress``: where to show files done / total and the time so far."""
    jobs = max(1, min(jobs, len(tasks)))
    threads = max(1, (os.cpu_count() or 1) // jobs)
    config = dataclasses.replace(config, pose=dataclasses.replace(config.pose, threads=threads))
    order = sorted(tasks, key=lambda task: (-_size(task.source), task.position))
    bar = FileProgress(progress, len(tasks))
    names = {task.position: task.name or task.source for task in tasks}
    outcomes: dict[int, Outcome] = {}
    try:
        if jobs == 1:
            _init_worker(config)
            for task in order:
                _collect(_run(task), outcomes, bar, names)
        else:
            context = multiprocessing.get_context("spawn")
            with context.Pool(jobs, _init_worker, (config,)) as pool:
                for done in pool.imap_unordered(_run, order):
                    _collect(done, outcomes, bar, names)
    finally:
        bar.finish()
    return [outcomes[task.position] for task in tasks]


def _collect(
    done: _Done, outcomes: dict[int, Outcome], bar: FileProgress, names: dict[int, str]
) -> None:
    """Keep ``done``'s outcome and show it, or raise its fatal error."""
    if done.fatal is not None:
        error = ApplianceError(done.fatal[1])
        error.exit_code = done.fatal[0]
        raise error
    outcomes[done.position] = done.outcome
    bar.update(len(outcomes), names[done.position], done.outcome.error is None)


def _size(source: str) -> int:
    try:
        return os.stat(source).st_size
    except OSError:
        return 0


class FileProgress:
    """Files done out of ``total`` and the time so far, on ``stream``: one line redrawn on
    a terminal, else a line per file (for logs)."""

    def __init__(
        self, stream: TextIO | None, total: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._stream = stream
        self._tty = stream is not None and _isatty(stream)
        self._total = total
        self._clock = clock
        self._start_s = clock()
        self._drawn = False

    def update(self, done: int, name: str, ok: bool) -> None:
        """``done`` files are analysed, the last one ``name`` (``ok``: without error)."""
        if self._stream is None:
            return
        elapsed = self._clock() - self._start_s
        line = f"evaluate: {done}/{self._total} files  {elapsed:.0f} s  {name}"
        line += "" if ok else "  (error)"
        if self._tty:
            self._stream.write("\r\x1b[2K" + line)
            self._drawn = True
        else:
            self._stream.write(line + "\n")
        self._stream.flush()

    def finish(self) -> None:
        """Erase the redrawn line, so what follows starts clean."""
        if self._stream is not None and self._drawn:
            self._stream.write("\r\x1b[2K")
            self._stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def default_jobs() -> int:
    """One job per core."""
    return os.cpu_count() or 1
