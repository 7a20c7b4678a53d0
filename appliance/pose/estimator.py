"""From RGB frames to smoothed keypoints: crop, infer, map back, smooth.

One ``PoseEstimator`` follows one person through a stream of frames: each frame is cropped
around where the person was in the previous one (see ``cropping``), MoveNet runs on the
crop, keypoints are mapped back to exact frame coordinates and smoothed with a One Euro
filter. When the person is lost, the crop and the filter start over.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from appliance.config import Config, PoseConfig
from appliance.errors import ModelCorrupt
from appliance.pose.cropping import crop_from_points
from appliance.pose.geometry import CropRegion, InputBuffers, InputMapping, crop_to_input
from appliance.pose.runtime import PoseModel, TFLitePoseModel
from appliance.pose.smoothing import OneEuroFilter
from appliance.types import Frame, Pose, RGBImage


@dataclass(frozen=True, slots=True)
class StageTimes:
    """How long the stages of the last ``estimate`` took, in seconds."""

    preprocess_s: float = 0.0
    inference_s: float = 0.0
    postprocess_s: float = 0.0


def load_pose_model(config: Config) -> TFLitePoseModel:
    """Load the configured model from the model folder, verified against the manifest."""
    from appliance.modelstore.manifest import model_spec
    from appliance.modelstore.store import installed_model_path

    spec = model_spec(config.pose.model)
    path = installed_model_path(spec, config.models.directory())
    model = TFLitePoseModel.load(path, threads=config.pose.threads)
    if model.input_size != spec.input_size:
        raise ModelCorrupt(
            f"{path}: input is {model.input_size} px, the manifest says {spec.input_size}"
        )
    return model


class PoseEstimator:
    """Keypoints for a stream of frames of one person (or for still images)."""

    def __init__(
        self,
        model: PoseModel,
        config: PoseConfig | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.model = model
        self.config = config or PoseConfig()
        self._clock = clock
        smoothing = self.config.smoothing
        self._filter = OneEuroFilter(smoothing.min_cutoff_hz, smoothing.beta, smoothing.d_cutoff_hz)
        self._region: CropRegion | None = None
        self._frame_size: tuple[int, int] | None = None
        self._buffers = InputBuffers(model.input_size)
        self.last_times = StageTimes()

    @classmethod
    def from_config(cls, config: Config) -> PoseEstimator:
        """An estimator running the configured, installed model."""
        return cls(load_pose_model(config), config.pose)

    def reset(self) -> None:
        """Start over: whole-frame crop, no smoothing history."""
        self._region = None
        self._filter.reset()

    def estimate(self, frame: Frame) -> Pose:
        """The pose in ``frame``, tracked from the previous frames.

        A frame that already carries keypoints (from a keypoints file) is passed through.
        """
        if frame.pose is not None:
            self.last_times = StageTimes()
            return frame.pose
        return self.finish(self.infer(self.begin(frame)))

    # The three stages of ``estimate``, for running the stages of several estimators' frames
    # side by side (appliance.pipeline.poses_together). Per estimator they go in order:
    # ``finish`` one frame before ``begin`` the next (the crop follows the last keypoints).

    def begin(self, frame: Frame) -> PosePending:
        """Preprocess: crop an image frame around the person for the model."""
        if frame.image is None:
            raise ValueError(f"frame {frame.index} has neither an image nor keypoints")
        height, width = frame.image.shape[:2]
        if self._frame_size != (width, height):
            self.reset()
            self._frame_size = (width, height)
        region = self._region or CropRegion.whole_frame(width, height)
        t0 = self._clock()
        model_input, mapping = crop_to_input(
            frame.image, region, self.model.input_size, buffers=self._buffers
        )
        preprocess_s = self._clock() - t0
        return PosePending(frame, width, height, model_input, mapping, preprocess_s)

    def infer(self, pending: PosePending) -> PosePending:
        """Inference: the model on ``pending``'s crop (its raw output kept in it)."""
        t1 = self._clock()
        pending.output = self.model.infer(pending.model_input)
        pending.inference_s = self._clock() - t1
        return pending

    def finish(self, pending: PosePending) -> Pose:
        """Postprocess: keypoints mapped to the frame, the next crop, smoothing."""
        if pending.output is None:
            raise ValueError("finish() before infer()")
        t2 = self._clock()
        width, height = pending.width, pending.height
        points = _keypoints(pending.output, pending.mapping, width, height)
        present = points.mean_score_at_least(self.config.person_min_score)
        if present:
            self._region = crop_from_points(
                points.ys, points.xs, points.scores, width, height, self.config.crop_min_score
            )
        else:
            self.reset()
        if present and self.config.smoothing.enabled:
            n = len(points.ys)
            smoothed = self._filter.filter_values(points.ys + points.xs, pending.frame.t_s)
            points.ys, points.xs = smoothed[:n], smoothed[n:]
        pose = Pose(points.array(), width, height, pending.frame.t_s, present)
        self.last_times = StageTimes(pending.preprocess_s, pending.inference_s, self._clock() - t2)
        return pose

    def estimate_still(self, image: RGBImage, t_s: float = 0.0) -> Pose:
        """The pose in one still image: whole-image inference, then one refinement on the
        crop around the torso that the first pass found. Keeps no tracking state."""
        height, width = image.shape[:2]
        whole = CropRegion.whole_frame(width, height)
        points = self._infer_still(image, whole)
        region = crop_from_points(
            points.ys, points.xs, points.scores, width, height, self.config.crop_min_score
        )
        if region != whole:
            points = self._infer_still(image, region)
        present = points.mean_score_at_least(self.config.person_min_score)
        return Pose(points.array(), width, height, t_s, present)

    def _infer_still(self, image: RGBImage, region: CropRegion) -> _Keypoints:
        """Keypoints normalised to the frame, from the best-quality crop of ``region``."""
        height, width = image.shape[:2]
        model_input, mapping = crop_to_input(
            image, region, self.model.input_size, best_quality=True
        )
        return _keypoints(self.model.infer(model_input), mapping, width, height)


@dataclass(slots=True)
class PosePending:
    """One frame part-way through ``PoseEstimator``: its size (pixels), its crop for the
    model and where that crop came from; after ``infer``, the model's raw ``(17, 3)``
    output. Stage times in seconds."""

    frame: Frame
    width: int
    height: int
    model_input: npt.NDArray[np.uint8]
    mapping: InputMapping
    preprocess_s: float = 0.0
    output: npt.NDArray[np.float32] | None = None
    inference_s: float = 0.0


def _keypoints(
    output: npt.NDArray[np.float32], mapping: InputMapping, width: int, height: int
) -> _Keypoints:
    """The model's ``(17, 3)`` output (y, x, score in the crop) as keypoints normalised to
    the ``width`` x ``height`` frame."""
    ys, xs, scores = output.T.tolist()
    ys, xs = mapping.to_frame_normalised(ys, xs, width, height)
    return _Keypoints(ys, xs, scores, output[:, 2])


@dataclass(slots=True)
class _Keypoints:
    """One frame's keypoints as lists of float32 values (Python floats): y and x normalised
    to the frame, and scores. ``score_column`` holds the model's scores as float32.

    The pose stage's per-frame work after inference is on 17 points: in plain Python it
    costs a fraction of the many small NumPy calls it took, the same floats bit for bit.
    """

    ys: list[float]
    xs: list[float]
    scores: list[float]
    score_column: npt.NDArray[np.float32]

    def mean_score_at_least(self, threshold: float) -> bool:
        """``score_column.mean() >= threshold`` as NumPy decides it (a float32 sum and mean,
        compared with the threshold rounded to float32). The exact mean decides when it is
        farther from the threshold than ten times the most that float32 rounding can move
        that mean and threshold; closer than that, NumPy's own ``mean`` does."""
        n = len(self.scores)
        mean = math.fsum(self.scores) / n
        rounding = 1e-5 * (math.fsum(map(abs, self.scores)) / n + abs(threshold))
        if abs(mean - threshold) > rounding:
            return mean > threshold
        return bool(self.score_column.mean() >= threshold)

    def array(self) -> npt.NDArray[np.float32]:
        """The ``(17, 3)`` float32 (y, x, score) rows of a ``Pose``."""
        return np.array([self.ys, self.xs, self.scores], dtype=np.float32).T.copy()
