"""The choreography of each scenario class with reps (``spec.SCENARIOS``), as ``Choreo``
moves on a ``Stage``. Times in seconds, headings in degrees (see ``stage``)."""

from __future__ import annotations

from appliance.synthetic.choreo import Choreo
from appliance.synthetic.stage import SLOW_WALK_M_S, Stage
from appliance.synthetic.styles import good_plan


def standing_set(s: Stage) -> Choreo:
    """At the spot from the first frame: stand still, reps, settle, maybe walk out."""
    c = s.start()
    c.hold(s.spec.still_s)
    s.lift(c)
    c.hold(s.u(1.0, 2.0))
    if s.spec.leave:
        s.leave(c)
    return c


def walk_in_turn(s: Stage) -> Choreo:
    """Walks in across the picture (or toward the camera), turns to lift, lifts."""
    c = s.entering()
    c.walk_to((0.0, 0.0), ease_in=False)
    c.hold(s.u(0.2, 0.6))
    s.turn_to_lift(c)
    c.hold(s.spec.still_s)
    s.lift(c)
    c.hold(s.u(1.0, 2.0))
    if s.spec.leave:
        s.leave(c)
    return c


def turning_set(s: Stage, second_heading: float) -> Choreo:
    """Reps, a turn to ``second_heading`` after rep ``turn_after``, the rest of the reps."""
    c = s.start()
    c.hold(s.spec.still_s)
    k = s.spec.turn_after
    s.lift(c, s.plans[:k])
    c.hold(s.u(0.3, 1.0))
    c.turn_to(second_heading)
    c.hold(s.u(1.0, 2.0))
    s.lift(c, s.plans[k:])
    c.hold(s.u(1.0, 2.0))
    return c


def turn_around(s: Stage) -> Choreo:
    """Side-on reps, a turn to face the other way (through either side), more reps."""
    # Facing the other way at the same angle to the camera is the heading mirrored about
    # the camera's axis (180° - heading); the lifter gets there turning either way round.
    turn = 180.0 - 2.0 * s.heading
    if s.rng.random() >= 0.5:
        turn -= 360.0 if turn > 0 else -360.0
    return turning_set(s, s.heading + turn)


def side_to_front(s: Stage) -> Choreo:
    """Side-on reps, a turn to face the camera (the mirror), more reps."""
    return turning_set(s, 90.0 + s.u(-8.0, 0.0) * (1.0 if s.spec.facing == "right" else -1.0))


def floor_set(s: Stage, walk_in: bool) -> Choreo:
    """Pulls from the floor: from a set-up at the first frame, or after walking in,
    settling (feet still 1..2.5 s), bending to the weight and a set-up pause (0.8..2 s);
    each rep pulls to lockout and lowers to the floor; then the weight is set down, let go
    and the lifter stands up empty-handed (not a rep), and stays or walks out."""
    first = s.plans[0].bottom
    if walk_in:
        c = s.entering(empty_handed=True)
        c.walk_to((0.0, 0.0), ease_in=False)
        c.hold(s.u(0.2, 0.5))
        s.turn_to_lift(c)
        c.hold(s.u(1.0, 2.5))
        bend = s.u(1.2, 1.8)
        c.pose(bend, first)
        c.ramp(c.grip_keys, 1.0, 0.4, at=c.t - 0.4)
        c.hold(s.u(0.8, 2.0))
    else:
        c = Choreo(
            first,
            height_m=s.spec.body.height_m,
            heading=s.heading,
            arm=s.arm,
            load=0.0,
        )
        c.hold(s.u(0.3, 1.2))
    c.floor_reps(s.plans, s.tops(), s.weight)
    c.hold(s.u(0.3, 1.0))
    setdown = good_plan(s.spec.style, s.spec.load, s.spec.body, (1.5, 0.3, 1.0, 1.0), s.rng)
    c.set_down(setdown.bottom, s.u(1.0, 1.8), s.empty)
    c.hold(s.u(1.0, 3.0))
    if s.spec.leave:
        s.leave(c)
    return c


def pickup_on_the_way(s: Stage) -> Choreo:
    """Picks the weight (a dowel or bar on the back: a towel) up while still walking in,
    or something on the way out without stopping; lifts at the spot in between."""
    if s.spec.pickup == "in":
        c = s.entering(empty_handed=True)
        grab = s.weight if s.held else None
        c.walk_to((0.0, 0.0), speed=SLOW_WALK_M_S, ease_in=False, pick=s.pick_posture(), grab=grab)
        c.stand = s.stand.copy()
        c.pose(0.6, s.stand)
    else:
        c = s.entering()
        c.walk_to((0.0, 0.0), ease_in=False)
    s.turn_to_lift(c)
    c.hold(s.spec.still_s)
    s.lift(c)
    c.hold(s.u(0.8, 2.0))
    s.leave(c, s.pick_posture() if s.spec.pickup == "out" else None)
    return c
