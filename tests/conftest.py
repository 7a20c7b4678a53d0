"""Shared fixtures: the real model installed into a temporary folder, the shared media.

Tests read ``../shared`` (next to the repository) and never write there; everything they
write goes to pytest's temporary folders.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_MODELS = SHARED / "models"
SHARED_MEDIA = SHARED / "media"
PEER_DATA = SHARED / "peer" / "tf-examples-pose" / "test_data"

# No test may use a real screen, sound card or the user's own model folder.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.pop("HINGE_MIRROR_CONFIG", None)


def hinge_mirror(*args: str, history: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command line (``python -m appliance ARGS``), its history at ``history`` if
    given (else the temporary one every test gets)."""
    env = (
        dict(os.environ) if history is None else dict(os.environ, HINGE_MIRROR_HISTORY=str(history))
    )
    return subprocess.run(
        [sys.executable, "-m", "appliance", *args], env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def need(path: Path) -> Path:
    """``path``, or skip the test with the reason it is missing."""
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared folder next to the repository)")
    return path


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A model folder holding the real MoveNet Lightning int8, installed by our own fetch
    from ``../shared/models``; ``HINGE_MIRROR_MODEL_DIR`` points at it for the session."""
    from appliance.modelstore.fetch import fetch_models
    from appliance.modelstore.manifest import model_spec

    need(SHARED_MODELS)
    directory = tmp_path_factory.mktemp("models")
    fetch_models([model_spec("movenet_lightning_int8")], directory, str(SHARED_MODELS), None)
    previous = os.environ.get("HINGE_MIRROR_MODEL_DIR")
    os.environ["HINGE_MIRROR_MODEL_DIR"] = str(directory)
    yield directory
    if previous is None:
        os.environ.pop("HINGE_MIRROR_MODEL_DIR", None)
    else:
        os.environ["HINGE_MIRROR_MODEL_DIR"] = previous


@pytest.fixture(autouse=True)
def _history_in_a_temporary_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test writes the user's own history database."""
    monkeypatch.setenv("HINGE_MIRROR_HISTORY", str(tmp_path / "history.sqlite"))


@pytest.fixture(autouse=True)
def _no_user_model_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Tests that did not ask for the model still never read or write ~/.local/share."""
    if "HINGE_MIRROR_MODEL_DIR" not in os.environ:
        monkeypatch.setenv("HINGE_MIRROR_MODEL_DIR", str(tmp_path_factory.getbasetemp() / "none"))
