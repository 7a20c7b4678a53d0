"""Counting reps: a state machine with hysteresis on the hinge signal.

The hinge signal is the trunk's inclination (degrees, 0 upright). A rep is a swing down
and back up of at least ``rep_swing_deg`` each way, ending at lockout: back most of the
way to the top and steady. Relative swings (not fixed angles) let a shallow hinge count
as a rep and an incomplete lockout still end one. A set may start bent over the bar (a
deadlift pulled from the floor): its first rep then has no descent.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from appliance.form.thresholds import Thresholds

_MEDIAN_OF = 7  # samples; one wild frame cannot start a rep
_NEAR_DEG = 2.0  # within this of an extreme counts as being there
_BOTTOM_BAND_DEG = 8.0  # "at the bottom": within this of the deepest inclination
_START_DEG = 2.5  # a descent starts where the signal last left this band above the top
_HISTORY_S = 10.0  # seconds of signal kept to look back for where a descent started
_SPEED_S = 0.25  # seconds over which the lockout's steadiness is measured


@dataclass(frozen=True, slots=True)
class RepWindow:
    """Where a rep was: times in seconds, trunk angles in degrees.

    ``start_s`` is when the descent began (the first sample for a pull from the floor,
    ``from_floor`` True); ``bottom_s`` the middle of the deepest stretch; ``lockout_s``
    when the lifter was back up and steady. ``bottom_pause_s``: how long the trunk stayed
    within ``_BOTTOM_BAND_DEG`` of its deepest. ``descent_s`` is how long the way down took
    from 10 % to 90 % of its depth (``None`` for a pull from the floor): robust to noise at
    both ends, whatever the depth. ``top_deg`` is the inclination the rep started from.
    """

    start_s: float
    descent_s: float | None
    bottom_s: float
    bottom_pause_s: float
    lockout_s: float
    peak_deg: float
    top_deg: float
    from_floor: bool


class RepDetector:
    """Feed ``update(t_s, inclination_deg)`` in time order; it returns a ``RepWindow``
    on the frame where a rep's lockout is confirmed."""

    def __init__(self, thresholds: Thresholds) -> None:
        self.th = thresholds
        self.reset()

    def reset(self) -> None:
        """Forget the rep in progress (the lifter left)."""
        self.state = "unknown"  # unknown | top | down | ascending
        self._recent: deque[float] = deque(maxlen=_MEDIAN_OF)
        self._history: deque[tuple[float, float]] = deque()
        self._low = self._high = 0.0
        self._low_t = self._high_t = 0.0
        self._start_t = 0.0
        self._start_deg = 0.0
        self._from_floor = False
        self._hold_since: float | None = None
        self._first_t: float | None = None
        self.last_t: float | None = None
        self.signal = 0.0

    @property
    def phase(self) -> str:
        """``standing``, ``descending``, ``bottom`` or ``ascending`` (``standing`` also
        before anything is known)."""
        if self.state == "down":
            near_bottom = self.signal >= self._high - 0.25 * self.th.rep_swing_deg
            return "bottom" if near_bottom else "descending"
        if self.state == "ascending":
            return "ascending"
        return "standing"

    def update(self, t_s: float, inclination_deg: float) -> RepWindow | None:
        """Take one sample; return the rep whose lockout it confirms, if any."""
        self._recent.append(inclination_deg)
        x = sorted(self._recent)[len(self._recent) // 2]
        self.signal = x
        self.last_t = t_s
        self._history.append((t_s, x))
        while self._history and self._history[0][0] < t_s - _HISTORY_S:
            self._history.popleft()
        swing = self.th.rep_swing_deg
        if self._first_t is None:
            self._first_t = t_s
            self._low = self._high = x
            self._low_t = self._high_t = t_s
            return None
        if self.state == "unknown":
            self._track_high(t_s, x)
            self._track_low(t_s, x)
            if x >= self._low + swing:
                self._begin_descent()
            elif x <= self._high - swing:
                # Started bent over (at the bar): this is the way up of a first rep.
                self._start_t, self._start_deg, self._from_floor = self._first_t, 0.0, True
                self._begin_ascent(t_s, x)
            return None
        if self.state == "top":
            self._track_low(t_s, x)
            if x >= self._low + swing:
                self._begin_descent()
            return None
        if self.state == "down":
            self._track_high(t_s, x)
            if x <= self._high - swing:
                self._begin_ascent(t_s, x)
            return None
        # ascending
        if x >= self._low + swing:  # went back down without standing up: same rep
            self.state = "down"
            self._hold_since = None
            return None
        self._track_low(t_s, x)
        return self._check_lockout(t_s, x)

    def _near_peak(self, band_deg: float) -> list[float]:
        return [
            t
            for t, v in self._history
            if self._start_t <= t <= self.last_t_or_0 and v >= self._high - band_deg
        ] or [self._high_t]

    @property
    def last_t_or_0(self) -> float:
        return self.last_t if self.last_t is not None else 0.0

    def _middle_near_peak(self, band_deg: float) -> float:
        near = self._near_peak(band_deg)
        return (near[0] + near[-1]) / 2.0

    def _time_near_peak(self, band_deg: float) -> float:
        near = self._near_peak(band_deg)
        return near[-1] - near[0]

    def _descent_s(self) -> float | None:
        """Time from 10 % to 90 % of the way from the top to the deepest point."""
        if self._from_floor:
            return None
        depth = self._high - self._start_deg
        low, high = self._start_deg + 0.1 * depth, self._start_deg + 0.9 * depth
        way_down = [(t, v) for t, v in self._history if self._start_t <= t <= self._high_t]
        t10 = next((t for t, v in way_down if v >= low), None)
        t90 = next((t for t, v in way_down if v >= high), None)
        if t10 is None or t90 is None:
            return None
        return t90 - t10

    def _track_low(self, t_s: float, x: float) -> None:
        # The time kept is the last one near the lowest value: where a descent then begins.
        if x <= self._low:
            self._low = x
        if x <= self._low + _NEAR_DEG:
            self._low_t = t_s

    def _track_high(self, t_s: float, x: float) -> None:
        if x >= self._high:
            self._high, self._high_t = x, t_s

    def _begin_descent(self) -> None:
        self.state = "down"
        self._start_t = next(
            (t for t, x in reversed(self._history) if x <= self._low + _START_DEG), self._low_t
        )
        self._start_deg, self._from_floor = self._low, False
        self._high, self._high_t = self.signal, self.last_t or 0.0

    def _begin_ascent(self, t_s: float, x: float) -> None:
        self.state = "ascending"
        self._low, self._low_t = x, t_s
        self._hold_since = None

    def _check_lockout(self, t_s: float, x: float) -> RepWindow | None:
        th = self.th
        target = self._high - th.lockout_share * (self._high - self._start_deg)
        then_t, then_x = next(
            ((t, v) for t, v in self._history if t >= t_s - _SPEED_S), self._history[-1]
        )
        speed = abs(x - then_x) / (t_s - then_t) if t_s > then_t else 0.0
        if x > target or speed > th.lockout_speed_deg_s:
            self._hold_since = None
            return None
        if self._hold_since is None:
            self._hold_since = t_s
        if t_s - self._hold_since < th.lockout_hold_s:
            return None
        # Lockout is when the lifter first got (nearly) as upright as they then stayed.
        lockout_t = next(
            (t for t, v in self._history if self._high_t <= t and v <= x + _START_DEG),
            self._hold_since,
        )
        rep = RepWindow(
            start_s=self._start_t,
            descent_s=self._descent_s(),
            bottom_s=self._middle_near_peak(_NEAR_DEG),
            bottom_pause_s=self._time_near_peak(_BOTTOM_BAND_DEG),
            lockout_s=min(lockout_t, self._hold_since),
            peak_deg=self._high,
            top_deg=self._start_deg,
            from_floor=self._from_floor,
        )
        self.state = "top"
        self._low, self._low_t = x, t_s
        self._hold_since = None
        if rep.lockout_s - rep.start_s < th.min_rep_s:
            return None
        return rep
