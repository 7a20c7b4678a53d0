"""Why the stick detector misses: ``python -m tests.stick_render.diagnose --cache FILE``.

Every frame of a rendered split (a ``measure --cache`` pickle) that has a stick to find and
that the tracker missed is put down to one cause, and the causes are counted by hold, view
and clip. The tracker's answer is classed first (nothing, a carried stick gone stale, the
wrong angle, ends off); then the detector alone on that frame is taken through its steps
(``appliance.stick.detect``: the hold's band, the line detector's segments, the candidate
lines, the stripe refit, the seen part, the hold's checks) to say where the stick was lost.
"""

from __future__ import annotations

import argparse
import math
import pickle
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from appliance.stick import detect as d
from appliance.stick.body import body_of
from appliance.stick.lines import find_segments, strip_of
from appliance.stick.track import StickTracker
from appliance.types import Pose, Stick
from tests.stick_render.measure import matches
from tests.stick_render.scenes import Sequence, Truth

NEAR_OFF = 0.06  # of S: a line this close to the true one (and within 5°) is the stick


def _ends_error(stick: Stick, truth: Truth) -> tuple[float, float]:
    """Signed errors of the found ends along the true line (of the stick's length): the
    low end's (positive: the found end lies outside, the stick too long there) and the
    high end's (likewise)."""
    assert truth.line is not None
    x1, y1, x2, y2 = truth.line
    length = truth.length or math.hypot(x2 - x1, y2 - y1)
    ux, uy = (x2 - x1), (y2 - y1)
    n = math.hypot(ux, uy) or 1.0
    ux, uy = ux / n, uy / n
    ends = ((stick.x1, stick.y1), (stick.x2, stick.y2))
    ts = sorted((x - x1) * ux + (y - y1) * uy for x, y in ends)
    return (-ts[0]) / length, (ts[1] - n) / length


def _view(pose: Pose | None) -> str:
    body = body_of(pose)
    if body is None:
        return "nobody"
    if body.facing is None:
        return "one-shoulder"
    side = "front" if body.facing else "rear"
    if body.spread < 0.45:
        return "side"
    return side if body.spread >= 0.6 else f"{side}-oblique"


def tracker_class(stick: Stick | None, truth: Truth) -> str:
    """The tracker's answer against the truth."""
    if stick is None:
        return "none"
    if matches(stick, truth):
        return "ok"
    assert truth.angle_deg is not None
    turn = abs(stick.angle_deg - truth.angle_deg) % 180.0
    if min(turn, 180.0 - turn) > 5.0:
        return ("carried " if stick.tracked else "") + "angle"
    lo, hi = _ends_error(stick, truth)
    bad = [e for e in (lo, hi) if abs(e) > 0.1]
    what = "short" if all(e < 0 for e in bad) else "long" if all(e > 0 for e in bad) else "mixed"
    if not bad:  # ends along the line are fine, it lies off the line
        what = "offset"
    return ("carried " if stick.tracked else "") + f"ends {what}"


def raw_reason(image: np.ndarray, pose: Pose | None, truth: Truth, size: float) -> str:
    """Where the detector alone loses the true stick on this frame."""
    body = body_of(pose)
    if body is None:
        return "no body"
    if size > 0:
        from dataclasses import replace

        body = replace(body, size=size)
    hold = truth.hold or "across"
    band = d.band_for(hold, body)
    if band is None:
        return f"view: no {hold} band"
    scale = d.body_scale(body)
    assert truth.line is not None
    x1, y1, x2, y2 = truth.line
    tu = d.unit(x2 - x1, y2 - y1)

    def near(line: d.Line) -> bool:
        cos = abs(line.ux * tu[0] + line.uy * tu[1])
        if cos < math.cos(math.radians(5.0)):
            return False
        mx, my = line.end((line.lo + line.hi) / 2)
        return abs((my - y1) * tu[0] - (mx - x1) * tu[1]) <= NEAR_OFF * scale

    margin = d.STRIP_MARGIN * scale
    across = (band.off[0] - margin, band.off[1] + margin)
    patch = strip_of(image, band.origin, band.u, band.n, band.reach, across, scale)
    patch = find_segments(patch, scale)
    all_lines = d.merge_lines(patch.segments, scale, d.MERGE_GAP[hold])
    lines = d.merge_lines(d.in_band(patch.segments, band), scale, d.MERGE_GAP[hold])
    if not any(near(x) for x in lines):
        # where is the true line against the band?
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        _, o = band.coords(mx, my)
        if not band.off[0] <= o <= band.off[1]:
            return "band: stick outside offsets"
        if any(near(x) for x in all_lines):
            return "band: segments outside band"
        return "lsd: no segment on it"
    least = d.CANDIDATE_COVER * scale
    cands = [x for x in lines if x.cover >= least][: d.CANDIDATES]
    mine = [x for x in cands if near(x)]
    if not mine:
        best = max((x for x in lines if near(x)), key=lambda x: x.cover)
        rank = lines.index(best)
        return "candidates: too little seen" if best.cover < least else f"candidates: rank {rank}"
    reasons = []
    for line in mine:
        fitted = d.refit(patch, line, scale)
        if fitted is None:
            reasons.append("refit failed")
            continue
        seen = d.seen_part(patch, band, fitted, body, scale)
        if seen is None:
            reasons.append("seen_part none")
            continue
        grown = d.replace(fitted, lo=seen.lo, hi=seen.hi, cover=seen.cover)
        score, why = d.score_why(seen, grown, band, body, scale)
        if score <= 0:
            reasons.append(f"check {why}")
            continue
        stick = d.stick_from_line(grown, hold, score, body)
        if matches(stick, truth):
            reasons.append("ok")
        else:
            reasons.append("seen: " + tracker_class(stick, truth))
    if "ok" in reasons:
        found = d.detect_stick(image, pose, size=size)
        if found is None or not matches(found, truth):
            return "another line won" if found is not None else "ok alone, lost in look"
        return "raw ok"
    return reasons[0]


def false_row(name: str, i: int, truth: Truth, pose: Pose | None, stick: Stick, how: str) -> str:
    """One false stick: where it lies against the body (of S: its middle from the across
    anchor, its end-to-end length), its hold, angle and confidence, and how the tracker
    came to report it (``how``: a look, a follow or carried between looks)."""
    body = body_of(pose)
    where = ""
    if body is not None:
        scale = d.body_scale(body)
        ax, ay = d.across_anchor(body)
        mx, my = (stick.x1 + stick.x2) / 2, (stick.y1 + stick.y2) / 2
        where = (
            f" mid {(mx - ax) / scale:+.2f},{(my - ay) / scale:+.2f} S"
            f" len {stick.length_px / scale:.2f} S spread {body.spread:.2f}"
        )
    return (
        f"{name}#{i} {truth.kind} {_view(pose)} {how} {stick.orientation}"
        f" {stick.angle_deg:+.1f}deg conf {stick.confidence:.2f}{where}"
    )


def false_sticks(data: list[tuple[Sequence, list[Pose | None]]], every: int) -> None:
    """Every frame without a stick (clean, distractors) where the tracker reports one,
    counted by situation and by how it came (a look, a follow, carried), then listed."""
    counts: Counter[tuple[str, str]] = Counter()
    frames: Counter[str] = Counter()
    rows = []
    for seq, poses in data:
        track = StickTracker(every=every)
        for i, (image, pose, t_s, truth) in enumerate(
            zip(seq.images, poses, seq.times, seq.truths, strict=True)
        ):
            runs, follows = track.runs, track.follows
            stick = track.update(image, pose, t_s)
            if truth.line is not None or truth.kind in ("stub", "no_body", "hidden"):
                continue
            frames[truth.kind] += 1
            if stick is None:
                continue
            how = "carried" if stick.tracked or track.runs == runs else "look"
            how = "follow" if track.follows > follows else how
            counts[(truth.kind, how)] += 1
            rows.append(false_row(seq.name, i, truth, pose, stick, how))
    print("false sticks by situation and how (frames without a stick):")
    for kind in sorted(frames):
        found = {how: k for (kd, how), k in counts.items() if kd == kind}
        print(f"  {kind:<10} {sum(found.values())}/{frames[kind]} {found}")
    print("\n".join(rows))


def main() -> None:
    """Print the breakdown of one cached split."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--every", type=int, default=8)
    parser.add_argument("--list", action="store_true", help="every missed frame")
    parser.add_argument("--raw", action="store_true", help="the detector alone, no tracker")
    parser.add_argument("--false", action="store_true", help="the false sticks, not the misses")
    args = parser.parse_args()
    with args.cache.open("rb") as f:
        data = pickle.load(f)
    if args.false:
        false_sticks(data, args.every)
        return
    total: Counter[str] = Counter()
    causes: Counter[tuple[str, str]] = Counter()
    by_view: dict[str, Counter[str]] = defaultdict(Counter)
    by_seq: dict[str, Counter[str]] = defaultdict(Counter)
    rows = []
    for seq, poses in data:
        track = StickTracker(every=args.every)
        for i, (image, pose, t_s, truth) in enumerate(
            zip(seq.images, poses, seq.times, seq.truths, strict=True)
        ):
            stick = track.update(image, pose, t_s)
            if args.raw:
                stick = d.detect_stick(image, pose)
            if truth.line is None or truth.kind in ("stub", "no_body", "hidden"):
                continue
            view = _view(pose)
            tc = tracker_class(stick, truth)
            total[f"{truth.hold}"] += 1
            by_view[f"{truth.hold}/{view}"]["frames"] += 1
            by_seq[seq.name]["frames"] += 1
            if tc == "ok":
                continue
            rr = raw_reason(image, pose, truth, 0.0 if args.raw else track._size())
            causes[(tc, rr)] += 1
            by_view[f"{truth.hold}/{view}"][rr if tc == "none" else tc] += 1
            by_seq[seq.name]["miss"] += 1
            x1, y1, x2, y2 = truth.line
            seen = math.hypot(x2 - x1, y2 - y1) / (truth.length or 1.0)
            rows.append(f"{seq.name}#{i} {view} seen={seen:.2f} tracker={tc} raw={rr} {stick}")
    n = sum(total.values())
    miss = sum(causes.values())
    print(f"frames with a stick {n} {dict(total)}, missed {miss} ({100 * miss / max(1, n):.1f} %)")
    print("\ncauses (tracker answer | detector alone):")
    for (tc, rr), k in causes.most_common():
        print(f"  {k:5d}  {tc:<22} | {rr}")
    print("\nby hold/view:")
    for key in sorted(by_view):
        c = by_view[key]
        rest = ", ".join(f"{k} {v}" for k, v in c.most_common() if k != "frames")
        print(f"  {key:<22} frames {c['frames']:4d}: {rest}")
    print("\nby sequence (missed/frames):")
    for key in sorted(by_seq):
        c = by_seq[key]
        if c["miss"]:
            print(f"  {key:<50} {c['miss']}/{c['frames']}")
    if args.list:
        print("\n".join(rows))


if __name__ == "__main__":
    main()
