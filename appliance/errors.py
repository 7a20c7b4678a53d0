"""The project's exceptions: one root, each also the matching builtin, each with an exit code.

Exit codes (see interfaces.md): 1 runtime failure; 2 bad usage or bad input; 3 bad
configuration; 4 missing hardware or model. Third-party errors (OpenCV, picamera2, the
inference runtime) are translated into these at the boundary where they are raised.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_BAD_INPUT = 2
EXIT_BAD_CONFIG = 3
EXIT_MISSING = 4


class ApplianceError(Exception):
    """Root of every error this project raises on purpose. ``str(error)`` is one line."""

    exit_code: int = EXIT_RUNTIME


class BadInput(ApplianceError, ValueError):
    """An input the user gave cannot be used: unreadable file, wrong format, unknown mode."""

    exit_code = EXIT_BAD_INPUT


class BadConfig(ApplianceError, ValueError):
    """The configuration file has an unknown key or a bad value; the message names the key."""

    exit_code = EXIT_BAD_CONFIG


class ModelMissing(ApplianceError, FileNotFoundError):
    """A model file is not installed."""

    exit_code = EXIT_MISSING


class ModelCorrupt(ApplianceError, ValueError):
    """A model file is there but its checksum or contents are wrong."""

    exit_code = EXIT_MISSING


class ModelFetchFailed(ApplianceError, OSError):
    """A model could not be downloaded or copied."""

    exit_code = EXIT_MISSING


class RuntimeUnavailable(ApplianceError, ImportError):
    """No inference runtime (LiteRT or tflite-runtime) is installed."""

    exit_code = EXIT_MISSING


class InferenceFailed(ApplianceError, RuntimeError):
    """The inference runtime raised while running the model."""


class CameraNotFound(ApplianceError, RuntimeError):
    """No camera answers: not connected, busy, or its library is not installed."""

    exit_code = EXIT_MISSING


class CameraTimeout(ApplianceError, TimeoutError):
    """The camera did not deliver a frame before its deadline."""


class CameraFailed(ApplianceError, RuntimeError):
    """The camera was open and then failed (unplugged, driver error)."""


class DisplayUnavailable(ApplianceError, RuntimeError):
    """No screen could be opened (no display, or SDL has no usable video driver)."""

    exit_code = EXIT_MISSING
