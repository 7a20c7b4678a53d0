"""``hinge-mirror analyze`` as a user meets it: a report that matches interfaces.md, the
keypoints and annotated video it writes, and every bad input as exit 2 with one line —
or, when nobody is in the clip, a report that says so."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from appliance.analyze.report import validate_report
from appliance.sources import VideoSource, open_source
from appliance.synthetic import make_set
from tests.test_cli import assert_one_line_error, hinge_mirror
from tests.test_sources_video import cut, write_video

SHARED = Path(__file__).resolve().parents[2] / "shared"
COACH_DEMO = SHARED / "media" / "coach-demos" / "Deadlift_edited7.mp4"
HEADER = {"format": "movenet-keypoints", "version": 1, "width": 640, "height": 480, "fps": 30}


def analyze(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return hinge_mirror("analyze", *map(str, args))


def json_report(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """The report a ``--json -`` run printed; stdout must be nothing but that JSON."""
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    validate_report(report)
    return report


def count_video_frames(path: Path) -> tuple[int, tuple[int, int]]:
    capture = cv2.VideoCapture(str(path))
    assert capture.isOpened(), f"{path} does not open as a video"
    size = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    count = 0
    while capture.read()[0]:
        count += 1
    capture.release()
    return count, size


def write_jsonl(path: Path, frames: list[object], header: dict[str, Any] = HEADER) -> Path:
    lines = [json.dumps(header)] + [json.dumps(frame) for frame in frames]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- a synthetic set from its keypoints file ------------------------------------------------


@pytest.fixture(scope="module")
def five_rep_set(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A 5-rep synthetic deadlift set (side view, noisy; the lifter walks into an empty
    frame and out again) as a keypoints file,
    analysed by the real CLI with ``--json -`` and ``--keypoints-out``, with no model
    installed (a keypoints file must not need one)."""
    folder = tmp_path_factory.mktemp("five-reps")
    lifter = make_set("deadlift", reps=5, seed=3, walk_in=True, leave=True)
    source = lifter.write_jsonl(folder / "set.jsonl")
    keypoints_out = folder / "out.jsonl"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HINGE_MIRROR_MODEL_DIR", str(folder / "no-models-here"))
        done = analyze(source, "--json", "-", "--keypoints-out", keypoints_out)
    return {"lifter": lifter, "source": source, "done": done, "keypoints_out": keypoints_out}


def test_a_synthetic_set_gives_a_valid_report_on_stdout_without_loading_the_model(five_rep_set):
    report = json_report(five_rep_set["done"])
    lifter = five_rep_set["lifter"]
    assert report["source"] == str(five_rep_set["source"])
    assert report["mode"] == "deadlift"
    assert report["frames"] == len(lifter.poses)
    assert report["fps"] == 30.0
    assert report["duration_s"] == pytest.approx(lifter.duration_s, abs=1e-3)
    assert report["person_seen"] is True
    assert report["complete"] is True
    assert "Mode" in five_rep_set["done"].stderr  # the summary went to stderr, not stdout


def test_a_synthetic_five_rep_set_counts_five_reps_in_side_view(five_rep_set):
    report = json_report(five_rep_set["done"])
    assert len(report["reps"]) == 5
    assert report["view"] == "side"
    truth = five_rep_set["lifter"].reps
    for rep, true_rep in zip(report["reps"], truth, strict=True):
        assert rep["start_s"] <= true_rep.bottom_s <= rep["end_s"]


def test_the_keypoints_written_read_back_as_the_same_frames(five_rep_set):
    assert five_rep_set["done"].returncode == 0, five_rep_set["done"].stderr
    lifter = five_rep_set["lifter"]
    with open_source(str(five_rep_set["keypoints_out"])) as source:
        frames = list(source.frames())
    assert (source.width, source.height, source.nominal_fps) == (640, 480, 30.0)
    assert len(frames) == len(lifter.poses)
    for frame, pose in zip(frames, lifter.poses, strict=True):
        assert frame.t_s == pytest.approx(frame.index / 30.0, abs=1e-6)
        if pose is None:
            assert frame.pose is None
        else:
            assert frame.pose is not None
            np.testing.assert_allclose(frame.pose.yx_score, pose.yx_score, atol=1e-4)
    assert any(pose is None for pose in lifter.poses), "the set should have empty frames too"


# --- nobody in the clip ---------------------------------------------------------------------


def test_a_keypoints_file_with_nobody_in_it_reports_no_person_seen(tmp_path):
    source = write_jsonl(
        tmp_path / "empty-room.jsonl", [{"t_s": i / 30, "keypoints": None} for i in range(90)]
    )
    report = json_report(analyze(source, "--json", "-"))
    assert report["person_seen"] is False
    assert report["view"] == "unknown"
    assert report["reps"] == []
    assert report["frames"] == 90
    summary = analyze(source)
    assert summary.returncode == 0, summary.stderr
    assert "No person was seen in this clip" in summary.stdout


def test_a_keypoints_file_with_no_frames_reports_no_person_seen(tmp_path):
    report = json_report(analyze(write_jsonl(tmp_path / "header-only.jsonl", []), "--json", "-"))
    assert (report["frames"], report["person_seen"], report["reps"]) == (0, False, [])
    assert report["duration_s"] == 0.0


def test_a_video_of_an_empty_room_reports_no_person_seen(model_dir, tmp_path):
    clip = write_video(tmp_path / "empty-room.mp4", frames=20, size=(192, 128), rgb=(40, 40, 40))
    out = tmp_path / "report.json"
    done = analyze(clip, "--json", out)
    assert done.returncode == 0, done.stderr
    assert "No person was seen in this clip" in done.stdout
    report = json.loads(out.read_text())
    validate_report(report)
    assert (report["person_seen"], report["view"], report["frames"]) == (False, "unknown", 20)


# --- annotated video --------------------------------------------------------------------------


def test_an_annotated_real_clip_has_every_frame_at_the_source_size(model_dir, tmp_path):
    if not COACH_DEMO.exists():
        pytest.skip(f"{COACH_DEMO} is not here (the shared folder next to the repository)")
    with VideoSource(COACH_DEMO) as source:
        decoded = sum(1 for _ in source.frames())
    out = tmp_path / "annotated.mp4"
    done = analyze(COACH_DEMO, "--annotate", out, "--json", tmp_path / "r.json")
    assert done.returncode == 0, done.stderr
    assert count_video_frames(out) == (decoded, (640, 360))
    assert json.loads((tmp_path / "r.json").read_text())["frames"] == decoded


def test_a_keypoints_file_is_annotated_on_black_frames_of_its_size(tmp_path):
    source = make_set("drill", reps=1, width=320, height=240, seed=1).write_jsonl(
        tmp_path / "drill.jsonl"
    )
    out = tmp_path / "drill.mp4"
    done = analyze(source, "--annotate", out, "--mode", "drill")
    assert done.returncode == 0, done.stderr
    frames = sum(1 for line in source.read_text().splitlines()[1:] if line.strip())
    assert count_video_frames(out) == (frames, (320, 240))
    capture = cv2.VideoCapture(str(out))
    for _ in range(frames // 2):
        ok, middle = capture.read()
    capture.release()
    assert ok
    bottom_right = middle[120:, 160:]  # away from the text panel: only the skeleton is there
    assert np.median(bottom_right) < 10, "the background should be black"
    assert bottom_right.max() > 150, "the skeleton should be drawn"


# --- a source cut short ------------------------------------------------------------------------


def test_a_video_cut_short_keeps_what_was_found_then_exits_2(model_dir, tmp_path):
    whole = write_video(tmp_path / "whole.avi", frames=40, fourcc="MJPG", size=(192, 128))
    clip = cut(whole, tmp_path / "cut.avi", 0.8)
    report_path, keypoints = tmp_path / "report.json", tmp_path / "kp.jsonl"
    done = analyze(clip, "--json", report_path, "--keypoints-out", keypoints)
    assert_one_line_error(done, 2, "cut.avi")
    report = json.loads(report_path.read_text())
    validate_report(report)
    assert report["complete"] is False
    assert 20 <= report["frames"] < 40
    with open_source(str(keypoints)) as source:
        assert len(list(source.frames())) == report["frames"]


# --- bad input: exit 2 and one line, before any heavy work -------------------------------------


def test_an_unknown_mode_is_exit_2(tmp_path):
    source = write_jsonl(tmp_path / "set.jsonl", [])
    assert_one_line_error(analyze(source, "--mode", "squat"), 2, "squat")


def test_a_missing_source_is_exit_2_naming_it(tmp_path):
    assert_one_line_error(analyze(tmp_path / "no-such-clip.mp4"), 2, "no-such-clip.mp4")


def test_a_text_file_named_mp4_is_exit_2(tmp_path):
    notes = tmp_path / "notes.mp4"
    notes.write_text("pull day: deadlifts 5x5\n" * 40)
    assert_one_line_error(analyze(notes), 2, "notes.mp4")


@pytest.mark.parametrize(
    ("flag", "name"),
    [("--json", "report.json"), ("--keypoints-out", "kp.jsonl"), ("--annotate", "out.mp4")],
)
def test_an_output_in_a_missing_folder_is_exit_2_and_nothing_is_written(tmp_path, flag, name):
    source = write_jsonl(tmp_path / "set.jsonl", [{"t_s": 0.0, "keypoints": None}])
    target = tmp_path / "no-such-folder" / name
    done = analyze(source, flag, target)
    assert_one_line_error(done, 2, "no-such-folder")
    assert done.stdout == ""
    assert not target.parent.exists()


@pytest.mark.parametrize(("flag", "name"), [("--keypoints-out", "kp.csv"), ("--annotate", "a.gif")])
def test_an_output_with_the_wrong_kind_of_name_is_exit_2(tmp_path, flag, name):
    source = write_jsonl(tmp_path / "set.jsonl", [])
    assert_one_line_error(analyze(source, flag, tmp_path / name), 2, name)


def test_a_camera_is_not_something_to_analyze():
    assert_one_line_error(analyze("webcam:0"), 2, "hinge-mirror run")


def test_writing_the_keypoints_over_the_source_is_refused(tmp_path):
    source = write_jsonl(tmp_path / "set.jsonl", [{"t_s": 0.0, "keypoints": None}])
    before = source.read_text()
    assert_one_line_error(analyze(source, "--keypoints-out", source), 2, "overwrite")
    assert source.read_text() == before


def _pixels_near(canvas: Any, bgr: tuple[int, int, int], tolerance: int = 40) -> int:
    return int((np.abs(canvas.astype(int) - np.array(bgr)).max(axis=2) <= tolerance).sum())


def test_the_annotated_video_colours_and_names_things_as_the_mirror_does():
    # A squatted rep is not drawn green, its fault reads as words, a safety cue is red,
    # and a movement in progress gets no rep number the report may never hold.
    from appliance.analyze.annotate import render_step
    from appliance.pipeline import Step
    from appliance.types import CueEvent, FormUpdate, Frame, Rep

    frame = Frame(index=30, t_s=1.0, width=640, height=360)
    form = FormUpdate(t_s=1.0, view="side", phase="descending", rep_count=1)
    rep = Rep(1, 0.0, 0.5, 0.9, ("squatting",), 75, {}, {})
    cue = CueEvent(t_s=0.95, text="Flat back - chest proud", kind="fault", severity="safety")
    canvas = render_step(Step(frame, None, form, ()), (640, 360), cue, rep)
    amber, green, red = (0, 196, 255), (100, 230, 60), (40, 72, 255)  # BGR
    assert _pixels_near(canvas, amber) > 50
    assert _pixels_near(canvas, green) == 0
    assert _pixels_near(canvas, (120, 230, 120)) == 0  # the green every rep used to get
    assert _pixels_near(canvas, red) > 50
