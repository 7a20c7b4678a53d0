"""The stick in the drill's pipeline: between the form evaluator and the cue policy.

``DrillStick.observe`` takes each frame after the evaluator: it tracks the stick, collects
each rep's frames for its verdict, and hands the cue policy a ``FormUpdate`` whose
finished rep carries the stick's faults and metrics (``appliance.stick.verdicts``) and,
before the first rep, the set-up check's instruction (``appliance.stick.setup``). Deadlift
mode never builds one: its road is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from appliance.stick import setup
from appliance.stick.body import body_of
from appliance.stick.detect import FRONT_SPREAD
from appliance.stick.lines import LINE_METHOD
from appliance.stick.track import StickTracker
from appliance.stick.verdicts import StickRepJudge
from appliance.types import CueEvent, FormUpdate, Pose, Rep, RGBImage, Stick

STEADY_S = 0.5
"""An instruction must stay the same this long (seconds) before it is handed on."""

LOOK_EVERY = 8
"""The tracker runs the detector on one frame in this many (about 4 looks a second at
30 fps; ``hinge-mirror bench --mode drill`` measures the cost next to inference)."""


class TrackerLike(Protocol):
    """What the stage needs of ``StickTracker`` (tests hand in a scripted one)."""

    def update(self, image: RGBImage | None, pose: Pose | None, t_s: float) -> Stick | None:
        """The stick in this frame, seen or carried."""
        ...

    def reset(self) -> None:
        """Forget the stick."""
        ...


class DrillStick:
    """One lifter's stick through a set (call ``reset`` for a new set).

    Frames without a picture (a keypoints file, the demo lifter) pass through untouched:
    with no picture there is no stick to see, and the drill is judged as before.
    """

    def __init__(
        self,
        method: str = LINE_METHOD,
        every: int = LOOK_EVERY,
        tracker: TrackerLike | None = None,
    ) -> None:
        self.tracker: TrackerLike = tracker or StickTracker(method=method, every=every)
        self.reps: dict[int, Rep] = {}
        self.helps_said = False  # "a stick helps" is said once, not once a set
        self.reset()

    def reset(self) -> None:
        """A new set: forget the stick, the rep frames and the set-up check's state."""
        self.tracker.reset()
        self.judge = StickRepJudge()
        self.stick: Stick | None = None
        self.reps = {}
        self._candidate: str | None = None
        self._candidate_since = 0.0
        self._no_stick_since: float | None = None
        self._ever_seen = False
        self.faulty = False  # the last finished rep's stick tilted or slipped

    def observe(
        self, image: RGBImage | None, pose: Pose | None, form: FormUpdate
    ) -> tuple[Stick | None, FormUpdate]:
        """This frame's stick and the update for the cue policy."""
        if image is None:
            return None, form
        t_s = form.t_s
        stick = self.tracker.update(image, pose, t_s)
        self.stick = stick
        self._ever_seen |= stick is not None
        self.judge.add(pose, stick, t_s)
        rep = form.completed_rep
        if rep is not None:
            rep = self._with_verdict(rep)
            self.reps[rep.index] = rep
            form = replace(form, completed_rep=rep)
        if form.rep_count == 0 and form.phase == "standing":
            form = replace(form, setup=self._setup(pose, stick, t_s))
        return stick, form

    def heard(self, cues: Sequence[CueEvent]) -> None:
        """The cues the policy gave on this frame (to say "a stick helps" only once)."""
        if any(cue.text == setup.STICK_HELPS for cue in cues):
            self.helps_said = True

    def merged(self, reps: Sequence[Rep]) -> tuple[Rep, ...]:
        """``reps`` (the evaluator's) with the stick's faults and metrics added; a rep the
        evaluator finished only at the end of the set is judged on the frames since."""
        if not self.judge.times and not self.reps:
            return tuple(reps)  # no picture seen: nothing to add
        out = []
        for rep in reps:
            if rep.index not in self.reps:
                self.reps[rep.index] = self._with_verdict(rep)
            out.append(self.reps[rep.index])
        return tuple(out)

    def _with_verdict(self, rep: Rep) -> Rep:
        verdict = self.judge.finish(rep.start_s)
        self.faulty = bool(verdict.faults)
        faults = rep.faults + tuple(f for f in verdict.faults if f not in rep.faults)
        return replace(rep, faults=faults, metrics={**rep.metrics, **verdict.metrics})

    def _setup(self, pose: Pose | None, stick: Stick | None, t_s: float) -> str | None:
        body = body_of(pose)
        if pose is None or body is None:
            return None
        facing = body.spread >= FRONT_SPREAD
        if stick is None and facing and not self._ever_seen:
            if self._no_stick_since is None:
                self._no_stick_since = t_s
        else:
            self._no_stick_since = None
        no_stick = (
            self._no_stick_since is not None and t_s - self._no_stick_since >= setup.NO_STICK_S
        ) or self.helps_said
        text = setup.instruction(pose, body, stick, no_stick and not self._ever_seen)
        if no_stick and not self.helps_said and not self._ever_seen:
            text = setup.STICK_HELPS
        if text != self._candidate:
            self._candidate, self._candidate_since = text, t_s
            return None
        return text if t_s - self._candidate_since >= STEADY_S else None
