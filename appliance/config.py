"""One validated configuration: a TOML file parsed once into typed, frozen dataclasses.

Every key has a default, so an empty file (or none) is a valid configuration. An unknown
key or a value of the wrong type or range raises ``BadConfig`` naming the key, e.g.
``pose.threads: expected an integer >= 1, got "four"``.
"""

from __future__ import annotations

import os
import tomllib
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from appliance.audio.config import AudioConfig
from appliance.coach.config import CueConfig
from appliance.controls.config import ControlsConfig
from appliance.errors import BadConfig
from appliance.mqtt.config import MqttConfig
from appliance.paths import state_path
from appliance.settings import Rule, check_section, coerce, setting

CONFIG_ENV = "HINGE_MIRROR_CONFIG"
MODEL_DIR_ENV = "HINGE_MIRROR_MODEL_DIR"
SYSTEM_CONFIG = Path("/etc/hinge-mirror/config.toml")


def default_model_dir() -> Path:
    """Where model weights are installed: ``$HINGE_MIRROR_MODEL_DIR``, else the service's
    state directory (``$STATE_DIRECTORY``, set by systemd), else the user's data folder."""
    return state_path("models", override_env=MODEL_DIR_ENV)


MAX_PEOPLE = 6
"""A household, not a gym: the mirror's chooser stays short enough to cycle with a button."""


def _valid_people(names: tuple[str, ...]) -> bool:
    clean = [" ".join(n.split()) for n in names]
    return (
        len(names) <= MAX_PEOPLE
        and all(1 <= len(n) <= 24 for n in clean)
        and len({n.casefold() for n in clean}) == len(clean)
        and "guest" not in {n.casefold() for n in clean}  # the chooser's own last entry
    )


def _between(low: float, high: float) -> Rule:
    return lambda v: low <= v <= high


@dataclass(frozen=True)
class SmoothingConfig:
    """One Euro filter on keypoint coordinates (Casiez et al. 2012).

    ``min_cutoff_hz``: cutoff at rest, lower = steadier but laggier. ``beta``: how fast the
    cutoff rises with speed (per normalised-unit-per-second), higher = less lag when moving.
    ``d_cutoff_hz``: cutoff of the speed estimate.
    """

    SECTION: ClassVar[str] = "pose.smoothing"
    enabled: bool = True
    min_cutoff_hz: float = setting(1.5, lambda v: v > 0, "a number above 0")
    beta: float = setting(5.0, lambda v: v >= 0, "a number >= 0")
    d_cutoff_hz: float = setting(1.0, lambda v: v > 0, "a number above 0")

    def __post_init__(self) -> None:
        check_section(self)


@dataclass(frozen=True)
class PoseConfig:
    """The pose model and how it runs. ``crop_min_score``: a keypoint counts for cropping
    when its score is at least this (MoveNet's tutorial: 0.2). ``person_min_score``: a
    person is present when the mean of the 17 keypoint scores is at least this."""

    SECTION: ClassVar[str] = "pose"
    model: str = "movenet_lightning_int8"
    threads: int = setting(2, _between(1, 16), "an integer from 1 to 16")
    crop_min_score: float = setting(0.2, _between(0, 1), "a number from 0 to 1")
    person_min_score: float = setting(0.2, _between(0, 1), "a number from 0 to 1")
    smoothing: SmoothingConfig = field(default_factory=SmoothingConfig)

    def __post_init__(self) -> None:
        check_section(self)


def _camera_spec_ok(spec: str) -> bool:
    """``""`` (none), ``picamera[:N]``, ``webcam[:N]``, or anything else (a recording's
    path, checked when it is opened)."""
    name, colon, number = spec.partition(":")
    if name not in ("picamera", "webcam"):
        return True
    return not colon or (number.isascii() and number.isdigit())


@dataclass(frozen=True)
class SideCameraConfig:
    """The optional second camera beside the lifter (issue 12, ``[camera.side]``):
    ``source`` (``""``: none; ``picamera:1``, ``webcam:N``, or a recording), its stream
    (pixels, frames per second) and capture deadline (seconds). ``fps`` is also the most
    side frames per second the pose model is run on (15, half the front's 30: the front
    camera stays responsive on a Pi 5; hardware/README.md, "The side camera")."""

    SECTION: ClassVar[str] = "camera.side"
    source: str = setting("", _camera_spec_ok, "picamera[:N], webcam[:N] or a file's path")
    width: int = setting(640, _between(32, 4096), "an integer from 32 to 4096")
    height: int = setting(480, _between(32, 4096), "an integer from 32 to 4096")
    fps: float = setting(15.0, _between(1, 240), "a number from 1 to 240")
    capture_timeout_s: float = setting(
        1.0, lambda v: 0 < v <= 60, "a number of seconds above 0, at most 60"
    )

    def __post_init__(self) -> None:
        check_section(self)

    def camera(self) -> CameraConfig:
        """The side camera's stream as a ``CameraConfig`` (what camera sources take)."""
        return CameraConfig(self.width, self.height, self.fps, self.capture_timeout_s)


@dataclass(frozen=True)
class CameraConfig:
    """The Pi camera (or webcam): the small stream the model reads (pixels, frames per
    second), and the capture deadline (seconds). ``side``: the optional side camera."""

    SECTION: ClassVar[str] = "camera"
    width: int = setting(640, _between(32, 4096), "an integer from 32 to 4096")
    height: int = setting(480, _between(32, 4096), "an integer from 32 to 4096")
    fps: float = setting(30.0, _between(1, 240), "a number from 1 to 240")
    capture_timeout_s: float = setting(
        1.0, lambda v: 0 < v <= 60, "a number of seconds above 0, at most 60"
    )
    side: SideCameraConfig = field(default_factory=SideCameraConfig)

    def __post_init__(self) -> None:
        check_section(self)


@dataclass(frozen=True)
class MirrorConfig:
    """How the mirror behaves around people.

    ``profile``: ``"home"`` (history kept) or ``"studio"`` (kiosk: nothing personal kept).
    Sets start when someone has been seen for ``arrive_s`` seconds and end when they have
    been gone ``leave_s`` seconds; the summary stays ``summary_s`` seconds. After
    ``dim_after_s`` seconds with nobody there the screen dims to ``dim_brightness`` (0..1).
    ``people``: the household's names (home profile, up to ``MAX_PEOPLE``), chosen at the
    mirror; empty: one unnamed lifter. ``anonymous_counts``: in the studio profile, keep
    only the number of sets and reps per day and mode (no person, no time of day).
    """

    SECTION: ClassVar[str] = "mirror"
    profile: str = setting("home", lambda v: v in ("home", "studio"), '"home" or "studio"')
    arrive_s: float = setting(0.5, _between(0, 60), "seconds from 0 to 60")
    leave_s: float = setting(3.0, _between(0.5, 600), "seconds from 0.5 to 600")
    summary_s: float = setting(20.0, _between(1, 3600), "seconds from 1 to 3600")
    dim_after_s: float = setting(300.0, _between(1, 86400), "seconds from 1 to 86400")
    dim_brightness: float = setting(0.3, _between(0, 1), "a number from 0 to 1")
    people: tuple[str, ...] = setting(
        (), _valid_people, f"up to {MAX_PEOPLE} different names of 1 to 24 characters, not 'Guest'"
    )
    anonymous_counts: bool = False

    def __post_init__(self) -> None:
        check_section(self)


@dataclass(frozen=True)
class ModelsConfig:
    """Where model weights live. Empty means ``default_model_dir()``."""

    SECTION: ClassVar[str] = "models"
    dir: str = ""

    def __post_init__(self) -> None:
        check_section(self)

    def directory(self) -> Path:
        """The model folder as a path."""
        return Path(self.dir).expanduser() if self.dir else default_model_dir()


@dataclass(frozen=True)
class Config:
    """The whole configuration."""

    pose: PoseConfig = field(default_factory=PoseConfig)
    camera: CameraConfig = field(default_factory=CameraConfig)
    models: ModelsConfig = field(default_factory=ModelsConfig)
    mirror: MirrorConfig = field(default_factory=MirrorConfig)
    controls: ControlsConfig = field(default_factory=ControlsConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    cues: CueConfig = field(default_factory=CueConfig)
    mqtt: MqttConfig = field(default_factory=MqttConfig)


_T = TypeVar("_T")


def parse_config(data: dict[str, Any]) -> Config:
    """Build a ``Config`` from parsed TOML, checking every key and value."""
    return _build(Config, data, "")


def load_config(path: Path | None = None) -> Config:
    """Read the config file: ``path``, else ``$HINGE_MIRROR_CONFIG``, else
    ``/etc/hinge-mirror/config.toml`` if it exists, else all defaults."""
    if path is None:
        env = os.environ.get(CONFIG_ENV)
        if env:
            path = Path(env)
        elif SYSTEM_CONFIG.is_file():
            path = SYSTEM_CONFIG
        else:
            return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadConfig(f"cannot read config file {path}: {error}") from error
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BadConfig(f"{path} is not valid TOML: {error}") from error
    return parse_config(data)


def _build(cls: type[_T], data: object, prefix: str) -> _T:
    """A section from its TOML table: unknown keys refused, each value of the field's type;
    the section checks its own rules as it is made."""
    if not isinstance(data, dict):
        raise BadConfig(f"{prefix.rstrip('.') or 'config'}: expected a table")
    hints = typing.get_type_hints(cls)
    known = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    for key in data:
        if key not in known:
            raise BadConfig(f"{prefix}{key}: unknown key (known: {', '.join(sorted(known))})")
    values: dict[str, Any] = {}
    for name in (n for n in known if n in data):
        hint = hints[name]
        if is_dataclass(hint):
            values[name] = _build(hint, data[name], f"{prefix}{name}.")  # type: ignore[arg-type]
        else:
            values[name] = coerce(hint, data[name], f"{prefix}{name}")
    return cls(**values)
