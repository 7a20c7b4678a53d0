"""Is a video file cut off? A cheap look at the container's own size fields.

A file copied or downloaded only in part still opens when its index comes first (MP4
"faststart", AVI, Matroska), and then simply stops decoding. Each of these containers
records how long its top-level parts are, so a part that runs past the end of the file is
proof of a cut. Only headers are read, never the media data.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

# Top-level ISO-BMFF (MP4/MOV) box types we expect to meet when walking a file.
_MP4_BOXES = frozenset(
    {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"uuid", b"moof", b"mfra"}
    | {b"styp", b"sidx", b"meta", b"pnot", b"PICT", b"junk", b"prfl", b"emsg"}
)
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_MATROSKA_SEGMENT = 0x18538067


def cut_part(path: Path) -> str | None:
    """The part of ``path`` that runs past the end of the file, e.g. ``"MP4 'mdat' box"``,
    or ``None`` if the file looks complete or is not MP4/MOV, AVI or Matroska/WebM."""
    try:
        with path.open("rb") as file:
            size = file.seek(0, 2)
            file.seek(0)
            head = file.read(12)
            if head[:4] == b"RIFF":
                return _riff_cut(head, size)
            if head[:4] == _EBML_MAGIC:
                return _matroska_cut(file, size)
            if head[4:8] in _MP4_BOXES:
                return _mp4_cut(file, size)
    except (OSError, struct.error):
        return None
    return None


def _riff_cut(head: bytes, file_size: int) -> str | None:
    (riff_size,) = struct.unpack("<I", head[4:8])
    return "RIFF (AVI) chunk" if 8 + riff_size > file_size else None


def _mp4_cut(file: BinaryIO, file_size: int) -> str | None:
    position = 0
    for _ in range(10_000):
        if position >= file_size:
            return None
        file.seek(position)
        header = file.read(16)
        if len(header) < 8:
            return "MP4 box header"
        size, kind = struct.unpack(">I4s", header[:8])
        if kind not in _MP4_BOXES:
            return None
        if size == 1:  # 64-bit size follows the type
            if len(header) < 16:
                return "MP4 box header"
            (size,) = struct.unpack(">Q", header[8:16])
        elif size == 0:  # this box runs to the end of the file by definition
            return None
        if size < 8:
            return None
        if position + size > file_size:
            return f"MP4 '{kind.decode('latin-1')}' box"
        position += size
    return None


def _matroska_cut(file: BinaryIO, file_size: int) -> str | None:
    file.seek(4)
    header_size, _ = _vint(file)
    if header_size is None:
        return None
    file.seek(header_size, 1)
    element_id = _element_id(file)
    if element_id != _MATROSKA_SEGMENT:
        return None
    segment_size, unknown = _vint(file)
    if segment_size is None or unknown:
        return None  # live recordings leave the segment size open
    return "Matroska segment" if file.tell() + segment_size > file_size else None


def _element_id(file: BinaryIO) -> int | None:
    first = file.read(1)
    if not first or first[0] == 0:
        return None
    length = 8 - first[0].bit_length() + 1
    rest = file.read(length - 1)
    return int.from_bytes(first + rest, "big") if len(rest) == length - 1 else None


def _vint(file: BinaryIO) -> tuple[int | None, bool]:
    """An EBML variable-length size: (value, whether it means "unknown")."""
    first = file.read(1)
    if not first or first[0] == 0:
        return None, False
    length = 8 - first[0].bit_length() + 1
    rest = file.read(length - 1)
    if len(rest) != length - 1:
        return None, False
    value = int.from_bytes(bytes([first[0] & (0xFF >> length)]) + rest, "big")
    return value, value == (1 << (7 * length)) - 1
