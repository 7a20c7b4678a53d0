"""From RGB frames to smoothed keypoints: crop, infer, map back, smooth.

One ``PoseEstimator`` follows one person through a stream of frames: each frame is cropped
around where the person was in the previous one (see ``cropping``), MoveNet runs on the
crop, keypoints are mapped back to exact frame coordinates and smoothed with a One Euro
filter. When the person is lost, the crop and the filter start over.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from appliance.config import Config, PoseConfig
from appliance.errors import ModelCorrupt
from appliance.pose.cropping import next_crop_region
from appliance.pose.geometry import CropRegion, crop_to_input
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
        if frame.image is None:
            raise ValueError(f"frame {frame.index} has neither an image nor keypoints")
        height, width = frame.image.shape[:2]
        if self._frame_size != (width, height):
            self.reset()
            self._frame_size = (width, height)
        region = self._region or CropRegion.whole_frame(width, height)

        t0 = self._clock()
        raw, t1, t2 = self._infer(frame.image, region)
        present = bool(raw[:, 2].mean() >= self.config.person_min_score)
        if present:
            self._region = next_crop_region(raw, width, height, self.config.crop_min_score)
        else:
            self.reset()
        yx_score = raw
        if present and self.config.smoothing.enabled:
            yx_score = raw.copy()
            yx_score[:, :2] = self._filter(raw[:, :2].astype(np.float64), frame.t_s)
        pose = Pose(yx_score, width, height, frame.t_s, present)
        t3 = self._clock()
        self.last_times = StageTimes(t1 - t0, t2 - t1, t3 - t2)
        return pose

    def estimate_still(self, image: RGBImage, t_s: float = 0.0) -> Pose:
        """The pose in one still image: whole-image inference, then one refinement on the
        crop around the torso that the first pass found. Keeps no tracking state."""
        height, width = image.shape[:2]
        whole = CropRegion.whole_frame(width, height)
        raw, _, _ = self._infer(image, whole, best_quality=True)
        region = next_crop_region(raw, width, height, self.config.crop_min_score)
        if region != whole:
            raw, _, _ = self._infer(image, region, best_quality=True)
        present = bool(raw[:, 2].mean() >= self.config.person_min_score)
        return Pose(raw, width, height, t_s, present)

    def _infer(
        self, image: RGBImage, region: CropRegion, best_quality: bool = False
    ) -> tuple[npt.NDArray[np.float32], float, float]:
        """Keypoints normalised to the frame, plus the clock after preprocess and inference."""
        height, width = image.shape[:2]
        model_input, mapping = crop_to_input(
            image, region, self.model.input_size, best_quality=best_quality
        )
        t1 = self._clock()
        output = self.model.infer(model_input)
        t2 = self._clock()
        x_px, y_px = mapping.to_frame_px(output)
        raw = np.empty((output.shape[0], 3), dtype=np.float32)
        raw[:, 0] = y_px / height
        raw[:, 1] = x_px / width
        raw[:, 2] = output[:, 2]
        return raw, t1, t2
