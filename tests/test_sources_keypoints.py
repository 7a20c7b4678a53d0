"""The keypoints JSONL file: what the writer writes, the reader reads back, and every
malformed line is a ``BadInput`` naming its line."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from appliance.errors import BadInput
from appliance.sources import (
    KeypointsSource,
    KeypointsWriter,
    open_source,
    read_keypoints_jsonl,
    write_keypoints_jsonl,
)
from appliance.types import Pose

HEADER = {"format": "movenet-keypoints", "version": 1, "width": 640, "height": 480, "fps": 30}
ROW = [0.5, 0.25, 0.9]
GOOD = {"t_s": 0.0, "keypoints": [ROW] * 17}


def pose(t_s: float, value: float = 0.5, present: bool = True) -> Pose:
    return Pose(np.full((17, 3), value, np.float32), 640, 480, t_s, present)


def write_lines(path: Path, *lines: object) -> Path:
    """Write ``lines`` (dicts as JSON, strings as they are) one per line."""
    text = "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines)
    path.write_text(text, encoding="utf-8")
    return path


# --- round trip ------------------------------------------------------------------------------

coordinates = arrays(
    np.float32,
    (17, 3),
    elements=st.floats(-0.5, 1.5, width=32, allow_nan=False, allow_infinity=False),
)
frame_plans = st.lists(
    st.tuples(st.floats(1e-3, 2.0), st.one_of(st.none(), coordinates)), max_size=25
)


@settings(
    max_examples=60,
    deadline=None,
    database=None,  # tests write only to tmp_path
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(plan=frame_plans, fps=st.one_of(st.none(), st.floats(1.0, 240.0)))
def test_what_the_writer_writes_the_reader_reads_back(tmp_path, plan, fps):
    path = tmp_path / "round.jsonl"
    t_s, written = 0.0, []
    for step, yx_score in plan:
        t_s += step
        written.append((t_s, None if yx_score is None else Pose(yx_score, 320, 240, t_s, True)))
    count = write_keypoints_jsonl(path, written, width=320, height=240, fps=fps)
    assert count == len(written)
    source = KeypointsSource(path)
    frames = list(source.frames())
    assert (source.width, source.height) == (320, 240)
    assert source.nominal_fps == (None if fps is None else pytest.approx(fps))
    assert len(frames) == len(written)
    for index, (frame, (t, original)) in enumerate(zip(frames, written, strict=True)):
        assert frame.index == index
        assert frame.image is None
        assert frame.t_s == pytest.approx(t, abs=1e-6)
        assert (frame.width, frame.height) == (320, 240)
        if original is None:
            assert frame.pose is None
        else:
            assert frame.pose is not None
            assert frame.pose.yx_score.dtype == np.float32
            assert frame.pose.person_present
            assert frame.pose.t_s == frame.t_s
            np.testing.assert_allclose(frame.pose.yx_score, original.yx_score, atol=1e-5)


def test_a_pose_without_a_person_is_written_as_null(tmp_path):
    path = tmp_path / "k.jsonl"
    write_keypoints_jsonl(path, [(0.0, pose(0.0, present=False))], width=640, height=480, fps=30)
    assert json.loads(path.read_text().splitlines()[1]) == {"t_s": 0.0, "keypoints": None}
    (frame,) = KeypointsSource(path).frames()
    assert frame.pose is None


def test_the_writer_header_is_the_documented_one(tmp_path):
    path = tmp_path / "k.jsonl"
    with KeypointsWriter(path, width=1920, height=1080, fps=29.97) as writer:
        writer.write(0.0333, pose(0.0333))
    header, line = path.read_text().splitlines()
    assert json.loads(header) == {
        "format": "movenet-keypoints",
        "version": 1,
        "width": 1920,
        "height": 1080,
        "fps": 29.97,
    }
    assert json.loads(line)["keypoints"] == [[0.5, 0.5, 0.5]] * 17


def test_the_writer_refuses_times_that_do_not_increase(tmp_path):
    with KeypointsWriter(tmp_path / "k.jsonl", width=10, height=10, fps=None) as writer:
        writer.write(1.0, None)
        with pytest.raises(ValueError, match="after"):
            writer.write(1.0, None)
        with pytest.raises(ValueError, match="finite"):
            writer.write(math.nan, None)


def test_the_writer_refuses_non_finite_keypoints(tmp_path):
    bad = pose(0.0)
    bad.yx_score[3, 1] = np.nan
    with (
        KeypointsWriter(tmp_path / "k.jsonl", width=10, height=10, fps=30) as writer,
        pytest.raises(ValueError, match="non-finite"),
    ):
        writer.write(0.0, bad)


def test_a_jsonl_spec_opens_a_keypoints_source_and_blank_lines_are_ignored(tmp_path):
    path = write_lines(tmp_path / "K.JSONL", HEADER, GOOD, "", {"t_s": 0.5, "keypoints": None})
    source = open_source(str(path))
    assert isinstance(source, KeypointsSource)
    assert [(f.index, f.t_s, f.pose is None) for f in source.frames()] == [
        (0, 0.0, False),
        (1, 0.5, True),
    ]
    assert source.description == "keypoints K.JSONL (2 frames, 640x480, 30 fps)"


def test_integer_coordinates_and_times_are_numbers_too(tmp_path):
    path = write_lines(tmp_path / "k.jsonl", HEADER, {"t_s": 1, "keypoints": [[0, 1, 1]] * 17})
    (frame,) = KeypointsSource(path).frames()
    assert frame.t_s == 1.0
    assert frame.pose is not None
    assert frame.pose.yx_score.dtype == np.float32
    assert frame.pose.yx_score[0].tolist() == [0.0, 1.0, 1.0]


# --- malformed lines -------------------------------------------------------------------------

MALFORMED: dict[str, tuple[object, str]] = {
    "bad json": ('{"t_s": 0.1, "keypoints": [', "not valid JSON"),
    "not an object": ("[0.1, null]", "expected a JSON object"),
    "missing t_s": ({"keypoints": None}, "missing t_s"),
    "t_s text": ({"t_s": "0.1", "keypoints": None}, "t_s must be a number"),
    "t_s boolean": ({"t_s": True, "keypoints": None}, "t_s must be a number"),
    "t_s nan": ('{"t_s": NaN, "keypoints": null}', "t_s must be a number"),
    "time repeats": ({"t_s": 0.0, "keypoints": None}, "is not after"),
    "time goes back": ({"t_s": -1.0, "keypoints": None}, "is not after"),
    "missing keypoints": ({"t_s": 0.1}, "missing keypoints"),
    "keypoints not a list": ({"t_s": 0.1, "keypoints": "none"}, "17 [y, x, score] rows"),
    "16 keypoints": ({"t_s": 0.1, "keypoints": [ROW] * 16}, "got 16 rows"),
    "a row of 2": ({"t_s": 0.1, "keypoints": [ROW] * 16 + [[0.1, 0.2]]}, "right_ankle"),
    "a number as a row": ({"t_s": 0.1, "keypoints": [ROW] * 16 + [0.5]}, "right_ankle"),
    "text value": ({"t_s": 0.1, "keypoints": [["a", 0.1, 0.2]] + [ROW] * 16}, "'a'"),
    "null value": ({"t_s": 0.1, "keypoints": [ROW] * 5 + [[None, 1, 1]] + [ROW] * 11}, "None"),
    "boolean value": ({"t_s": 0.1, "keypoints": [[True, 0.1, 0.2]] + [ROW] * 16}, "True"),
    "nan value": ('{"t_s": 0.1, "keypoints": [[NaN, 0.1, 0.2]' + ", [0, 0, 0]" * 16 + "]}", "nan"),
    "huge value": (
        '{"t_s": 0.1, "keypoints": [[1e999, 0.1, 0.2]' + ", [0, 0, 0]" * 16 + "]}",
        "inf",
    ),
}


@pytest.mark.parametrize(("line", "reason"), MALFORMED.values(), ids=MALFORMED.keys())
def test_each_malformed_line_is_rejected_naming_its_line_number(tmp_path, line, reason):
    path = write_lines(tmp_path / "k.jsonl", HEADER, GOOD, line, {"t_s": 9.0, "keypoints": None})
    with pytest.raises(BadInput) as error:
        KeypointsSource(path)
    message = str(error.value)
    assert message.startswith(f"{path} line 3: ")
    assert reason in message
    assert "\n" not in message


def test_the_bad_value_of_a_keypoint_names_the_keypoint(tmp_path):
    keypoints: list[object] = [ROW] * 17
    keypoints[5] = [0.1, "x", 0.3]
    path = write_lines(tmp_path / "k.jsonl", HEADER, {"t_s": 0, "keypoints": keypoints})
    with pytest.raises(BadInput, match=r"line 2: keypoint left_shoulder has 'x'"):
        KeypointsSource(path)


def test_an_earlier_bad_value_is_reported_before_a_later_broken_line(tmp_path):
    bad_value = {"t_s": 0.1, "keypoints": [["a", 0.1, 0.2]] + [ROW] * 16}
    path = write_lines(tmp_path / "k.jsonl", HEADER, GOOD, bad_value, "{broken")
    with pytest.raises(BadInput, match=r" line 3: "):
        KeypointsSource(path)


# --- the header --------------------------------------------------------------------------------

HEADERS: dict[str, tuple[object, str]] = {
    "not json": ("movenet keypoints", "not a keypoints file"),
    "not an object": ("[1, 2]", "not a keypoints file"),
    "other format": ({**HEADER, "format": "coco-keypoints"}, "not a keypoints file"),
    "no format": ({k: v for k, v in HEADER.items() if k != "format"}, "not a keypoints file"),
    "version 2": ({**HEADER, "version": 2}, "unsupported version 2"),
    "width zero": ({**HEADER, "width": 0}, "header width"),
    "height text": ({**HEADER, "height": "480"}, "header height"),
    "no fps": ({k: v for k, v in HEADER.items() if k != "fps"}, "no fps"),
    "negative fps": ({**HEADER, "fps": -30}, "header fps"),
    "a frame line first": (GOOD, "not a keypoints file"),
}


@pytest.mark.parametrize(("header", "reason"), HEADERS.values(), ids=HEADERS.keys())
def test_a_missing_or_bad_header_is_rejected_on_line_1(tmp_path, header, reason):
    path = write_lines(tmp_path / "k.jsonl", header, GOOD)
    with pytest.raises(BadInput) as error:
        open_source(str(path))
    assert str(error.value).startswith(f"{path} line 1: ")
    assert reason in str(error.value)


def test_an_empty_keypoints_file_is_rejected(tmp_path):
    path = tmp_path / "k.jsonl"
    path.write_text("")
    with pytest.raises(BadInput, match="is empty"):
        open_source(str(path))


def test_a_binary_file_named_jsonl_is_rejected(tmp_path):
    path = tmp_path / "k.jsonl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x01" * 10)
    with pytest.raises(BadInput, match="not a"):
        open_source(str(path))


def test_an_unknown_rate_may_be_null_and_a_header_alone_is_zero_frames(tmp_path):
    path = write_lines(tmp_path / "k.jsonl", {**HEADER, "fps": None})
    data = read_keypoints_jsonl(path)
    assert data.fps is None
    assert data.yx_score.shape == (0, 17, 3)
    assert list(KeypointsSource(path).frames()) == []
