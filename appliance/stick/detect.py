"""Find the drill's stick in one frame: a long straight line where the keypoints say a stick
must lie.

Across the back (coaching.md, "Drill mode"): facing the mirror, a near-horizontal line at
elbow height crossing the body, sticking out past the elbows, often in two pieces (the
torso hides its middle). Along the spine: side-on, a line parallel to the torso just
behind it, from behind the head to the tailbone. Side-on the across stick is only a stub
and front-on the along stick hides behind the body: those are left to the body's
keypoints.

Every tolerance is a fraction of the body's scale ``S`` (pixels; the torso's length, or
the shoulders' spread where the torso is foreshortened by a hinge toward the camera).
The stick is 1-1.5 m long and about 3 cm thick against a torso of about 0.5 m.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from appliance.stick.bar import bar_support, extend
from appliance.stick.body import Body, body_of
from appliance.stick.lines import LINE_METHOD, Region, Segments, clip_region, find_segments
from appliance.types import Pose, RGBImage, Stick

ACROSS_MAX_TILT_DEG = 35.0  # image angle from horizontal for a stick across the back
ACROSS_MAX_OFFSET = 0.32  # of S: line from the elbows' midpoint (a held bar is ~0.5 S below)
ACROSS_MAX_SLID = 0.75  # of S below the elbows: where a held stick is still followed
ACROSS_MIN_COVER = 0.45  # of S: seen length of the line
ACROSS_MIN_EXTENT = 1.0  # of S: end to end
ACROSS_MAX_EXTENT = 3.6  # of S: longer is a barbell, a shelf or a door lintel
ALONG_MAX_OFF_AXIS_DEG = 18.0  # angle from the torso's axis
ALONG_MAX_BEHIND = 0.55  # of S: the stick lies behind the shoulder-hip line, at most this far
ALONG_MAX_HEAD_GAP = 0.45  # of S: from the back of the head to the line
ALONG_MIN_COVER = 0.6  # of S
ALONG_MAX_PAST_HIPS = 0.75  # of S beyond the hips along the axis: further is a door frame
ALONG_MAX_PAST_HEAD = 1.1  # of S beyond the shoulders toward the head
MERGE_ANGLE_DEG = 8.0  # segments of one line differ by at most this much...
MERGE_OFFSET = 0.07  # ... and lie within this (of S) of each other's line...
MERGE_GAP = {"across": 1.6, "along": 0.5}  # ... with gaps along it up to this (of S)
FRONT_SPREAD = 0.3  # shoulders' spread / torso above which the across stick shows as a line
SIDE_SPREAD = 0.45  # ... below which the along stick shows as a line (face seen side-on)
MIN_BAR = 0.5  # of the samples along a line that must look like a thin stripe


@dataclass(frozen=True, slots=True)
class Line:
    """Segments merged into one straight line: a point on it, its unit direction (x >= 0),
    the extent of the seen parts along it (``lo``, ``hi``: pixels from the point), and how
    much of that extent is covered by seen segments (pixels)."""

    px: float
    py: float
    ux: float
    uy: float
    lo: float
    hi: float
    cover: float
    spans: tuple[tuple[float, float], ...] = ()

    def end(self, t: float) -> tuple[float, float]:
        """The point ``t`` pixels along the line from its reference point."""
        return (self.px + t * self.ux, self.py + t * self.uy)

    def along(self, x: float, y: float) -> float:
        """How far along the line (pixels) the foot of ``(x, y)`` lies."""
        return (x - self.px) * self.ux + (y - self.py) * self.uy

    def offset(self, x: float, y: float) -> float:
        """Signed distance (pixels) of ``(x, y)`` from the line (positive: left of ``u``)."""
        return (y - self.py) * self.ux - (x - self.px) * self.uy

    @property
    def angle_deg(self) -> float:
        """-90..90, 0 horizontal, positive when the right end is higher in the image."""
        return math.degrees(math.atan2(-self.uy, self.ux))


def body_scale(body: Body) -> float:
    """``S``: the torso's length, or the shoulders' spread (x 1.3) when that is larger."""
    if len(body.shoulder_pts) == 2:
        (ax, ay), (bx, by) = body.shoulder_pts
        return max(body.torso_px, 1.3 * math.hypot(ax - bx, ay - by))
    return body.torso_px


def _directions(segments: Segments) -> np.ndarray:
    """Unit directions ``(N, 2)`` of the segments, pointing to +x (or +y when vertical)."""
    d = segments[:, 2:4] - segments[:, 0:2]
    flip = (d[:, 0] < 0) | ((d[:, 0] == 0) & (d[:, 1] < 0))
    d[flip] *= -1.0
    n = np.hypot(d[:, 0], d[:, 1])
    n[n == 0] = 1.0
    return d / n[:, None]


def _near_members(
    segments: Segments, members: list[int], seed: int, ux: float, uy: float, gap: float
) -> list[int]:
    """The members reachable from ``seed`` along the line without a gap over ``gap``."""
    t = {j: sorted(segments[j, [0, 2]] * ux + segments[j, [1, 3]] * uy) for j in members}
    lo, hi = t[seed]
    kept = [seed]
    rest = [j for j in members if j != seed]
    grew = True
    while grew:
        grew = False
        for j in list(rest):
            a, b = t[j]
            if a <= hi + gap and b >= lo - gap:
                lo, hi = min(lo, a), max(hi, b)
                kept.append(j)
                rest.remove(j)
                grew = True
    return kept


def oriented(segments: Segments, direction: tuple[float, float], max_deg: float) -> Segments:
    """The segments within ``max_deg`` of the unit ``direction`` (either way along it)."""
    if len(segments) == 0:
        return segments
    d = _directions(segments)
    cos = np.abs(d[:, 0] * direction[0] + d[:, 1] * direction[1])
    return segments[cos >= math.cos(math.radians(max_deg))]


def merge_lines(segments: Segments, scale: float, gap: float = 1.0) -> list[Line]:
    """Group segments lying on one straight line (within ``MERGE_*``; gaps along it up to
    ``gap`` x S), longest first."""
    if len(segments) == 0:
        return []
    lengths = np.hypot(segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1])
    order = np.argsort(-lengths)
    dirs = _directions(segments)
    used = np.zeros(len(segments), dtype=bool)
    cos_tol = math.cos(math.radians(MERGE_ANGLE_DEG))
    lines: list[Line] = []
    for i in order:
        if used[i]:
            continue
        ux, uy = float(dirs[i, 0]), float(dirs[i, 1])
        px, py = (segments[i, 0] + segments[i, 2]) / 2, (segments[i, 1] + segments[i, 3]) / 2
        parallel = np.abs(dirs[:, 0] * ux + dirs[:, 1] * uy) >= cos_tol
        off1 = np.abs((segments[:, 1] - py) * ux - (segments[:, 0] - px) * uy)
        off2 = np.abs((segments[:, 3] - py) * ux - (segments[:, 2] - px) * uy)
        near = parallel & ~used & (np.maximum(off1, off2) <= MERGE_OFFSET * scale)
        near[i] = True
        members = _near_members(segments, [int(j) for j in np.nonzero(near)[0]], int(i), ux, uy,
                                gap * scale)  # fmt: skip
        used[members] = True
        pts = segments[members].reshape(-1, 2)
        w = np.repeat(lengths[members], 2)
        cx, cy = float(np.average(pts[:, 0], weights=w)), float(np.average(pts[:, 1], weights=w))
        t = (pts[:, 0] - cx) * ux + (pts[:, 1] - cy) * uy
        spans = sorted(
            (min(t[2 * k], t[2 * k + 1]), max(t[2 * k], t[2 * k + 1])) for k in range(len(members))
        )
        cover, reach = 0.0, -math.inf
        seen: list[tuple[float, float]] = []
        for a, b in spans:
            a = max(a, reach)
            if b > a:
                cover += b - a
                seen.append((float(a), float(b)))
            reach = max(reach, b)
        lines.append(Line(cx, cy, ux, uy, float(t.min()), float(t.max()), cover, tuple(seen)))
    return lines


def _score_across(line: Line, body: Body, scale: float, below: float = ACROSS_MAX_OFFSET) -> float:
    """0 when ``line`` cannot be a stick across the back, else higher for a better one.
    ``below``: how far (of S) under the elbows it may lie (further for a stick already
    held and now sliding down the back)."""
    if abs(line.angle_deg) > ACROSS_MAX_TILT_DEG:
        return 0.0
    anchor = body.elbow_mid or (
        body.shoulders[0] + 0.55 * (body.hips[0] - body.shoulders[0]),
        body.shoulders[1] + 0.55 * (body.hips[1] - body.shoulders[1]),
    )
    signed = (line.end(line.along(*anchor))[1] - anchor[1]) / scale  # + below the elbows
    offset = abs(signed)
    extent = (line.hi - line.lo) / scale
    cover = line.cover / scale
    if not -ACROSS_MAX_OFFSET <= signed <= below or cover < ACROSS_MIN_COVER:
        return 0.0
    if not ACROSS_MIN_EXTENT <= extent <= ACROSS_MAX_EXTENT:
        return 0.0
    t = line.along(*anchor)
    if not line.lo - 0.3 * scale <= t <= line.hi + 0.3 * scale:
        return 0.0  # the line must cross the body, not lie off to one side
    return min(1.0, cover / 1.6) * (1.0 - 0.5 * min(1.0, offset / ACROSS_MAX_OFFSET))


def _score_along(line: Line, body: Body, scale: float) -> float:
    """0 when ``line`` cannot be a stick along the spine, else higher for a better one."""
    if abs(line.ux * body.axis[0] + line.uy * body.axis[1]) < math.cos(
        math.radians(ALONG_MAX_OFF_AXIS_DEG)
    ):
        return 0.0
    cover = line.cover / scale
    if cover < ALONG_MIN_COVER:
        return 0.0
    # The stick lies on the back: behind the shoulder-hip line, touching head and hips.
    mx, my = (body.shoulders[0] + body.hips[0]) / 2, (body.shoulders[1] + body.hips[1]) / 2
    foot = line.end(line.along(mx, my))
    gap = (foot[0] - mx, foot[1] - my)
    if body.facing:
        # The perpendicular to the torso that points away from the face: the back.
        px, py = -body.axis[1], body.axis[0]
        if px * body.facing > 0:
            px, py = -px, -py
        back = gap[0] * px + gap[1] * py
        if not -0.1 * scale <= back <= ALONG_MAX_BEHIND * scale:
            return 0.0
    elif math.hypot(*gap) > ALONG_MAX_BEHIND * scale:
        return 0.0
    if body.head is not None and abs(line.offset(*body.head)) > ALONG_MAX_HEAD_GAP * scale:
        return 0.0
    t_hips, t_shoulders = line.along(*body.hips), line.along(*body.shoulders)
    sign = 1.0 if t_shoulders >= t_hips else -1.0
    past_hips = sign * (t_hips - (line.lo if sign > 0 else line.hi)) / scale
    past_head = sign * ((line.hi if sign > 0 else line.lo) - t_shoulders) / scale
    if past_hips > ALONG_MAX_PAST_HIPS or past_head > ALONG_MAX_PAST_HEAD:
        return 0.0
    return min(1.0, cover / 1.2)


def search_regions(body: Body, width: int, height: int) -> dict[str, Region]:
    """Where to look for each hold the view can show as a line (frame pixels)."""
    scale = body_scale(body)
    regions: dict[str, Region] = {}
    if body.spread >= FRONT_SPREAD:
        cx, cy = body.elbow_mid or body.shoulders
        if body.elbow_mid is None:
            cy += 0.55 * (body.hips[1] - body.shoulders[1])
        regions["across"] = clip_region(
            cx - 2.1 * scale, cy - 0.6 * scale, cx + 2.1 * scale, cy + 0.6 * scale, width, height
        )
    if body.spread < SIDE_SPREAD and body.facing != 0:
        xs = [body.shoulders[0], body.hips[0]] + ([body.head[0]] if body.head else [])
        ys = [body.shoulders[1], body.hips[1]] + ([body.head[1]] if body.head else [])
        m = 1.0 * scale
        regions["along"] = clip_region(
            min(xs) - m, min(ys) - m, max(xs) + m, max(ys) + m, width, height
        )
    return regions


def stick_from_line(line: Line, orientation: str, confidence: float, body: Body) -> Stick:
    """The ``Stick`` of a line judged to be one (ends sorted left to right)."""
    (x1, y1), (x2, y2) = line.end(line.lo), line.end(line.hi)
    if x2 < x1:
        (x1, y1), (x2, y2) = (x2, y2), (x1, y1)
    height = None
    if orientation == "across" and body.elbow_mid is not None:
        ey = body.elbow_mid[1]
        sx, sy = body.shoulders
        cross_y = line.end(line.along(sx, sy))[1]
        if abs(ey - sy) > 1.0:
            height = (cross_y - sy) / (ey - sy)
    return Stick(x1, y1, x2, y2, line.angle_deg, orientation, round(confidence, 3), height)


def detect_stick(
    image: RGBImage,
    pose: Pose | None,
    method: str = LINE_METHOD,
    orientations: tuple[str, ...] = ("across", "along"),
    below: float = ACROSS_MAX_OFFSET,
) -> Stick | None:
    """The stick in ``image`` (RGB) for the person ``pose``, or ``None``: one frame, no
    memory (the tracker in ``appliance.stick.track`` adds that). ``below``: how far (of S)
    under the elbows a stick across the back may lie (the tracker widens it for a stick
    it holds, so one sliding down the back is followed)."""
    body = body_of(pose)
    if body is None:
        return None
    height, width = image.shape[:2]
    scale = body_scale(body)
    best: tuple[float, Line, str] | None = None
    for orientation, region in search_regions(body, width, height).items():
        if orientation not in orientations:
            continue
        patch = find_segments(image, region, scale, method)
        if orientation == "across":
            judge: Callable[[Line, Body, float], float] = partial(_score_across, below=below)
            segments = oriented(patch.segments, (1.0, 0.0), 40.0)
        else:
            judge, segments = _score_along, oriented(patch.segments, body.axis, 25.0)
        for line in merge_lines(segments, scale, MERGE_GAP[orientation]):
            score = judge(line, body, scale)
            if score <= 0.0 or (best is not None and score <= best[0]):
                continue
            bar = bar_support(patch, (line.px, line.py), (line.ux, line.uy), line.spans, scale)
            if bar < MIN_BAR:
                continue
            lo, hi = extend(patch, (line.px, line.py), (line.ux, line.uy), line.lo, line.hi,
                            scale, 0.8 * scale)  # fmt: skip
            grown = replace(line, lo=lo, hi=hi, cover=line.cover + (line.lo - lo) + (hi - line.hi))
            grown_score = judge(grown, body, scale)
            if grown_score > 0.0:  # else the stripe ran on into something that is no stick
                line, score = grown, grown_score
            if best is None or score > best[0]:
                best = (score * (0.5 + 0.5 * bar), line, orientation)
    if best is None:
        return None
    return stick_from_line(best[1], best[2], best[0], body)
