"""Two cameras, one verdict: the mirror's front camera and a side camera (issue 12).

``PairedEvaluator`` evaluates each camera as one camera is evaluated and fuses the two
(``merge``); ``pairing.merged_frames`` puts two recordings on one clock.
"""

from appliance.fusion.evaluator import PairedEvaluator
from appliance.fusion.merge import CAMERAS, view_rank

__all__ = ["CAMERAS", "PairedEvaluator", "view_rank"]
