"""The pose room: MoveNet on frames, crop tracking, exact mapping back, smoothing."""

from appliance.pose.estimator import PoseEstimator, StageTimes, load_pose_model

__all__ = ["PoseEstimator", "StageTimes", "load_pose_model"]
