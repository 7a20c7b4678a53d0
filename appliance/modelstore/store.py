"""The model folder: where an installed model lives and whether it is the genuine file.

A model is checked every time it is asked for (hashing 2.9 MB takes a few milliseconds),
so a file replaced or damaged since the last look is never trusted by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from appliance.errors import ModelCorrupt, ModelMissing
from appliance.modelstore.manifest import ModelSpec
from appliance.modelstore.verify import file_problem


class Status(StrEnum):
    """What is at a model's place in the model folder."""

    VERIFIED = "verified"
    MISSING = "missing"
    CORRUPT = "corrupt"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Installed:
    """The state of one model in a model folder; ``detail`` is a one-line reason or ``""``."""

    spec: ModelSpec
    path: Path
    status: Status
    detail: str = ""


def model_path(spec: ModelSpec, model_dir: Path) -> Path:
    """Where ``spec`` is installed in ``model_dir`` (whether or not it is there)."""
    return model_dir / spec.file


def inspect_model(spec: ModelSpec, model_dir: Path) -> Installed:
    """Look at ``spec``'s file in ``model_dir`` and check it against the manifest."""
    path = model_path(spec, model_dir)
    if not path.exists():
        return Installed(spec, path, Status.MISSING)
    if not path.is_file():
        return Installed(spec, path, Status.CORRUPT, "not a regular file")
    try:
        problem = file_problem(spec, path)
    except OSError as error:
        return Installed(spec, path, Status.UNREADABLE, error.strerror or str(error))
    if problem is not None:
        return Installed(spec, path, Status.CORRUPT, problem)
    return Installed(spec, path, Status.VERIFIED)


def installed_model_path(spec: ModelSpec, model_dir: Path) -> Path:
    """The path of ``spec``'s installed, verified model file.

    Raises ``ModelMissing`` (not installed or unreadable) or ``ModelCorrupt`` (wrong size,
    not TFLite, checksum mismatch), each with the command that fixes it.
    """
    state = inspect_model(spec, model_dir)
    fetch = fetch_command(spec)
    if state.status is Status.MISSING:
        raise ModelMissing(
            f"model {spec.name} is not installed in {model_dir}: run `{fetch}` "
            f"(or `{fetch} --from FOLDER` offline)"
        )
    if state.status is Status.UNREADABLE:
        raise ModelMissing(
            f"model {spec.name} in {model_dir} cannot be read ({state.detail}): "
            f"check the folder's permissions or run `{fetch}`"
        )
    if state.status is Status.CORRUPT:
        raise ModelCorrupt(
            f"model {spec.name} in {model_dir} is corrupt: {state.detail}: "
            f"run `{fetch}` to reinstall"
        )
    return state.path


def fetch_command(spec: ModelSpec) -> str:
    """The command that installs ``spec`` (required models are fetched by default)."""
    command = "hinge-mirror models fetch"
    return command if spec.required else f"{command} --model {spec.name}"
