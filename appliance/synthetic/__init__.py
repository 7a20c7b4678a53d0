"""The synthetic lifter: a kinematic model that makes keypoint sequences of hinges.

Good reps and every coaching.md fault, in drill or deadlift mode, seen from the side, the
front or in between, with a pose model's noise — for the evaluator's tests and the
display's demo mode. Start with ``make_set``.
"""

from appliance.synthetic.body import Body
from appliance.synthetic.camera import Placement
from appliance.synthetic.faults import DEFAULT_SEVERITY, FAULTS
from appliance.synthetic.lifter import (
    JointAngles,
    SyntheticSet,
    make_set,
    view_of,
)
from appliance.synthetic.noise import Noise
from appliance.synthetic.timeline import RepTruth, Tempo
from appliance.types import MODES

__all__ = [
    "DEFAULT_SEVERITY",
    "FAULTS",
    "MODES",
    "Body",
    "JointAngles",
    "Noise",
    "Placement",
    "RepTruth",
    "SyntheticSet",
    "Tempo",
    "make_set",
    "view_of",
]
