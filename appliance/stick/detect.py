"""Find the drill's stick in one frame: a long, thin, straight stripe where the body says a
stick must lie.

The keypoints give each hold a band where its stick can be (``band_for``):

- **across** the back (facing the mirror; coaching.md, "Drill mode"): a near-horizontal
  line through the crooks of the elbows, sticking out past both; the torso hides its
  middle when the lifter faces the camera. Band: within 35° of level, from 0.32 S above
  the elbows' midpoint to 0.32 S below it (0.75 S for a stick already held: one sliding
  down the back), 2.1 S either side of it.
- **along** the spine (side-on): a line touching the back of the head and the tailbone,
  so a little behind the ears and the hips. Band: within 15° of the hips-to-head
  direction, from 0.25 S in front of that line to 0.45 S behind it, 0.9 S past the hips
  and past the head.

Side-on the across stick is only a stub and front-on the along stick hides behind the
body: those are left to the keypoints.

A look (``look``) cuts the band out as a strip turned along it (``lines.strip_of``),
finds straight segments in it (``lines.find_segments``) and merges those on one line (the
torso or a forearm cuts a stick in pieces). Each of the best few lines is put onto the thin
stripe that runs along it (``refit``: LSD follows one edge of a thin stick), and the stripe
profile along the whole band (``bar.stripe``) gives the stick's seen part (``seen_part``):
the segments that are stripe of one brightness, joined over gaps the body explains or
short ones, pushed on while the stripe goes on. Facing the camera the torso and forearms
hide the stick from elbow to elbow (a gap within the body's width is joined); seen from
behind the stick lies on the back (only a short gap at an elbow is). Then the body's
checks (``_score``): across, both ends out past the elbows about equally (held by the
middle), 1-3 S end to end, and neither running on to the band's end nor taking up again
past its ends (longer than any stick: a racked or dropped barbell, a shelf, a lintel, an
edge of the room); along, close to the head and the hips and spanning most of the way
between them. A stick held is followed (``follow``) without the line detector: the
carried line put onto its stripe within ``NEAR`` x S, its runs of stripe taken for the
segments.

Every tolerance is a fraction of the body's scale ``S`` (pixels; the torso's length, or
the shoulders' spread x 1.3 where the torso is foreshortened by a hinge toward the camera,
and at least ``SIZE_KEPT`` of the largest the tracker saw lately).
The stick is 1-1.5 m long and about 3 cm thick against a torso of about 0.5 m.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from appliance.stick.bar import MIN_CONTRAST, Floats, stripe, unit
from appliance.stick.body import Body, Point, body_of
from appliance.stick.crosscut import crosscut
from appliance.stick.lines import LINE_METHOD, Patch, Segments, find_segments, strip_of
from appliance.types import Pose, RGBImage, Stick

ACROSS_MAX_TILT_DEG = 35.0  # image angle from horizontal for a stick across the back
ACROSS_ABOVE = 0.32  # of S: how far above the elbows' midpoint the stick may lie
ACROSS_MAX_OFFSET = 0.32  # of S: ... and below it, for a stick not yet held
ACROSS_MAX_SLID = 0.75  # of S below the elbows: where a held stick is still followed
ACROSS_REACH = 2.1  # of S either side of the elbows' midpoint: the band's length
ACROSS_MIN_COVER = 0.45  # of S: seen length of the line
ACROSS_EXTENT = (1.0, 3.0)  # of S end to end: a stick up to 1.5 m on a torso of 0.5 m (no
# more: a gym's bench or rack rail at the elbows' height shows 3.3 S and longer)
ACROSS_PAST_ELBOW = 0.05  # of S: each end lies at least this far beyond its elbow
ACROSS_CENTRED = 0.3  # of S: the stick's middle lies this close to the elbows' midpoint
ALONG_BEHIND = 0.2  # of S: the stick's line lies this far behind the ears and the hips
ALONG_BAND = (-0.25, 0.45)  # of S from that line (positive: further back)
ALONG_MAX_DEG = 15.0  # angle from the hips-to-head direction
ALONG_PAST = 0.9  # of S: the band goes this far past the hips and the head
ALONG_MIN_COVER = 0.6  # of S: seen length of the line
ALONG_MIN_SPAN = 0.85  # of the hips-to-head distance: end to end at least
NEAR = 0.2  # of S: a held stick is looked for this far either side of where it was
NEAR_DEG = 8.0  # ... and within this angle of it
NEAR_PAST = 0.5  # of S: and this far past its ends (within the hold's band)
MERGE_ANGLE_DEG = 8.0  # segments of one line differ by at most this much...
MERGE_OFFSET = 0.07  # ... and lie within this (of S) of each other's line...
MERGE_GAP = {"across": 3.0, "along": 0.5}  # ... with gaps along it up to this (of S)
OPEN_GAP = 0.15  # of S: a gap in a stick's stripe that nothing explains
GOES_ON = (0.1, 0.8, 0.3, 0.4)  # past a seen part's end, from 0.1 to 0.8 S (at least 0.3 S
# of it in the band), stripe like it on 40 % or more: it goes on, no stick ends there
RUNS_ON = 0.15  # of S: a seen part ending this close to its band's end runs on past it
BODY_GAP = {"across": 1.8, "along": 0.6}  # of S: a gap where the body may hide the stick
BODY_SIDE = 0.35  # of S: ... across, past the outermost elbow or shoulder
REAR_GAP = 0.35  # of S: seen from behind, a gap at an elbow (an arm over the stick)
LEVEL_TOL = 40.0  # grey levels: one stick's middle stays this close to its median
RELATIVE_CONTRAST = 0.3  # of the stripe's median contrast on the segments: still the stick
SEEN_SHIFT = 1.5  # working pixels: the stripe of a seen part lies this close to its line
MIN_RUN = 3  # working pixels: shorter segments are texture
PIECE_STRIPE = 0.25  # of a segment's length: stripe of the stick's brightness on a piece
CANDIDATES = 3  # lines (longest seen first) whose stripe profile is looked at
CANDIDATE_COVER = 0.3  # of S: ... that the line detector saw at least this much of
MAX_SEGMENTS = 24  # the longest segments in a band that are merged into lines
REFIT_SAMPLES = 64  # points along a line's segments where the stripe is sought
REFIT_HITS = 0.4  # of them that must show it
FOLLOW_DEG = 4.0  # degrees: a stick followed turns at most this much between looks
FOLLOW_ENDS = 0.08  # of its length: and its ends stay this close to where they were carried
FOLLOW_RUN = 0.1  # of S: a run of stripe this long is a piece of the stick followed
FOLLOW_STEP = 2.0  # working pixels between the samples of a followed stick's profile
FOLLOW_HITS = 0.25  # ... following a stick held (its middle may be hidden by the torso)
STRIP_MARGIN = 0.12  # of S: the strip searched reaches this far past the band's offsets
HELD_TURN = 1.4  # a held stick's view may turn this much further (spread / or x this)
SIZE_KEPT = 0.8  # of the largest body scale seen lately: the least the scale is taken as
TINT_HOLDS = ("along",)  # holds whose lines are looked at again on the strip's warmth
# (``Patch.tinted``) when none is a stick in grey: a pale rod on a back's outline
TINT_WARM = 24.0  # ... where the stick's stripe must be this much warmer than grey (red
# less blue: a wooden rod; not a cool bar's shading or a grey shirt against a warm wall)
FRONT_SPREAD = 0.3  # shoulders' spread / torso above which the across stick shows as a line
SIDE_SPREAD = 0.45  # ... below which the along stick shows as a line (face seen side-on)


@dataclass(frozen=True, slots=True)
class Line:
    """Segments merged into one straight line: a point on it, its unit direction (x >= 0),
    the extent of the seen parts along it (``lo``, ``hi``: pixels from the point), how
    much of that extent is covered by seen segments (pixels), and the seen spans."""

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


@dataclass(frozen=True, slots=True)
class Band:
    """Where one hold's stick can lie (frame pixels): lines within ``max_deg`` of the unit
    direction ``u``, whose offset from ``origin`` along the unit normal ``n`` lies in
    ``off``, searched from ``reach[0]`` to ``reach[1]`` along ``u``."""

    hold: str
    origin: Point
    u: Point
    n: Point
    off: tuple[float, float]
    reach: tuple[float, float]
    max_deg: float

    def at(self, t: float, o: float) -> Point:
        """The point ``t`` pixels along ``u`` and ``o`` along ``n`` from the origin."""
        return (
            self.origin[0] + t * self.u[0] + o * self.n[0],
            self.origin[1] + t * self.u[1] + o * self.n[1],
        )

    def coords(self, x: float, y: float) -> tuple[float, float]:
        """``(t, o)`` of a frame point: pixels along ``u`` and ``n`` from the origin."""
        dx, dy = x - self.origin[0], y - self.origin[1]
        return (dx * self.u[0] + dy * self.u[1], dx * self.n[0] + dy * self.n[1])


def body_scale(body: Body) -> float:
    """``S``: the torso's length, or the shoulders' spread (x 1.3) when that is larger, and
    at least ``SIZE_KEPT`` of the largest seen lately (``body.size``: a hinge toward the
    camera foreshortens both, the body does not shrink)."""
    scale = body.torso_px
    if len(body.shoulder_pts) == 2:
        (ax, ay), (bx, by) = body.shoulder_pts
        scale = max(scale, 1.3 * math.hypot(ax - bx, ay - by))
    return max(scale, SIZE_KEPT * body.size)


def across_anchor(body: Body) -> Point:
    """Where the across stick's middle rests: the elbows' midpoint; with one elbow seen,
    that elbow's height at the shoulders' midpoint (the elbows hang either side of it),
    and with neither, where it would be on the torso."""
    if len(body.elbows) == 1 and len(body.shoulder_pts) == 2:
        return (body.shoulders[0], body.elbows[0][1])
    return body.elbow_mid or (
        body.shoulders[0] + 0.55 * (body.hips[0] - body.shoulders[0]),
        body.shoulders[1] + 0.55 * (body.hips[1] - body.shoulders[1]),
    )


def _along_ends(body: Body, scale: float) -> tuple[Point, Point] | None:
    """Where the along stick touches: behind the hips and behind the head (frame pixels)."""
    if body.back is None:
        return None
    bx, by = body.back[0] * ALONG_BEHIND * scale, body.back[1] * ALONG_BEHIND * scale
    head = body.head or (
        body.shoulders[0] + 0.3 * scale * body.axis[0],
        body.shoulders[1] + 0.3 * scale * body.axis[1],
    )
    return (body.hips[0] + bx, body.hips[1] + by), (head[0] + bx, head[1] + by)


def band_for(
    hold: str, body: Body, below: float = ACROSS_MAX_OFFSET, held: bool = False
) -> Band | None:
    """The band where ``hold``'s stick can lie for this body, or ``None`` when the view
    cannot show it as a line. ``below``: how far (of S) under the elbows an across stick
    may lie; ``held``: a stick of that hold is held already (the view may turn
    ``HELD_TURN`` further before it is let go: no flicker at the views' border)."""
    scale = body_scale(body)
    turn = HELD_TURN if held else 1.0
    if hold == "across":
        if body.spread < FRONT_SPREAD / turn:
            return None
        return Band(
            "across",
            across_anchor(body),
            (1.0, 0.0),
            (0.0, 1.0),
            (-ACROSS_ABOVE * scale, below * scale),
            (-ACROSS_REACH * scale, ACROSS_REACH * scale),
            ACROSS_MAX_TILT_DEG,
        )
    ends = _along_ends(body, scale)
    if body.spread >= SIDE_SPREAD * turn or ends is None or body.back is None:
        return None
    (hx, hy), (tx, ty) = ends
    length = math.hypot(tx - hx, ty - hy)
    if length < 0.5 * scale:
        return None
    u = unit(tx - hx, ty - hy)
    n = (-u[1], u[0])
    if n[0] * body.back[0] + n[1] * body.back[1] < 0:
        n = (-n[0], -n[1])
    return Band(
        "along",
        (hx, hy),
        u,
        n,
        (ALONG_BAND[0] * scale, ALONG_BAND[1] * scale),
        (-ALONG_PAST * scale, length + ALONG_PAST * scale),
        ALONG_MAX_DEG,
    )


def near_band(band: Band, stick: Stick, scale: float) -> Band:
    """``band`` narrowed to the neighbourhood of a stick seen before (frame pixels)."""
    ux, uy = unit(stick.x2 - stick.x1, stick.y2 - stick.y1)
    if ux * band.u[0] + uy * band.u[1] < 0:
        ux, uy = -ux, -uy
    nx, ny = -uy, ux
    if nx * band.n[0] + ny * band.n[1] < 0:
        nx, ny = -nx, -ny
    # The foot of the band's origin on the stick's line, and the stick's ends from it.
    ox, oy = band.origin
    t = (ox - stick.x1) * ux + (oy - stick.y1) * uy
    foot = (stick.x1 + t * ux, stick.y1 + t * uy)
    ends = sorted(
        (x - foot[0]) * ux + (y - foot[1]) * uy
        for x, y in ((stick.x1, stick.y1), (stick.x2, stick.y2))
    )
    reach = (
        max(band.reach[0], ends[0] - NEAR_PAST * scale),
        min(band.reach[1], ends[1] + NEAR_PAST * scale),
    )
    return Band(band.hold, foot, (ux, uy), (nx, ny), (-NEAR * scale, NEAR * scale),
                reach, NEAR_DEG)  # fmt: skip


def holds_in_view(body: Body) -> tuple[str, ...]:
    """The holds whose stick this view can show as a line."""
    return tuple(h for h in ("across", "along") if band_for(h, body) is not None)


def _directions(segments: Segments) -> np.ndarray:
    """Unit directions ``(N, 2)`` of the segments, pointing to +x (or +y when vertical)."""
    d = segments[:, 2:4] - segments[:, 0:2]
    flip = (d[:, 0] < 0) | ((d[:, 0] == 0) & (d[:, 1] < 0))
    d[flip] *= -1.0
    n = np.hypot(d[:, 0], d[:, 1])
    n[n == 0] = 1.0
    return d / n[:, None]


def in_band(segments: Segments, band: Band) -> Segments:
    """The segments within the band's angle whose middle lies within its offsets."""
    if len(segments) == 0:
        return segments
    d = _directions(segments)
    cos = np.abs(d[:, 0] * band.u[0] + d[:, 1] * band.u[1])
    mx = (segments[:, 0] + segments[:, 2]) / 2 - band.origin[0]
    my = (segments[:, 1] + segments[:, 3]) / 2 - band.origin[1]
    off = mx * band.n[0] + my * band.n[1]
    keep = (cos >= math.cos(math.radians(band.max_deg))) & (off >= band.off[0])
    return segments[keep & (off <= band.off[1])]


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


def merge_lines(segments: Segments, scale: float, gap: float = 1.0) -> list[Line]:
    """Group segments lying on one straight line (within ``MERGE_*``; gaps along it up to
    ``gap`` x S), longest first."""
    if len(segments) == 0:
        return []
    lengths = np.hypot(segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1])
    keep = np.argsort(-lengths)[:MAX_SEGMENTS]
    segments, lengths = segments[keep], lengths[keep]
    order = np.arange(len(segments))
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
    lines.sort(key=lambda line: -line.cover)
    return lines


@dataclass(frozen=True, slots=True)
class Seen:
    """A line's seen part by its stripe profile: from ``lo`` to ``hi`` (frame pixels along
    the line from its point), ``cover`` pixels of it stripe, ``fraction`` the share of
    stripe samples on the LSD segments, and whether it runs on to the band's end
    (``runs_on``: longer than the band allows)."""

    lo: float
    hi: float
    cover: float
    fraction: float
    runs_on: bool


def refit(
    patch: Patch, line: Line, scale: float, max_shift: float = 2.5, hits: float = REFIT_HITS
) -> Line | None:
    """``line`` moved and turned onto the stripe that runs along its segments within
    ``max_shift`` working pixels (LSD's segments follow one edge of a thin stick, or stop
    short), or ``None`` without one."""
    total = sum(b - a for a, b in line.spans)
    step = max(1.0 / patch.scale, total / REFIT_SAMPLES)
    ts = np.concatenate([np.arange(a, b + step, step) for a, b in line.spans])
    strength, _level, shift = stripe(
        patch, (line.px, line.py), (line.ux, line.uy), ts, scale, max_shift
    )
    hit = strength >= MIN_CONTRAST
    if hit.sum() < max(4, hits * len(ts)):
        return None
    t, d = ts[hit], shift[hit]  # frame pixels along the line and across it
    slope, at0 = 0.0, float(np.median(d))
    bands = [1.5, 1.5]
    if max_shift > 2.5:  # far from the line: the commonest shift, not the median one
        bins = np.round(d * patch.scale).astype(int)
        votes = np.convolve(np.bincount(bins - bins.min()), np.ones(3), mode="same")
        at0 = float(np.argmax(votes) + bins.min()) / patch.scale
        bands = [3.0, 1.5, 1.5]
    for band in bands:  # a straight fit, then again without the samples far off it
        keep = np.abs(d - (at0 + slope * t)) <= band / patch.scale
        if keep.sum() < 4:
            return None
        t, d = t[keep], d[keep]
        dt = t - t.mean()
        spread = float(dt @ dt)
        slope = float(dt @ (d - d.mean())) / spread if spread > 0 else 0.0
        at0 = float(d.mean()) - slope * float(t.mean())
    nx, ny = -line.uy, line.ux  # the way ``stripe`` measures its shift
    ux, uy = unit(line.ux + slope * nx, line.uy + slope * ny)
    if ux < 0:
        ux, uy = -ux, -uy
    return replace(line, px=line.px + at0 * nx, py=line.py + at0 * ny, ux=ux, uy=uy)


def seen_part(
    patch: Patch,
    band: Band,
    line: Line,
    body: Body,
    scale: float,
    short: tuple[bool, bool] = (False, False),
    profile: tuple[Floats, Floats, Floats] | None = None,
    least: float = 0.0,
) -> Seen | None:
    """Where along ``line`` the stick shows (see ``Seen``) in ``band``, or ``None`` when
    no stripe runs along its segments. ``short``: whether each end of the band's reach
    stops short of the hold's (a part of it searched): running on to it is no fault.
    ``profile``: the stripe along the band's reach already read (``stripe_profile``).

    The segments that are thin stripe of the stick's brightness are its seen pieces:
    from the longest, joined over gaps the body explains or short ones, then each end
    pushed on while the stripe goes on unbroken (line detectors stop short of a thin
    stick's ends)."""
    step = 1.0 / patch.scale  # one working pixel, in frame pixels (or the profile's)
    if profile is not None and len(profile[0]) > 1:
        step = float(profile[0][1] - profile[0][0])
    ends = sorted(
        (line.along(*band.at(t, 0.0)), cut) for t, cut in zip(band.reach, short, strict=True)
    )
    ts = np.arange(ends[0][0], ends[1][0] + step, step)
    wx, wy = patch.to_work(line.px, line.py)
    ux, uy = patch.turn(line.ux, line.uy)
    xs = np.round(wx + ts * patch.scale * ux).astype(int)
    ys = np.round(wy + ts * patch.scale * uy).astype(int)
    h, w = patch.grey.shape
    in_strip = (xs >= 0) & (ys >= 0) & (xs < w) & (ys < h)
    fx, fy = line.px + ts * line.ux, line.py + ts * line.uy
    inside = in_strip & patch.in_frame(fx, fy)
    if inside.sum() < 4:
        return None
    first, last = int(np.argmax(inside)), len(inside) - int(np.argmax(inside[::-1]))
    # Cut short by the frame's edge (not by the band's end or side): a stick may go on
    # out of the picture.
    cut = (
        ends[0][1] or (first > 0 and bool(in_strip[first - 1])),
        ends[1][1] or (last < len(ts) and bool(in_strip[last])),
    )
    ts = ts[first:last]
    if profile is not None and len(profile[0]) == len(inside):  # already read along it
        strength, level = profile[1][first:last], profile[2][first:last]
    else:
        strength, level, _ = stripe(
            patch, (line.px, line.py), (line.ux, line.uy), ts, scale, SEEN_SHIFT
        )
    pieces = [
        (int(np.searchsorted(ts, a)), int(np.searchsorted(ts, b, "right"))) for a, b in line.spans
    ]
    pieces = [(i, j) for i, j in pieces if j - i >= MIN_RUN]
    on_segments = np.zeros(len(ts), dtype=bool)
    for i, j in pieces:
        on_segments[i:j] = True
    core = (strength >= MIN_CONTRAST) & on_segments
    if core.sum() < MIN_RUN:
        return None
    middle = float(np.median(level[core]))
    if middle < least:  # not the stick's brightness (on a strip's warmth: not warm)
        return None
    hit = strength >= max(MIN_CONTRAST, RELATIVE_CONTRAST * float(np.median(strength[core])))
    like = hit & (np.abs(level - middle) <= LEVEL_TOL)
    pieces = [(i, j) for i, j in pieces if like[i:j].mean() >= PIECE_STRIPE]
    if not pieces:
        return None
    seed = max(range(len(pieces)), key=lambda k: pieces[k][1] - pieces[k][0])
    lo_i, hi_i = pieces[seed]
    for k in range(seed - 1, -1, -1):  # join the pieces before and after it
        i, j = pieces[k]
        if not _gap_ok(ts[j - 1], ts[lo_i], line, band.hold, body, scale):
            break
        lo_i = min(lo_i, i)
    for i, j in pieces[seed + 1 :]:
        if not _gap_ok(ts[hi_i - 1], ts[i], line, band.hold, body, scale):
            break
        hi_i = max(hi_i, j)
    lo_i, hi_i = _push(like, lo_i, -1), _push(like, hi_i - 1, 1) + 1
    cover = float(like[lo_i:hi_i].sum()) * step
    fraction = float(like[on_segments].mean())
    near_end = int(RUNS_ON * scale / step)  # samples: as good as at the band's end
    runs_on = (lo_i <= near_end and not cut[0]) or (hi_i >= len(ts) - near_end and not cut[1])
    # A stick ends: past its ends the same stripe does not take up again (a room's edge,
    # a shelf or a lintel goes on behind whatever cut it).
    past = int(GOES_ON[1] * scale / step)
    gap = int(GOES_ON[0] * scale / step)
    for beyond in (like[max(0, lo_i - past) : max(0, lo_i - gap)], like[hi_i + gap : hi_i + past]):
        runs_on |= len(beyond) * step >= GOES_ON[2] * scale and beyond.mean() >= GOES_ON[3]
    return Seen(float(ts[lo_i]), float(ts[hi_i - 1]), cover, fraction, runs_on)


def _push(like: np.ndarray, i: int, way: int) -> int:
    """Index ``i`` moved ``way`` (+1 or -1) while ``like`` goes on, over dropouts of at
    most two samples."""
    end, misses = i, 0
    while 0 <= i + way < len(like) and misses <= 2:
        i += way
        if like[i]:
            end, misses = i, 0
        else:
            misses += 1
    return end


def _gap_ok(a: float, b: float, line: Line, hold: str, body: Body, scale: float) -> bool:
    """Whether a gap in a stick's stripe from ``a`` to ``b`` (pixels along ``line``) can be
    the body in front of it, or is short enough to be a dropout."""
    length = abs(b - a)
    if length <= OPEN_GAP * scale:
        return True
    if hold == "across":
        # Facing the camera the torso and the forearms hide the stick from one elbow to
        # the other: the gap lies within the body's width there. Seen from behind, the
        # stick lies on the back: only an arm at an elbow may hide a little of it.
        xs = [p[0] for p in body.elbows] + [p[0] for p in body.shoulder_pts]
        if not xs:
            return False
        (ax, _), (bx, _) = line.end(a), line.end(b)
        if body.facing is False:
            mx = (ax + bx) / 2
            at_elbow = any(abs(mx - e[0]) <= REAR_GAP * scale for e in body.elbows)
            return at_elbow and length <= REAR_GAP * scale
        lo, hi = min(xs) - BODY_SIDE * scale, max(xs) + BODY_SIDE * scale
        if lo <= min(ax, bx) and max(ax, bx) <= hi:
            return True
        mx = (ax + bx) / 2  # or a shorter gap about the body's middle
        near = min(xs) - 0.25 * scale <= mx <= max(xs) + 0.25 * scale
        return near and length <= BODY_GAP[hold] * scale
    if length > BODY_GAP[hold] * scale:
        return False
    mx, my = line.end((a + b) / 2)
    # Along the spine: the forearms and hands (at the neck and the low back) and the head.
    t_hips, t_head = line.along(*body.hips), line.along(*(body.head or body.shoulders))
    way = 1.0 if t_head >= t_hips else -1.0
    t = way * (line.along(mx, my) - t_hips)
    return -0.3 * scale <= t <= way * (t_head - t_hips) + 0.5 * scale


def _score(seen: Seen, line: Line, band: Band, body: Body, scale: float) -> float:
    """0 when the seen part cannot be the hold's stick, else higher for a better one."""
    return score_why(seen, line, band, body, scale)[0]


def score_why(seen: Seen, line: Line, band: Band, body: Body, scale: float) -> tuple[float, str]:
    """``_score`` and, when it is 0, which of the hold's checks failed (for
    ``tests/stick_render/diagnose.py``)."""
    extent, cover = (seen.hi - seen.lo) / scale, seen.cover / scale
    if seen.runs_on:
        return 0.0, "runs_on"
    if band.hold == "across":
        if abs(line.angle_deg) > ACROSS_MAX_TILT_DEG or cover < ACROSS_MIN_COVER:
            return 0.0, "across_tilt_or_cover"
        if not ACROSS_EXTENT[0] <= extent <= ACROSS_EXTENT[1]:
            return 0.0, "across_extent"
        anchor = across_anchor(body)
        signed = (line.end(line.along(*anchor))[1] - anchor[1]) / scale  # + below the elbows
        if not band.off[0] <= signed * scale <= band.off[1]:
            return 0.0, "across_offset"
        if abs((seen.lo + seen.hi) / 2 - line.along(*anchor)) > ACROSS_CENTRED * scale:
            # held about the middle: it sticks out as far past either elbow
            return 0.0, "across_centred"
        points = body.elbows or (anchor,)
        past = ACROSS_PAST_ELBOW * scale
        if any(not seen.lo + past <= line.along(*p) <= seen.hi - past for p in points):
            return 0.0, "across_past_elbow"  # a stick in the elbows sticks out past both
        fit = 1.0 - 0.5 * min(1.0, abs(signed) / ACROSS_MAX_OFFSET)
        return (min(1.0, cover / 1.6) * fit * (0.5 + 0.5 * seen.fraction)), ""
    ends = _along_ends(body, scale)
    if ends is None or cover < ALONG_MIN_COVER:
        return 0.0, "along_ends_or_cover"
    (hx, hy), (tx, ty) = ends
    if abs(line.ux * band.u[0] + line.uy * band.u[1]) < math.cos(math.radians(ALONG_MAX_DEG)):
        return 0.0, "along_angle"
    for x, y in ends:  # the stick touches behind the head and behind the hips
        foot = line.end(line.along(x, y))
        off = (foot[0] - x) * band.n[0] + (foot[1] - y) * band.n[1]
        if not ALONG_BAND[0] * scale <= off <= ALONG_BAND[1] * scale:
            return 0.0, "along_touch"
    if extent < ALONG_MIN_SPAN * math.hypot(tx - hx, ty - hy) / scale:
        return 0.0, "along_span"
    return (min(1.0, cover / 1.2) * (0.5 + 0.5 * seen.fraction)), ""


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


def look(
    image: RGBImage,
    body: Body,
    band: Band,
    hold_band: Band,
    method: str = LINE_METHOD,
) -> tuple[float, Line] | None:
    """The best stick in ``band`` of ``image`` (RGB) with its score, or ``None``.
    ``hold_band``: the hold's whole band (``band`` may be a part of it), that its checks
    are made against."""
    scale = body_scale(body)
    margin = STRIP_MARGIN * scale  # room for the stripe's sides around the band
    across = (band.off[0] - margin, band.off[1] + margin)
    patch = strip_of(image, band.origin, band.u, band.n, band.reach, across, scale)
    patch = find_segments(patch, scale, method)
    best: tuple[float, Line] | None = None
    lines = merge_lines(in_band(patch.segments, band), scale, MERGE_GAP[band.hold])
    least = CANDIDATE_COVER * scale  # less seen than this: never a stick, however pushed
    unfit: list[Line] = []  # candidates with no grey stripe along them
    warm = _warmth(patch, band)
    for merged in [line for line in lines if line.cover >= least][:CANDIDATES]:
        fitted = refit(patch, merged, scale)
        if fitted is None:
            unfit.append(merged)
            continue
        found = _judge(patch, band, hold_band, fitted, body, scale, warm=warm, fitted=True,
                       image=image)  # fmt: skip
        if found is not None and (best is None or found[0] > best[0]):
            best = found
    for other in _other_reads(patch, band, warm) if best is None else ():
        for merged in unfit:
            found = _judge(other, band, hold_band, merged, body, scale,
                           warm=_warm_for(other, warm), image=image)  # fmt: skip
            if found is not None and (best is None or found[0] > best[0]):
                best = found
        if best is not None:
            break
    return best


def _warmth(patch: Patch, band: Band) -> Patch | None:
    """``patch``'s warmth (``Patch.tinted``) for the holds of ``TINT_HOLDS``, once per
    strip: its stripes are read on it, and grey finds pushed on along it."""
    return patch.tinted() if band.hold in TINT_HOLDS else None


def _other_reads(patch: Patch, band: Band, warm: Patch | None) -> tuple[Patch, ...]:
    """Other ways to read ``patch``'s stripes when its grey shows no stick: for the holds
    of ``TINT_HOLDS``, its warmth (``warm``, from ``_warmth``) and against a rod's own rims
    (``Patch.rimmed``); none for the others."""
    if band.hold not in TINT_HOLDS:
        return ()
    return (warm, patch.rimmed()) if warm is not None else (patch.rimmed(),)


def _warm_for(read: Patch, warm: Patch | None) -> Patch | None:
    """The warmth a find on ``read`` is pushed on along: none when ``read`` is the
    warmth itself."""
    return None if read.warmth else warm


def _judge(
    patch: Patch,
    band: Band,
    hold_band: Band,
    line: Line,
    body: Body,
    scale: float,
    profile: tuple[Floats, Floats, Floats] | None = None,
    warm: Patch | None = None,
    fitted: bool = False,
    image: RGBImage | None = None,
) -> tuple[float, Line] | None:
    """``line`` (from merged segments) put onto its stripe (unless ``profile`` is given:
    it is on it already, and that is the stripe along it; or ``fitted``: it is on it),
    its seen part, and the hold's score for it (``None`` when it is no stick). On a
    strip's warmth (``Patch.tinted``) only a warm stripe counts; with ``warm`` (the
    strip's warmth, ``_warmth``) a seen part is pushed on to where the warm stripe ends.
    Along the spine, with ``image`` (the frame, RGB), the line must show a rod's
    cross-section there (``crosscut``: not a back's outline)."""
    on = line if profile is not None or fitted else refit(patch, line, scale)
    if on is None:
        return None
    short = (band.reach[0] > hold_band.reach[0] + 1.0, band.reach[1] < hold_band.reach[1] - 1.0)
    least = 128.0 + TINT_WARM if patch.warmth else 0.0
    seen = seen_part(patch, band, on, body, scale, short, profile, least)
    if seen is None:
        return None
    if warm is not None:
        # A wooden rod's ends on the strip's warmth: past a dark back or a white wall its
        # grey stripe turns into a step (it lies on the outline) while it stays warm.
        hot = seen_part(warm, band, on, body, scale, short, None, 128.0 + TINT_WARM)
        if hot is not None and not hot.runs_on and hot.lo <= seen.hi and hot.hi >= seen.lo:
            seen = replace(seen, lo=min(seen.lo, hot.lo), hi=max(seen.hi, hot.hi))
    grown = replace(on, lo=seen.lo, hi=seen.hi, cover=seen.cover)
    score = _score(seen, grown, hold_band, body, scale)
    if score > 0.0 and hold_band.hold == "along" and image is not None:
        (x1, y1), (x2, y2) = grown.end(grown.lo), grown.end(grown.hi)
        if not crosscut(image, (x1, y1, x2, y2), scale):
            return None
    return (score, grown) if score > 0.0 else None


def follow(
    image: RGBImage,
    pose: Pose | None,
    near: Stick,
    below: float = ACROSS_MAX_SLID,
    size: float = 0.0,
) -> Stick | None:
    """The stick ``near`` (one held, carried to this frame with the body) found again
    close to where it is, without the line detector: the carried line is put onto the
    stripe within ``NEAR`` x S of it (``refit``), its pieces are the runs of that stripe
    along the band (``stripe_runs``), and they are judged as a look's are. Cheap (two
    or three profiles of a thin strip), so the tracker can follow a stick often."""
    body = body_of(pose)
    if body is None:
        return None
    body = replace(body, size=size) if size > 0 else body
    band = band_for(near.orientation, body, below, held=True)
    if band is None:
        return None
    scale = body_scale(body)
    narrow = near_band(band, near, scale)
    margin = STRIP_MARGIN * scale
    across = (narrow.off[0] - margin, narrow.off[1] + margin)
    patch = strip_of(image, narrow.origin, narrow.u, narrow.n, narrow.reach, across, scale)
    ox, oy = narrow.origin
    ux, uy = narrow.u
    ends = sorted(
        (x - ox) * ux + (y - oy) * uy for x, y in ((near.x1, near.y1), (near.x2, near.y2))
    )
    carried = Line(ox, oy, ux, uy, ends[0], ends[1], ends[1] - ends[0], ((ends[0], ends[1]),))
    warm = _warmth(patch, band)
    found = _follow_on(patch, narrow, band, carried, body, scale, warm, image)
    for other in _other_reads(patch, band, warm) if found is None else ():
        found = _follow_on(other, narrow, band, carried, body, scale, _warm_for(other, warm),
                           image)  # fmt: skip
        if found is not None:
            break
    if found is None:
        return None
    line = found[1]
    turn = abs(line.angle_deg - near.angle_deg)
    if min(turn, 180.0 - turn) > FOLLOW_DEG:
        return None  # turned more than a held stick does between looks: something else
    length = ends[1] - ends[0]
    t_lo, t_hi = sorted(line.along(x, y) for x, y in ((near.x1, near.y1), (near.x2, near.y2)))
    if abs(line.lo - t_lo) > FOLLOW_ENDS * length or abs(line.hi - t_hi) > FOLLOW_ENDS * length:
        return None  # a stick does not change its length: a part of it, or something else
    return stick_from_line(line, near.orientation, found[0], body)


def _follow_on(
    patch: Patch,
    narrow: Band,
    band: Band,
    carried: Line,
    body: Body,
    scale: float,
    warm: Patch | None,
    image: RGBImage | None = None,
) -> tuple[float, Line] | None:
    """``follow``'s stick found on ``patch`` (its grey or its warmth): the carried line
    put onto its stripe, its runs for segments, judged as a look's are (``warm``,
    ``image``: see ``_judge``)."""
    fitted = refit(patch, carried, scale, NEAR * scale * patch.scale, FOLLOW_HITS)
    if fitted is None:
        return None
    profile = stripe_profile(patch, narrow, fitted, scale)
    fitted = replace(fitted, spans=stripe_runs(profile, scale))
    if not fitted.spans:
        return None
    return _judge(patch, narrow, band, fitted, body, scale, profile, warm, image=image)


def stripe_profile(
    patch: Patch, band: Band, line: Line, scale: float
) -> tuple[Floats, Floats, Floats]:
    """The stripe along ``line`` over ``band``'s reach, ``FOLLOW_STEP`` working pixels
    apart: where (pixels from the line's point), how strong, how bright (``bar.stripe``)."""
    step = FOLLOW_STEP / patch.scale
    lo, hi = sorted(line.along(*band.at(t, 0.0)) for t in band.reach)
    ts = np.arange(lo, hi + step, step)
    strength, level, _ = stripe(
        patch, (line.px, line.py), (line.ux, line.uy), ts, scale, SEEN_SHIFT
    )
    return ts, strength, level


def stripe_runs(
    profile: tuple[Floats, Floats, Floats], scale: float
) -> tuple[tuple[float, float], ...]:
    """The runs of a stripe ``profile`` (``stripe_profile``) where a thin stripe of one
    brightness shows, at least ``FOLLOW_RUN`` x S long: what the line detector's segments
    are to a look."""
    ts, strength, level = profile
    hit = strength >= MIN_CONTRAST
    if hit.sum() < MIN_RUN:
        return ()
    hit &= np.abs(level - float(np.median(level[hit]))) <= LEVEL_TOL
    runs: list[tuple[float, float]] = []
    i, n, min_len = 0, len(ts), FOLLOW_RUN * scale
    while i < n:
        if not hit[i]:
            i += 1
            continue
        j = _push(hit, i, 1)
        if ts[j] - ts[i] >= min_len:
            runs.append((float(ts[i]), float(ts[j])))
        i = j + 1
    return tuple(runs)


def detect_stick(
    image: RGBImage,
    pose: Pose | None,
    method: str = LINE_METHOD,
    orientations: tuple[str, ...] = ("across", "along"),
    below: float = ACROSS_MAX_OFFSET,
    near: Stick | None = None,
    size: float = 0.0,
    held: bool = False,
) -> Stick | None:
    """The stick in ``image`` (RGB) for the person ``pose``, or ``None``: one frame, no
    memory (the tracker in ``appliance.stick.track`` adds that). ``below``: how far (of S)
    under the elbows a stick across the back may lie (the tracker widens it for a stick
    it holds, so one sliding down the back is followed); ``near``: a stick seen before,
    looked for only close to where it was; ``size``: the largest body scale seen lately
    (pixels, see ``body_scale``); ``held``: a stick is held (see ``band_for``)."""
    body = body_of(pose)
    if body is None:
        return None
    body = replace(body, size=size) if size > 0 else body
    best: tuple[float, Line, str] | None = None
    for hold in orientations:
        band = band_for(hold, body, below, held)
        if band is None:
            continue
        if near is not None and near.orientation == hold:
            narrow = near_band(band, near, body_scale(body))
            found = look(image, body, narrow, band, method)
        else:
            found = look(image, body, band, band, method)
        if found is not None and (best is None or found[0] > best[0]):
            best = (found[0], found[1], hold)
    if best is None:
        return None
    return stick_from_line(best[1], best[2], best[0], body)
