"""Keep the stick across frames: one frame's miss (an arm in the way, motion blur) does not
lose it, and a line seen once by chance is not yet a stick.

The detector runs on one frame in ``every`` (a schedule: the bench shows what a look
costs next to inference), searching both holds until it has a stick, then only that
hold. Between looks, and for up to ``hold_s`` seconds after a miss, the tracker carries
the last stick along with the body (the elbows' or shoulders' shift) at a lower
confidence, marked ``tracked``.
"""

from __future__ import annotations

from dataclasses import replace

from appliance.stick.body import Body, body_of
from appliance.stick.detect import (
    ACROSS_MAX_OFFSET,
    ACROSS_MAX_SLID,
    detect_stick,
    search_regions,
)
from appliance.stick.lines import LINE_METHOD
from appliance.types import Pose, RGBImage, Stick

HOLD_S = 0.6
"""How long (seconds) a stick is carried forward after the detector last saw it."""

CONFIRM_CONFIDENCE = 0.45
"""A first sighting below this confidence (0..1) waits for a second one in a row."""


def _anchor(body: Body) -> tuple[float, float]:
    return body.elbow_mid or body.shoulders


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
        self._last_anchor: tuple[float, float] | None = None
        self._pending: Stick | None = None
        self._since_look = self.every - 1  # the first frame is looked at
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
        self._since_look += 1
        if self._since_look < self.every:
            return self._carry(body, t_s)
        self._since_look = 0
        self.runs += 1
        if self._last is not None:
            holds: tuple[str, ...] = (self._last.orientation,)
        else:  # searching: one hold a look, in turn (a view that shows one gets that one)
            self._turn = not self._turn
            holds = ("across", "along") if self._turn else ("along", "across")
            regions = search_regions(body, image.shape[1], image.shape[0])
            holds = tuple(h for h in holds if h in regions)[:1]
        below = ACROSS_MAX_SLID if self._last is not None else ACROSS_MAX_OFFSET
        seen = detect_stick(image, pose, self.method, holds, below)
        if seen is None:
            self._pending = None
            return self._carry(body, t_s)
        if self._last is None and seen.confidence < CONFIRM_CONFIDENCE:
            pending, self._pending = self._pending, seen
            if pending is None or pending.orientation != seen.orientation:
                return None
        self._pending = None
        self._last = seen
        self._last_seen_s = t_s
        self._last_anchor = _anchor(body)
        return seen

    def _carry(self, body: Body | None, t_s: float) -> Stick | None:
        """The last stick moved with the body, while it is recent enough."""
        last, seen_s = self._last, self._last_seen_s
        if last is None or seen_s is None or t_s - seen_s > self.hold_s:
            if last is not None and seen_s is not None and t_s - seen_s > self.hold_s:
                self.reset()
            return None
        dx = dy = 0.0
        if body is not None and self._last_anchor is not None:
            ax, ay = _anchor(body)
            dx, dy = ax - self._last_anchor[0], ay - self._last_anchor[1]
        age = (t_s - seen_s) / self.hold_s
        return replace(
            last,
            x1=last.x1 + dx,
            y1=last.y1 + dy,
            x2=last.x2 + dx,
            y2=last.y2 + dy,
            confidence=round(last.confidence * (1.0 - 0.5 * age), 3),
            tracked=True,
        )
