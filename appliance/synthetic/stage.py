"""What a scenario's choreography works with (``Stage``): the spec, the rep plans, the
postures with and without the weight, and the moves every script shares.

Distances in metres, times in seconds, headings in degrees (0 faces the picture's right,
90 the camera, 180 the left, -90 away). The lifting spot is ``(0, 0)``; ``walk_m`` is how
far from it the lifter is wholly out of the picture.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from appliance.synthetic.choreo import Choreo
from appliance.synthetic.faults import Channel, RepPlan
from appliance.synthetic.spec import Spec
from appliance.synthetic.styles import LOAD_MASS, arm_mode, stand_posture
from appliance.synthetic.timeline import ARM_BAR, ARM_BELL, ARM_HANG, SETTLE_S

Array = npt.NDArray[np.float64]
SLOW_WALK_M_S = 0.7  # walking while bending to pick something up


@dataclass
class Stage:
    """What a script works with: the ``spec``, the motion ``rng``, the rep ``plans`` (in
    order), ``walk_m``, the standing postures with the weight (``stand``) and without
    (``empty``), the lifting ``arm`` mode and the weight's mass (fraction of body mass)."""

    spec: Spec
    rng: np.random.Generator
    plans: list[RepPlan]
    walk_m: float
    stand: Array
    empty: Array
    arm: int
    weight: float

    @property
    def heading(self) -> float:
        """Heading while lifting."""
        yaw = self.spec.yaw_deg
        return yaw if self.spec.facing == "right" else 180.0 - yaw

    def u(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi))

    def tops(self) -> list[float]:
        return [self.spec.tempo.durations(self.rng)[3] for _ in self.plans]

    @property
    def held(self) -> bool:
        """The weight is held in the hands (a bar or kettlebell), so it can be put down."""
        return self.arm in (ARM_BAR, ARM_BELL)

    def start(
        self,
        heading: float | None = None,
        pos: tuple[float, float] = (0.0, 0.0),
        empty_handed: bool = False,
    ) -> Choreo:
        """A lifter standing at ``pos`` facing ``heading``, holding the weight or not."""
        empty = empty_handed and self.held
        return Choreo(
            self.empty if empty else self.stand,
            height_m=self.spec.body.height_m,
            heading=self.heading if heading is None else heading,
            pos=pos,
            arm=self.arm,
            grip=0.0 if empty else 1.0,
            load=0.0 if empty else self.weight,
        )

    def entering(self, empty_handed: bool = False) -> Choreo:
        """A lifter just outside the picture on the ``walk_from`` side (or far back),
        walking in; a held weight is in the hands unless ``empty_handed``."""
        if self.spec.walk_from == "far":
            return self.start(90.0, (0.0, self.u(2.0, 3.5)), empty_handed)
        sign = 1.0 if self.spec.walk_from == "left" else -1.0
        return self.start(0.0 if sign > 0 else 180.0, (-sign * self.walk_m, 0.0), empty_handed)

    def turn_to_lift(self, c: Choreo) -> None:
        """Turn from wherever the walk ended to the lifting heading, either way round."""
        target = self.heading
        if abs(abs(target - c.heading) - 180.0) < 1e-6 and self.rng.random() < 0.5:
            target -= 360.0 if target > c.heading else -360.0  # round through facing away
        c.turn_to(target)

    def lift(self, c: Choreo, plans: list[RepPlan] | None = None) -> None:
        """Stand still, then reps from standing, then settle."""
        plans = self.plans if plans is None else plans
        c.reps(plans, self.tops())
        c.pose(SETTLE_S, c.stand)

    def leave(self, c: Choreo, pick: Array | None = None) -> None:
        """Walk out of the picture the way the lifter faces (away, for walk-in-depth)."""
        if self.spec.walk_from == "far" and pick is None:
            c.walk_to((0.0, 4.0), ease_out=False)
            return
        sign = 1.0 if np.cos(np.radians(c.heading)) > 0 else -1.0
        speed = 1.2 if pick is None else SLOW_WALK_M_S
        c.walk_to((sign * self.walk_m, 0.0), speed=speed, ease_out=False, pick=pick)

    def pick_posture(self) -> Array:
        """Bent down to pick something up: knees 60..90°, trunk 45..70°, looking at it."""
        pick = self.empty.copy()
        knee, trunk, neck = self.u(60.0, 90.0), self.u(45.0, 70.0), self.u(5.0, 20.0)
        pick[[Channel.KNEE, Channel.TRUNK, Channel.NECK]] = (knee, trunk, neck)
        return pick


def stage(spec: Spec, rng: np.random.Generator, plans: list[RepPlan], walk_m: float) -> Stage:
    """The stage for ``spec``: postures, arms and weight from its style and load."""
    style, load, trunk = spec.style, spec.load, spec.body.stand_trunk_deg
    if style == "none":
        empty = stand_posture("rdl", "none", trunk)
        return Stage(spec, rng, plans, walk_m, empty, empty, ARM_HANG, 0.0)
    stand = stand_posture(style, load, trunk)
    empty = stand_posture("rdl", "none", trunk)
    weight = LOAD_MASS.get((style, load), 0.0)
    return Stage(spec, rng, plans, walk_m, stand, empty, arm_mode(style, load), weight)
