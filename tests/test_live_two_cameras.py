"""Two cameras at the mirror (issue 12), as a lifter meets them: the mirror's camera in
front, a second one beside them; what is said, what is kept, what the screen shows, and
how the side camera is set up and checked."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pygame
import pytest

from appliance.coach import CuePolicy
from appliance.coach.phrases import SIDE_CAMERA_LOST, TURN_SIDEWAYS
from appliance.config import parse_config
from appliance.controls import keyboard_events
from appliance.display.examples import example_models, example_pose
from appliance.display.renderer import render, render_boxes
from appliance.display.window import PygameDisplay
from appliance.errors import BadConfig
from appliance.history import HistoryStore
from appliance.live.grabber import FrameGrabber
from appliance.live.loop import LiveLoop, LoopOptions
from appliance.live.session import Session
from appliance.live.side import SideFeed
from appliance.sources.base import SourceBase
from appliance.sources.camera import CameraSource
from appliance.sources.fake_camera import FakeCamera, ManualClock
from appliance.sources.probe import found_line
from appliance.sources.spec import is_camera, parse_camera_number
from appliance.synthetic import make_pair
from appliance.synthetic.lifter import SyntheticSet
from appliance.types import FormUpdate, Frame
from tests.conftest import hinge_mirror
from tests.test_live import HeardCues

SEED = 2  # front_set: five reps facing the mirror; the side camera at 15 fps, 1.1 s late


class Recording(SourceBase):
    """A synthetic camera's recording as a frame source."""

    def __init__(self, synthetic: SyntheticSet) -> None:
        self.synthetic = synthetic
        self.width, self.height = synthetic.width, synthetic.height
        self.nominal_fps = synthetic.fps
        self.description = "synthetic camera"

    def frames(self) -> Iterator[Frame]:
        return self.synthetic.frames()


class Heard(HeardCues):
    """The speaker stand-in of the one-camera tests, read back as text."""

    def texts(self) -> list[str]:
        return [cue.text for cue in self.said]


def lift(
    front: SyntheticSet,
    side: SyntheticSet | None,
    side_offset_s: float = 0.0,
    *,
    store: HistoryStore | None = None,
    record: Path | None = None,
) -> tuple[LiveLoop, Heard]:
    """One set at the mirror through the live loop, every frame of both cameras kept
    (deterministic): the front camera alone when ``side`` is ``None``."""
    heard = Heard()
    grabber = FrameGrabber(lambda: Recording(front), realtime=False, keep_every_frame=True)
    feed = None
    if side is not None:
        side_grabber = FrameGrabber(lambda: Recording(side), realtime=False, keep_every_frame=True)
        feed = SideFeed(side_grabber, None, max_hz=15.0, offset_s=side_offset_s, wait_s=2.0)
    screen = PygameDisplay(windowed=True, size=(640, 360))
    session = Session(front_mode(front), store=store, side_camera=side is not None)
    options = LoopOptions(until_end=True, record_screens=record, display_hz=1000.0)
    loop = LiveLoop(
        grabber, None, session, screen, heard, None, keyboard_events, options, side=feed
    )
    grabber.start()
    if feed is not None:
        feed.grabber.start()
    try:
        assert loop.run() == 0
        loop.finish()
    finally:
        grabber.stop()
        if feed is not None:
            feed.grabber.stop()
        screen.close()
    return loop, heard


def front_mode(front: SyntheticSet) -> str:
    return front.mode


def reps_kept(loop: LiveLoop) -> int:
    summary = loop.session.summary
    return summary.reps if summary is not None else 0


# -- coaching with two cameras ------------------------------------------------------------


def test_a_lifter_facing_the_mirror_with_a_side_camera_never_hears_turn_sideways() -> None:
    front, side, entry = make_pair("front_set", SEED)
    _, heard_alone = lift(front, None)
    assert TURN_SIDEWAYS in heard_alone.texts(), "seen from the front only, they are asked"
    paired, heard = lift(front, side, entry["side_offset_s"])
    assert TURN_SIDEWAYS not in heard.texts()
    assert SIDE_CAMERA_LOST not in heard.texts()
    assert reps_kept(paired) == len(front.reps) == entry["reps"]
    assert paired.side is not None
    assert paired.side.frames > 0


@pytest.mark.parametrize("failure", ["stall", "drop"])
def test_a_side_camera_that_fails_mid_set_is_reported_once_and_the_set_keeps_all_its_reps(
    failure: str, tmp_path: Path
) -> None:
    whole, _, _ = make_pair("front_set", SEED)
    at_s = (whole.reps[1].end_s + whole.reps[2].start_s) / 2  # between reps 2 and 3
    front, side, entry = make_pair("front_set", SEED, side_fails_at_s=at_s, side_failure=failure)
    store = HistoryStore.open(Path(":memory:"))
    loop, heard = lift(front, side, entry["side_offset_s"], store=store, record=tmp_path)
    assert heard.texts().count(SIDE_CAMERA_LOST) == 1
    (lost,) = [cue for cue in heard.said if cue.text == SIDE_CAMERA_LOST]
    assert at_s < lost.t_s < at_s + 2.0, "said soon after the side camera stopped"
    assert loop.session.sets_done == 1
    assert reps_kept(loop) == len(front.reps) == entry["reps"], "no rep lost"
    (kept,) = store.sets()
    assert len(kept.reps) == len(front.reps), "the set is saved with every rep"
    names = [p.name for p in loop.stats.screens]
    assert any("side-lost" in n for n in names), f"the tile never said it: {names}"


def test_the_side_camera_lost_is_said_once_a_set_even_if_it_comes_and_goes() -> None:
    policy = CuePolicy("deadlift")

    def frame(t_s: float, side: str | None) -> list[str]:
        update = FormUpdate(t_s=t_s, view="front", phase="descending", rep_count=0)
        return [e.text for e in policy.update(replace(update, side_camera=side))]

    said = []
    for t_s, state in [(0, "waiting"), (1, "lost"), (2, "ok"), (3, "lost"), (4, "ok"), (5, "lost")]:
        said += frame(t_s, state)
    assert said == [SIDE_CAMERA_LOST]
    never_seen = CuePolicy("deadlift")
    update = FormUpdate(t_s=0.0, view="front", phase="standing", rep_count=0, side_camera="lost")
    assert never_seen.side_camera_cue(update) is None, "a camera never working is not 'lost'"


def test_side_frames_over_the_model_budget_are_skipped_and_reach_the_session_in_time_order() -> (
    None
):
    _, side, entry = make_pair("front_set", 0)  # the side camera at 60 fps
    assert side.fps == 60.0
    grabber = FrameGrabber(lambda: Recording(side), realtime=False, keep_every_frame=True)
    feed = SideFeed(grabber, None, max_hz=15.0, offset_s=entry["side_offset_s"], wait_s=2.0)
    grabber.start()
    try:
        times: list[float] = []
        for t_s in np.arange(0.0, 5.0, 1 / 30):
            taken = [frame.t_s for frame in feed.due(float(t_s))]
            assert all(t <= t_s for t in taken), "a side frame after the front frame"
            times += taken
    finally:
        grabber.stop()
    assert times == sorted(times)
    gaps = np.diff(times)
    assert gaps.min() >= 0.8 / 15 - 1e-9
    assert 13 <= len(times) / (times[-1] - times[0]) <= 16  # about 15 a second, not 60


# -- one clock for two cameras --------------------------------------------------------------


def test_two_cameras_opened_with_one_epoch_time_their_frames_on_one_clock() -> None:
    clock = ManualClock(100.0)
    image = np.zeros((48, 64, 3), np.uint8)
    front = CameraSource(FakeCamera([image] * 3), clock=clock, epoch_s=100.0)
    side = CameraSource(FakeCamera([image] * 3), clock=clock, epoch_s=100.0)
    alone = CameraSource(FakeCamera([image] * 3), clock=clock)  # one camera: as before
    with front, side, alone:
        clock.advance(0.2)
        f = next(iter(front.frames()))
        clock.advance(0.5)  # the side camera's first frame comes half a second later
        s = next(iter(side.frames()))
        a = next(iter(alone.frames()))
    assert f.t_s == pytest.approx(0.2)
    assert s.t_s == pytest.approx(0.7), "the side camera's time counts from the shared epoch"
    assert a.t_s == 0.0, "without an epoch a camera counts from its first frame"


def test_picamera_n_names_the_pis_second_camera_connector() -> None:
    assert is_camera("picamera:1")
    assert is_camera("picamera")
    assert parse_camera_number("picamera:1") == 1
    assert parse_camera_number("picamera") == 0
    found = ["picamera 0: imx708 (/base/axi/pcie@120000/rp1/i2c@88000/imx708@1a)",
             "picamera 1: imx708 (/base/axi/pcie@120000/rp1/i2c@80000/imx708@1a)",
             "webcam:2: HD Pro Webcam C920 (/dev/video2)"]  # fmt: skip
    assert found_line("picamera:1", found) == found[1]
    assert found_line("webcam:2", found) == found[2]
    assert found_line("webcam:0", found) is None


# -- configuration -----------------------------------------------------------------------


def test_the_side_camera_is_configured_in_its_own_section_and_a_bad_value_is_named() -> None:
    config = parse_config({"camera": {"side": {"source": "picamera:1", "fps": 10}}})
    assert config.camera.side.source == "picamera:1"
    assert config.camera.side.camera().fps == 10.0
    assert parse_config({}).camera.side.source == "", "no side camera unless asked for"
    for bad, key in [
        ({"source": "webcam:one"}, "camera.side.source"),
        ({"fps": 0}, "camera.side.fps"),
        ({"width": "wide"}, "camera.side.width"),
        ({"angle": 90}, "camera.side.angle"),
    ]:
        with pytest.raises(BadConfig) as error:
            parse_config({"camera": {"side": bad}})
        assert key in str(error.value)
        assert error.value.exit_code == 3


def test_a_bad_side_camera_setting_stops_the_mirror_with_exit_3_naming_the_key(
    tmp_path: Path,
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[camera.side]\nsource = "picamera:left"\n')
    done = hinge_mirror("run", "--config", str(config), "--source", "demo", "--until-end")
    assert done.returncode == 3
    assert "camera.side.source" in done.stderr


def test_the_front_camera_as_the_side_camera_is_refused_with_exit_2() -> None:
    done = hinge_mirror("run", "--source", "webcam", "--side-source", "webcam:0", "--windowed")
    assert done.returncode == 2
    assert "front camera" in done.stderr


def test_run_with_a_side_recording_plays_both_and_says_how_many_side_frames_it_judged(
    tmp_path: Path,
) -> None:
    from appliance.sources.keypoints_file import write_keypoints_jsonl

    front, side, _ = make_pair("front_set", 1)
    front_file, side_file = tmp_path / "front.jsonl", tmp_path / "side.jsonl"
    for path, cam in ((front_file, front), (side_file, side)):
        rows = ((f.t_s, f.pose) for f in cam.frames())
        write_keypoints_jsonl(path, rows, width=cam.width, height=cam.height, fps=cam.fps)
    done = hinge_mirror(
        "run", "--source", str(front_file), "--side-source", str(side_file), "--windowed",
        "--until-end", "--mode", front_mode(front),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "side camera:" in done.stderr
    judged = int(done.stderr.split("(side camera: ")[1].split(" evaluated")[0])
    assert judged > 0


def test_a_side_camera_missing_at_start_leaves_the_mirror_on_its_own_camera(
    tmp_path: Path, model_dir: Path
) -> None:
    from appliance.sources.keypoints_file import write_keypoints_jsonl

    front, _, _ = make_pair("front_set", 1)
    front_file = tmp_path / "front.jsonl"
    rows = ((f.t_s, f.pose) for f in front.frames())
    write_keypoints_jsonl(front_file, rows, width=front.width, height=front.height, fps=front.fps)
    done = hinge_mirror(
        "run", "--source", str(front_file), "--side-source", "webcam:57", "--windowed",
        "--until-end", "--mode", front_mode(front),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "side camera webcam:57 not found" in done.stderr
    assert "1 set" in done.stderr
    assert "(side camera: 0 evaluated" in done.stderr


# -- the tile on the mirror -------------------------------------------------------------------


def test_the_mirror_shows_the_side_cameras_skeleton_in_a_corner_tile_and_says_when_lost() -> None:
    running = example_models()["running_safety"]
    side_pose = example_pose(0.6, facing_right=False)
    size = (1280, 720)
    kinds = {d.kind for d in render_boxes(running, pygame.Surface(size))}
    assert "side_tile" not in kinds, "one camera: no tile"
    with_tile = replace(running, side_camera="ok", side_pose=side_pose)
    drawn = render_boxes(with_tile, pygame.Surface(size))
    (tile,) = [d.rect for d in drawn if d.kind == "side_tile"]
    assert tile.right > 0.85 * size[0], "in the right column"
    assert tile.centery > 0.4 * size[1], "below the rep count and the score dots"
    surface = pygame.Surface(size)
    render(with_tile, surface)
    pixels = pygame.surfarray.array3d(surface)[tile.left + 4 : tile.right - 4, tile.top + 20 :]
    assert (pixels.max(axis=2) > 150).sum() > 100, "the side skeleton is drawn in the tile"
    lost = render_boxes(replace(with_tile, side_camera="lost", side_pose=None), surface)
    assert any(d.kind == "side_state" and "lost" in d.text for d in lost)
    for a in drawn:  # the tile holds its own label; nothing else overlaps it
        for b in drawn:
            if a is not b and "side" not in a.kind + b.kind:
                assert not a.rect.colliderect(b.rect), f"{a.kind} overlaps {b.kind}"
        if a.kind == "side_tile":
            others = [b for b in drawn if not b.kind.startswith("side")]
            assert not any(a.rect.colliderect(b.rect) for b in others)


# -- what two cameras cost ----------------------------------------------------------------


def test_bench_with_two_recordings_prints_each_cameras_rate_the_combined_rate_and_the_ratio(
    model_dir: Path,
) -> None:
    import json

    from tests.conftest import SHARED_MEDIA, need

    front = need(SHARED_MEDIA / "coach-demos" / "Deadlift_edited.mp4")
    side = need(SHARED_MEDIA / "coach-demos" / "Deadlift_edited5.mp4")
    args = ("bench", str(front), "--side-source", str(side), "--frames", "30")
    done = hinge_mirror(*args, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    cameras = report["cameras"]
    assert cameras["front"]["frames"] == 30
    assert 0 < cameras["side"]["frames"] <= 17, "the side at 15/s: about half the front's"
    assert cameras["side"]["skipped"] > 0
    for camera in cameras.values():
        assert camera["fps"] > 0
        assert camera["stages"]["inference"]["median_ms"] > 0
        assert camera["ratio_excluding_decode"] >= 1.0
    combined = report["combined"]
    assert combined["fps"] > 0
    assert combined["ratio_excluding_decode"] >= 1.0
    table = hinge_mirror(*args).stdout
    for words in ("front camera", "side camera", "combined rate", "all work excluding decode"):
        assert words in table
