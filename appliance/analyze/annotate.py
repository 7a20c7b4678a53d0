"""The annotated video of ``analyze --annotate``: each frame with the skeleton, the reps
finished so far and the phase, the last finished rep's score and faults, and the latest
cue drawn on (in drill mode also the stick: green level, amber tilted), in the mirror's
colours (a rep's score as the mirror colours it; a cue by its kind: red for safety, amber
for form, green for praise).

Frames without an image (a keypoints file) are drawn on black at the source's size. The
video is mp4v at the source's size and frame rate, written with OpenCV; the drawing is
plain OpenCV too, so it needs no display.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from appliance.display.style import FORM, PRAISE, Colour, score_colour, severity_colour
from appliance.errors import BadInput
from appliance.pipeline import Step
from appliance.sources.base import ClosesOnExit  # importing sources also quiets FFmpeg
from appliance.stick.verdicts import TILT_DEG
from appliance.types import KEYPOINT_INDEX, SKELETON_EDGES, CueEvent, Pose, Rep, Stick
from appliance.words import counted, fault_name

BGRImage = npt.NDArray[np.uint8]

MIN_SCORE = 0.3  # keypoints below this confidence are not drawn
CUE_FRESH_S = 3.0  # a cue is bright this long after it was given, then dimmed
REP_MARK_S = 2.0  # a finished rep's score stays on screen this long

# Colours are BGR (OpenCV's order).
BONE = (255, 200, 80)
JOINT = (255, 255, 255)
OUTLINE = (0, 0, 0)
TEXT = (240, 240, 240)
CUE_OLD = (170, 170, 170)
PHASES = {"descending": "lowering", "bottom": "at the bottom", "ascending": "rising"}
FONT = cv2.FONT_HERSHEY_SIMPLEX


class AnnotatedVideo(ClosesOnExit):
    """Writes one annotated frame per ``Step`` to an mp4 of ``width``×``height`` pixels at
    ``fps`` frames per second. ``BadInput`` if the file cannot be created."""

    def __init__(
        self, path: str | Path, *, width: int, height: int, fps: float, side_width: int = 0
    ) -> None:
        """``side_width`` > 0: two cameras, the side camera's picture (this many pixels
        wide) to the right of the front's."""
        self.path = Path(path)
        self.size = (width, height)
        self.side_width = side_width
        fourcc = cv2.VideoWriter.fourcc(*"mp4v")
        self._writer = cv2.VideoWriter(str(self.path), fourcc, float(fps), self.size)
        if not self._writer.isOpened():
            self._writer.release()
            raise BadInput(f"{self.path}: cannot write an mp4 video there")
        self.frames_written = 0
        self._cue: CueEvent | None = None
        self._rep: Rep | None = None

    def write(self, step: Step, side: Step | None = None) -> None:
        """Draw ``step`` on its frame (or on black) and append it to the video; with two
        cameras, ``side`` is the side camera's latest step, drawn beside it."""
        if step.cues:
            self._cue = step.cues[-1]
        if step.form.completed_rep is not None:
            self._rep = step.form.completed_rep
        width, height = self.size
        if not self.side_width:
            self._writer.write(render_step(step, self.size, self._cue, self._rep))
        else:
            front = render_step(step, (width - self.side_width, height), self._cue, self._rep)
            self._writer.write(np.hstack([front, render_side(side, (self.side_width, height))]))
        self.frames_written += 1

    def close(self) -> None:
        """Finish the file (it is playable only after this). Safe to call more than once."""
        self._writer.release()


def render_step(
    step: Step, size: tuple[int, int], cue: CueEvent | None = None, rep: Rep | None = None
) -> BGRImage:
    """One annotated BGR frame of ``size`` (width, height) pixels: ``step``'s image (or
    black), its pose, its rep and phase, the finished ``rep``'s score while recent, and
    ``cue`` (the latest cue so far) at the bottom."""
    width, height = size
    image = step.frame.image
    if image is None:
        canvas = np.zeros((height, width, 3), np.uint8)
    else:
        if image.shape[:2] != (height, width):  # image folders may mix sizes
            image = np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), np.uint8)
        canvas = np.ascontiguousarray(image[:, :, ::-1])  # RGB -> BGR, a copy we may draw on
    if step.pose is not None:
        draw_pose(canvas, step.pose)
    if step.stick is not None:
        draw_stick(canvas, step.stick, image is not None and image.shape[:2] == (height, width))
    t_s = step.frame.t_s
    form = step.form
    # Only reps the report will hold are numbered: a movement in progress may yet be none.
    header = f"{counted(form.rep_count, 'rep')} done  {PHASES.get(form.phase, form.phase)}"
    lines = [(header, TEXT), (f"{form.view} view   {t_s:6.2f} s", CUE_OLD)]
    if rep is not None and t_s - rep.end_s <= REP_MARK_S:
        found = ", ".join(fault_name(f) for f in rep.faults) or "clean"
        lines.append(
            (f"Rep {rep.index}: score {rep.score}  {found}", _bgr(score_colour(rep.score)))
        )
    _panel(canvas, lines, top=True)
    if cue is not None:
        fresh = t_s - cue.t_s <= CUE_FRESH_S
        colour = _bgr(severity_colour(cue.severity)) if fresh else CUE_OLD
        _panel(canvas, [(cue.text, colour)], top=False, size=1.3)
    return canvas


def render_side(step: Step | None, size: tuple[int, int]) -> BGRImage:
    """The side camera's latest frame with its skeleton and view (black before its first
    frame), ``size`` (width, height) pixels."""
    width, height = size
    canvas = np.zeros((height, width, 3), np.uint8)
    if step is None:
        _panel(canvas, [("side camera: no picture yet", CUE_OLD)], top=True)
        return canvas
    image = step.frame.image
    if image is not None:
        if image.shape[:2] != (height, width):
            image = np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), np.uint8)
        canvas = np.ascontiguousarray(image[:, :, ::-1])
    if step.pose is not None:
        draw_pose(canvas, step.pose)
    lines = [(f"side camera  {step.form.view} view  {step.frame.t_s:6.2f} s", CUE_OLD)]
    _panel(canvas, lines, top=True)
    return canvas


def draw_stick(canvas: BGRImage, stick: Stick, same_size: bool = True) -> None:
    """Draw the drill's stick on ``canvas`` in place: green when level, amber when tilted
    (over ``TILT_DEG``); thinner and dimmer while only carried by the tracker."""
    if not same_size:
        return  # a resized frame: the stick's pixels no longer line up
    level = stick.orientation != "across" or abs(stick.angle_deg) <= TILT_DEG
    colour = _bgr(PRAISE if level else FORM)
    thick = max(2, round(canvas.shape[0] / 160)) - (1 if stick.tracked else 0)
    ends = (round(stick.x1), round(stick.y1)), (round(stick.x2), round(stick.y2))
    cv2.line(canvas, *ends, OUTLINE, thick + 2, cv2.LINE_AA)
    cv2.line(canvas, *ends, colour, max(1, thick), cv2.LINE_AA)


def _bgr(colour: Colour) -> tuple[int, int, int]:
    """The mirror's RGB ``colour`` in OpenCV's BGR order."""
    r, g, b = colour
    return (b, g, r)


def draw_pose(canvas: BGRImage, pose: Pose) -> None:
    """Draw ``pose``'s confident bones and joints on ``canvas`` in place, scaled to it."""
    height, width = canvas.shape[:2]
    points = [(round(x * width), round(y * height)) for y, x in pose.yx_score[:, :2].tolist()]
    scores = pose.scores
    thick = max(2, round(height / 180))
    for a, b in SKELETON_EDGES:
        i, j = KEYPOINT_INDEX[a], KEYPOINT_INDEX[b]
        if scores[i] >= MIN_SCORE and scores[j] >= MIN_SCORE:
            cv2.line(canvas, points[i], points[j], OUTLINE, thick + 2, cv2.LINE_AA)
            cv2.line(canvas, points[i], points[j], BONE, thick, cv2.LINE_AA)
    for point, score in zip(points, scores.tolist(), strict=True):
        if score >= MIN_SCORE:
            cv2.circle(canvas, point, thick + 2, OUTLINE, -1, cv2.LINE_AA)
            cv2.circle(canvas, point, thick + 1, JOINT, -1, cv2.LINE_AA)


def _panel(
    canvas: BGRImage, lines: list[tuple[str, tuple[int, int, int]]], top: bool, size: float = 1.0
) -> None:
    """Lines of text on a darkened band at the top-left or along the bottom; ``size``
    scales the text relative to the frame height."""
    height, width = canvas.shape[:2]
    margin = max(4, height // 60)
    texts = [(_ascii(text), colour) for text, colour in lines]
    scale = size * max(0.45, height / 640)
    thick = max(1, round(scale * 2))
    widest = max(cv2.getTextSize(t, FONT, scale, thick)[0][0] for t, _ in texts)
    while widest + 2 * margin > width and scale > 0.3:  # shrink until the widest line fits
        scale *= 0.9
        widest = max(cv2.getTextSize(t, FONT, scale, thick)[0][0] for t, _ in texts)
    line_h = cv2.getTextSize("Rg", FONT, scale, thick)[0][1]
    step = round(line_h * 1.7)
    box_h = step * len(texts) + margin
    box_w = min(width, widest + 2 * margin) if top else width
    y0 = 0 if top else height - box_h
    band = canvas[y0 : y0 + box_h, 0:box_w]
    band[:] = (band * 0.35).astype(np.uint8)
    for k, (text, colour) in enumerate(texts):
        baseline_y = y0 + margin + line_h + k * step
        cv2.putText(canvas, text, (margin, baseline_y), FONT, scale, colour, thick, cv2.LINE_AA)


def _ascii(text: str) -> str:
    # OpenCV's Hershey fonts draw ASCII only; "—" and "’" would come out as "?".
    text = text.replace("—", "-").replace("–", "-").replace("’", "'").replace("‘", "'")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
