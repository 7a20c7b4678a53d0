"""Privacy: the running mirror writes no camera image anywhere and opens no network socket.

The whole appliance runs on a real clip under ``strace``; every file it opens for writing
and every socket it creates is checked. Frames exist only in memory.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import SHARED_MEDIA, need

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".pgm", ".webp", ".mp4", ".avi",
                  ".mkv", ".mov", ".npy", ".npz", ".raw", ".yuv", ".rgb")  # fmt: skip
WRITE_FLAGS = re.compile(r"O_WRONLY|O_RDWR|O_CREAT")
OPENED = re.compile(r'open(?:at)?\((?:[^,]+, )?"([^"]+)", ([A-Z_|]+)')
SOCKET = re.compile(r"socket\((AF_[A-Z0-9]+)")


def test_the_running_mirror_writes_no_image_and_opens_no_network_socket(model_dir, tmp_path):
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed (apt install strace); CI installs it")
    clip = need(SHARED_MEDIA / "coach-demos" / "Deadlift_edited7.mp4")
    home = tmp_path / "home"
    home.mkdir()
    trace = tmp_path / "trace.txt"
    env = dict(
        os.environ,
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        SDL_VIDEODRIVER="dummy",
        SDL_AUDIODRIVER="dummy",
    )
    command = [sys.executable, "-m", "appliance", "run", "--source", str(clip), "--until-end",
               "--windowed", "--mode", "deadlift"]  # fmt: skip
    done = subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=open,openat,creat,socket", "-o", str(trace), *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    written, families = set(), set()
    for line in trace.read_text().splitlines():
        if (opened := OPENED.search(line)) and WRITE_FLAGS.search(opened.group(2)):
            written.add(opened.group(1))
        if socket_call := SOCKET.search(line):
            families.add(socket_call.group(1))
    images = sorted(p for p in written if p.lower().endswith(IMAGE_SUFFIXES))
    assert images == [], f"image or video files written: {images}"
    voice_cache = str(home / ".cache" / "hinge-mirror" / "voice")
    history = os.environ["HINGE_MIRROR_HISTORY"]  # numbers only: reps, scores, faults
    unexpected = sorted(
        p for p in written
        if not p.startswith(voice_cache + "/")  # the spoken cue phrases, rendered once
        and not p.startswith(history)  # the database and its -wal/-shm files
        and p != "/dev/null"  # where native libraries' chatter goes
        and not p.endswith(".pyc")  # Python's own byte-code cache
    )  # fmt: skip
    assert unexpected == [], f"files written besides the voice cache: {unexpected}"
    assert not families & {"AF_INET", "AF_INET6", "AF_PACKET"}, f"network sockets: {families}"
    assert len(done.stdout) + len(done.stderr) < 10_000, "only a few lines of log, no data"
