"""Keep the stick across frames: one frame's miss (an arm in the way, motion blur) does not
lose it, a line seen once by chance is not yet a stick, and a line that stays put in the
room while the body moves is none.

The detector runs on a schedule (the bench shows what a look costs next to inference).
Searching, it looks at both holds in turn, first often, then less and less often (every
``SEARCH_SLOWEST x every`` frames at most: a lifter without a stick costs little).
Holding a stick, it follows it every ``every`` frames: close to where the body carried
it, without the line detector (``detect.follow``, a few profiles of a thin strip); after
``FOLLOW_TRIES`` failed follows in a row (two frames apart) it looks over the hold's
whole band with the line detector. A line found there, away from the stick held, replaces
it only when the stick is not found close to where it was carried, the line is confident
and the next look finds it again. A first sighting of low confidence is looked at again
on the next frame and kept only when it is there again; a new stick is looked at every
``CONFIRM_EVERY`` frames until it has been seen ``CONFIRMED`` times (a chance line is
carried for a few frames at most, and a room's edge is told as soon as the body has moved
across it); a stick seen once and missed on the next look is not shown, and dropped
unless the look after finds it; one seen twice or more is carried over missed looks for
up to ``hold_s`` seconds. Between looks the tracker carries the last stick along with the
body, marked ``tracked``, rigid (its length does not change): held across the back it
moves with the elbows; held along the spine it moves with the hips and turns with the
line from the hips to the back of the head. A held stick whose line stays where it was in
the picture while the body moved square to it by ``ROOM_MOVE`` is an edge of the room:
dropped, and that line is not taken again for ``ROOM_S`` seconds. The body's scale is
taken as at least ``detect.SIZE_KEPT`` of the largest seen in the last ``SIZE_S`` seconds
(a hinge toward the camera shortens the torso in the picture), unless the scale falls
under ``SIZE_LOST`` of it (another person). A held stick is let go when the body's scale
(the median of the last few frames') jumps out of what a lifter's own movement makes of
the scale it was last seen at (``SCALE_JUMP_LOW``/``HIGH``): a cut of the video, another
person stepping in.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import replace

from appliance.stick.body import Body, Point, body_of
from appliance.stick.detect import (
    ACROSS_MAX_OFFSET,
    ACROSS_MAX_SLID,
    across_anchor,
    band_for,
    body_scale,
    detect_stick,
    follow,
    holds_in_view,
)
from appliance.stick.lines import LINE_METHOD
from appliance.types import Pose, RGBImage, Stick

HOLD_S = 0.6
"""How long (seconds) a stick is carried forward after the detector last saw it."""

CONFIRM_CONFIDENCE = 0.45
"""A first sighting below this confidence (0..1) waits for a second one in a row."""

CONFIRM_DEG = 6.0
CONFIRM_DIST = 0.15
"""A second sighting confirms a first within this angle (degrees) and with its middle
this close (of the body scale) to the first's line."""

ROOM_MOVE = 0.2
ROOM_STILL = 0.3
ROOM_JITTER = 0.03
"""A held line is an edge of the room when the body moved square to it by ``ROOM_MOVE`` of
the body scale since it was first seen while the line moved less than ``ROOM_STILL`` of
that and less than ``ROOM_JITTER`` of the scale (two pixels of the working strip, about
how far two fits of one fixed line differ): a stick sliding down the back while the body
rises moves a little in the picture, a rail does not move at all."""

SIZE_S = 3.0
"""Seconds over which the largest body scale is kept (a hinge toward the camera shortens
the torso in the picture; the body does not shrink)."""

SIZE_LOST = 0.5
"""A body scale under this fraction of the largest kept forgets the ones kept: no hinge or
turn takes the scale (the torso, or 1.3 x the shoulders' spread) below about 0.7 of
standing, so that was another person, or the pose model's slip on a frame or two."""

SCALE_FRAMES = 5
"""Frames whose median body scale is the body's scale for ``SCALE_JUMP_LOW``/``HIGH``: the
pose model's slip on a frame or two (a shoulder put on the wrong side) does not move it."""

SCALE_JUMP_LOW = 0.6
SCALE_JUMP_HIGH = 1.8
"""A held stick is dropped when the body's scale (the median over the last ``SCALE_FRAMES``
frames of the torso, or 1.3 x the shoulders' spread, pixels) falls under ``SCALE_JUMP_LOW``
or rises over ``SCALE_JUMP_HIGH`` of that scale when the stick was last seen: a cut of the
video or another person stepping in. A lifter's own hinge, turn or step kept it within
0.85-1.31 of it while a stick was held on the tuning renders (a hinge seen from the front
shortens the torso, but the shoulders' spread holds the scale; once 1.67, the pose
model's first frames of a clip growing into the lifter); the limits leave a margin of 1.4
times either way of 0.85-1.31. A cut to a wide shot (``good010``) takes it to 0.39-0.46."""

ROOM_S = 3.0
"""Seconds a line found fixed in the room is not taken for a stick again."""

AWAY_FRAMES = 3
"""Frames in a row whose view cannot show the hold's stick after which it is let go."""

FOLLOW_TRIES = 2
"""Follows of a held stick that fail in a row before the line detector looks for it."""

ESTABLISHED = 2
"""Sightings after which a stick is carried over missed looks (before, a miss drops it)."""

CONFIRMED = 3
CONFIRM_EVERY = 4
"""Until a stick has been seen ``CONFIRMED`` times, it is looked at every ``CONFIRM_EVERY``
frames (not every ``every``): a line seen once by chance is carried for at most that many
frames, and one fixed in the room is told (the body moves across it) twice as soon."""

SEARCH_SLOWEST = 4
"""Searching, the tracker looks at least once in this many x ``every`` frames (about a
second at 30 fps with ``every`` 8)."""

RETRY = 2
"""Frames after a look that missed a held stick until the next look."""

LENGTH_SIGHTINGS = 4
"""Sightings of the stick held whose longest is taken for its length."""

SHORT = 0.08
"""A sighting this much (of the stick's length) shorter than the stick is put at its
length (``StickTracker._full_length``)."""

REMEASURE_HOLDS = ("across",)
"""Holds whose stick's length is kept from its sightings as seen (not as put back to the
length held) and taken anew when two sightings in a row agree (within ``SHORT``) on a
length more than ``SHORT`` under the one held (``StickTracker._remeasure``).
Across the back the stick's ends stand out against the room past the elbows, so a longer
sighting that two later ones contradict ran on into something at its height (a first
sighting found long was carried long for the rest of its rep). Along the spine the ends lie
on the body's outline (the hips, the head), where the stripe fades frame after frame: there
sightings that agree on a shorter length are the fading, and the stick keeps its length."""


Frame = tuple[Point, Point, Point]
"""A body frame: origin and two unit axes (frame pixels)."""


def body_frame(body: Body, hold: str) -> Frame:
    """The frame a stick of ``hold`` rides in: the elbows' midpoint and the image's axes
    across the back; along the spine, the hips and the unit direction from the hips to
    the back of the head (the stick lies on the tailbone and the head: it turns with
    them), else the torso's axis. No scale either way: the keypoints' jitter would
    stretch the stick, which does not change its length."""
    if hold == "along":
        ax, ay = body.axis
        if body.head is not None:
            dx, dy = body.head[0] - body.hips[0], body.head[1] - body.hips[1]
            n = math.hypot(dx, dy)
            if n > 0.5 * body.torso_px:
                return body.hips, (dx / n, dy / n), (-dy / n, dx / n)
        return body.hips, (ax, ay), (-ay, ax)
    return across_anchor(body), (1.0, 0.0), (0.0, 1.0)


def to_body(frame: Frame, x: float, y: float) -> Point:
    """A frame point in body coordinates (along the frame's two axes, in their lengths)."""
    (ox, oy), (ax, ay), (bx, by) = frame
    na, nb = ax * ax + ay * ay or 1.0, bx * bx + by * by or 1.0
    return (((x - ox) * ax + (y - oy) * ay) / na, ((x - ox) * bx + (y - oy) * by) / nb)


def from_body(frame: Frame, a: float, b: float) -> Point:
    """A point in body coordinates back to frame pixels."""
    (ox, oy), (ax, ay), (bx, by) = frame
    return (ox + a * ax + b * bx, oy + a * ay + b * by)


class StickTracker:
    """Feed ``update`` every frame in time order; it returns the stick now, or ``None``."""

    def __init__(self, method: str = LINE_METHOD, hold_s: float = HOLD_S, every: int = 1) -> None:
        self.method = method
        self.hold_s = hold_s
        self.every = max(1, every)
        self.runs = 0  # frames the detector actually ran on (for the cost of a schedule)
        self.follows = 0  # ... of them where following the stick held found it
        self._room: list[tuple[Stick, float]] = []  # lines fixed in the room, until when
        self._sizes: deque[tuple[float, float]] = deque()  # (time, body scale) lately
        self._recent: deque[float] = deque(maxlen=SCALE_FRAMES)  # last frames' scales, px
        self.reset()

    def reset(self) -> None:
        """Forget the stick (a new person, a new set). The lines found fixed in the room
        and the body scales seen lately are kept: they expire with time."""
        self._last: Stick | None = None
        self._last_seen_s: float | None = None
        self._rel: tuple[Point, Point] | None = None  # the last stick's ends on the body
        self._pending: Stick | None = None
        self._first: tuple[Stick, Point] | None = None  # the held stick first seen, anchor
        self._sightings = 0  # looks that found the stick held
        self._doubted = False  # seen once, then missed once: not shown until seen again
        self._away = 0  # frames in a row whose view cannot show the stick held
        self._wait = 0  # frames until the next look
        self._misses = 0  # looks in a row that found nothing
        self._turn = False
        self._lengths: deque[float] = deque(maxlen=LENGTH_SIGHTINGS)  # lately seen, pixels
        self._held_size = 0.0  # the body scale kept when the stick was last seen, pixels

    @property
    def orientation(self) -> str | None:
        """The hold being tracked (``"across"``/``"along"``), or ``None`` while searching."""
        return self._last.orientation if self._last is not None else None

    def update(self, image: RGBImage | None, pose: Pose | None, t_s: float) -> Stick | None:
        """The stick in this frame (``image`` RGB, ``t_s`` seconds), seen or carried."""
        body = body_of(pose)
        if body is None or image is None:
            return self._report(body, t_s)
        if self._last is not None and band_for(self._last.orientation, body, held=True) is None:
            # This view cannot show that hold's stick: the lifter turned (or a shoulder
            # was not seen on a frame or two: carried meanwhile).
            self._away += 1
            if self._away < AWAY_FRAMES:
                return self._report(body, t_s)
            self.reset()
        self._away = 0
        # The largest body scale of the last SIZE_S seconds: a deque of decreasing scales.
        size = body_scale(body)
        if self._sizes and size < SIZE_LOST * self._sizes[0][1]:
            self._sizes.clear()
        while self._sizes and (self._sizes[-1][1] <= size or self._sizes[-1][0] > t_s):
            self._sizes.pop()
        self._sizes.append((t_s, size))
        while self._sizes[0][0] < t_s - SIZE_S:
            self._sizes.popleft()
        self._recent.append(size)
        now = statistics.median(self._recent)  # the body's scale, pixels
        if self._last is not None and _scale_jumped(now, self._held_size):
            # A cut or another person: neither the stick nor the scales kept are theirs.
            self.reset()
            self._sizes.clear()
            self._sizes.append((t_s, size))
            self._recent.clear()
            self._recent.append(size)
        if self._wait > 0:
            self._wait -= 1
            return self._report(body, t_s)
        body = replace(body, size=self._sizes[0][1])
        self.runs += 1
        seen, how = self._look(image, pose, body, t_s)
        scale = body_scale(body)
        if how == "still" and self._first is not None:
            # Found where it was in the picture while the body moved on: a room's edge.
            self._room.append((self._first[0], t_s + ROOM_S))
            self.reset()
            return None
        self._room = [(line, until) for line, until in self._room if until >= t_s]
        if seen is not None and any(_same(line, seen, scale) for line, _ in self._room):
            seen = None  # a line already seen to stay put while the body moved
        if seen is not None and self._last is not None and how != "follow":
            # A stick held does not jump: a line found elsewhere in the band is taken only
            # when the next look finds it there again (meanwhile the held one is carried).
            carried = self._carry(body, t_s)
            if carried is not None and not _same(carried, seen, scale):
                if seen.confidence < CONFIRM_CONFIDENCE:
                    self._wait = RETRY - 1
                    return self._report(body, t_s)  # a faint line elsewhere does not replace it
                pending, self._pending = self._pending, seen
                if pending is None or not _same(pending, seen, scale):
                    self._wait = 0
                    return self._report(body, t_s)
        if seen is None:
            self._pending = None
            self._misses += 1
            if self._last is not None and self._sightings < ESTABLISHED:
                if self._doubted:
                    self.reset()  # seen once by chance and not since: no stick to carry on
                    return None
                # Missed on its first look again: not shown until the look after finds it.
                self._doubted = True
                self._wait = CONFIRM_EVERY - 1
                return None
            # Held: look again soon (it moved, an arm was in the way). Searching: less and
            # less often (a lifter without a stick costs little), at most every SEARCH_SLOWEST
            # x every.
            self._wait = (
                RETRY - 1
                if self._last is not None
                else min(SEARCH_SLOWEST * self.every, self._misses) - 1
            )
            return self._carry(body, t_s)
        self._misses = 0
        if self._last is None and seen.confidence < CONFIRM_CONFIDENCE:
            pending, self._pending = self._pending, seen
            if pending is None or not _same(pending, seen, body_scale(body)):
                return None  # looked at again on the next frame
        self._pending = None
        if self._doubted and seen.orientation in REMEASURE_HOLDS:
            # Seen once, then missed: that sighting was not shown, nor is its length kept
            # (across; along the spine a stick found again is mostly one whose ends faded).
            self._lengths.clear()
        self._doubted = False
        anchor = _rides_with(body, seen.orientation)
        length = math.hypot(seen.x2 - seen.x1, seen.y2 - seen.y1)  # as seen, pixels
        self._sightings += 1
        if self._last is None or self._first is None:
            self._first = (seen, anchor)
            self._sightings = 1
        elif _fixed_in_room(self._first, seen, anchor, scale):
            # The body moved across the line and the line did not: a room's edge, no stick.
            self._room.append((self._first[0], t_s + ROOM_S))
            self.reset()
            return None
        elif self._last.orientation == seen.orientation:
            if seen.orientation in REMEASURE_HOLDS:
                self._remeasure(length)
            seen = self._full_length(seen, body, t_s, image.shape[1], image.shape[0])
        if seen.orientation not in REMEASURE_HOLDS:
            # Along the spine the ends fade on the body's outline frame after frame: a
            # sighting put back to the length held keeps it (as seen, it would wear away).
            length = math.hypot(seen.x2 - seen.x1, seen.y2 - seen.y1)
        self._lengths.append(length)  # across, as seen: a length put back is no sighting
        # A new stick is looked at again soon: a chance line is dropped, and a room's edge
        # the body moves across is told, within a few frames.
        soon = self._sightings < CONFIRMED
        self._wait = (min(self.every, CONFIRM_EVERY) if soon else self.every) - 1
        frame = body_frame(body, seen.orientation)
        rel = (to_body(frame, seen.x1, seen.y1), to_body(frame, seen.x2, seen.y2))
        self._last, self._last_seen_s, self._rel = seen, t_s, rel
        self._held_size = statistics.median(self._recent)
        return seen

    def _remeasure(self, length: float) -> None:
        """Forget the longer lengths held when this sighting (``length`` pixels) and the
        one before it agree within ``SHORT`` on a length more than ``SHORT`` under the
        longest held: two sightings outvote one that ran on into something."""
        if not self._lengths:
            return
        last = self._lengths[-1]
        under = (1.0 - SHORT) * max(self._lengths)
        if length < under and last < under and abs(length - last) <= SHORT * max(length, last):
            self._lengths.clear()
            self._lengths.append(last)

    def _full_length(self, seen: Stick, body: Body, t_s: float, width: int, height: int) -> Stick:
        """``seen`` at the stick's length when one end fell short: a stick does not change
        its length, and where the stripe fades (a pale rod over a pale wall, a dark one
        over a dark shirt) its seen part stops short of its end far more often than it
        runs past it. The length is the longest of the last ``LENGTH_SIGHTINGS`` (across
        the back as they were seen, and outvoted by two shorter ones: ``_remeasure``); the
        end that fell further inside the stick carried to this frame is moved out, never
        past the frame's edge."""
        if not self._lengths:
            return seen
        known = max(self._lengths)
        dx, dy = seen.x2 - seen.x1, seen.y2 - seen.y1
        length = math.hypot(dx, dy)
        carried = self._carry(body, t_s)
        if carried is None or length <= 0 or length >= (1.0 - SHORT) * known:
            return seen
        ux, uy = dx / length, dy / length
        t1, t2 = sorted(
            (x - seen.x1) * ux + (y - seen.y1) * uy
            for x, y in ((carried.x1, carried.y1), (carried.x2, carried.y2))
        )
        lo, hi = (length - known, length) if -t1 > t2 - length else (0.0, known)

        def inside(t: float) -> float:  # ``t`` moved back inside the frame along the line
            for p, d, top in ((seen.x1, ux, width - 1), (seen.y1, uy, height - 1)):
                if abs(d) > 1e-9:
                    a, b = sorted(((0.0 - p) / d, (top - p) / d))
                    t = min(max(t, a), b)
            return t

        lo, hi = min(0.0, inside(lo)), max(length, inside(hi))
        x1, y1 = seen.x1 + lo * ux, seen.y1 + lo * uy
        x2, y2 = seen.x1 + hi * ux, seen.y1 + hi * uy
        return replace(seen, x1=x1, y1=y1, x2=x2, y2=y2)

    def _look(
        self, image: RGBImage, pose: Pose | None, body: Body, t_s: float
    ) -> tuple[Stick | None, str]:
        """Run the detector: near the stick held, else one hold a look, in turn. Also how
        it was found: ``"follow"`` (the stick held, close to where it was carried),
        ``"still"`` (the stick held, where it was in the picture while the body moved on:
        a room's edge) or ``"look"``."""
        if self._last is not None:
            # Followed close to where it was carried to, without the line detector; when
            # that fails, looked for over the hold's whole band (it moved further than the
            # body said, or the line was lost).
            holds: tuple[str, ...] = (self._last.orientation,)
            near = self._carry(body, t_s)
            if near is not None:
                seen = follow(image, pose, near, ACROSS_MAX_SLID, self._size())
                if seen is not None:
                    self.follows += 1
                    return seen, "follow"
                if self._sightings >= ESTABLISHED and self._misses < FOLLOW_TRIES - 1:
                    # An arm in the way, a blurred frame (again soon), or a line that stayed
                    # put while the body moved on.
                    still = self._still(image, pose, body)
                    return (still, "still") if still is not None else (None, "look")
            found = detect_stick(
                image, pose, self.method, holds, ACROSS_MAX_SLID, size=self._size(), held=True
            )
            if found is not None and near is not None and not _same(near, found, body_scale(body)):
                # A line elsewhere in the band: first the held stick looked for close to
                # where it was carried (one the follow lost on a blurred frame scores under
                # a longer line the band's lower reach takes in, and would be replaced).
                again = detect_stick(image, pose, self.method, holds, ACROSS_MAX_SLID, near=near,
                                     size=self._size(), held=True)  # fmt: skip
                if again is not None:
                    return again, "look"
            return found, "look"
        if self._pending is not None:
            holds = (self._pending.orientation,)
        else:  # a view that shows one hold gets that one
            self._turn = not self._turn
            holds = ("across", "along") if self._turn else ("along", "across")
            holds = tuple(h for h in holds if h in holds_in_view(body))[:1]
        found = detect_stick(image, pose, self.method, holds, ACROSS_MAX_OFFSET, size=self._size())
        return found, "look"

    def _still(self, image: RGBImage, pose: Pose | None, body: Body) -> Stick | None:
        """The stick held found where it was last seen in the picture, when the body has
        since moved square to it by ``ROOM_MOVE`` x S and it has not (``_fixed_in_room``),
        else ``None``. Looked for only while the stick is new (fewer than ``CONFIRMED``
        sightings) and once the body has moved that far: a room's edge is told early, and
        a stick held for long costs no extra look."""
        if self._first is None or self._last is None or self._sightings >= CONFIRMED:
            return None
        stick, start = self._first
        anchor = _rides_with(body, stick.orientation)
        nx, ny = _normal(stick)
        moved = (anchor[0] - start[0]) * nx + (anchor[1] - start[1]) * ny
        scale = body_scale(body)
        if abs(moved) < ROOM_MOVE * scale:
            return None
        holds = (self._last.orientation,)
        found = detect_stick(image, pose, self.method, holds, ACROSS_MAX_SLID, near=self._last,
                             size=self._size(), held=True)  # fmt: skip
        if found is None or not _fixed_in_room(self._first, found, anchor, scale):
            return None
        return found

    def _report(self, body: Body | None, t_s: float) -> Stick | None:
        """The stick carried to this frame, unless it is in doubt (seen once, then missed)."""
        return None if self._doubted else self._carry(body, t_s)

    def _size(self) -> float:
        """The largest body scale seen in the last ``SIZE_S`` seconds (pixels)."""
        return self._sizes[0][1] if self._sizes else 0.0

    def _carry(self, body: Body | None, t_s: float) -> Stick | None:
        """The last stick moved with the body, while it is recent enough."""
        last, seen_s = self._last, self._last_seen_s
        if last is None or seen_s is None or t_s - seen_s > self.hold_s:
            if last is not None and seen_s is not None and t_s - seen_s > self.hold_s:
                self.reset()
            return None
        age = (t_s - seen_s) / self.hold_s
        confidence = round(last.confidence * (1.0 - 0.5 * age), 3)
        if body is None or self._rel is None:
            return replace(last, confidence=confidence, tracked=True)
        frame = body_frame(body, last.orientation)
        (x1, y1), (x2, y2) = (from_body(frame, *p) for p in self._rel)
        if x2 < x1:
            (x1, y1), (x2, y2) = (x2, y2), (x1, y1)
        angle = math.degrees(math.atan2(-(y2 - y1), x2 - x1))
        return replace(
            last, x1=x1, y1=y1, x2=x2, y2=y2, angle_deg=angle, confidence=confidence, tracked=True
        )


def _rides_with(body: Body, hold: str) -> Point:
    """The body point a stick of ``hold`` moves with: the elbows' midpoint across the back,
    the hips along the spine."""
    if hold == "along":
        return body.hips
    a, b = across_anchor(body), body.shoulders  # two points: less of one keypoint's error
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def _scale_jumped(size: float, held: float) -> bool:
    """Whether the body's scale now (``size`` pixels) is out of what a lifter's own movement
    makes of ``held`` (the scale when the stick was last seen, pixels; 0: none)."""
    return held > 0.0 and not SCALE_JUMP_LOW * held <= size <= SCALE_JUMP_HIGH * held


def _fixed_in_room(first: tuple[Stick, Point], seen: Stick, anchor: Point, scale: float) -> bool:
    """Whether the body moved square to the stick by ``ROOM_MOVE`` x S or more since it was
    first seen while the line stayed where it was in the picture (within ``ROOM_STILL`` of
    that move and ``ROOM_JITTER`` x S): a held stick moves with the body, an edge of the
    room does not."""
    stick, start = first
    nx, ny = _normal(seen)
    body_move = (anchor[0] - start[0]) * nx + (anchor[1] - start[1]) * ny
    mx, my = (stick.x1 + stick.x2) / 2, (stick.y1 + stick.y2) / 2
    line_move = (mx - seen.x1) * nx + (my - seen.y1) * ny
    still = min(ROOM_STILL * abs(body_move), ROOM_JITTER * scale)
    return abs(body_move) >= ROOM_MOVE * scale and abs(line_move) <= still


def _normal(stick: Stick) -> Point:
    """The unit vector square to ``stick``'s line (frame pixels)."""
    dx, dy = stick.x2 - stick.x1, stick.y2 - stick.y1
    n = math.hypot(dx, dy) or 1.0
    return -dy / n, dx / n


def _same(a: Stick, b: Stick, scale: float) -> bool:
    """Two sightings of one stick: the same hold, about the same angle, and the middle of
    each close to the other's line."""
    if a.orientation != b.orientation:
        return False
    turn = abs(a.angle_deg - b.angle_deg) % 180.0
    if min(turn, 180.0 - turn) > CONFIRM_DEG:
        return False
    ux, uy = a.x2 - a.x1, a.y2 - a.y1
    n = math.hypot(ux, uy) or 1.0
    mx, my = (b.x1 + b.x2) / 2 - a.x1, (b.y1 + b.y2) / 2 - a.y1
    return abs(mx * uy - my * ux) / n <= CONFIRM_DIST * scale
