"""The command line as a user meets it: exit codes and one-line reasons, never a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from appliance import errors
from tests.conftest import PEER_DATA, SHARED_MEDIA, hinge_mirror, need


def assert_one_line_error(done: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert done.returncode == code, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {done.stderr!r}"
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0]


def _real_clip() -> Path:
    return need(SHARED_MEDIA / "deadlift-side-single-rep" / "good" / "000002.mp4")


def test_a_missing_file_is_exit_2_with_its_name(model_dir, tmp_path):
    missing = tmp_path / "no-such-clip.mp4"
    assert_one_line_error(hinge_mirror("bench", str(missing)), 2, "no-such-clip.mp4")


def test_a_text_file_that_is_not_a_video_is_exit_2(model_dir, tmp_path):
    notes = tmp_path / "notes.mp4"
    notes.write_text("squat day, then deadlifts\n" * 50)
    assert_one_line_error(hinge_mirror("bench", str(notes)), 2, "notes.mp4")


def test_a_video_cut_off_in_the_middle_is_exit_2(model_dir, tmp_path):
    clip = _real_clip()
    cut = tmp_path / "cut.mp4"
    data = clip.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    assert_one_line_error(hinge_mirror("bench", str(cut)), 2, "cut.mp4")


def test_an_empty_image_folder_is_exit_2(model_dir, tmp_path):
    empty = tmp_path / "no-images"
    empty.mkdir()
    (empty / "readme.txt").write_text("nothing to see")
    assert_one_line_error(hinge_mirror("bench", str(empty)), 2, "no-images")


def test_a_malformed_keypoints_line_is_exit_2_naming_the_line(model_dir, tmp_path):
    jsonl = tmp_path / "set.jsonl"
    header = {"format": "movenet-keypoints", "version": 1, "width": 640, "height": 480, "fps": 30}
    good = {"t_s": 0.0, "keypoints": [[0.5, 0.5, 0.9]] * 17}
    jsonl.write_text(
        json.dumps(header) + "\n" + json.dumps(good) + "\n" + '{"t_s": 0.033, "keypoints": [[0.5\n'
    )
    assert_one_line_error(hinge_mirror("bench", str(jsonl)), 2, "line 3")


def test_a_missing_model_is_exit_4_and_says_how_to_fetch_it(tmp_path, monkeypatch):
    monkeypatch.setenv("HINGE_MIRROR_MODEL_DIR", str(tmp_path / "empty-model-dir"))
    clip = _real_clip()
    assert_one_line_error(hinge_mirror("bench", str(clip)), 4, "hinge-mirror models fetch")


def test_a_corrupt_model_is_exit_4_and_says_how_to_fix_it(tmp_path, monkeypatch, model_dir):
    broken = tmp_path / "models"
    shutil.copytree(model_dir, broken)
    model = next(broken.glob("*.tflite"))
    model.write_bytes(model.read_bytes()[:100_000])
    monkeypatch.setenv("HINGE_MIRROR_MODEL_DIR", str(broken))
    image = need(PEER_DATA / "image1.png")
    assert_one_line_error(hinge_mirror("pose", str(image)), 4, "models fetch")


def test_an_unknown_config_key_is_exit_3_naming_the_key(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[pose]\nthreds = 2\n")
    done = hinge_mirror("bench", "--config", str(config), str(_real_clip()))
    assert_one_line_error(done, 3, "pose.threds")


def test_an_unknown_command_or_mode_is_exit_2():
    assert hinge_mirror("dance").returncode == 2
    assert hinge_mirror("run", "--mode", "squat").returncode == 2


def test_bench_prints_every_stage_and_the_ratio_to_inference(model_dir):
    done = hinge_mirror("bench", str(_real_clip()), "--frames", "20", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["frames"] == 20
    stages = {"decode", "preprocess", "inference", "postprocess", "evaluate"}
    assert set(report["stages"]) == stages
    for stage in report["stages"].values():
        assert 0 <= stage["median_ms"] <= stage["p95_ms"]
    assert report["ratio_excluding_decode"] >= 1.0
    assert report["runtime"].startswith("ai-edge-litert")
    table = hinge_mirror("bench", str(_real_clip()), "--frames", "10")
    assert "inference" in table.stdout
    assert "per-frame cost excluding decode" in table.stdout


ERROR_CLASSES = [
    c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.ApplianceError)
]


@pytest.mark.parametrize("error_class", ERROR_CLASSES)
def test_every_error_has_one_root_a_builtin_twin_and_a_documented_exit_code(error_class):
    assert issubclass(error_class, errors.ApplianceError)
    assert error_class.exit_code in (1, 2, 3, 4)
    if error_class is not errors.ApplianceError:
        builtin_bases = [b for b in error_class.__mro__ if b.__module__ == "builtins"]
        assert builtin_bases[0] is not Exception, f"{error_class.__name__} has no builtin twin"


def test_a_video_that_stops_decoding_midway_is_exit_2_after_the_model_loaded(model_dir, tmp_path):
    """The frames before the cut are used; the error is still one line (no runtime chatter)."""
    clip = need(SHARED_MEDIA / "coach-demos" / "Deadlift_edited7.mp4")
    cut = tmp_path / "demo-cut.mp4"
    data = clip.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    assert_one_line_error(hinge_mirror("bench", str(cut)), 2, "demo-cut.mp4", "truncated")


def test_doctor_reports_one_line_per_check_and_a_bad_config_first(model_dir, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[camera]\nfps = 0\n")
    done = hinge_mirror("doctor", "--config", str(config))
    lines = done.stdout.strip().splitlines()
    names = [line.split()[1] for line in lines]
    assert names == [
        "config", "runtime", "model", "camera", "display", "gpio", "audio", "history", "mqtt"
    ]  # fmt: skip
    assert lines[0].startswith("FAIL")
    assert "camera.fps" in lines[0]
    assert lines[2].startswith("ok")
    assert "verified" in lines[2]
    assert done.returncode == 3
    assert done.stderr == ""


def test_the_mirror_plays_a_recording_to_the_end_and_exits_cleanly(model_dir):
    clip = need(SHARED_MEDIA / "deadlift-side-single-rep" / "good" / "000003.mp4")
    done = hinge_mirror("run", "--source", str(clip), "--windowed", "--until-end")
    assert done.returncode == 0, done.stderr


def test_bench_on_a_keypoints_file_times_the_evaluator_and_the_cues(model_dir, tmp_path):
    """Keypoints files skip the model (and may have frames with nobody in them)."""
    from appliance.sources.demo import DemoSource
    from appliance.sources.keypoints_file import write_keypoints_jsonl

    demo = DemoSource("drill", sets=1)
    path = tmp_path / "demo.jsonl"
    frames = ((f.t_s, f.pose) for f in demo.frames())
    write_keypoints_jsonl(path, frames, width=640, height=480, fps=30.0)
    done = hinge_mirror("bench", str(path), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report["stages"]) == {"decode", "evaluate"}
    assert report["ratio_excluding_decode"] is None
    assert report["cue_latency_ms"]["median"] > 0


def test_a_short_soak_prints_memory_threads_and_files_over_time(tmp_path):
    """The soak itself is for the device (minutes to hours); here only that it reports."""
    from appliance.sources.demo import DemoSource
    from appliance.sources.keypoints_file import write_keypoints_jsonl

    path = tmp_path / "demo.jsonl"
    frames = ((f.t_s, f.pose) for f in DemoSource("drill", sets=1).frames())
    write_keypoints_jsonl(path, frames, width=640, height=480, fps=30.0)
    done = hinge_mirror("bench", str(path), "--soak", "0.05", "--mode", "drill")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].split() == ["elapsed", "s", "frames", "RSS", "MB", "threads", "files"]
    assert "RSS" in lines[-1]
    assert "open files" in lines[-1]


def test_the_mirror_without_a_screen_says_so_instead_of_drawing_nowhere(monkeypatch):
    """SDL quietly falls back to an off-screen driver; fullscreen, that is an error (exit 4)."""
    monkeypatch.delenv("SDL_VIDEODRIVER", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    done = hinge_mirror("run", "--source", "demo")
    assert done.returncode == 4, done.stderr
    assert "no screen" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_screen_that_comes_later_is_waited_for(monkeypatch):
    from appliance.display import window
    from appliance.errors import DisplayUnavailable

    tries: list[str] = []
    waits: list[float] = []

    class LateScreen:
        def __init__(self, windowed: bool) -> None:
            tries.append("open")
            if len(tries) < 3:
                raise DisplayUnavailable("no screen yet")

    monkeypatch.setattr(window, "PygameDisplay", LateScreen)
    screen = window.open_display(
        False, (2.0, 4.0, 8.0), on_retry=waits.append, sleep=lambda s: None
    )
    assert isinstance(screen, LateScreen)
    assert waits == [2.0, 4.0]

    class NoScreen:
        def __init__(self, windowed: bool) -> None:
            raise DisplayUnavailable("the monitor is off")

    monkeypatch.setattr(window, "PygameDisplay", NoScreen)
    with pytest.raises(DisplayUnavailable, match="monitor is off"):
        window.open_display(False, (1.0,), sleep=lambda s: None)
