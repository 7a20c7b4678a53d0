"""The synthetic lifter: a kinematic model that makes keypoint sequences of hinges.

Good reps and every coaching.md fault, in drill or deadlift mode, seen from the side, the
front or in between, with a pose model's noise — for the evaluator's tests and the
display's demo mode. Start with ``make_set``; for what real rooms do (walking in, turning,
pulls from the floor, pick-ups, fidgeting; every load, camera and frame rate) with labels,
``make_scenario`` (``scenarios``); for a labelled corpus, ``python -m appliance.synthetic``.
For one set seen at once by the mirror's front camera and a side (or 45°) camera, each
with its own noise, frame rate and clock: ``make_pair`` (``pairs``), and ``--pairs``.
"""

from appliance.synthetic.body import Body
from appliance.synthetic.camera import Placement
from appliance.synthetic.faults import DEFAULT_SEVERITY, FAULTS, SEVERITIES
from appliance.synthetic.lifter import (
    JointAngles,
    SyntheticSet,
    make_set,
    view_of,
)
from appliance.synthetic.noise import Noise
from appliance.synthetic.pairs import PAIR_SCENARIOS, make_pair
from appliance.synthetic.scenarios import SCENARIOS, make_scenario
from appliance.synthetic.timeline import RepTruth, Tempo
from appliance.types import MODES

__all__ = [
    "DEFAULT_SEVERITY",
    "FAULTS",
    "MODES",
    "PAIR_SCENARIOS",
    "SCENARIOS",
    "SEVERITIES",
    "Body",
    "JointAngles",
    "Noise",
    "Placement",
    "RepTruth",
    "SyntheticSet",
    "Tempo",
    "make_pair",
    "make_scenario",
    "make_set",
    "view_of",
]
