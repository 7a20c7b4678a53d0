"""``python -m appliance.synthetic --out DIR --seed S --sets N [--fps-list 15 30 60]``:
write a labelled corpus of synthetic recordings (see ``appliance.synthetic.corpus``).
With ``--pairs [--second side|oblique|mixed] [--side-failures SHARE]``: a corpus of camera
pairs, front and side files of one performance (see ``appliance.synthetic.pair_corpus``)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from appliance.synthetic.corpus import CorpusSummary, write_corpus
from appliance.synthetic.pair_corpus import SECONDS, PairCorpusSummary, write_pair_corpus


def _rates(values: Sequence[str]) -> list[float]:
    rates = [float(v) for value in values for v in value.split(",") if v.strip()]
    if not rates or min(rates) <= 0:
        raise argparse.ArgumentTypeError("fps values must be numbers above 0")
    return rates


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, write the corpus, print a one-line summary; 0 on success."""
    parser = argparse.ArgumentParser(
        prog="python -m appliance.synthetic",
        description="Write a labelled corpus of synthetic lifter recordings "
        "(keypoints JSONL files and labels.json in the docs/labels.md format).",
    )
    parser.add_argument("--out", required=True, help="folder to write into (created)")
    parser.add_argument("--seed", type=int, default=0, help="seed (same seed, same files)")
    parser.add_argument("--sets", type=int, default=150, help="how many recordings")
    parser.add_argument(
        "--fps-list", nargs="+", metavar="FPS", help="frame rates to draw from (default 15 30 60)"
    )
    parser.add_argument(
        "--pairs",
        action="store_true",
        help="camera pairs: each set seen by the front camera and a second one "
        "(set-NNNN.front.jsonl, set-NNNN.side.jsonl; labels.json with side_path)",
    )
    parser.add_argument(
        "--second",
        choices=SECONDS,
        help="with --pairs: where the second camera stands (default side)",
    )
    parser.add_argument(
        "--side-failures",
        type=float,
        metavar="SHARE",
        help="with --pairs: share 0..1 of the pairs whose side camera fails mid-set (default 0)",
    )
    args = parser.parse_args(argv)
    if not args.pairs and (args.second is not None or args.side_failures is not None):
        print("error: --second and --side-failures go with --pairs", file=sys.stderr)
        return 2
    try:
        rates = _rates(args.fps_list) if args.fps_list else None
        started = time.perf_counter()
        summary: CorpusSummary | PairCorpusSummary
        if args.pairs:
            summary = write_pair_corpus(
                args.out,
                args.seed,
                args.sets,
                second=args.second or "side",
                fps_list=rates,
                fail_share=args.side_failures or 0.0,
            )
        else:
            summary = write_corpus(args.out, args.seed, args.sets, rates)
    except (ValueError, argparse.ArgumentTypeError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{summary.line()} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
