"""``hinge-mirror evaluate LABELS.json``: how accurate the analysis is on labelled recordings.

Every recording of a labels file (docs/labels.md) is analysed as ``analyze`` would, on
every core; the reps, ghost reps, faults and views found are compared with the labels and
printed as a table (``table``); ``--json OUT`` writes all of it with each recording's
result (``-`` for stdout; the table then goes to stderr). Exit 0 whenever it ran, however
accurate; 2 for a bad labels file or usage; 4 when a video needs the model and it is not
installed. A recording that cannot be analysed is an error row, never the end of the run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from appliance.analyze.command import positive_int
from appliance.errors import BadInput

STDOUT = "-"
DEFAULT_WORST = 10


def _handle(args: argparse.Namespace) -> int:
    from appliance.analyze.command import check_output
    from appliance.cli import config_from
    from appliance.evaluate.labels import load_labels
    from appliance.evaluate.metrics import evaluate
    from appliance.evaluate.results import evaluation_json
    from appliance.evaluate.runner import Task, default_jobs, run_all
    from appliance.evaluate.table import format_table

    if args.json is not None and args.json != STDOUT:
        check_output(Path(args.json), "--json")
    labels = load_labels(args.labels, args.root)
    recordings = [r for r in labels.recordings if args.only is None or args.only in r.path]
    if not recordings:
        raise BadInput(f"--only {args.only}: no recording's path contains it")
    config = config_from(args)
    jobs = args.jobs or default_jobs()
    tasks = [
        Task(
            i, str(labels.source(r)), r.mode, r.path, _text(labels.side_source(r)), r.side_offset_s
        )
        for i, r in enumerate(recordings)
    ]
    start = time.monotonic()
    outcomes = run_all(tasks, config, jobs, progress=sys.stderr)
    wall_s = time.monotonic() - start
    evaluation = evaluate(recordings, outcomes)
    jobs = max(1, min(jobs, len(tasks)))
    table = format_table(
        evaluation, labels_name=str(args.labels), worst_k=args.worst, wall_s=wall_s, jobs=jobs
    )
    if args.json is not None:
        data = evaluation_json(evaluation, labels, worst_k=args.worst, wall_s=wall_s, jobs=jobs)
        _write_json(data, args.json)
    print(table, file=sys.stderr if args.json == STDOUT else sys.stdout)
    return 0


def _write_json(data: dict[str, Any], out: str) -> None:
    text = json.dumps(data, indent=2) + "\n"
    if out == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as error:
        raise BadInput(f"--json {out}: cannot write ({error.strerror or error})") from error


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add ``evaluate`` to the command line."""
    parser = subparsers.add_parser(
        "evaluate",
        parents=[common],
        help="measure rep counting, faults and view against a labels file",
        description="Analyse every recording of a labels file (docs/labels.md) and compare "
        "the reps, faults and views found with the labels.",
    )
    parser.add_argument("labels", type=Path, metavar="LABELS.json", help="the labels file")
    parser.add_argument("--json", metavar="OUT", help="write every number as JSON (- for stdout)")
    parser.add_argument(
        "--root", type=Path, metavar="DIR", help="folder the paths are relative to (overrides "
        "the file's root)",
    )  # fmt: skip
    parser.add_argument(
        "--jobs", type=positive_int, metavar="N", help="processes (default: one per core)"
    )
    parser.add_argument(
        "--worst",
        type=_count,
        default=DEFAULT_WORST,
        metavar="K",
        help=f"list the K worst recordings (default: {DEFAULT_WORST})",
    )
    parser.add_argument(
        "--only", metavar="SUBSTRING", help="only the recordings whose path contains SUBSTRING"
    )
    parser.set_defaults(handler=_handle)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}")
    return value


def _text(path: Path | None) -> str | None:
    return None if path is None else str(path)
