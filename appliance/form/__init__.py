"""The form room: view, calibration, reps, faults and scores from a stream of keypoints."""

from appliance.form.evaluator import FormEvaluator, SetSummary

__all__ = ["FormEvaluator", "SetSummary"]
