"""The choreography of the scenario classes without reps: walking through, picking
something up on the way, standing still, fidgeting. Times in seconds, distances in metres,
headings in degrees (see ``stage``)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from appliance.synthetic.choreo import Choreo
from appliance.synthetic.faults import Channel
from appliance.synthetic.stage import SLOW_WALK_M_S, Stage


def pickup_only(s: Stage) -> Choreo:
    """Walks across the picture, picks something up without stopping, walks out."""
    c = s.entering(empty_handed=True)
    sign = 1.0 if s.spec.walk_from == "left" else -1.0
    c.walk_to(
        (sign * s.walk_m, 0.0),
        speed=SLOW_WALK_M_S,
        ease_in=False,
        ease_out=False,
        pick=s.pick_posture(),
        at=s.u(0.4, 0.6),
    )
    return c


def stand_still(s: Stage) -> Choreo:
    """Stands still at the spot for ``still_s`` (10..20 s)."""
    c = s.start()
    c.hold(s.spec.still_s)
    return c


def fidget(s: Stage) -> Choreo:
    """Stands at the spot for about ``still_s``, fidgeting: weight shifts, small trunk
    sways (5..9°), arm movements, a look at the floor, a step to one side and back."""
    c = s.start()
    moves: list[Callable[[], None]] = [
        lambda: _sway(c, s, Channel.TRUNK, s.u(5.0, 9.0)),
        lambda: _sway(c, s, Channel.NECK, -s.u(30.0, 45.0)),
        lambda: _gesture(c, s),
        lambda: _shift(c, s, s.u(0.03, 0.06)),
        lambda: _shift(c, s, s.u(0.25, 0.4), step=True),
    ]
    c.hold(s.u(0.5, 2.0))
    while c.t < s.spec.still_s:
        moves[int(s.rng.integers(len(moves)))]()
        c.hold(s.u(0.4, 1.8))
    return c


def walk_through(s: Stage) -> Choreo:
    """Walks in, stops for a moment (maybe), and walks out — across or in depth."""
    c = s.entering(empty_handed=True)
    c.walk_to((0.0, 0.0), ease_in=False, ease_out=s.rng.random() < 0.6)
    c.hold(s.u(0.0, 2.0))
    if s.spec.walk_from == "far":
        c.walk_to((0.0, 4.0), ease_out=False)
    else:
        ahead = np.cos(np.radians(c.heading)) > 0
        back = s.rng.random() < 0.3
        sign = (1.0 if ahead else -1.0) * (-1.0 if back else 1.0)
        c.walk_to((sign * s.walk_m, 0.0), ease_out=False)
    return c


def _sway(c: Choreo, s: Stage, channel: int, change: float) -> None:
    posture = c.keys.postures[-1].copy()
    posture[channel] += change
    c.pose(s.u(0.7, 1.2), posture)
    c.hold(s.u(0.3, 1.2))
    c.pose(s.u(0.7, 1.2), c.stand)


def _gesture(c: Choreo, s: Stage) -> None:
    """Raise a forearm (30..70° forward, elbow bent 40..100° more) and lower it again."""
    c.arm_gesture(s.u(0.6, 1.0), s.u(30.0, 70.0), s.u(40.0, 100.0))
    c.hold(s.u(0.3, 1.5))
    c.arm_gesture(s.u(0.6, 1.0), 0.0, 0.0)


def _shift(c: Choreo, s: Stage, metres: float, step: bool = False) -> None:
    """Shift (or step) sideways by ``metres`` and back."""
    side = np.radians(c.heading)
    to = (metres * float(np.sin(side)), metres * float(np.cos(side)))
    if step:
        c.step_to(to, s.u(0.8, 1.2))
        c.hold(s.u(0.8, 2.0))
        c.step_to((0.0, 0.0), s.u(0.8, 1.2))
    else:
        c.step_to(to, s.u(1.0, 1.6), stepping=False)
        c.step_to((0.0, 0.0), s.u(1.0, 1.6), stepping=False)
