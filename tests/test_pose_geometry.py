"""Crops, letterboxing and the exact mapping from model input back to frame pixels."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.pose.cropping import next_crop_region, torso_visible
from appliance.pose.geometry import CropRegion, crop_to_input
from appliance.types import KEYPOINT_INDEX


def _marker_image(width: int, height: int, x: int, y: int) -> np.ndarray:
    image = np.zeros((height, width, 3), dtype=np.uint8)
    image[max(0, y - 3) : y + 4, max(0, x - 3) : x + 4] = 255
    return image


@settings(max_examples=60, deadline=None)
@given(
    width=st.integers(60, 1920),
    height=st.integers(60, 1080),
    fx=st.floats(0.1, 0.9),
    fy=st.floats(0.1, 0.9),
    shift=st.floats(-0.3, 0.3),
    zoom=st.floats(0.4, 1.3),
)
def test_a_point_in_the_frame_maps_to_the_input_and_back_to_where_it_was(
    width, height, fx, fy, shift, zoom
):
    x, y = int(fx * width), int(fy * height)
    whole = CropRegion.whole_frame(width, height)
    size = whole.size * zoom
    region = CropRegion(x - size / 2 + shift * size, y - size / 2 - shift * size, size)
    model_input, mapping = crop_to_input(_marker_image(width, height, x, y), region, 192)
    assert model_input.shape == (192, 192, 3)
    # Where a perfect detector would put the marker: its centre in input pixels.
    ys, xs = np.nonzero(model_input[:, :, 0] > 0)
    if len(xs) == 0:  # shrunk away to nothing at extreme zoom-out
        return
    yx_input = np.array([[(ys.mean() + 0.5) / 192, (xs.mean() + 0.5) / 192, 1.0]], np.float32)
    back_x, back_y = mapping.to_frame_px(yx_input)
    pixel = region.size / 192  # one input pixel in frame pixels
    assert abs(back_x[0] - (x + 0.5)) <= 2 * pixel + 1
    assert abs(back_y[0] - (y + 0.5)) <= 2 * pixel + 1


def test_the_whole_frame_is_letterboxed_into_the_middle_of_the_square():
    image = np.full((100, 200, 3), 200, dtype=np.uint8)  # landscape
    model_input, mapping = crop_to_input(image, CropRegion.whole_frame(200, 100), 192)
    assert (mapping.ix0, mapping.iy0, mapping.iw, mapping.ih) == (0, 48, 192, 96)
    assert model_input[:48].max() == 0
    assert model_input[144:].max() == 0
    assert model_input[48:144].min() == 200


def test_a_crop_reaching_past_the_frame_edge_is_padded_black_not_stretched():
    image = np.full((400, 400, 3), 90, dtype=np.uint8)
    model_input, mapping = crop_to_input(image, CropRegion(-100, -100, 400), 192)
    assert model_input[:40, :, :].max() == 0  # the 100 px above the frame, scaled by 0.48
    assert model_input[60:, 60:].min() == 90
    assert mapping.fx0 == 0
    assert mapping.fy0 == 0


def _standing_pose(scale: float = 1.0) -> np.ndarray:
    """A person upright in the middle of a square frame, normalised (y, x, score)."""
    points = {
        "nose": (0.20, 0.50),
        "left_eye": (0.19, 0.51),
        "right_eye": (0.19, 0.49),
        "left_ear": (0.20, 0.52),
        "right_ear": (0.20, 0.48),
        "left_shoulder": (0.30, 0.55),
        "right_shoulder": (0.30, 0.45),
        "left_elbow": (0.42, 0.57),
        "right_elbow": (0.42, 0.43),
        "left_wrist": (0.52, 0.57),
        "right_wrist": (0.52, 0.43),
        "left_hip": (0.55, 0.53),
        "right_hip": (0.55, 0.47),
        "left_knee": (0.72, 0.53),
        "right_knee": (0.72, 0.47),
        "left_ankle": (0.88, 0.53),
        "right_ankle": (0.88, 0.47),
    }
    rows = np.full((17, 3), 0.9, dtype=np.float32)
    for name, (y, x) in points.items():
        rows[KEYPOINT_INDEX[name], :2] = (0.55 + (y - 0.55) * scale, 0.5 + (x - 0.5) * scale)
    return rows


def test_the_next_crop_is_centred_on_the_hips_and_holds_the_whole_body():
    pose = _standing_pose(scale=0.6)
    region = next_crop_region(pose, 1000, 1000, 0.2)
    assert region.x0 + region.size / 2 == pytest.approx(500)
    assert region.y0 + region.size / 2 == pytest.approx(550)
    xs, ys = pose[:, 1] * 1000, pose[:, 0] * 1000
    assert region.x0 < xs.min()
    assert xs.max() < region.x0 + region.size
    assert region.y0 < ys.min()
    assert ys.max() < region.y0 + region.size


def test_an_arm_stretched_overhead_stays_inside_the_crop():
    """The body extent counts every confident keypoint, not just one torso joint
    (the slip in the TensorFlow Raspberry Pi example)."""
    pose = _standing_pose(scale=0.5)
    pose[KEYPOINT_INDEX["left_wrist"], :2] = (0.15, 0.6)  # hand far above the head
    region = next_crop_region(pose, 1000, 1000, 0.2)
    assert region.y0 < 150 - 20


def test_a_lost_torso_falls_back_to_the_whole_frame():
    pose = _standing_pose(scale=0.6)
    pose[[KEYPOINT_INDEX["left_hip"], KEYPOINT_INDEX["right_hip"]], 2] = 0.05
    assert not torso_visible(pose, 0.2)
    assert next_crop_region(pose, 640, 480, 0.2) == CropRegion.whole_frame(640, 480)


def test_a_person_filling_the_frame_gets_the_whole_frame_not_a_bigger_crop():
    assert next_crop_region(_standing_pose(scale=1.6), 640, 640, 0.2) == CropRegion.whole_frame(
        640, 640
    )
