"""The real MoveNet model on real pictures: the peer's test images and a real deadlift."""

from __future__ import annotations

import csv
import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from appliance.config import Config
from appliance.pipeline import pose_of, poses_together
from appliance.pose import PoseEstimator
from appliance.sources import open_source
from appliance.types import KEYPOINT_INDEX, KEYPOINT_NAMES
from tests.conftest import PEER_DATA, SHARED_MEDIA, need

# The TensorFlow Raspberry Pi example's own tolerance for these images, in pixels.
PEER_TOLERANCE_PX = 21


def _peer_truth() -> dict[str, np.ndarray]:
    with open(need(PEER_DATA / "pose_landmark_truth.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    truth = {}
    for image, row in zip(("image1.png", "image2.jpeg"), rows, strict=True):
        truth[image] = np.array(
            [[float(row[f"{name}_x"]), float(row[f"{name}_y"])] for name in KEYPOINT_NAMES]
        )
    return truth


def test_pose_puts_every_keypoint_of_the_peer_images_within_the_peers_tolerance(model_dir):
    truth = _peer_truth()
    images = [str(PEER_DATA / name) for name in truth]
    done = subprocess.run(
        [sys.executable, "-m", "appliance", "pose", *images, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    results = json.loads(done.stdout)
    assert [Path(r["image"]).name for r in results] == list(truth)
    for result in results:
        found = np.array([[k["x"], k["y"]] for k in result["keypoints"]])
        off = np.abs(found - truth[Path(result["image"]).name]).max(axis=1)
        worst = KEYPOINT_NAMES[int(off.argmax())]
        assert off.max() <= PEER_TOLERANCE_PX, f"{result['image']}: {worst} off by {off.max()}"
        assert [k["name"] for k in result["keypoints"]] == list(KEYPOINT_NAMES)


def _trunk_from_vertical_deg(xy: np.ndarray) -> float:
    shoulders = xy[[KEYPOINT_INDEX["left_shoulder"], KEYPOINT_INDEX["right_shoulder"]]].mean(0)
    hips = xy[[KEYPOINT_INDEX["left_hip"], KEYPOINT_INDEX["right_hip"]]].mean(0)
    dx, dy = shoulders - hips
    return math.degrees(math.atan2(abs(dx), -dy))


def _torso_length_px(xy: np.ndarray) -> float:
    shoulders = xy[[KEYPOINT_INDEX["left_shoulder"], KEYPOINT_INDEX["right_shoulder"]]].mean(0)
    hips = xy[[KEYPOINT_INDEX["left_hip"], KEYPOINT_INDEX["right_hip"]]].mean(0)
    return float(np.hypot(*(shoulders - hips)))


def test_a_real_deadlift_is_tracked_from_the_floor_to_lockout_and_back(model_dir):
    """Side view, one rep from the floor: bent over the bar, standing tall, bent again."""
    clip = need(SHARED_MEDIA / "deadlift-side-single-rep" / "good" / "000001.mp4")
    config = Config()
    estimator = PoseEstimator.from_config(config)
    trunk, hip_y, torso_length, confident = [], [], [], []
    with open_source(str(clip)) as source:
        for frame in source.frames():
            pose = estimator.estimate(frame)
            scores = pose.scores
            xy = pose.xy_px
            trunk.append(_trunk_from_vertical_deg(xy))
            torso_length.append(_torso_length_px(xy))
            hip_y.append(xy[[KEYPOINT_INDEX["left_hip"], KEYPOINT_INDEX["right_hip"]], 1].mean())
            pairs = [("left_hip", "right_hip"), ("left_knee", "right_knee")]
            pairs.append(("left_shoulder", "right_shoulder"))
            confident.append(
                all(
                    max(scores[KEYPOINT_INDEX[a]], scores[KEYPOINT_INDEX[b]]) > 0.3
                    for a, b in pairs
                )
            )
    n = len(trunk)
    assert n > 100
    assert np.mean(confident) >= 0.9, "hips, knees and shoulders seen on most frames"
    trunk_deg = np.convolve(trunk, np.ones(5) / 5, mode="same")
    hips = np.array(hip_y)
    lockout = int(np.argmin(trunk_deg[5:-5])) + 5
    assert 0.2 * n < lockout < 0.8 * n, "stands up in the middle of the clip"
    assert trunk_deg[lockout] < 30, "stands tall at lockout"
    assert trunk_deg[:lockout].max() > 60, "was bent over the bar before"
    assert trunk_deg[lockout:].max() > 45, "bends again to lower the bar"
    torso_px = torso_length[lockout]
    assert hips[:lockout].max() - hips[lockout] > 0.4 * torso_px, "the hips rose to lockout"
    assert hips[lockout:].max() - hips[lockout] > 0.3 * torso_px, "the hips went back down"


@pytest.mark.parametrize("threads", [1, 3])
def test_the_runtime_gets_its_thread_count_from_the_config(model_dir, monkeypatch, threads):
    from appliance.config import parse_config
    from appliance.pose import runtime

    real_class, name = runtime._find_interpreter_class()
    asked: list[int] = []

    def recording_interpreter(**kwargs):
        asked.append(kwargs["num_threads"])
        return real_class(**kwargs)

    monkeypatch.setattr(runtime, "_find_interpreter_class", lambda: (recording_interpreter, name))
    estimator = PoseEstimator.from_config(parse_config({"pose": {"threads": threads}}))
    assert asked == [threads]
    assert estimator.model.runtime.startswith("ai-edge-litert")  # preferred when installed


def test_two_cameras_frames_taken_through_the_model_side_by_side_get_the_poses_each_gets_alone(
    model_dir,
):
    """The live loop crops both cameras' frames, then runs both, then finishes both
    (``poses_together``): the poses must be those of each camera's frames one by one."""
    front_clip = need(SHARED_MEDIA / "deadlift-side-single-rep" / "good" / "000001.mp4")
    side_clip = need(SHARED_MEDIA / "deadlift-side-single-rep" / "bad" / "000001.mp4")
    with open_source(str(front_clip)) as source:
        front = list(itertools.islice(source.frames(), 40))
    with open_source(str(side_clip)) as source:
        side = list(itertools.islice(source.frames(), 40))
    config = Config()
    alone = {name: PoseEstimator.from_config(config) for name in ("front", "side")}
    together = {name: PoseEstimator.from_config(config) for name in ("front", "side")}
    for k, (front_frame, side_frame) in enumerate(zip(front, side, strict=True)):
        expected = [
            pose_of(front_frame, alone["front"]),
            *([pose_of(side_frame, alone["side"])] if k % 2 == 0 else []),
        ]
        jobs = [(front_frame, together["front"])]
        jobs += [(side_frame, together["side"])] if k % 2 == 0 else []  # the side at 15/s
        got = poses_together(jobs)
        assert len(got) == len(expected)
        for a, b in zip(got, expected, strict=True):
            assert (a is None) == (b is None)
            if a is not None and b is not None:
                assert np.array_equal(a.yx_score, b.yx_score), f"frame {k}"
        assert together["front"].last_times.inference_s > 0  # each stage timed per camera
        assert together["front"].last_times.preprocess_s > 0
    # Two side frames due at once: the second waits for the first's pose (its crop).
    again = PoseEstimator.from_config(config)
    got = poses_together([(front[0], together["front"]), (side[0], again), (side[1], again)])
    lone = PoseEstimator.from_config(config)
    alone_poses = [pose_of(side[0], lone), pose_of(side[1], lone)]
    for a, b in zip(got[1:], alone_poses, strict=True):
        assert a is not None
        assert b is not None
        assert np.array_equal(a.yx_score, b.yx_score)
