"""Spoken cues: each phrase rendered to a WAV by espeak-ng once, then served from a disk cache.

A cached file is named by a hash of (text, voice, speed, espeak-ng version), so changing
any of them renders again and a restart renders nothing. Files appear atomically (written to
a temporary name, then renamed), so a crash or a second process never leaves half a WAV.
Every espeak-ng call has a deadline; running out of it, or espeak-ng missing or failing,
raises ``SpeechUnavailable`` and the caller falls back to tones.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import wave
from collections.abc import Iterable
from pathlib import Path

from appliance.errors import ApplianceError

ESPEAK = "espeak-ng"
DEFAULT_TIMEOUT_S = 10.0
"""Deadline of one espeak-ng call, seconds (a phrase takes ~0.1 s on a Pi 5)."""
DEFAULT_BUDGET_S = 60.0
"""Deadline of a whole ``prerender``, seconds."""

_versions: dict[str, str] = {}  # espeak-ng executable path -> its version line


class SpeechUnavailable(ApplianceError, RuntimeError):
    """espeak-ng is missing, failed or ran out of time: the cue is played as a tone."""


def espeak_path() -> str | None:
    """The espeak-ng executable on ``PATH``, or ``None`` if it is not installed."""
    return shutil.which(ESPEAK)


def _run(argv: list[str], timeout_s: float) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` with a deadline; on timeout kill its whole process group (a wrapper
    script's children too, so nothing keeps our pipes open) and raise ``SpeechUnavailable``."""
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,
        )
    except OSError as error:
        raise SpeechUnavailable(f"cannot run {argv[0]}: {error.strerror or error}") from error
    try:
        out, err = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise SpeechUnavailable(f"{ESPEAK} did not finish within {timeout_s:g} s") from None
    return subprocess.CompletedProcess(argv, process.returncode, out, err)


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "no message")


def espeak_version(timeout_s: float = DEFAULT_TIMEOUT_S) -> str:
    """espeak-ng's version line (asked once per executable), part of every cache key."""
    exe = espeak_path()
    if exe is None:
        raise SpeechUnavailable(f"{ESPEAK} is not installed (apt install {ESPEAK})")
    if exe not in _versions:
        result = _run([exe, "--version"], timeout_s)
        if result.returncode != 0:
            raise SpeechUnavailable(f"{ESPEAK} --version failed: {_first_line(result.stderr)}")
        _versions[exe] = _first_line(result.stdout)
    return _versions[exe]


def cache_path(text: str, voice: str, speed_wpm: int, version: str, cache_dir: Path) -> Path:
    """Where the WAV of ``text`` spoken by ``voice`` at ``speed_wpm`` is cached."""
    key = "\0".join((text, voice, str(speed_wpm), version)).encode("utf-8")
    return cache_dir / f"{hashlib.sha256(key).hexdigest()[:24]}.wav"


def _is_wav(path: Path) -> bool:
    """The file is a readable WAV holding at least one sample."""
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes() > 0
    except (OSError, EOFError, wave.Error):
        return False


def render_phrase(
    text: str,
    voice: str,
    speed_wpm: int,
    cache_dir: Path,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> Path:
    """The WAV of ``text`` spoken by espeak-ng (``voice``, ``speed_wpm`` words per minute),
    rendered on the first call and read from ``cache_dir`` after that. Blocks up to about
    ``timeout_s`` seconds per espeak-ng call; raises ``SpeechUnavailable``."""
    text = " ".join(text.split())
    if not text:
        raise SpeechUnavailable("nothing to say: the phrase is empty")
    version = espeak_version(timeout_s)
    path = cache_path(text, voice, speed_wpm, version, cache_dir)
    if _is_wav(path):
        return path
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=cache_dir, prefix=".render-", suffix=".wav")
        os.close(fd)
    except OSError as error:
        raise SpeechUnavailable(f"cannot write the voice cache {cache_dir}: {error}") from error
    tmp = Path(tmp_name)
    try:
        argv = [espeak_path() or ESPEAK, "-w", str(tmp), "-v", voice, "-s", str(speed_wpm)]
        result = _run([*argv, "--", text], timeout_s)
        if result.returncode != 0:
            raise SpeechUnavailable(f"{ESPEAK} failed on {text!r}: {_first_line(result.stderr)}")
        if not _is_wav(tmp):
            raise SpeechUnavailable(f"{ESPEAK} wrote no sound for {text!r}")
        os.replace(tmp, path)
    except OSError as error:
        raise SpeechUnavailable(f"cannot write {path}: {error}") from error
    finally:
        tmp.unlink(missing_ok=True)
    return path


def prerender(
    texts: Iterable[str],
    voice: str,
    speed_wpm: int,
    cache_dir: Path,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    budget_s: float = DEFAULT_BUDGET_S,
) -> dict[str, Path]:
    """Warm the cache: render every phrase of ``texts`` not rendered yet, in order, and
    return text -> WAV. Stops at the first ``SpeechUnavailable`` (raised) or when
    ``budget_s`` seconds have passed (the rest is left for later)."""
    deadline = time.monotonic() + budget_s
    done: dict[str, Path] = {}
    for text in dict.fromkeys(texts):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        done[text] = render_phrase(
            text, voice, speed_wpm, cache_dir, timeout_s=min(timeout_s, remaining)
        )
    return done
