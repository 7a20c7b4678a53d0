"""The model manifest: which MoveNet files we use, where they come from, how to check them.

The manifest is ``models/manifest.toml`` at the top of the repository (editable installs);
a wheel carries a copy at ``appliance/modelstore/manifest.toml`` (hatch force-include).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from appliance.errors import ApplianceError, BadInput, ModelMissing

MANIFEST_NAME = "manifest.toml"
REPO_MANIFEST = Path(__file__).resolve().parents[2] / "models" / MANIFEST_NAME

_SHA256 = re.compile(r"[0-9a-f]{64}")
_SHA1 = re.compile(r"[0-9a-f]{40}")
_SHA256_SOURCES = ("verified", "third-party")


@dataclass(frozen=True)
class ModelSpec:
    """One model variant as the manifest describes it.

    ``input_size`` is the side of the square input in pixels. ``size_bytes`` is the exact
    file size when known. ``sha256`` is used to check files only when ``sha256_verified``
    (we hashed a genuine copy); otherwise files are checked by ``git_blob_sha1``.
    """

    name: str
    title: str
    required: bool
    file: str
    upstream_file: str
    input_size: int
    input_dtype: str
    size_bytes: int | None
    sha256: str | None
    sha256_verified: bool
    git_blob_sha1: str
    urls: tuple[str, ...]
    license: str
    model_card: str

    @property
    def check(self) -> str:
        """What files are checked by: ``"sha256"`` or ``"git blob"``."""
        return "sha256" if self.sha256_verified else "git blob"

    @property
    def expected_digest(self) -> str:
        """The hex digest a genuine file has, by ``check``."""
        if self.sha256_verified and self.sha256 is not None:
            return self.sha256
        return self.git_blob_sha1

    @property
    def attribution(self) -> str:
        """One line naming the author, the licence and the model card."""
        return f"MoveNet © Google LLC, {self.license}, {self.model_card}"


def manifest_path() -> Path:
    """The manifest file: the packaged copy if there is one, else the repository's."""
    packaged = resources.files("appliance.modelstore").joinpath(MANIFEST_NAME)
    if packaged.is_file():
        return Path(str(packaged))
    if REPO_MANIFEST.is_file():
        return REPO_MANIFEST
    raise ModelMissing(f"model manifest not found (looked in {packaged} and {REPO_MANIFEST})")


@functools.cache
def load_manifest() -> tuple[ModelSpec, ...]:
    """Every model variant in the manifest, in manifest order (read once per process)."""
    path = manifest_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ApplianceError(f"cannot read model manifest {path}: {error}") from error
    return parse_manifest(data, str(path))


def model_spec(name: str) -> ModelSpec:
    """The variant called ``name``; ``BadInput`` listing the known names if there is none."""
    specs = load_manifest()
    for spec in specs:
        if spec.name == name:
            return spec
    known = ", ".join(spec.name for spec in specs)
    raise BadInput(f"unknown model {name!r} (known: {known})")


def required_models() -> tuple[ModelSpec, ...]:
    """The variants the appliance needs, fetched by default."""
    return tuple(spec for spec in load_manifest() if spec.required)


def parse_manifest(data: dict[str, Any], origin: str) -> tuple[ModelSpec, ...]:
    """Build the specs from parsed TOML, checking every field; ``origin`` names the file."""
    if data.get("version") != 1:
        raise _bad(origin, f"unsupported version {data.get('version')!r} (expected 1)")
    entries = data.get("models")
    if not isinstance(entries, list) or not entries:
        raise _bad(origin, "expected at least one [[models]] table")
    specs = tuple(_spec(entry, f"{origin}: models[{i}]") for i, entry in enumerate(entries))
    names = [spec.name for spec in specs]
    if len(set(names)) != len(names):
        raise _bad(origin, f"duplicate model names in {names}")
    if not any(spec.required for spec in specs):
        raise _bad(origin, "no model is marked required")
    return specs


def _spec(entry: object, where: str) -> ModelSpec:
    if not isinstance(entry, dict):
        raise _bad(where, "expected a table")
    get = _Fields(entry, where)
    sha256 = get.optional_text("sha256")
    source = get.optional_text("sha256_source")
    if sha256 is not None and not _SHA256.fullmatch(sha256):
        raise _bad(where, "sha256: expected 64 lowercase hex digits")
    if (sha256 is None) != (source is None) or (source and source not in _SHA256_SOURCES):
        raise _bad(where, f"sha256_source: expected one of {_SHA256_SOURCES} with a sha256")
    blob = get.text("git_blob_sha1")
    if not _SHA1.fullmatch(blob):
        raise _bad(where, "git_blob_sha1: expected 40 lowercase hex digits")
    urls = entry.get("urls")
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
        raise _bad(where, "urls: expected a non-empty list of strings")
    size = entry.get("size_bytes")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size <= 0):
        raise _bad(where, "size_bytes: expected a positive integer")
    input_size = entry.get("input_size")
    if not isinstance(input_size, int) or isinstance(input_size, bool) or input_size <= 0:
        raise _bad(where, "input_size: expected a positive integer")
    required = entry.get("required", False)
    if not isinstance(required, bool):
        raise _bad(where, "required: expected true or false")
    file_names = (get.text("file"), get.text("upstream_file"))
    for file_name in file_names:
        if Path(file_name).name != file_name or file_name in (".", ".."):
            raise _bad(where, f"{file_name!r}: expected a plain file name")
    return ModelSpec(
        name=get.text("name"),
        title=get.text("title"),
        required=required,
        file=file_names[0],
        upstream_file=file_names[1],
        input_size=input_size,
        input_dtype=get.text("input_dtype"),
        size_bytes=size,
        sha256=sha256,
        sha256_verified=source == "verified",
        git_blob_sha1=blob,
        urls=tuple(urls),
        license=get.text("license"),
        model_card=get.text("model_card"),
    )


class _Fields:
    """String fields of one manifest table, with errors naming the table and key."""

    def __init__(self, entry: dict[str, Any], where: str) -> None:
        self._entry = entry
        self._where = where

    def text(self, key: str) -> str:
        value = self.optional_text(key)
        if value is None:
            raise _bad(self._where, f"{key}: missing")
        return value

    def optional_text(self, key: str) -> str | None:
        value = self._entry.get(key)
        if value is not None and (not isinstance(value, str) or not value):
            raise _bad(self._where, f"{key}: expected a non-empty string")
        return value


def _bad(where: str, reason: str) -> ApplianceError:
    return ApplianceError(f"bad model manifest {where}: {reason}")
