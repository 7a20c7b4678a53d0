"""The pose stage's per-frame fast paths give the same floats and pixels as the plain
NumPy formulas they replace, bit for bit (so the model sees the same input and the
keypoints do not move): reused input buffers, the mapping back to the frame in Python
floats, the crop for the next frame, the person-present test and the One Euro filter."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.pose.cropping import crop_from_points, next_crop_region
from appliance.pose.estimator import _Keypoints
from appliance.pose.geometry import CropRegion, InputBuffers, InputMapping, crop_to_input
from appliance.pose.smoothing import OneEuroFilter
from appliance.types import KEYPOINT_INDEX


def _model_output(rng: np.random.Generator) -> np.ndarray:
    """(17, 3) float32 rows as MoveNet gives them: y, x in [0, 1), scores in [0, 1]."""
    return rng.random((17, 3), dtype=np.float32)


def _numpy_to_frame(
    output: np.ndarray, mapping: InputMapping, width: int, height: int
) -> np.ndarray:
    """The mapping as it was computed: to_frame_px, divided by the size, into float32."""
    x_px, y_px = mapping.to_frame_px(output)
    raw = np.empty((17, 3), dtype=np.float32)
    raw[:, 0] = y_px / height
    raw[:, 1] = x_px / width
    raw[:, 2] = output[:, 2]
    return raw


@settings(max_examples=80, deadline=None)
@given(
    width=st.integers(64, 1920),
    height=st.integers(64, 1920),
    x0=st.floats(-400, 1500),
    y0=st.floats(-400, 1500),
    size=st.floats(40, 2500),
    seed=st.integers(0, 2**32 - 1),
)
def test_the_mapping_back_in_python_floats_is_numpys_float32_arithmetic(
    width, height, x0, y0, size, seed
):
    region = CropRegion(x0, y0, size)
    image = np.zeros((height, width, 3), dtype=np.uint8)
    try:
        _, mapping = crop_to_input(image, region, 192)
    except ValueError:  # the region misses the frame
        return
    output = _model_output(np.random.default_rng(seed))
    ys, xs = mapping.to_frame_normalised(
        output[:, 0].tolist(), output[:, 1].tolist(), width, height
    )
    expected = _numpy_to_frame(output, mapping, width, height)
    assert np.array_equal(np.array(ys, dtype=np.float32), expected[:, 0])
    assert np.array_equal(np.array(xs, dtype=np.float32), expected[:, 1])
    # and they are float32 values already: rounding them again changes nothing
    assert ys == np.array(ys, dtype=np.float32).tolist()


def test_reused_input_buffers_give_the_same_model_input_frame_after_frame():
    rng = np.random.default_rng(3)
    buffers = InputBuffers(192)
    regions = [
        CropRegion.whole_frame(640, 360),  # letterboxed: black bands
        CropRegion(200.5, 40.25, 250.0),  # inside: no band, bilinear alone
        CropRegion(-80.0, -30.0, 300.0),  # past the top-left corner
        CropRegion(100.0, 10.0, 330.0),
        CropRegion(100.0, 10.0, 330.0),  # same placement twice
        CropRegion(500.0, 200.0, 260.0),  # past the bottom-right corner
        CropRegion.whole_frame(640, 360),
    ]
    for region in regions:
        image = rng.integers(1, 256, (360, 640, 3), dtype=np.uint8)
        expected, expected_mapping = crop_to_input(image, region, 192)
        got, mapping = crop_to_input(image, region, 192, buffers=buffers)
        assert got is buffers.canvas
        assert mapping == expected_mapping
        assert np.array_equal(got, expected), region


def test_buffers_for_another_input_size_are_refused():
    with pytest.raises(ValueError, match="256 px, not 192 px"):
        crop_to_input(
            np.zeros((100, 100, 3), np.uint8), CropRegion(0, 0, 100), 192, buffers=InputBuffers(256)
        )


def _numpy_next_crop(
    yx_score: np.ndarray, width: int, height: int, min_score: float
) -> tuple[float, float, float] | None:
    """The crop as it was computed, in NumPy (x0, y0, size), or None for the whole frame."""
    hips = [KEYPOINT_INDEX["left_hip"], KEYPOINT_INDEX["right_hip"]]
    shoulders = [KEYPOINT_INDEX["left_shoulder"], KEYPOINT_INDEX["right_shoulder"]]
    torso_joints = [*shoulders, *hips]
    scores = yx_score[:, 2]
    if not (scores[hips].max() >= min_score and scores[shoulders].max() >= min_score):
        return None
    y_px = yx_score[:, 0].astype(np.float64) * height
    x_px = yx_score[:, 1].astype(np.float64) * width
    centre_x, centre_y = float(x_px[hips].mean()), float(y_px[hips].mean())
    torso_x = np.abs(x_px[torso_joints] - centre_x).max()
    torso_y = np.abs(y_px[torso_joints] - centre_y).max()
    confident = yx_score[:, 2] >= min_score
    body_x = np.abs(x_px[confident] - centre_x).max()
    body_y = np.abs(y_px[confident] - centre_y).max()
    half = max(torso_x * 1.9, torso_y * 1.9)
    half = max(half, body_x * 1.2, body_y * 1.2)
    half = min(half, max(centre_x, width - centre_x, centre_y, height - centre_y))
    if half > max(width, height) / 2.0 or 2.0 * half < 16.0:
        return None
    return (centre_x - half, centre_y - half, 2.0 * half)


@pytest.mark.parametrize("min_score", [0.2, 0.7, 0.3])  # 0.7 rounds down to float32
def test_the_next_crop_in_python_floats_is_the_numpy_one(min_score):
    rng = np.random.default_rng(11)
    for _ in range(400):
        pose = rng.random((17, 3), dtype=np.float32) * np.float32(0.6) + np.float32(0.2)
        pose[:, 2] = rng.random(17, dtype=np.float32)
        pose[rng.integers(0, 17, 3), 2] = np.float32(min_score)  # scores on the threshold
        width, height = int(rng.integers(100, 2000)), int(rng.integers(100, 2000))
        expected = _numpy_to_region(_numpy_next_crop(pose, width, height, min_score), width, height)
        assert next_crop_region(pose, width, height, min_score) == expected
        ys, xs, scores = pose.T.tolist()
        assert crop_from_points(ys, xs, scores, width, height, min_score) == expected


def _numpy_to_region(box: tuple[float, float, float] | None, width: int, height: int) -> CropRegion:
    return CropRegion.whole_frame(width, height) if box is None else CropRegion(*box)


def test_person_present_is_numpys_float32_mean_even_on_the_threshold():
    rng = np.random.default_rng(5)
    cases = [rng.random(17, dtype=np.float32) for _ in range(300)]
    cases += [np.full(17, np.float32(t)) for t in (0.2, 0.7, 0.3)]  # a mean on the threshold
    for t in (0.2, 0.7):  # means within a few float32 steps of it
        for step in range(-3, 4):
            scores = np.full(17, np.float32(t), dtype=np.float32)
            scores[0] = np.nextafter(scores[0], np.float32(step * 10), dtype=np.float32)
            cases.append(scores)
    for scores in cases:
        column = np.zeros((17, 3), dtype=np.float32)
        column[:, 2] = scores
        points = _Keypoints([0.0] * 17, [0.0] * 17, scores.tolist(), column[:, 2])
        for threshold in (0.2, 0.7, 0.3, float(scores.mean())):
            assert points.mean_score_at_least(threshold) == bool(
                column[:, 2].mean() >= threshold
            ), (scores, threshold)


class _NumpyOneEuro:
    """The textbook One Euro filter on arrays, as it was written (the reference)."""

    def __init__(self, min_cutoff_hz: float, beta: float, d_cutoff_hz: float) -> None:
        self.min_cutoff_hz, self.beta, self.d_cutoff_hz = min_cutoff_hz, beta, d_cutoff_hz
        self.value: np.ndarray | None = None
        self.speed: np.ndarray | None = None
        self.t_s = 0.0

    @staticmethod
    def _alpha(cutoff_hz, dt_s):
        tau = 1.0 / (2.0 * math.pi * np.asarray(cutoff_hz))
        return 1.0 / (1.0 + tau / dt_s)

    def __call__(self, value: np.ndarray, t_s: float) -> np.ndarray:
        value = np.asarray(value, dtype=np.float64)
        if self.value is None or self.speed is None:
            self.value, self.speed, self.t_s = value.copy(), np.zeros_like(value), t_s
            return value.copy()
        dt_s = t_s - self.t_s
        if dt_s <= 0.0:
            return self.value.copy()
        speed = (value - self.value) / dt_s
        a_d = self._alpha(self.d_cutoff_hz, dt_s)
        self.speed = a_d * speed + (1.0 - a_d) * self.speed
        cutoff = self.min_cutoff_hz + self.beta * np.abs(self.speed)
        a = self._alpha(cutoff, dt_s)
        self.value = a * value + (1.0 - a) * self.value
        self.t_s = t_s
        return self.value.copy()


def test_the_one_euro_filter_in_python_floats_is_the_numpy_formula_bit_for_bit():
    rng = np.random.default_rng(7)
    ours, reference = OneEuroFilter(1.5, 5.0, 1.0), _NumpyOneEuro(1.5, 5.0, 1.0)
    t_s = 0.0
    for i in range(200):
        t_s += 0.0 if i % 37 == 5 else float(rng.uniform(0.01, 0.08))  # a repeated time too
        value = (0.5 + rng.normal(0, 0.05, size=(17, 2))).astype(np.float32)
        expected = reference(value, t_s)
        assert np.array_equal(ours(value, t_s), expected)
    flat = OneEuroFilter(1.5, 5.0, 1.0)
    reference = _NumpyOneEuro(1.5, 5.0, 1.0)
    for i in range(50):
        values = rng.random(34).tolist()
        assert flat.filter_values(values, i / 30) == reference(np.array(values), i / 30).tolist()
