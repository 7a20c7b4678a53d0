"""Hinge Mirror: a smart mirror that coaches the hip hinge and the deadlift.

Pose estimation uses Google's MoveNet SinglePose models (Apache-2.0, (c) Google LLC).
"""

__version__ = "0.1.0"
