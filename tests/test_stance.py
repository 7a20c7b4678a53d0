"""Where the feet stood: a step out and back during a movement is a step, even though the
feet end where they began."""

from __future__ import annotations

import numpy as np

from appliance.form.features import extract
from appliance.form.stance import StanceTracker
from appliance.types import Pose

_TORSO_PX = 200.0


def _standing(t_s: float, feet_x: float) -> Pose:
    """A lifter facing the camera in a 1000 px square frame, feet at ``feet_x`` (px)."""
    rows = np.zeros((17, 3), dtype=np.float32)
    rows[:, 2] = 0.9
    rows[:, 1] = feet_x / 1000.0
    for i, y in ((0, 200), (5, 300), (6, 300), (11, 500), (12, 500), (13, 700), (14, 700)):
        rows[i, 0] = y / 1000.0
    rows[15:17, 0] = 0.9
    rows[(5, 11, 13, 15), 1] -= 0.03  # the left side of the body
    rows[(6, 12, 14, 16), 1] += 0.03
    return Pose(rows, 1000, 1000, t_s, True)


def _tracked(feet_x_at: dict[float, float]) -> StanceTracker:
    tracker = StanceTracker(min_score=0.3)
    for t_s, feet_x in feet_x_at.items():
        pose = _standing(t_s, feet_x)
        tracker.update(extract(pose, pose.yx_score.tolist(), "left", 0.3), _TORSO_PX)
    return tracker


def test_a_step_to_the_side_and_back_within_a_movement_is_seen_from_where_the_feet_stood() -> None:
    times = [i / 30 for i in range(150)]  # 5 s at 30 fps; the movement from 1 s to 4 s
    stepping = _tracked({t: 500.0 + (90.0 if 1.2 <= t <= 3.8 else 0.0) for t in times})
    travel = stepping.travel(1.0, 4.0)
    assert travel is not None
    assert travel.distance < 0.1, "first third to last: back where it began"
    strayed = stepping.strayed(1.0, 4.0, before_s=0.5)
    assert strayed is not None
    assert strayed.on == "feet"
    assert strayed.distance > 0.4, "90 px from where the feet stood, torso 200 px"


def test_feet_planted_through_a_movement_strayed_nowhere() -> None:
    times = [i / 30 for i in range(150)]
    planted = _tracked({t: 500.0 + (2.0 if i % 2 else -2.0) for i, t in enumerate(times)})
    strayed = planted.strayed(1.0, 4.0, before_s=0.5)
    assert strayed is not None
    assert strayed.distance < 0.05


def test_without_frames_before_the_movement_there_is_no_answer() -> None:
    times = [1.0 + i / 30 for i in range(90)]
    assert _tracked(dict.fromkeys(times, 500.0)).strayed(1.0, 4.0, before_s=0.5) is None
