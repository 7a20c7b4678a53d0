"""The inference runtime boundary: LiteRT first, tflite-runtime as the fallback.

Only this module imports an inference runtime. Runtime errors are translated into ours
here (``RuntimeUnavailable``, ``ModelCorrupt``, ``InferenceFailed``).
"""

from __future__ import annotations

import importlib
import importlib.metadata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from appliance.errors import InferenceFailed, ModelCorrupt, RuntimeUnavailable
from appliance.native_output import native_stderr_silenced

# (module holding Interpreter, distribution name) in order of preference.
_RUNTIMES: tuple[tuple[str, str], ...] = (
    ("ai_edge_litert.interpreter", "ai-edge-litert"),
    ("tflite_runtime.interpreter", "tflite-runtime"),
)


class PoseModel(Protocol):
    """A single-pose keypoint model: square RGB uint8 image in, (17, 3) rows out."""

    input_size: int
    runtime: str

    def infer(self, image: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
        """Run the model on an ``(input_size, input_size, 3)`` RGB image; return (y, x, score)
        rows with y, x normalised to the input image."""
        ...


def _find_interpreter_class() -> tuple[Any, str]:
    problems = []
    for module_name, distribution in _RUNTIMES:
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            problems.append(f"{distribution}: {error}")
            continue
        try:
            version = importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            version = "unknown version"
        return module.Interpreter, f"{distribution} {version}"
    raise RuntimeUnavailable(
        "no inference runtime: pip install ai-edge-litert (" + "; ".join(problems) + ")"
    )


def available_runtime() -> str:
    """Name and version of the runtime that would be used, e.g. ``"ai-edge-litert 2.3.0"``.

    Raises ``RuntimeUnavailable`` when neither runtime can be imported."""
    return _find_interpreter_class()[1]


@dataclass
class TFLitePoseModel:
    """A MoveNet ``.tflite`` model loaded once and run through LiteRT or tflite-runtime."""

    interpreter: Any
    input_index: int
    output_index: int
    input_size: int
    runtime: str

    @classmethod
    def load(cls, path: Path, threads: int) -> TFLitePoseModel:
        """Load ``path`` with ``threads`` CPU threads; check it is a 17-keypoint MoveNet."""
        interpreter_class, runtime = _find_interpreter_class()
        try:
            with native_stderr_silenced():  # the runtime's "INFO: Created … XNNPACK delegate"
                interpreter = interpreter_class(model_path=str(path), num_threads=threads)
                interpreter.allocate_tensors()
        except (ValueError, RuntimeError) as error:
            raise ModelCorrupt(f"{path} cannot be loaded by {runtime}: {error}") from error
        (input_detail,) = interpreter.get_input_details()
        (output_detail,) = interpreter.get_output_details()
        shape = tuple(int(v) for v in input_detail["shape"])
        if len(shape) != 4 or shape[0] != 1 or shape[1] != shape[2] or shape[3] != 3:
            raise ModelCorrupt(f"{path}: expected a [1, N, N, 3] input, got {list(shape)}")
        if input_detail["dtype"] is not np.uint8:
            raise ModelCorrupt(f"{path}: expected a uint8 input, got {input_detail['dtype']}")
        if tuple(int(v) for v in output_detail["shape"]) != (1, 1, 17, 3):
            raise ModelCorrupt(f"{path}: expected a [1, 1, 17, 3] output (MoveNet SinglePose)")
        return cls(interpreter, input_detail["index"], output_detail["index"], shape[1], runtime)

    def infer(self, image: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
        """Run the model once; see ``PoseModel.infer``."""
        try:
            self.interpreter.set_tensor(self.input_index, image[np.newaxis])
            self.interpreter.invoke()
            output = self.interpreter.get_tensor(self.output_index)
        except (ValueError, RuntimeError) as error:
            raise InferenceFailed(f"inference failed ({self.runtime}): {error}") from error
        return np.array(output[0, 0], dtype=np.float32)
