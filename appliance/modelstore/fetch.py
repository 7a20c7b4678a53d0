"""Put model files in place: download (or copy from a folder), verify, install atomically.

A file is written to a temporary name in the model folder, fsynced, verified, and only
then renamed over the final name, so the final name holds either nothing, the old file,
or a verified model; never a partial or unverified one.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, TextIO

from appliance import __version__
from appliance.errors import ApplianceError, BadInput, ModelCorrupt, ModelFetchFailed
from appliance.modelstore.manifest import ModelSpec
from appliance.modelstore.progress import ProgressBar
from appliance.modelstore.store import Status, inspect_model, model_path
from appliance.modelstore.verify import file_problem, looks_like_tflite

USER_AGENT = f"hinge-mirror/{__version__} (model fetch)"
DEFAULT_TIMEOUT_S = 30.0
# No MoveNet file is near this; a server sending more is sending something else.
MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
_CHUNK_BYTES = 64 * 1024
_URL_SCHEMES = ("http", "https", "file")


class _SourceFailed(Exception):
    """One source did not give the model; the message is a one-line reason."""


class _WrongFile(Exception):
    """One source gave a file that is not the model; the message is a one-line reason."""


def fetch_models(
    specs: Sequence[ModelSpec],
    model_dir: Path,
    source: str | None = None,
    progress: TextIO | None = sys.stderr,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> list[Path]:
    """Install each model in ``specs`` into ``model_dir``; return their paths, in order.

    ``source`` ``None`` tries each model's manifest URLs in order. A URL (http, https,
    file) is a mirror: the model is looked for under its installed name, then its upstream
    name (a URL ending in ``.tflite`` is the file itself). A local folder is searched for
    the installed name, the upstream name, then any file with the right checksum (e.g.
    Kaggle's ``4.tflite``); a local file is used as is. A model already installed and
    verified is skipped. ``timeout_s`` bounds connecting and each read, in seconds.

    Every model is tried; then the first failure is raised: ``ModelCorrupt`` when a source
    gave a wrong file, else ``ModelFetchFailed``, naming what was tried.
    """
    _check_source(source)
    try:
        model_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ModelFetchFailed(f"cannot create model folder {model_dir}: {error}") from error
    installed: list[Path] = []
    failures: list[ApplianceError] = []
    for spec in specs:
        try:
            installed.append(_fetch_one(spec, model_dir, source, progress, timeout_s))
        except (ModelCorrupt, ModelFetchFailed) as error:
            _say(progress, f"FAILED: {error}")
            failures.append(error)
    if len(failures) > 1:
        first = failures[0]
        raise type(first)(f"{first} (and {len(failures) - 1} more failed, see above)")
    if failures:
        raise failures[0]
    return installed


def _fetch_one(
    spec: ModelSpec, model_dir: Path, source: str | None, progress: TextIO | None, timeout_s: float
) -> Path:
    dest = model_path(spec, model_dir)
    state = inspect_model(spec, model_dir)
    if state.status is Status.VERIFIED:
        _say(progress, f"{spec.name}: already installed and verified ({dest})")
        return dest
    if state.status is not Status.MISSING:
        _say(progress, f"{spec.name}: {dest} is {state.status} ({state.detail}); reinstalling")

    attempts: list[str] = []
    wrong: list[str] = []
    for where, opener in _sources(spec, source, timeout_s):
        try:
            _install(spec, dest, opener, progress)
        except _SourceFailed as error:
            attempts.append(f"{where}: {error}")
            _say(progress, f"{spec.name}: {where}: {error}")
            continue
        except _WrongFile as error:
            attempts.append(f"{where}: {error}")
            wrong.append(f"{where}: {error}")
            _say(progress, f"{spec.name}: {where}: {error}")
            continue
        _say(progress, f"{spec.name}: installed {dest} ({spec.check} verified, from {where})")
        return dest
    if wrong:
        raise ModelCorrupt(f"{spec.name} from {wrong[0]}; nothing installed")
    if not attempts:
        raise ModelFetchFailed(
            f"could not fetch {spec.name}: not in {source} (looked for {spec.file}, "
            f"{spec.upstream_file}, or any file with its {spec.check} id)"
        )
    raise ModelFetchFailed(f"could not fetch {spec.name}: tried {'; '.join(attempts)}")


# A source yields (what it is, how to open it). Opening returns the byte stream and its
# length in bytes when known; it raises _SourceFailed.
_Opener = Callable[[], tuple[BinaryIO, int | None]]


def _sources(
    spec: ModelSpec, source: str | None, timeout_s: float
) -> Iterator[tuple[str, _Opener]]:
    if source is None:
        for url in spec.urls:
            yield url, _url_opener(url, timeout_s)
        return
    if urllib.parse.urlsplit(source).scheme in _URL_SCHEMES:
        for url in _mirror_urls(spec, source):
            yield url, _url_opener(url, timeout_s)
        return
    path = Path(source).expanduser()
    if path.is_dir():
        yield from _folder_sources(spec, path)
    else:
        yield str(path), _file_opener(path)


def _check_source(source: str | None) -> None:
    if source is None or urllib.parse.urlsplit(source).scheme in _URL_SCHEMES:
        return
    if not Path(source).expanduser().exists():
        raise BadInput(f"model source {source} is neither a folder, a file nor a URL")


def _mirror_urls(spec: ModelSpec, base: str) -> list[str]:
    parts = urllib.parse.urlsplit(base)
    if parts.path.endswith(".tflite"):
        return [base]
    folder = parts.path.rstrip("/")
    return [
        urllib.parse.urlunsplit(parts._replace(path=f"{folder}/{urllib.parse.quote(name)}"))
        for name in (spec.file, spec.upstream_file)
    ]


def _folder_sources(spec: ModelSpec, folder: Path) -> Iterator[tuple[str, _Opener]]:
    names = (spec.file, spec.upstream_file)
    for name in names:
        path = folder / name
        if path.is_file():
            yield str(path), _file_opener(path)
    try:
        others = sorted(p for p in folder.iterdir() if p.name not in names)
    except OSError as error:
        raise ModelFetchFailed(f"cannot list {folder}: {error}") from error
    for path in others:
        # Only files that look like this model are candidates; the rest are not "wrong".
        if not path.is_file() or not looks_like_tflite(path):
            continue
        if spec.size_bytes is not None and path.stat().st_size != spec.size_bytes:
            continue
        with contextlib.suppress(OSError):
            if file_problem(spec, path) is None:
                yield str(path), _file_opener(path)


def _file_opener(path: Path) -> _Opener:
    def open_file() -> tuple[BinaryIO, int | None]:
        try:
            return path.open("rb"), path.stat().st_size
        except OSError as error:
            raise _SourceFailed(f"cannot read: {error.strerror or error}") from error

    return open_file


def _url_opener(url: str, timeout_s: float) -> _Opener:
    def open_url() -> tuple[BinaryIO, int | None]:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            response = urllib.request.urlopen(request, timeout=timeout_s)
        except urllib.error.HTTPError as error:
            error.close()
            raise _SourceFailed(f"HTTP {error.code} {error.reason}") from error
        except urllib.error.URLError as error:
            raise _SourceFailed(_reason(error.reason, timeout_s)) from error
        except (OSError, ValueError, http.client.HTTPException) as error:
            raise _SourceFailed(_reason(error, timeout_s)) from error
        length = response.headers.get("Content-Length")
        return response, int(length) if length and length.isdigit() else None

    return open_url


def _install(spec: ModelSpec, dest: Path, opener: _Opener, progress: TextIO | None) -> None:
    """Copy what ``opener`` gives into a temp file next to ``dest``, verify, rename."""
    stream, length = opener()
    limit = spec.size_bytes or MAX_DOWNLOAD_BYTES
    with stream:
        if length is not None and length > limit:
            raise _WrongFile(f"offers {length} bytes, more than {limit}: not this model")
        try:
            fd, temp_name = tempfile.mkstemp(
                dir=dest.parent, prefix=f".{dest.name}.", suffix=".part"
            )
        except OSError as error:
            raise ModelFetchFailed(f"cannot write in {dest.parent}: {error}") from error
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                _copy(stream, out, ProgressBar(progress, spec.name, length), limit)
                out.flush()
                os.fsync(out.fileno())
            problem = file_problem(spec, temp)
            if problem is not None:
                raise _WrongFile(problem)
            temp.chmod(0o644)
            os.replace(temp, dest)
            _fsync_folder(dest.parent)
        except OSError as error:
            raise _SourceFailed(_reason(error, None)) from error
        finally:
            temp.unlink(missing_ok=True)


def _copy(stream: BinaryIO, out: BinaryIO, bar: ProgressBar, limit: int) -> None:
    done = 0
    bar.update(0)
    try:
        while chunk := stream.read(_CHUNK_BYTES):
            done += len(chunk)
            if done > limit:
                raise _WrongFile(f"sent more than {limit} bytes: not this model")
            out.write(chunk)
            bar.update(done)
    except http.client.HTTPException as error:
        raise _SourceFailed(f"connection broken after {done} bytes ({error!r})") from error
    finally:
        bar.finish()


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not every file system allows it, hence suppress.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _reason(error: object, timeout_s: float | None) -> str:
    if isinstance(error, TimeoutError) and timeout_s is not None:
        return f"timed out after {timeout_s:g} s"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def _say(progress: TextIO | None, line: str) -> None:
    if progress is not None:
        progress.write(line + "\n")
        progress.flush()
