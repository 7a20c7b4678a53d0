"""The one road a frame takes: pose, form, cues — shared by ``analyze`` and the live ``run``.

``process`` turns frames into ``Step`` objects. What happens to a step (drawn on the mirror,
spoken, written to a report or a video) is the caller's business; nothing about form is
computed anywhere else. Frames that already carry keypoints (a keypoints file, the synthetic
lifter) skip the pose model, so such sources need no estimator at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from appliance.form.evaluator import FormEvaluator
from appliance.types import CueEvent, FormUpdate, Frame, Pose, RGBImage, Stick


class EstimatorLike(Protocol):
    """What the pipeline needs of the pose room (``appliance.pose.PoseEstimator``)."""

    def estimate(self, frame: Frame) -> Pose:
        """The pose in ``frame`` (``person_present`` false when nobody is there)."""
        ...


class StagedEstimator(Protocol):
    """An estimator whose stages can be run one at a time (``PoseEstimator``): ``begin``
    (preprocess), ``infer``, ``finish`` (postprocess)."""

    def begin(self, frame: Frame) -> Any:
        """The frame cropped for the model."""
        ...

    def infer(self, pending: Any) -> Any:
        """The model run on ``begin``'s crop."""
        ...

    def finish(self, pending: Any) -> Pose:
        """The pose from ``infer``'s output."""
        ...


class CuePolicyLike(Protocol):
    """What the pipeline needs of the cue policy (``appliance.coach.CuePolicy``)."""

    def update(self, form_update: FormUpdate) -> Sequence[CueEvent]:
        """Take what the evaluator knows after one frame; return the cues to give now."""
        ...


class StickStageLike(Protocol):
    """What the pipeline needs of the drill's stick stage (``appliance.stick.stage``)."""

    def observe(
        self, image: RGBImage | None, pose: Pose | None, form: FormUpdate
    ) -> tuple[Stick | None, FormUpdate]:
        """This frame's stick, and the evaluator's update with the stick's verdicts."""
        ...

    def heard(self, cues: Sequence[CueEvent]) -> None:
        """The cues the policy gave on this frame."""
        ...


@dataclass(frozen=True, slots=True)
class Step:
    """One frame's trip through the pipeline.

    ``pose`` is the person's keypoints, or ``None`` when nobody was seen (the estimator
    found no one, or a keypoints file said ``null``). ``form`` is the evaluator's state
    after this frame; ``cues`` what the policy decided to say on it (often nothing);
    ``stick`` the drill's stick in this frame (``None``: none seen, or not drill mode).
    """

    frame: Frame
    pose: Pose | None
    form: FormUpdate
    cues: tuple[CueEvent, ...]
    stick: Stick | None = None


def needs_estimator(frame: Frame) -> bool:
    """True when ``frame`` has an image to run the pose model on (and no keypoints)."""
    return frame.pose is None and frame.image is not None


def pose_of(frame: Frame, estimator: EstimatorLike | None) -> Pose | None:
    """The person in ``frame``: its own keypoints if it carries them, else the estimator's;
    ``None`` when nobody is there. ``ValueError`` if an image comes with no estimator."""
    if frame.pose is not None:
        pose: Pose | None = frame.pose
    elif frame.image is None:
        pose = None  # a keypoints-file frame with "keypoints": null
    elif estimator is None:
        raise ValueError(f"frame {frame.index} is an image but no pose estimator was given")
    else:
        pose = estimator.estimate(frame)
    return _someone(pose)


def _someone(pose: Pose | None) -> Pose | None:
    """``pose`` when it shows a person, else ``None``."""
    return pose if pose is not None and pose.person_present else None


def _staged(estimator: EstimatorLike | None) -> StagedEstimator | None:
    """``estimator`` if its stages can be run one at a time. (Looked up by hand: a
    ``runtime_checkable`` protocol's ``isinstance`` costs about 8 µs, on every frame.)"""
    if all(hasattr(estimator, stage) for stage in ("begin", "infer", "finish")):
        return cast(StagedEstimator, estimator)
    return None


def poses_together(
    jobs: Sequence[tuple[Frame, EstimatorLike | None]],
) -> list[Pose | None]:
    """``pose_of`` each ``(frame, estimator)``, in order, with the same result, but with
    the frames of different estimators (two cameras' frames at one instant) taken through
    each stage together: both crops, then both inferences, then both postprocesses.

    Why: the model's run pushes the Python code of the stages around it out of the
    processor's caches; the second crop (or postprocess) right after the first finds it
    still there. A second frame of the same estimator waits for the first's pose (its
    crop follows the last keypoints), so it goes after the group, on its own.
    """
    grouped: dict[int, StagedEstimator] = {}
    for i, (frame, estimator) in enumerate(jobs if len(jobs) > 1 else ()):
        staged = _staged(estimator) if needs_estimator(frame) else None
        if staged is not None and all(other is not staged for other in grouped.values()):
            grouped[i] = staged
    if len(grouped) < 2:
        return [pose_of(frame, estimator) for frame, estimator in jobs]
    pending = {i: staged.begin(jobs[i][0]) for i, staged in grouped.items()}
    pending = {i: staged.infer(pending[i]) for i, staged in grouped.items()}
    found = {i: staged.finish(pending[i]) for i, staged in grouped.items()}
    return [
        _someone(found[i]) if i in found else pose_of(frame, estimator)
        for i, (frame, estimator) in enumerate(jobs)
    ]


def process(
    frames: Iterable[Frame],
    estimator: EstimatorLike | None,
    evaluator: FormEvaluator,
    policy: CuePolicyLike,
    stick: StickStageLike | None = None,
) -> Iterator[Step]:
    """Run every frame through pose → form evaluator → cue policy, in order, lazily.

    ``stick`` (drill mode only): the stick stage between the evaluator and the policy.

    ``estimator`` may be ``None`` when every frame carries keypoints. Errors of the source
    (e.g. ``BadInput`` for a file cut short, raised after its last good frame) propagate
    unchanged after the steps already yielded.
    """
    for frame in frames:
        pose = pose_of(frame, estimator)
        form = evaluator.update(pose, frame.t_s)
        seen: Stick | None = None
        if stick is not None:
            seen, form = stick.observe(frame.image, pose, form)
        cues = tuple(policy.update(form))
        if stick is not None:
            stick.heard(cues)
        yield Step(frame, pose, form, cues, seen)
