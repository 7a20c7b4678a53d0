"""Counting reps: full hinge cycles of the trunk's inclination, with hysteresis.

The hinge signal is the trunk's inclination from vertical (degrees, 0 upright; the
evaluator measures it in every view), median-filtered over about 0.3 s. A rep is a full
cycle, one of two kinds:

- **From the top**: down from where the lifter stood by at least ``rep_swing_deg`` to a
  bottom at least ``rep_min_peak_deg`` deep, then back up by at least ``rep_swing_deg``
  and most of the way (``lockout_share``) to a lockout: steady there, or turning straight
  into the next descent (touch-and-go reps, lockouts never completed).
- **From the floor**: a set that begins bent over the weight (a deadlift set up at the
  bar), or whose first rep begins with a set-up pause at the bottom, is a *floor set*.
  There each pull is a rep only once the lifter lowers again: a pull that ends the
  recording is a fragment, and standing up after setting the weight down is no rep.

Whether the feet stayed planted around a rep (a pick-up on the way in is no rep) is the
evaluator's check, on the windows this detector reports.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace

from appliance.form.thresholds import Thresholds

_MEDIAN_S = 0.3  # seconds of samples in the median filter (at least 3 samples)
_NEAR_DEG = 2.0  # within this of an extreme counts as being there
_BOTTOM_BAND_SHARE = 0.12  # "at the bottom": within this share of the rep's depth ...
_BOTTOM_BAND_DEG = 3.0  # ... or of this many degrees, whichever is more
_START_DEG = 2.5  # a descent starts where the signal last left this band above the top
_HISTORY_S = 30.0  # seconds of signal kept to look back over a rep
_SPEED_S = 0.25  # seconds over which the lockout's steadiness is measured


@dataclass(frozen=True, slots=True)
class RepWindow:
    """Where a rep was: times in seconds, trunk angles in degrees.

    ``start_s`` is when the descent began (for a pull from the floor, ``from_floor``, the
    first moment seen at the bottom); ``bottom_s`` the middle of the deepest stretch;
    ``lockout_s`` when the lifter was back up. ``bottom_pause_s``: how long the trunk
    stayed near its deepest (within an eighth of the rep's depth). ``descent_s`` is how long the way
    down took from 10 % to 90 % of its depth (``None`` for a pull from the floor).
    ``top_deg`` is the inclination the rep started from, ``lockout_deg`` the one it came
    back to; ``steady_top``: the lifter held the top (else they went straight back down);
    ``floor_set``: a rep of a set pulled from the floor; ``squat_cycle``: the hips went
    down to a squat's depth and stood back up (the trunk need not have swung).
    """

    start_s: float
    descent_s: float | None
    bottom_s: float
    bottom_pause_s: float
    lockout_s: float
    peak_deg: float
    top_deg: float
    from_floor: bool
    lockout_deg: float = 0.0
    steady_top: bool = True
    floor_set: bool = False
    squat_cycle: bool = False


class RepDetector:
    """Feed ``update(t_s, inclination_deg)`` in time order; it returns a ``RepWindow`` on
    the frame where a rep is confirmed (for a pull from the floor: when the lowering that
    follows it starts)."""

    def __init__(
        self,
        thresholds: Thresholds,
        reaches_floor: Callable[[RepWindow, bool], bool] | None = None,
    ) -> None:
        """``reaches_floor(rep, unseen)``: whether a rep went down to a weight on the floor
        (the hips dropped toward the knees; ``unseen`` when the knees cannot be seen);
        ``None`` where no weight rests there (drill mode). A first rep that paused there set
        up at the weight: a floor set."""
        self.th = thresholds
        self.reaches_floor = reaches_floor
        # Reps confirmed at once, handed on one an update (kept over a reset: confirmed).
        self._queue: deque[RepWindow] = deque()
        self.reset()

    def reset(self) -> None:
        """Forget the rep in progress (the lifter left)."""
        self.state = "unknown"  # unknown | top | down | ascending
        self._recent: deque[tuple[float, float]] = deque()
        self._knees: deque[tuple[float, float]] = deque()
        self._hips: deque[tuple[float, float]] = deque()
        self._hips_lowest = 1.0
        self._hips_lowest_t: float | None = None
        self._squat_bottom_t: float | None = None
        self._hips_up_t = math.inf  # the last time the hips stood high at this top
        self._hips_began = False  # the descent in progress began by the hips alone
        self._history: deque[tuple[float, float]] = deque()
        self._low = self._high = 0.0
        self._low_t = self._high_t = 0.0
        self._start_t = 0.0
        self._start_deg = 0.0
        self._from_floor = False
        self._hold_since: float | None = None
        self._floor_rep: RepWindow | None = None
        self._floor_set = False
        # The first rep's trunk (degrees) when it paused low with the trunk upright (a
        # squatted set-up, or a squat paused at its bottom: the reps after it tell).
        self._squatted_start_deg: float | None = None
        self.floor_at_first_sight = False  # the floor set was called on the first frames
        # Lockouts since the floor set was called on first sight (that pull is the first).
        self._floor_lockouts = 0
        self.floor_call_withdrawn = False  # that pull was a pickup (_withdraw_floor_call)
        # Reps since that pull too shallow to tell (under ``floor_rep_trunk_deg``, the hips
        # high): a lean at the top of a pull, or the first RDLs after a pickup, shallow.
        self._undecided: list[RepWindow] = []
        self._reps = 0
        self.last_t: float | None = None
        self.signal = 0.0

    @property
    def floor_set(self) -> bool:
        """This set is pulled from the floor: it ends with the weight set down there."""
        return self._floor_set

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

    def update(
        self,
        t_s: float,
        inclination_deg: float,
        knees_deg: float | None = None,
        hips_share: float | None = None,
    ) -> RepWindow | None:
        """Take one sample (``knees_deg``: the knees' flexion when seen; ``hips_share``: the
        hips' height above the knees as a share of standing, when seen); return the rep it
        confirms, if any (several confirmed at once come one an update, in time order)."""
        window = self._step(t_s, inclination_deg, knees_deg, hips_share)
        if window is not None:
            self._queue.append(window)
        return self._queue.popleft() if self._queue else None

    def _step(
        self,
        t_s: float,
        inclination_deg: float,
        knees_deg: float | None,
        hips_share: float | None,
    ) -> RepWindow | None:
        self._recent.append((t_s, inclination_deg))
        while len(self._recent) > 3 and self._recent[0][0] < t_s - _MEDIAN_S:
            self._recent.popleft()
        if knees_deg is not None and self.state == "unknown":  # read only to decide a start
            self._knees.append((t_s, knees_deg))
        _drop_before(self._knees, t_s - _MEDIAN_S)
        if hips_share is not None:
            self._hips.append((t_s, hips_share))
        _drop_before(self._hips, t_s - _MEDIAN_S)
        hips = _median(self._hips) if len(self._hips) >= 3 else None
        x = _median(self._recent)
        self.signal = x
        self.last_t = t_s
        self._history.append((t_s, x))
        _drop_before(self._history, t_s - _HISTORY_S)
        swing = self.th.rep_swing_deg
        if self.state == "unknown":
            if len(self._recent) < 3 or t_s - self._recent[0][0] < 0.5 * _MEDIAN_S:
                return None  # one first frame (often the model's worst) decides nothing
            self._low = self._high = x
            self._low_t = self._high_t = t_s
            if self._first_seen_at_floor(x):
                self.state, self._from_floor = "down", True
                self._floor_set = self.reaches_floor is not None
                self.floor_at_first_sight = self._floor_set
                self._start_t, self._start_deg = t_s, 0.0
            else:
                self.state, self._hips_up_t = "top", math.inf
            return None
        if self.state == "top":
            self._track_low(t_s, x)
            trunk_down = x >= self._low + swing
            if not trunk_down and hips is not None and hips >= self.th.rep_stood_hips_share:
                self._hips_up_t = t_s
            squatted = not trunk_down and self._squatted_down(hips)
            if trunk_down or squatted:
                confirmed, self._floor_rep = self._floor_rep, None
                self._begin_descent()
                if squatted:  # the hips began it, the trunk may not have moved
                    self._start_t = min(self._start_t, self._hips_up_t)
                self._hips_began = squatted
                # Judged now, not at its lockout: the lifter has stood since, and how far
                # the hips had dropped is measured against that standing height.
                if confirmed is None or not self._plausible(confirmed):
                    return None
                self._reps += 1
                return confirmed
            return None
        if self.state == "down":
            self._track_high(t_s, x)
            trunk_up = x <= self._high - swing
            if not trunk_up and hips is not None and hips < self._hips_lowest:
                self._hips_lowest, self._hips_lowest_t = hips, t_s
            squat_lockout = not trunk_up and self._stood_from_squat(hips, x)
            if trunk_up or squat_lockout:
                self.state = "ascending"
                self._squat_bottom_t = self._hips_lowest_t if squat_lockout else None
                self._low, self._low_t = x, t_s
                self._hold_since = None
            return None
        return self._ascending(t_s, x)

    def _squatted_down(self, hips: float | None) -> bool:
        """From a top the hips (median-filtered share, ``None`` unseen) sank to a squat's
        depth: a descent, even with the trunk held where it was (a squat after an
        incomplete lockout leans no further)."""
        return hips is not None and hips <= self.th.rep_squat_hips_share

    def _stood_from_squat(self, hips: float | None, x: float) -> bool:
        """The hips came back up from a squat's depth with the trunk no more inclined than
        a top (a squatted rep's trunk need not swing: see ``rep_squat_hips_share``)."""
        return (
            hips is not None
            and self._hips_lowest <= self.th.rep_squat_hips_share
            and hips >= self.th.rep_stood_hips_share
            and x <= self.th.top_max_deg
        )

    def _first_seen_at_floor(self, x: float) -> bool:
        """First seen bent over the weight: the trunk inclined past ``rep_top_max_deg``, or
        crouched at it, the knees bent past ``top_max_knee_deg`` with the trunk inclined
        as a rep's bottom (a squatted set-up keeps the trunk near 30°; walking in upright
        bends the knees but not the trunk)."""
        th = self.th
        if x > th.rep_top_max_deg:
            return True
        return (
            len(self._knees) >= 2
            and _median(self._knees) > th.top_max_knee_deg
            and x >= th.rep_min_peak_deg
        )

    def _ascending(self, t_s: float, x: float) -> RepWindow | None:
        th = self.th
        # Back most of the way up, or upright enough to be a top however deep the rep was
        # (a floor pull bends the trunk only 45-60°: its incomplete lockout still ends it).
        target = max(self._high - th.lockout_share * (self._high - self._start_deg), th.top_max_deg)
        if x >= self._low + th.rep_swing_deg:  # turned back down without holding a top
            if self._low > target:
                self.state, self._hold_since = "down", None  # a bounce: the same rep
                return None
            rep = self._window(self._low_t, steady=False)
            self._begin_descent()
            return self._accept(rep)
        self._track_low(t_s, x)
        if x > target or self._speed(t_s, x) > th.lockout_speed_deg_s:
            self._hold_since = None
            return None
        if self._hold_since is None:
            self._hold_since = t_s
        hold_s = th.lockout_hold_s if self._squat_bottom_t is None else th.squat_lockout_hold_s
        if t_s - self._hold_since < hold_s:
            return None
        # Lockout is when the lifter first got (nearly) as upright as they then stayed.
        # (A squat's hips stood up after their bottom, wherever the trunk peaked.)
        after = max(self._high_t, self._squat_bottom_t or 0.0)
        lockout_t = next(
            (t for t, v in self._history if after <= t and v <= x + _START_DEG),
            self._hold_since,
        )
        rep = self._window(min(lockout_t, self._hold_since), steady=True)
        self.state, self._hold_since = "top", None
        self._low, self._low_t = x, t_s
        self._hips_up_t = math.inf  # a new top: the hips have not stood at it yet
        if self._pulled_from_floor(rep):
            self._floor_set = True
            rep = replace(rep, floor_set=True)
        if self._floor_set:
            self._floor_lockouts += 1
            # Every rep since the pull on first sight was too shallow to tell (under
            # ``floor_rep_trunk_deg``, the hips high: a lean at the top of a pull, or a
            # shallow first RDL after a pickup): this one may.
            if (
                self.floor_at_first_sight
                and self._floor_lockouts == len(self._undecided) + 2
                and self._hips_stayed_high(rep)
            ):
                if rep.peak_deg >= self.th.floor_rep_trunk_deg:
                    return self._withdraw_floor_call(rep)  # an RDL: that pull was a pickup
                self._undecided.append(rep)
            self._floor_rep = rep
            return None  # a pull is a rep once the lifter lowers again
        return self._accept(rep)

    def _withdraw_floor_call(self, rep: RepWindow) -> RepWindow | None:
        """The set taken for one pulled from the floor on first sight of the lifter (bent
        over the weight) was a weight picked up on the way in and then lifted from
        standing: ``rep``, the first after that pull deep enough to tell, bent the trunk as
        a rep (past ``floor_rep_trunk_deg``) but turned with the hips high (an RDL), not
        down at the weight on the floor as each rep of a floor set does. ``rep`` and the
        shallow reps before it (held back as a lean at the top of a pull might be) are reps
        as from standing, confirmed now; the rest end at their lockouts, and the last is
        not left waiting for a set-down that a lifter walking off with the weight never
        makes.

        Not after a set-up paused at the weight (``floor_at_first_sight`` only): a lifter
        who pulls the bar from the floor once and then hinges RDLs from the top sets it
        down at the end, and that set-down (as deep as a pull, the hips down at the bar)
        would then count as a rep."""
        self._floor_set, self.floor_call_withdrawn = False, True
        self._floor_rep = None
        held, self._undecided = self._undecided, []
        for window in (*held, rep):
            accepted = self._accept(replace(window, floor_set=False))
            if accepted is not None:
                self._queue.append(accepted)
        return None  # ``update`` hands them on from the queue

    def _hips_stayed_high(self, rep: RepWindow) -> bool:
        """Whether ``rep`` turned with the hips high, not down at a weight on the floor
        (knees or hips unseen: no; no weight rests there in drill mode: no)."""
        return self.reaches_floor is not None and not self.reaches_floor(rep, True)

    def _pulled_from_floor(self, rep: RepWindow) -> bool:
        """Whether ``rep``, just locked out, shows the set is pulled from the floor: it
        is the first and began by setting up at the weight (a pause at the bottom with
        the hips dropped toward the knees and the trunk bent over it past
        ``floor_pull_trunk_deg``), or the first set up squatted and this one is a pull:
        past that, or past ``floor_rep_trunk_deg`` and well past the first rep's trunk
        (``floor_pull_past_setup_deg``).

        A set-up squatted at the weight (the trunk upright, under ``floor_pull_trunk_deg``)
        looks like a squat paused at its bottom; the reps after it tell them apart: a
        pull from the floor bends the trunk over the weight with the hips dropped, which
        no RDL does (its hips stay high) and a squat does not (its trunk stays upright).
        """
        if self._floor_set or self.reaches_floor is None:
            return False
        th = self.th
        pull = rep.peak_deg >= th.floor_pull_trunk_deg
        if self._reps == 0:
            paused_low = rep.bottom_pause_s >= th.floor_setup_pause_s and self.reaches_floor(
                rep, False
            )
            self._squatted_start_deg = rep.peak_deg if paused_low and not pull else None
            return paused_low and pull
        if self._squatted_start_deg is None:
            return False
        bent_over = pull or (
            rep.peak_deg >= th.floor_rep_trunk_deg
            and rep.peak_deg >= self._squatted_start_deg + th.floor_pull_past_setup_deg
        )
        return bent_over and self.reaches_floor(rep, False)

    def _window(self, lockout_s: float, steady: bool) -> RepWindow:
        # A squat that stood up no straighter than its bottom bottomed where the hips did.
        bottom_s = self._squat_bottom_t or self._middle_near_peak(_NEAR_DEG, lockout_s)
        return RepWindow(
            start_s=self._start_t,
            descent_s=self._descent_s(),
            bottom_s=bottom_s,
            bottom_pause_s=self._time_near_peak(self._bottom_band(), lockout_s),
            lockout_s=lockout_s,
            peak_deg=self._high,
            top_deg=self._start_deg,
            from_floor=self._from_floor,
            lockout_deg=self._low,
            steady_top=steady,
            floor_set=self._floor_set,
            squat_cycle=self._squat_bottom_t is not None,
        )

    def _bottom_band(self) -> float:
        return max(_BOTTOM_BAND_DEG, _BOTTOM_BAND_SHARE * (self._high - self._start_deg))

    def _accept(self, rep: RepWindow) -> RepWindow | None:
        if not self._plausible(rep):
            return None
        self._reps += 1
        return rep

    def _plausible(self, rep: RepWindow) -> bool:
        """Deep enough and long enough to be a hinge, not a nod, a twitch or a lean at the
        top of a pull."""
        th = self.th
        depth = rep.peak_deg - rep.top_deg
        if (
            self._floor_set
            and rep.peak_deg < th.floor_rep_trunk_deg
            and self._hips_stayed_high(rep)
        ):
            return False  # each rep of a floor set goes down to the weight on the floor
        return (
            rep.peak_deg >= th.rep_min_peak_deg
            and (depth >= th.rep_min_depth_share * rep.peak_deg or rep.squat_cycle)
            and rep.lockout_s - rep.start_s >= th.min_rep_s
        )

    def _speed(self, t_s: float, x: float) -> float:
        then_t, then_x = next(
            ((t, v) for t, v in self._history if t >= t_s - _SPEED_S), self._history[-1]
        )
        return abs(x - then_x) / (t_s - then_t) if t_s > then_t else 0.0

    def _near_peak(self, band_deg: float, end_s: float) -> list[float]:
        return [
            t
            for t, v in self._history
            if self._start_t <= t <= end_s and v >= self._high - band_deg
        ] or [self._high_t]

    def _middle_near_peak(self, band_deg: float, end_s: float) -> float:
        near = self._near_peak(band_deg, end_s)
        return (near[0] + near[-1]) / 2.0

    def _time_near_peak(self, band_deg: float, end_s: float) -> float:
        near = self._near_peak(band_deg, end_s)
        return near[-1] - near[0]

    def _descent_s(self) -> float | None:
        """Time from 10 % to 90 % of the way from the top to the deepest point (``None``
        from the floor, or when the hips alone went down: the trunk did not descend)."""
        if self._from_floor or self._hips_began:
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
        self._hips_lowest, self._hips_lowest_t = 1.0, None
        self._hips_began = False


def _median(samples: deque[tuple[float, float]]) -> float:
    """The (upper) median of the values of ``(t_s, value)`` samples (not empty)."""
    values = sorted(v for _, v in samples)
    return values[len(values) // 2]


def _drop_before(samples: deque[tuple[float, float]], t_s: float) -> None:
    """Drop the ``(t_s, value)`` samples older than ``t_s``."""
    while samples and samples[0][0] < t_s:
        samples.popleft()
