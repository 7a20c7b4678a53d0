"""The coach room: which cue to give, when, and in what words (the cue policy)."""

from appliance.coach.config import CueConfig
from appliance.coach.policy import SAFETY_FAULTS, CuePolicy

__all__ = ["SAFETY_FAULTS", "CueConfig", "CuePolicy"]
