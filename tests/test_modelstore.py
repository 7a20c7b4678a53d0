"""The model store: installing MoveNet from a folder or a server, and refusing bad files."""

from __future__ import annotations

import argparse
import functools
import hashlib
import http.server
import io
import re
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from appliance.errors import BadConfig, BadInput, ModelCorrupt, ModelFetchFailed, ModelMissing
from appliance.modelstore import (
    Status,
    fetch_models,
    inspect_model,
    installed_model_path,
    load_manifest,
    model_spec,
)
from appliance.modelstore.command import register
from appliance.modelstore.progress import ProgressBar
from appliance.modelstore.verify import file_problem, git_blob_sha1

SHARED_MODELS = Path(__file__).resolve().parents[2] / "shared" / "models"
REAL_MODEL = SHARED_MODELS / "movenet_singlepose_lightning_int8.tflite"
LIGHTNING_SHA256 = "cd7cc22fa946e5d146a7b98d496853e1923e22828d3972d579973f27f91bb105"
LIGHTNING_BLOB = "67a2124a1935f304b3b282a475b9205822dc6274"

needs_real_model = pytest.mark.skipif(
    not REAL_MODEL.is_file(),
    reason=f"the real Lightning int8 model is not at {REAL_MODEL} (../shared next to the repo)",
)


@pytest.fixture
def lightning():
    return model_spec("movenet_lightning_int8")


@pytest.fixture
def install_dir(tmp_path: Path) -> Path:
    return tmp_path / "state" / "models"


def fake_model(size: int) -> bytes:
    """Bytes that start like a TFLite file and have the right size, but are not MoveNet."""
    return b"\x20\x00\x00\x00TFL3" + bytes(size - 8)


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], str]]:
    """Start a real HTTP server on 127.0.0.1 serving a folder; returns its base URL."""
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    started: list[tuple[http.server.ThreadingHTTPServer, threading.Thread]] = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        started.append((server, thread))
        return f"http://127.0.0.1:{server.server_address[1]}/models/"

    yield start
    for server, thread in started:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- installing from a local folder -------------------------------------------------


@needs_real_model
def test_fetch_from_the_shared_folder_installs_a_verified_model(lightning, install_dir):
    out = io.StringIO()

    paths = fetch_models([lightning], install_dir, source=str(SHARED_MODELS), progress=out)

    installed = install_dir / "movenet_singlepose_lightning_int8.tflite"
    assert paths == [installed]
    assert installed_model_path(lightning, install_dir) == installed
    assert hashlib.sha256(installed.read_bytes()).hexdigest() == LIGHTNING_SHA256
    assert files_in(install_dir) == [installed.name]  # no temp file left behind
    assert "installed" in out.getvalue()


@needs_real_model
def test_fetching_again_skips_the_installed_model(lightning, install_dir):
    fetch_models([lightning], install_dir, source=str(SHARED_MODELS), progress=None)
    before = (install_dir / lightning.file).stat()
    out = io.StringIO()

    fetch_models([lightning], install_dir, source=str(SHARED_MODELS), progress=out)

    after = (install_dir / lightning.file).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert "already installed and verified" in out.getvalue()


def test_a_corrupt_copy_in_a_folder_is_refused_and_nothing_is_installed(
    lightning, install_dir, tmp_path
):
    source = tmp_path / "usb"
    source.mkdir()
    bad = source / lightning.file
    bad.write_bytes(fake_model(lightning.size_bytes))

    with pytest.raises(ModelCorrupt, match="checksum mismatch") as caught:
        fetch_models([lightning], install_dir, source=str(source), progress=None)

    assert str(bad) in str(caught.value)
    assert files_in(install_dir) == []


@needs_real_model
def test_a_corrupt_installed_model_is_replaced_by_fetch(lightning, install_dir):
    install_dir.mkdir(parents=True)
    (install_dir / lightning.file).write_bytes(REAL_MODEL.read_bytes()[:1000])
    out = io.StringIO()

    fetch_models([lightning], install_dir, source=str(SHARED_MODELS), progress=out)

    assert installed_model_path(lightning, install_dir).stat().st_size == lightning.size_bytes
    assert "reinstalling" in out.getvalue()


@needs_real_model
def test_the_model_is_found_by_checksum_under_another_name(lightning, install_dir, tmp_path):
    download = tmp_path / "Downloads"
    download.mkdir()
    (download / "3.tflite").write_bytes(fake_model(lightning.size_bytes))  # a look-alike
    (download / "notes.txt").write_text("not a model")
    shutil.copyfile(REAL_MODEL, download / "4.tflite")  # Kaggle's name

    fetch_models([lightning], install_dir, source=str(download), progress=None)

    assert installed_model_path(lightning, install_dir).read_bytes() == REAL_MODEL.read_bytes()


def test_a_folder_without_the_model_names_what_was_looked_for(lightning, install_dir, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()

    with pytest.raises(ModelFetchFailed, match=re.escape(lightning.upstream_file)) as caught:
        fetch_models([lightning], install_dir, source=str(empty), progress=None)

    assert str(empty) in str(caught.value)
    assert caught.value.exit_code == 4


def test_a_source_that_does_not_exist_is_bad_input(lightning, install_dir, tmp_path):
    with pytest.raises(BadInput, match="neither a folder"):
        fetch_models([lightning], install_dir, source=str(tmp_path / "nowhere"), progress=None)


# --- checking what is installed -----------------------------------------------------


@needs_real_model
def test_a_truncated_model_is_corrupt_and_the_message_says_how_to_fix_it(lightning, install_dir):
    install_dir.mkdir(parents=True)
    (install_dir / lightning.file).write_bytes(REAL_MODEL.read_bytes()[:1_000_000])

    with pytest.raises(ModelCorrupt) as caught:
        installed_model_path(lightning, install_dir)

    message = str(caught.value)
    assert "size mismatch (expected 2894840 bytes, got 1000000)" in message
    assert "run `hinge-mirror models fetch` to reinstall" in message
    assert "\n" not in message
    assert caught.value.exit_code == 4


def test_a_same_size_file_with_other_bytes_is_a_checksum_mismatch(lightning, install_dir):
    install_dir.mkdir(parents=True)
    (install_dir / lightning.file).write_bytes(fake_model(lightning.size_bytes))

    with pytest.raises(ModelCorrupt, match=f"expected sha256 {LIGHTNING_SHA256}, got "):
        installed_model_path(lightning, install_dir)


def test_a_missing_model_says_how_to_fetch_it(lightning, install_dir):
    with pytest.raises(ModelMissing) as caught:
        installed_model_path(lightning, install_dir)

    message = str(caught.value)
    assert f"movenet_lightning_int8 is not installed in {install_dir}" in message
    assert "`hinge-mirror models fetch`" in message
    assert "`hinge-mirror models fetch --from FOLDER` offline" in message
    assert caught.value.exit_code == 4


def test_an_optional_model_names_itself_in_the_fix(install_dir):
    with pytest.raises(ModelMissing, match="fetch --model movenet_thunder_int8"):
        installed_model_path(model_spec("movenet_thunder_int8"), install_dir)


# --- downloading --------------------------------------------------------------------


@needs_real_model
def test_download_over_http_shows_progress_up_to_100_percent(
    lightning, install_dir, tmp_path, serve
):
    mirror = tmp_path / "www" / "models"
    mirror.mkdir(parents=True)
    # Only the upstream name is on the mirror: the installed name is tried first and 404s.
    shutil.copyfile(REAL_MODEL, mirror / lightning.upstream_file)
    base = serve(tmp_path / "www")
    out = io.StringIO()

    fetch_models([lightning], install_dir, source=base, progress=out)

    assert installed_model_path(lightning, install_dir).is_file()
    shown = out.getvalue()
    assert "100%" in shown
    assert "2.9/2.9 MB" in shown
    assert f"{base}{lightning.file}: HTTP 404" in shown
    assert "\r" not in shown  # not a terminal: plain lines


def test_a_server_answering_404_fails_naming_the_url(lightning, install_dir, tmp_path, serve):
    (tmp_path / "www" / "models").mkdir(parents=True)
    base = serve(tmp_path / "www")

    with pytest.raises(ModelFetchFailed) as caught:
        fetch_models([lightning], install_dir, source=base, progress=None)

    message = str(caught.value)
    assert f"{base}{lightning.file}: HTTP 404" in message
    assert f"{base}{lightning.upstream_file}: HTTP 404" in message
    assert files_in(install_dir) == []


def test_a_wrong_download_is_not_installed(lightning, install_dir, tmp_path, serve):
    mirror = tmp_path / "www" / "models"
    mirror.mkdir(parents=True)
    (mirror / lightning.file).write_bytes(fake_model(lightning.size_bytes))
    base = serve(tmp_path / "www")

    with pytest.raises(ModelCorrupt, match="checksum mismatch") as caught:
        fetch_models([lightning], install_dir, source=base, progress=None)

    assert f"{base}{lightning.file}" in str(caught.value)
    assert files_in(install_dir) == []  # neither the model nor a temp file


def test_a_server_that_never_answers_times_out(lightning, install_dir, monkeypatch):
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    with socket.create_server(("127.0.0.1", 0)) as silent:  # listens, never answers
        base = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        with pytest.raises(ModelFetchFailed, match=r"timed out after 0\.2 s"):
            fetch_models([lightning], install_dir, source=base, progress=None, timeout_s=0.2)
    assert files_in(install_dir) == []


@needs_real_model
def test_a_file_url_works_as_a_mirror(lightning, install_dir):
    fetch_models([lightning], install_dir, source=SHARED_MODELS.as_uri(), progress=None)

    assert installed_model_path(lightning, install_dir).is_file()


# --- the manifest -------------------------------------------------------------------


def test_the_manifest_lightning_int8_entry_matches_the_model_facts(lightning):
    assert lightning.required
    assert lightning.sha256 == LIGHTNING_SHA256
    assert lightning.sha256_verified
    assert lightning.size_bytes == 2_894_840
    assert lightning.input_size == 192
    assert lightning.input_dtype == "uint8"
    assert lightning.git_blob_sha1 == LIGHTNING_BLOB
    assert lightning.upstream_file == "lite-model_movenet_singlepose_lightning_tflite_int8_4.tflite"
    assert lightning.urls[0] == (
        "https://storage.googleapis.com/tfhub-lite-models/google/lite-model/movenet/"
        "singlepose/lightning/tflite/int8/4.tflite"
    )
    assert lightning.license == "Apache-2.0"


def test_every_variant_is_verifiable_and_only_lightning_int8_by_sha256():
    specs = {spec.name: spec for spec in load_manifest()}

    assert list(specs) == [
        "movenet_lightning_int8",
        "movenet_lightning_float16",
        "movenet_thunder_int8",
        "movenet_thunder_float16",
    ]
    assert [s.name for s in specs.values() if s.required] == ["movenet_lightning_int8"]
    assert [s.check for s in specs.values()] == ["sha256", "git blob", "git blob", "git blob"]
    assert {s.input_size for s in specs.values() if "thunder" in s.name} == {256}


@pytest.mark.skipif(not (SHARED_MODELS / "MANIFEST.md").is_file(), reason="no shared MANIFEST.md")
def test_the_manifest_agrees_with_the_shared_model_facts():
    facts = (SHARED_MODELS / "MANIFEST.md").read_text(encoding="utf-8")
    for spec in load_manifest():
        assert spec.git_blob_sha1 in facts, spec.name
        assert spec.upstream_file in facts, spec.name
        if spec.sha256 is not None:
            assert spec.sha256 in facts, spec.name


def test_an_unknown_model_name_is_bad_input_listing_the_known_names():
    with pytest.raises(BadInput, match="unknown model 'movenet_huge'") as caught:
        model_spec("movenet_huge")

    assert "movenet_lightning_int8, movenet_lightning_float16" in str(caught.value)
    assert caught.value.exit_code == 2


# --- verification by git blob id ----------------------------------------------------


def test_the_git_blob_id_is_what_git_hash_object_prints(tmp_path):
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert git_blob_sha1(empty) == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"


@needs_real_model
def test_a_model_without_a_verified_sha256_is_checked_by_its_git_blob_id(lightning):
    by_blob = replace(lightning, sha256_verified=False, size_bytes=None)
    wrong_blob = replace(by_blob, git_blob_sha1="0" * 40)

    assert git_blob_sha1(REAL_MODEL) == LIGHTNING_BLOB
    assert file_problem(by_blob, REAL_MODEL) is None
    problem = file_problem(wrong_blob, REAL_MODEL)
    assert problem == f"checksum mismatch (expected git blob {'0' * 40}, got {LIGHTNING_BLOB})"


def test_a_file_that_is_not_tflite_is_refused(lightning, tmp_path):
    zipped = tmp_path / "4.tar.gz"
    zipped.write_bytes(b"\x1f\x8b" + bytes(lightning.size_bytes - 2))

    assert file_problem(lightning, zipped) == "not a TFLite model (no TFL3 identifier)"


# --- the progress bar ---------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_redraws_in_place_on_a_terminal():
    screen = _Terminal()
    now = [0.0]
    bar = ProgressBar(screen, "model", 1_000_000, clock=lambda: now[0])

    for done in range(0, 1_000_001, 100_000):
        now[0] += 0.5
        bar.update(done)
    bar.finish()

    drawn = screen.getvalue()
    assert drawn.count("\n") == 1
    assert drawn.endswith("\rmodel [##############################] 100%  1.0/1.0 MB\n")
    assert " 50%  0.5/1.0 MB" in drawn


def test_the_progress_bar_writes_a_few_plain_lines_elsewhere():
    log = io.StringIO()
    bar = ProgressBar(log, "model", 1_000_000)

    for done in range(0, 1_000_001, 10_000):
        bar.update(done)
    bar.finish()

    lines = log.getvalue().splitlines()
    assert [line.split("]")[1].split("%")[0].strip() for line in lines] == ["25", "50", "75", "100"]


# --- the `models` command -----------------------------------------------------------


def run_models(*argv: str) -> int:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path)
    parser = argparse.ArgumentParser(prog="hinge-mirror")
    register(parser.add_subparsers(dest="command", required=True), common)
    args = parser.parse_args(["models", *argv])
    code: int = args.handler(args)
    return code


@needs_real_model
def test_models_fetch_then_list_uses_the_configured_folder(lightning, tmp_path, capsys):
    folder = tmp_path / "configured"
    config = tmp_path / "config.toml"
    config.write_text(f'[models]\ndir = "{folder}"\n', encoding="utf-8")

    assert run_models("fetch", "--from", str(SHARED_MODELS), "--config", str(config)) == 0
    assert run_models("list", "--config", str(config)) == 0

    out = capsys.readouterr().out
    assert f"movenet_lightning_int8: ready at {folder / lightning.file}" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    assert "installed, sha256 verified" in lines["movenet_lightning_int8"]
    assert "256x256" in lines["movenet_thunder_int8"]
    assert lines["movenet_thunder_int8"].endswith("missing")
    assert (
        "MoveNet © Google LLC, Apache-2.0, "
        "https://storage.googleapis.com/movenet/MoveNet.SinglePose%20Model%20Card.pdf"
    ) in out


def test_models_list_reports_a_corrupt_model(lightning, install_dir, capsys):
    install_dir.mkdir(parents=True)
    (install_dir / lightning.file).write_bytes(b"oops")

    assert run_models("list", "--dir", str(install_dir)) == 0

    assert "corrupt: size mismatch (expected 2894840 bytes, got 4)" in capsys.readouterr().out


def test_models_fetch_of_an_unknown_model_is_bad_input(install_dir):
    with pytest.raises(BadInput, match="unknown model 'thunder'"):
        run_models("fetch", "--model", "thunder", "--dir", str(install_dir))


def test_models_fetch_refuses_an_unknown_configured_model(tmp_path, install_dir):
    config = tmp_path / "config.toml"
    config.write_text('[pose]\nmodel = "movenet_huge"\n', encoding="utf-8")

    with pytest.raises(BadConfig, match=r"pose\.model: unknown model 'movenet_huge'"):
        run_models("fetch", "--config", str(config), "--dir", str(install_dir))


def test_a_folder_in_the_model_s_place_is_corrupt_not_installed(lightning, install_dir):
    assert inspect_model(lightning, install_dir).status is Status.MISSING
    (install_dir / lightning.file).mkdir(parents=True)

    state = inspect_model(lightning, install_dir)

    assert (state.status, state.detail) == (Status.CORRUPT, "not a regular file")
