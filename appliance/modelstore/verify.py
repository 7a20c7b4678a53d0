"""Is this file the model the manifest describes? Size, TFLite identifier, then checksum."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import BinaryIO, Protocol

from appliance.modelstore.manifest import ModelSpec

# A TFLite flatbuffer carries its file identifier at bytes 4..8.
TFLITE_IDENTIFIER = b"TFL3"
_CHUNK_BYTES = 1 << 20


class _Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def hexdigest(self) -> str: ...


def file_problem(spec: ModelSpec, path: Path) -> str | None:
    """``None`` when ``path`` holds ``spec``'s model, else a one-line reason.

    Checks the size (when the manifest has it), the TFLite identifier, then the sha256
    (when verified) or else the git blob id. Raises ``OSError`` if the file cannot be read.
    """
    with path.open("rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        if spec.size_bytes is not None and size != spec.size_bytes:
            return f"size mismatch (expected {spec.size_bytes} bytes, got {size})"
        head = stream.read(8)
        if len(head) < 8 or head[4:8] != TFLITE_IDENTIFIER:
            return "not a TFLite model (no TFL3 identifier)"
        stream.seek(0)
        if spec.check == "sha256":
            got = _digest(stream, hashlib.sha256())
        else:
            got = _digest(stream, hashlib.sha1(_blob_header(size)), expect_bytes=size)
    if got != spec.expected_digest:
        return f"checksum mismatch (expected {spec.check} {spec.expected_digest}, got {got})"
    return None


def git_blob_sha1(path: Path) -> str:
    """The file's git blob id, as ``git hash-object`` prints it."""
    with path.open("rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        return _digest(stream, hashlib.sha1(_blob_header(size)), expect_bytes=size)


def sha256_file(path: Path) -> str:
    """The file's sha256 as lowercase hex."""
    with path.open("rb") as stream:
        return _digest(stream, hashlib.sha256())


def looks_like_tflite(path: Path) -> bool:
    """Whether the file starts like a TFLite flatbuffer (cheap: reads 8 bytes)."""
    try:
        with path.open("rb") as stream:
            return stream.read(8)[4:8] == TFLITE_IDENTIFIER
    except OSError:
        return False


def _blob_header(size: int) -> bytes:
    return b"blob %d\0" % size


def _digest(stream: BinaryIO, hasher: _Hasher, expect_bytes: int | None = None) -> str:
    total = 0
    while chunk := stream.read(_CHUNK_BYTES):
        hasher.update(chunk)
        total += len(chunk)
    if expect_bytes is not None and total != expect_bytes:
        # The blob header promised a size; a file that changed while being read is no match.
        return f"(file changed while reading: {total} of {expect_bytes} bytes)"
    return hasher.hexdigest()
