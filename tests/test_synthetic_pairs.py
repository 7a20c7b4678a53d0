"""Two cameras, one performance: the synthetic lifter seen by the mirror's front camera
and a second camera beside them (issue 12's test material).

Each test is a situation the fused evaluator will meet. Times on the front camera's clock
are "world" times; a side frame at ``t`` on its own clock was taken at
``t + side_offset_s`` on the front's.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from appliance.evaluate.labels import load_labels
from appliance.sources.keypoints_file import KeypointsData, read_keypoints_jsonl
from appliance.synthetic import Noise
from appliance.synthetic.__main__ import main
from appliance.synthetic.failures import fail_side
from appliance.synthetic.lifter import SyntheticSet
from appliance.synthetic.pair_corpus import PAIR_KEYS, side_alone, write_pair_corpus
from appliance.synthetic.pairs import PAIR_SCENARIOS, make_pair
from appliance.synthetic.scenarios import make_scenario
from appliance.types import KEYPOINT_INDEX
from tests.test_synthetic_scenarios import point

CLEAN = Noise.none()
Pair = tuple[SyntheticSet, SyntheticSet, dict[str, Any]]
_MADE: dict[str, Pair] = {}


def pair(name: str, seed: int = 1, **kwargs: Any) -> Pair:
    """``make_pair``, made once per test session for the same arguments."""
    key = repr((name, seed, sorted(kwargs.items())))
    if key not in _MADE:
        _MADE[key] = make_pair(name, seed, **kwargs)
    return _MADE[key]


def file_track(data: KeypointsData, name: str) -> np.ndarray:
    """Like ``track``, from a keypoints file read back."""
    i, j = KEYPOINT_INDEX[f"left_{name}"], KEYPOINT_INDEX[f"right_{name}"]
    yx = data.yx_score[:, [i, j], :2].mean(axis=1) * np.array([data.height, data.width])
    yx[~data.present] = np.nan
    return yx[:, ::-1]


def lowest_moment(t_world: np.ndarray, shoulder_y: np.ndarray, rep: dict[str, Any]) -> float:
    """When, on the front's clock, the shoulders are lowest in a rep: the middle of the
    frames within 5 % of the rep's range from its lowest point."""
    inside = (t_world >= rep["start_s"]) & (t_world <= rep["end_s"])
    y = np.where(inside, shoulder_y, np.nan)
    low, high = np.nanmax(y), np.nanmin(y)
    return float(t_world[inside & (shoulder_y >= low - 0.05 * (low - high))].mean())


def width_ratios(s: SyntheticSet) -> np.ndarray:
    """Shoulder width over torso length per frame: small side-on, large facing the camera."""
    i, j = KEYPOINT_INDEX["left_shoulder"], KEYPOINT_INDEX["right_shoulder"]
    nan = np.full(2, np.nan)
    across = np.array([nan if p is None else p.xy_px[i] - p.xy_px[j] for p in s.poses])
    return np.abs(across[:, 0]) / torso_lengths(s)


def torso_lengths(s: SyntheticSet) -> np.ndarray:
    """Hip-to-shoulder length per frame, pixels."""
    return np.linalg.norm(point(s, "shoulder") - point(s, "hip"), axis=1)


def frame_at(s: SyntheticSet, t_world: float, offset_s: float = 0.0) -> int:
    """The frame of ``s`` nearest a time on the front's clock."""
    return round((t_world - offset_s) * s.fps)


# --- one performance, two clocks -----------------------------------------------------------


@pytest.mark.parametrize("name", ["front_set", "floor_setup_start", "walk_in_turn"])
@pytest.mark.parametrize("offset", [1.25, -1.7])
def test_both_files_show_each_rep_at_the_same_moment_once_the_offset_is_added(
    tmp_path: Path, name: str, offset: float
) -> None:
    front, side, entry = pair(
        name,
        2,
        reps=3,
        noise=CLEAN,
        side_noise=CLEAN,
        fps=30.0,
        side_fps=15.0,
        side_offset_s=offset,
    )
    front_data = read_keypoints_jsonl(front.write_jsonl(tmp_path / "front.jsonl"))
    side_data = read_keypoints_jsonl(side.write_jsonl(tmp_path / "side.jsonl"))
    assert entry["side_offset_s"] == offset
    front_world = front_data.t_s
    side_world = side_data.t_s + entry["side_offset_s"]  # the documented sign
    assert side_world[0] == pytest.approx(offset)
    seen = [rep for rep in entry["rep_labels"] if rep["start_s"] >= side_world[0]]
    assert len(seen) >= 2  # a side camera starting late misses the start of the first rep
    for rep in seen:
        at_front = lowest_moment(front_world, file_track(front_data, "shoulder")[:, 1], rep)
        at_side = lowest_moment(side_world, file_track(side_data, "shoulder")[:, 1], rep)
        assert abs(at_front - at_side) <= 1 / 15  # one frame of the slower camera


def test_the_side_camera_shows_the_trunk_angle_the_lifter_has_at_that_moment() -> None:
    front, side, entry = pair(
        "front_set", 3, reps=4, noise=CLEAN, side_noise=CLEAN, side_offset_s=0.8, side_fps=60.0
    )
    torso = point(side, "shoulder") - point(side, "hip")
    seen = np.degrees(np.arctan2(np.abs(torso[:, 0]), -torso[:, 1]))
    local = np.arange(len(side.poses)) / side.fps

    def truth(offset: float) -> np.ndarray:
        return np.interp(local + offset, front.angles.t_s, front.angles.trunk_deg)

    lifting = (local + 0.8 > entry["rep_labels"][0]["start_s"]) & np.isfinite(seen)
    right = np.abs(seen - truth(entry["side_offset_s"]))[lifting]
    wrong = np.abs(seen - truth(-entry["side_offset_s"]))[lifting]
    assert np.median(right) < 2.0
    assert np.percentile(right, 95) < 5.0
    assert np.median(wrong) > 5 * np.median(right)


def test_the_labels_are_one_set_s_and_the_side_reps_are_theirs_moved_by_the_offset() -> None:
    front, side, entry = pair("front_set", 4, faults={2: frozenset({"rounded_back"})}, reps=3)
    _, single = make_scenario("front_set", 4, faults={2: frozenset({"rounded_back"})}, reps=3)
    assert entry["rep_labels"] == single["rep_labels"]
    assert entry["view"] == "front"
    assert [r["faults"] for r in entry["rep_labels"]] == [[], ["rounded_back"], []]
    offset = entry["side_offset_s"]
    for f, s in zip(front.reps, side.reps, strict=True):
        assert s.faults == f.faults
        assert s.start_s == pytest.approx(f.start_s - offset)
        assert s.end_s == pytest.approx(f.end_s - offset)


def test_a_drawn_side_camera_starts_within_two_seconds_and_before_the_first_rep() -> None:
    for seed in range(8):
        for name in ("front_set", "floor_setup_start"):
            _, side, entry = pair(name, seed)
            assert -2.0 <= entry["side_offset_s"] <= 2.0
            assert entry["side_offset_s"] <= entry["rep_labels"][0]["start_s"]
            assert side.reps[0].start_s >= 0.0


# --- what each camera sees -----------------------------------------------------------------


@pytest.mark.parametrize(("second", "lo", "hi"), [("side", 0.0, 0.25), ("oblique", 0.3, 0.7)])
def test_the_front_camera_sees_the_lifter_square_on_and_the_second_from_its_place(
    second: str, lo: float, hi: float
) -> None:
    front, side, entry = pair(
        "front_set", 5, second=second, reps=3, noise=CLEAN, side_noise=CLEAN, side_offset_s=-1.0
    )
    first = entry["rep_labels"][0]["start_s"]
    offset = entry["side_offset_s"]
    standing_front = slice(frame_at(front, first - 1.0), frame_at(front, first))
    standing_side = slice(frame_at(side, first - 1.0, offset), frame_at(side, first, offset))
    assert np.nanmedian(width_ratios(front)[standing_front]) > 0.6
    assert lo < np.nanmedian(width_ratios(side)[standing_side]) < hi
    assert (front.view, side.view, entry["second_view"]) == ("front", second, second)
    # At the bottom of each rep the trunk leans toward the mirror: from the front the torso
    # looks much shorter than standing; from the side it keeps its length.
    front_torso, side_torso = torso_lengths(front), torso_lengths(side)
    for rep in front.reps:
        f_bottom, s_bottom = frame_at(front, rep.bottom_s), frame_at(side, rep.bottom_s, offset)
        assert front_torso[f_bottom] < 0.6 * np.nanmedian(front_torso[standing_front])
        if second == "side":
            assert side_torso[s_bottom] > 0.9 * np.nanmedian(side_torso[standing_side])


def test_a_lifter_walking_in_across_the_mirror_comes_toward_the_side_camera() -> None:
    front, side, entry = pair("walk_in_turn", 6, walk_from="left", reps=2, noise=CLEAN)
    offset = entry["side_offset_s"]
    first = entry["rep_labels"][0]["start_s"]
    height = (point(side, "ankle") - point(side, "nose"))[:, 1]
    seen = np.flatnonzero(np.isfinite(height))
    assert height[seen[0]] < 0.8 * height[frame_at(side, first, offset)]  # far back, small
    across_side = np.ptp(point(side, "hip")[: frame_at(side, first, offset), 0][seen[:5]])
    front_hip = point(front, "hip")[: frame_at(front, first), 0]
    assert np.nanmin(front_hip) < 0.25 * front.width  # enters at the front picture's left
    assert across_side < 0.2 * side.width  # ... and comes straight at the side camera


# --- each camera its own ---------------------------------------------------------------------


def test_each_camera_keeps_its_own_frame_rate_frame_size_and_recording_span(
    tmp_path: Path,
) -> None:
    front, side, entry = pair(
        "floor_walk_in",
        7,
        fps=30.0,
        width=640,
        height=480,
        side_fps=60.0,
        side_width=1280,
        side_height=720,
        side_offset_s=-0.5,
        side_tail_s=0.4,
    )
    front_data = read_keypoints_jsonl(front.write_jsonl(tmp_path / "front.jsonl"))
    side_data = read_keypoints_jsonl(side.write_jsonl(tmp_path / "side.jsonl"))
    assert (front_data.fps, front_data.width, front_data.height) == (30.0, 640, 480)
    assert (side_data.fps, side_data.width, side_data.height) == (60.0, 1280, 720)
    assert np.diff(front_data.t_s) == pytest.approx(1 / 30, abs=1e-5)
    assert np.diff(side_data.t_s) == pytest.approx(1 / 60, abs=1e-5)
    assert front_data.t_s[0] == side_data.t_s[0] == 0.0
    side_end = side_data.t_s[-1] + entry["side_offset_s"]
    assert side_end == pytest.approx(front_data.t_s[-1] + 0.4, abs=2 / 30)
    tags = entry["tags"]
    assert (tags["fps"], tags["side_fps"], tags["side_width"]) == (30, 60, 1280)


def test_each_camera_draws_its_own_pose_model_noise() -> None:
    same_clock = {"fps": 30.0, "side_fps": 30.0, "side_offset_s": 0.0}
    front, side, _ = pair("front_set", 8, reps=3, **same_clock)
    clean_front, clean_side, _ = pair(
        "front_set", 8, reps=3, noise=CLEAN, side_noise=CLEAN, **same_clock
    )
    residuals = []
    for noisy, clean in ((front, clean_front), (side, clean_side)):
        residuals.append(point(noisy, "nose")[:, 0] - point(clean, "nose")[:, 0])
    n = min(len(r) for r in residuals)
    a, b = residuals[0][:n], residuals[1][:n]
    both = np.isfinite(a) & np.isfinite(b) & (np.abs(a) < 20) & (np.abs(b) < 20)
    assert both.sum() > 200
    assert abs(np.corrcoef(a[both], b[both])[0, 1]) < 0.15
    missing_front = [p is None for p in front.poses[:n]]
    missing_side = [p is None for p in side.poses[:n]]
    assert missing_front != missing_side


def test_changing_one_camera_leaves_the_other_camera_s_file_as_it_was() -> None:
    front, side, _ = pair("walk_in_turn", 9)
    front2, _, _ = pair("walk_in_turn", 9, side_noise=CLEAN, side_fps=60.0, side_offset_s=1.0)
    _, side2, _ = pair("walk_in_turn", 9, noise=CLEAN, jitter_px=3.0)
    assert _same_poses(front, front2)
    assert _same_poses(side, side2)


def _same_poses(a: SyntheticSet, b: SyntheticSet) -> bool:
    if len(a.poses) != len(b.poses):
        return False
    return all(
        (p is None and q is None)
        or (p is not None and q is not None and np.array_equal(p.yx_score, q.yx_score))
        for p, q in zip(a.poses, b.poses, strict=True)
    )


# --- a side camera that fails mid-set ------------------------------------------------------


def _failing(kind: str) -> tuple[Pair, Pair, float]:
    args: dict[str, Any] = {"reps": 4, "side_offset_s": 0.6, "side_fps": 30.0}
    whole = pair("front_set", 10, **args)
    second_rep = whole[2]["rep_labels"][1]
    at = round((second_rep["start_s"] + second_rep["end_s"]) / 2, 3)
    return whole, pair("front_set", 10, side_fails_at_s=at, side_failure=kind, **args), at


def test_a_side_camera_that_stalls_repeats_its_last_picture_while_the_frames_go_on() -> None:
    (front, side, _), (front2, stalled, entry), at = _failing("stall")
    first = math.ceil((at - 0.6) * stalled.fps - 1e-6)  # first frame at or after it
    assert len(stalled.poses) == len(side.poses)
    frozen = stalled.poses[first - 1]
    assert frozen is not None
    assert all(
        p is not None and np.array_equal(p.yx_score, frozen.yx_score) for p in stalled.poses[first:]
    )
    assert all(
        p is not None and p.t_s == pytest.approx(i / 30)
        for i, p in enumerate(stalled.poses)
        if i >= first
    )
    moving = [p for p in stalled.poses[first - 10 : first] if p is not None]
    assert not all(np.array_equal(p.yx_score, frozen.yx_score) for p in moving[:-1])
    assert entry["side_failure"] == {"kind": "stall", "at_s": at}
    assert entry["tags"]["side_failure"] == "stall"
    assert _same_poses(front, front2)


def test_a_side_camera_that_drops_sends_no_frame_after_the_failure() -> None:
    (_, side, _), (_, dropped, entry), at = _failing("drop")
    last_world = (len(dropped.poses) - 1) / dropped.fps + entry["side_offset_s"]
    assert at - 1 / dropped.fps <= last_world < at
    assert _same_poses(dropped, replace(side, poses=side.poses[: len(dropped.poses)]))
    assert len(dropped.angles.t_s) == len(dropped.poses)
    assert entry["side_failure"] == {"kind": "drop", "at_s": at}


def test_a_side_camera_that_goes_blank_sends_frames_with_nobody_in_them() -> None:
    (_, side, _), (_, blank, entry), at = _failing("blank")
    assert entry["side_failure"] == {"kind": "blank", "at_s": at}
    first = math.ceil((at - 0.6) * blank.fps - 1e-6)
    assert len(blank.poses) == len(side.poses)
    assert all(p is None for p in blank.poses[first:])
    assert blank.poses[first - 1] is not None or side.poses[first - 1] is None


def test_a_failure_outside_the_side_recording_is_refused() -> None:
    _, side, entry = pair("front_set", 10, reps=4, side_offset_s=0.6, side_fps=30.0)
    with pytest.raises(ValueError, match="cannot fail"):
        fail_side(side, entry, 0.5, "stall")  # before its first frame
    with pytest.raises(ValueError, match="side_failure"):
        fail_side(side, entry, 5.0, "smoke")


# --- what a pair can be --------------------------------------------------------------------


def test_only_a_lifter_facing_the_mirror_makes_a_pair() -> None:
    with pytest.raises(ValueError, match="no pair"):
        make_pair("side_set", 1)
    with pytest.raises(ValueError, match="faces the mirror"):
        make_pair("front_set", 1, view="side")
    with pytest.raises(ValueError, match="second"):
        make_pair("front_set", 1, second="rear")


@pytest.mark.parametrize("name", PAIR_SCENARIOS)
def test_every_pair_class_is_labelled_for_both_cameras(name: str) -> None:
    front, side, entry = pair(name, 11, second="oblique" if len(name) % 2 else "side")
    assert entry["reps"] == len(front.reps) == len(side.reps)
    assert entry["view"] in ("front", None)
    assert side.view == (None if entry["view"] is None else entry["second_view"])
    assert entry["side_failure"] is None
    assert sum(p is not None for p in side.poses) > 0.3 * len(side.poses)


# --- the corpus ----------------------------------------------------------------------------


def test_a_pair_corpus_is_byte_identical_for_the_same_seed_and_loads_as_labels(
    tmp_path: Path,
) -> None:
    args: dict[str, Any] = {"second": "mixed", "fail_share": 0.5}
    summary = write_pair_corpus(tmp_path / "a", 21, 6, **args)
    write_pair_corpus(tmp_path / "b", 21, 6, **args)
    write_pair_corpus(tmp_path / "c", 22, 6, **args)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(names) == 2 * 6 + 3
    assert all(
        (tmp_path / "a" / n).read_bytes() == (tmp_path / "b" / n).read_bytes() for n in names
    )
    assert (tmp_path / "a" / "labels.json").read_bytes() != (
        tmp_path / "c" / "labels.json"
    ).read_bytes()
    labels = json.loads((tmp_path / "a" / "labels.json").read_text())
    for number, entry in enumerate(labels["files"], start=1):
        assert entry["path"] == f"set-{number:04d}.front.jsonl"
        assert entry["side_path"] == f"set-{number:04d}.side.jsonl"
        assert entry["second_view"] in ("side", "oblique")
        assert -2.0 <= entry["side_offset_s"] <= 2.0
        failure = entry["side_failure"]
        assert failure is None or failure["kind"] in ("stall", "drop", "blank")
    assert summary.sets == 6
    assert summary.failing == sum(e["side_failure"] is not None for e in labels["files"])
    # One camera at a time: plain labels files that evaluate reads today.
    front_only = load_labels(tmp_path / "a" / "labels.front.json")
    side_only = load_labels(tmp_path / "a" / "labels.side.json")
    assert [r.path for r in front_only.recordings] == [e["path"] for e in labels["files"]]
    assert [r.path for r in side_only.recordings] == [e["side_path"] for e in labels["files"]]
    plain = json.loads((tmp_path / "a" / "labels.front.json").read_text())["files"]
    assert not any(key in entry for entry in plain for key in PAIR_KEYS)


def test_the_side_only_labels_keep_the_reps_the_side_camera_saw_whole_on_its_own_clock(
    tmp_path: Path,
) -> None:
    _, side, entry = pair("front_set", 12, reps=5, side_offset_s=-1.0)
    cut = (entry["rep_labels"][2]["start_s"] + entry["rep_labels"][2]["end_s"]) / 2
    side, entry = fail_side(side, entry, cut, "drop")
    alone = side_alone({**entry, "side_path": "s.jsonl"}, side)
    assert alone["reps"] == 2  # reps 1 and 2; rep 3 was cut short, 4 and 5 never seen
    assert alone["view"] == "side"
    for kept, rep in zip(alone["rep_labels"], entry["rep_labels"], strict=False):
        assert kept["start_s"] == pytest.approx(rep["start_s"] + 1.0)
        assert kept["faults"] == rep["faults"]
    assert alone["tags"]["fps"] == entry["tags"]["side_fps"]


def test_the_corpus_command_writes_camera_pairs(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "pairs"
    argv = ["--pairs", "--out", str(out), "--seed", "3", "--sets", "2", "--second", "oblique"]
    assert main([*argv, "--fps-list", "15", "60"]) == 0
    assert "camera pairs" in capsys.readouterr().out
    labels = json.loads((out / "labels.json").read_text())
    assert [e["second_view"] for e in labels["files"]] == ["oblique", "oblique"]
    assert {e["tags"]["fps"] for e in labels["files"]} <= {15, 60}
    assert {e["tags"]["side_fps"] for e in labels["files"]} <= {15, 60}
    assert (out / "set-0002.side.jsonl").is_file()
    assert main(["--out", str(tmp_path / "x"), "--second", "side"]) == 2
    assert main([*argv, "--side-failures", "1.5"]) == 2
