"""``hinge-mirror history``: past sets, reps and faults from the local database.

``history [--json|--csv|--plot OUT.png] [--person NAME] [--since YYYY-MM-DD]`` lists them
(``--json``: an export that ``import`` reads back; ``--csv``: a row per rep; ``--plot``:
the progress screen as a PNG); ``history --counts [--json] [--since DATE]`` prints the
studio's anonymous counts (sets and reps per day and mode); ``history import FILE
[--person NAME]`` adds an ``analyze --json`` report or a ``history --json`` export, so a
recorded session counts too. An export round-trips whole, times included (they are local
times to the second); a report has no time of its own, so its set is stamped with the
report file's modification time.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from appliance.errors import BadInput
from appliance.history.records import DailyCount, SetRecord
from appliance.history.store import HistoryStore, default_history_path
from appliance.types import FAULT_IDS, MODES, STICK_FAULT_IDS, VIEWS, CueEvent, Rep
from appliance.words import counted, plural

EXPORT_FORMAT = "hinge-mirror-history"

KNOWN_FAULTS = frozenset(FAULT_IDS + STICK_FAULT_IDS)  # coaching.md's and the drill stick's


def set_to_json(record: SetRecord) -> dict[str, Any]:
    """One set as JSON: times of day as ISO text, rep times in seconds of the set."""
    return {
        "person": record.person,
        "mode": record.mode,
        "view": record.view,
        "started_at": datetime.fromtimestamp(record.started_at).isoformat(timespec="seconds"),
        "ended_at": (
            datetime.fromtimestamp(record.ended_at).isoformat(timespec="seconds")
            if record.ended_at is not None
            else None
        ),
        "reps": [
            {
                "index": rep.index,
                "start_s": rep.start_s,
                "bottom_s": rep.bottom_s,
                "end_s": rep.end_s,
                "faults": list(rep.faults),
                "score": rep.score,
                "metrics": rep.metrics,
            }
            for rep in record.reps
        ],
        "cues": [
            {"t_s": c.cue.t_s, "kind": c.cue.kind, "fault": c.cue.fault, "text": c.cue.text}
            for c in record.cues
        ],
    }


def import_file(store: HistoryStore, path: Path, person: str | None) -> int:
    """Add the sets in ``path`` (a report or an export) for ``person``; how many sets.

    Times: an export's sets keep their ``started_at``/``ended_at`` (a set exported while cut
    off, ``ended_at: null``, stays unended); an ``analyze`` report carries no time of its
    own (version 1), so its set starts and ends at the report file's modification time.
    Reps are stamped as recorded when their set ended. The session spans its sets.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        file_time = path.stat().st_mtime
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadInput(f"{path}: not a readable JSON file ({error})") from error
    if isinstance(data, dict) and data.get("format") == EXPORT_FORMAT:
        sets = data.get("sets", [])
    elif isinstance(data, dict) and data.get("version") == 1 and "reps" in data:
        sets = [data]  # an analyze --json report
    else:
        raise BadInput(f"{path}: neither an analyze report nor a history export")
    if not isinstance(sets, list):
        raise BadInput(f"{path}: 'sets' is not a list")
    times = [_set_times(entry, file_time, path) for entry in sets]
    starts = [start for start, _ in times] or [file_time]
    ends = [end for _, end in times if end is not None]
    session = store.start_session(person, at=min(starts))
    for entry, (started_at, ended_at) in zip(sets, times, strict=True):
        _import_set(store, session, entry, path, started_at, ended_at)
    store.end_session(session, at=max(ends + starts))
    return len(sets)


def _set_times(entry: Any, file_time: float, path: Path) -> tuple[float, float | None]:
    """``(started_at, ended_at)`` of a set to import, wall-clock seconds since the epoch.

    Export entries carry local ISO times; a missing one (a report) is ``file_time``, except
    an explicit ``"ended_at": null`` (a cut-off set), which stays ``None``."""
    try:
        started = entry.get("started_at")
        start = file_time if started is None else datetime.fromisoformat(started).timestamp()
        if "ended_at" not in entry:
            return start, file_time
        ended = entry["ended_at"]
        return start, None if ended is None else datetime.fromisoformat(ended).timestamp()
    except (AttributeError, TypeError, ValueError) as error:
        raise BadInput(f"{path}: a set's time cannot be read: {error}") from error


def _import_set(
    store: HistoryStore,
    session: int,
    entry: Any,
    path: Path,
    started_at: float,
    ended_at: float | None,
) -> None:
    try:
        mode, view = entry["mode"], entry.get("view", "unknown")
        if mode not in MODES or view not in VIEWS:
            raise ValueError(f"mode {mode!r} / view {view!r}")
        set_id = store.start_set(session, mode, view, at=started_at)
        recorded_at = started_at if ended_at is None else ended_at
        for r in entry["reps"]:
            faults = tuple(r.get("faults", []))
            if not set(faults) <= KNOWN_FAULTS:
                raise ValueError(f"unknown fault ids {sorted(set(faults) - KNOWN_FAULTS)}")
            rep = Rep(int(r["index"]), float(r["start_s"]), float(r["bottom_s"]),
                      float(r["end_s"]), faults, int(r["score"]),
                      {k: float(v) for k, v in r.get("metrics", {}).items()},
                      dict(r.get("unjudged", {})))  # fmt: skip
            store.add_rep(set_id, rep, at=recorded_at)
        for c in entry.get("cues", []):
            kind = c.get("kind") or ("fault" if c.get("fault") else "guidance")
            store.add_cue(set_id, CueEvent(float(c["t_s"]), c["text"], kind, c.get("fault")))
        if ended_at is not None:
            store.end_set(set_id, view, None, at=ended_at)
    except (KeyError, TypeError, ValueError) as error:
        raise BadInput(f"{path}: a set cannot be read: {error}") from error


def _handle(args: argparse.Namespace) -> int:
    with HistoryStore.open(default_history_path()) as store:
        if getattr(args, "history_action", None) == "import":
            count = import_file(store, args.file, args.person)
            print(f"imported {counted(count, 'set')} from {args.file}")
            return 0
        since = None
        if args.since:
            try:
                since = datetime.fromisoformat(args.since)
            except ValueError as error:
                raise BadInput(f"--since {args.since}: expected a date like 2026-11-25") from error
        if args.counts:
            if args.csv or args.plot is not None or args.person:
                raise BadInput("--counts goes with --json and --since only (counts have no person)")
            _print_counts(store.daily_counts(None if since is None else since.date()), args.json)
            return 0
        records = store.sets(person=args.person, since=since)
    if args.plot is not None:
        _plot(records, args.plot, args.person)
        print(f"{counted(len(records), 'set')} drawn to {args.plot}")
        return 0
    if args.csv:
        _write_csv(records)
        return 0
    if args.json:
        json.dump({"format": EXPORT_FORMAT, "version": 1,
                   "sets": [set_to_json(r) for r in records]}, sys.stdout, indent=1)  # fmt: skip
        sys.stdout.write("\n")
        return 0
    if not records:
        print("No sets recorded yet.")
    for record in records:
        entry = set_to_json(record)
        scores = [rep.score for rep in record.reps]
        average = f"average score {sum(scores) / len(scores):.0f}" if scores else "no reps"
        faults = sorted({f for rep in record.reps for f in rep.faults})
        reps = f"{len(record.reps):>2} {plural(len(record.reps), 'rep'):<4}"
        print(f"{entry['started_at']}  {record.person or 'anyone':<10} {record.mode:<8} "
              f"{record.view:<8} {reps}  {average}  "
              f"faults: {', '.join(faults) or 'none'}")  # fmt: skip
    return 0


def _print_counts(counts: list[DailyCount], as_json: bool) -> None:
    """One line per day and mode, or (``as_json``) a JSON list of
    ``{"day", "mode", "sets", "reps"}``."""
    if as_json:
        json.dump([{"day": n.day, "mode": n.mode, "sets": n.sets, "reps": n.reps}
                   for n in counts], sys.stdout, indent=1)  # fmt: skip
        sys.stdout.write("\n")
        return
    if not counts:
        print("No visits counted yet.")
    for n in counts:
        print(f"{n.day}  {n.mode:<8} {n.sets:>4} {plural(n.sets, 'set'):<4} {n.reps:>6} "
              f"{plural(n.reps, 'rep')}")  # fmt: skip


CSV_COLUMNS = ("started_at", "person", "mode", "view", "rep", "score", "faults", "start_s",
               "bottom_s", "end_s")  # fmt: skip


def _write_csv(records: list[SetRecord]) -> None:
    """One row per rep, for a spreadsheet; faults joined by ';'."""
    writer = csv.writer(sys.stdout)
    writer.writerow(CSV_COLUMNS)
    for record in records:
        started = set_to_json(record)["started_at"]
        for rep in record.reps:
            writer.writerow([started, record.person or "", record.mode, record.view, rep.index,
                             rep.score, ";".join(rep.faults), rep.start_s, rep.bottom_s,
                             rep.end_s])  # fmt: skip


def _plot(records: list[SetRecord], path: Path, person: str | None) -> None:
    """The mirror's progress screen as a PNG (1280x720), titled with ``person`` if given."""
    import os

    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    from appliance.display.progress import render_progress

    if not path.parent.is_dir():
        raise BadInput(f"{path}: the folder {path.parent} does not exist")
    pygame.font.init()
    surface = pygame.Surface((1280, 720))
    render_progress(records, surface, datetime.now(), person=person)
    pygame.image.save(surface, str(path))


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add ``history`` (and ``history import``) to the command line."""
    parser = subparsers.add_parser(
        "history", parents=[common], help="past sets, reps and faults; import a report"
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON (an export)")
    output.add_argument("--csv", action="store_true", help="print one CSV row per rep")
    parser.add_argument("--person", help="only this person's sets")
    parser.add_argument("--since", metavar="DATE", help="only sets since this day (YYYY-MM-DD)")
    parser.add_argument("--plot", type=Path, metavar="OUT.png", help="draw the progress charts")
    parser.add_argument(
        "--counts", action="store_true", help="the studio's anonymous sets and reps per day"
    )
    actions = parser.add_subparsers(dest="history_action", metavar="ACTION")
    importer = actions.add_parser("import", help="add an analyze report or a history export")
    importer.add_argument("file", type=Path, metavar="FILE")
    importer.add_argument("--person", help="whose sets these are")
    parser.set_defaults(handler=_handle)
