"""Keep the stick across frames: one frame's miss (an arm in the way, motion blur) does not
lose it, and a line seen once by chance is not yet a stick.

The detector runs on a schedule (the bench shows what a look costs next to inference).
Searching, it looks at both holds in turn, first often, then less and less often (every
``2 x every`` frames at most: a lifter without a stick costs little). Holding a stick, it
looks every ``every`` frames, only close to where the stick was carried to and without
the line detector (``detect.follow``); after a miss, again two frames later over the
hold's whole band. A first sighting of low confidence is looked at again on the next
frame and kept only when it is there again. Between looks,
and for up to ``hold_s`` seconds after a miss, the tracker carries the last stick along
with the body, marked ``tracked``: held across the back it moves with the elbows; held
along the spine it turns and moves with the torso (a hinge tips it over).
"""

from __future__ import annotations

import math
from dataclasses import replace

from appliance.stick.body import Body, Point, body_of
from appliance.stick.detect import (
    ACROSS_MAX_OFFSET,
    ACROSS_MAX_SLID,
    body_scale,
    detect_stick,
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

RETRY = 2
"""Frames after a look that missed a held stick until the next look."""


Frame = tuple[Point, Point, Point]
"""A body frame: origin and two unit axes (frame pixels)."""


def _anchor(body: Body) -> Point:
    """The point a stick across the back rides with: the elbows' midpoint (else the
    shoulders')."""
    return body.elbow_mid or body.shoulders


def body_frame(body: Body, hold: str) -> Frame:
    """The frame a stick of ``hold`` rides in: the elbows' midpoint and the image's axes
    across the back, the hips and the torso's axis along the spine. (No scale: the
    keypoints' jitter would stretch the stick, which does not change its length.)"""
    if hold == "along":
        ax, ay = body.axis
        return body.hips, (ax, ay), (-ay, ax)
    return _anchor(body), (1.0, 0.0), (0.0, 1.0)


def to_body(frame: Frame, x: float, y: float) -> Point:
    """A frame point in body coordinates (pixels along the frame's two axes)."""
    (ox, oy), (ax, ay), (bx, by) = frame
    return ((x - ox) * ax + (y - oy) * ay, (x - ox) * bx + (y - oy) * by)


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
        self.reset()

    def reset(self) -> None:
        """Forget the stick (a new person, a new set)."""
        self._last: Stick | None = None
        self._last_seen_s: float | None = None
        self._rel: tuple[Point, Point] | None = None  # the last stick's ends on the body
        self._pending: Stick | None = None
        self._wait = 0  # frames until the next look
        self._misses = 0  # looks in a row that found nothing
        self._turn = False

    @property
    def orientation(self) -> str | None:
        """The hold being tracked (``"across"``/``"along"``), or ``None`` while searching."""
        return self._last.orientation if self._last is not None else None

    def update(self, image: RGBImage | None, pose: Pose | None, t_s: float) -> Stick | None:
        """The stick in this frame (``image`` RGB, ``t_s`` seconds), seen or carried."""
        body = body_of(pose)
        if body is None or image is None:
            return self._carry(body, t_s)
        if self._wait > 0:
            self._wait -= 1
            return self._carry(body, t_s)
        self.runs += 1
        seen = self._look(image, pose, body, t_s)
        if seen is None:
            self._pending = None
            self._misses += 1
            # Held: look again soon (it moved, an arm was in the way). Searching: less and
            # less often (a lifter without a stick costs little), at most every 2 x every.
            self._wait = (
                RETRY - 1 if self._last is not None else min(2 * self.every, self._misses) - 1
            )
            return self._carry(body, t_s)
        self._misses = 0
        if self._last is None and seen.confidence < CONFIRM_CONFIDENCE:
            pending, self._pending = self._pending, seen
            if pending is None or not _same(pending, seen, body_scale(body)):
                return None  # looked at again on the next frame
        self._pending = None
        self._wait = self.every - 1
        frame = body_frame(body, seen.orientation)
        rel = (to_body(frame, seen.x1, seen.y1), to_body(frame, seen.x2, seen.y2))
        self._last, self._last_seen_s, self._rel = seen, t_s, rel
        return seen

    def _look(self, image: RGBImage, pose: Pose | None, body: Body, t_s: float) -> Stick | None:
        """Run the detector: near the stick held, else one hold a look, in turn."""
        if self._last is not None:
            # Close to where it was carried to; after a miss, over the hold's whole band
            # (it moved further than the body said, or the line was lost).
            holds: tuple[str, ...] = (self._last.orientation,)
            near = self._carry(body, t_s) if self._misses == 0 else None
            return detect_stick(image, pose, self.method, holds, ACROSS_MAX_SLID, near)
        if self._pending is not None:
            holds = (self._pending.orientation,)
        else:  # a view that shows one hold gets that one
            self._turn = not self._turn
            holds = ("across", "along") if self._turn else ("along", "across")
            holds = tuple(h for h in holds if h in holds_in_view(body))[:1]
        return detect_stick(image, pose, self.method, holds, ACROSS_MAX_OFFSET)

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
