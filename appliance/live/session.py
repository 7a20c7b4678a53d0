"""A session at the mirror: the mode, the set in progress, what to show and say.

Sets start by themselves when someone steps in (or with SET), and end when they leave (or
with SET); a finished set shows its summary, against the lifter's last sets. A household
names its people (``[mirror] people``); the progress screen shows one person's charts and
is where the buttons choose who is lifting. The form evaluator and the cue policy are the
same ones ``analyze`` uses; this module only keeps the state a screen needs.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from appliance.coach import CuePolicy
from appliance.coach.config import CueConfig
from appliance.coach.phrases import FAULT_CUES, STICK_CUES, fault_cue
from appliance.coach.progression import SetOutcome, suggestion
from appliance.coach.trend import SetComparison, compare_with_last_sets
from appliance.config import MirrorConfig
from appliance.display.screen_model import (
    GUEST,
    CueView,
    ProgressView,
    ScreenModel,
    SummaryView,
)
from appliance.form import FormEvaluator
from appliance.form.calibration import Baseline
from appliance.fusion import PairedEvaluator
from appliance.history import HistoryStore, HistoryWriteFailed
from appliance.history.records import SetRecord
from appliance.live.steady import SteadyFlag
from appliance.stick.stage import DrillStick
from appliance.stick.verdicts import TILT_DEG
from appliance.types import CueEvent, FormUpdate, Pose, Rep, RGBImage, Stick

# Body segments drawn highlighted on the profile figure when a fault is cued.
FAULT_SEGMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "rounded_back": (("left_shoulder", "left_hip"), ("right_shoulder", "right_hip")),
    "head_up": (("left_ear", "left_shoulder"), ("right_ear", "right_shoulder")),
    "squatting": (("left_hip", "left_knee"), ("right_hip", "right_knee")),
    "locked_knees": (("left_knee", "left_ankle"), ("right_knee", "right_ankle")),
    "bar_drift": (("left_elbow", "left_wrist"), ("right_elbow", "right_wrist")),
    "shallow_hinge": (("left_shoulder", "left_hip"), ("right_shoulder", "right_hip")),
    "incomplete_lockout": (("left_shoulder", "left_hip"), ("right_shoulder", "right_hip")),
    "hyperextension": (("left_shoulder", "left_hip"), ("right_shoulder", "right_hip")),
    "hips_rise_early": (("left_hip", "left_knee"), ("right_hip", "right_knee")),
    "rushed": (),
}


@dataclass(frozen=True)
class EndedSet:
    """The set that ended last: its mode, each rep's score (0..100), its main fault."""

    mode: str
    scores: tuple[int, ...]
    main_fault: str | None


PROGRESS_CLOSE_S = 60.0  # the progress screen closes by itself after this long untouched


@dataclass(frozen=True)
class SessionTiming:
    """Seconds: how long a person must be seen before a set starts by itself, gone before
    it ends, how long a cue and a summary stay on screen, and nobody there before the
    screen dims (to ``dim_brightness``, 0..1)."""

    arrive_s: float = 0.5
    leave_s: float = 3.0
    cue_s: float = 4.0
    guidance_s: float = 5.0
    summary_s: float = 20.0
    dim_after_s: float = 300.0
    dim_brightness: float = 0.3

    @classmethod
    def from_config(cls, mirror: MirrorConfig) -> SessionTiming:
        """The timing set in ``[mirror]``."""
        return cls(
            arrive_s=mirror.arrive_s,
            leave_s=mirror.leave_s,
            summary_s=mirror.summary_s,
            dim_after_s=mirror.dim_after_s,
            dim_brightness=mirror.dim_brightness,
        )


class Session:
    """Feed ``on_frame`` every frame; read ``screen(now)``; call the control methods."""

    def __init__(
        self,
        mode: str,
        timing: SessionTiming | None = None,
        store: HistoryStore | None = None,
        cues: CueConfig | None = None,
        people: tuple[str, ...] = (),
        side_camera: bool = False,
    ) -> None:
        """``side_camera``: a second camera beside the lifter feeds ``on_side_frame``;
        both are judged together (``appliance.fusion.PairedEvaluator``)."""
        self.side_camera = side_camera
        self.side_pose: Pose | None = None  # the side camera's lifter, for its tile
        self.timing = timing or SessionTiming()
        self.cue_config = cues
        self.store = store
        self.notice: str | None = store.notice if store is not None else None
        self._session_id: int | None = None
        self._set_id: int | None = None
        self.mode = mode
        self.set_state = "idle"
        self.scores: list[int] = []
        self.faults: Counter[str] = Counter()
        self.summary: SummaryView | None = None
        self.cue: CueView | None = None
        self.guidance: tuple[str, float] | None = None
        self.last_update: FormUpdate | None = None
        self.pose: Pose | None = None
        self.sets_done = 0
        self.last_set: EndedSet | None = None
        self._seen_since: float | None = None
        self._gone_since: float | None = None
        self._summary_at = 0.0
        self.people = people
        self.person: str | None = self._last_person()
        self.progress: ProgressView | None = None
        self._progress_touched_s = 0.0
        self._rep_faults: list[tuple[str, ...]] = []
        self._closed_set_id: int | None = None
        self.evaluator: FormEvaluator | PairedEvaluator
        self.policy: CuePolicy
        self.stick_stage = DrillStick()  # drill mode: the stick (its "a stick helps" once)
        self.stick: Stick | None = None
        self._new_set_tools()  # now that the lifter is known: their calibration prior
        self._calibrating = SteadyFlag(on_s=0.7, off_s=1.0)

    # -- controls ----------------------------------------------------------------------

    def set_mode(self, mode: str, now_s: float) -> None:
        """Switch drill/deadlift; a set in progress ends first."""
        if mode == self.mode:
            return
        if self.set_state == "running":
            self.end_set(now_s)
        self.mode = mode
        self._new_set_tools()

    def toggle_set(self, now_s: float) -> None:
        """SET: start a set, or end the one running."""
        if self.set_state == "running":
            self.end_set(now_s)
        else:
            self.start_set()

    def start_set(self, fresh: bool = True) -> None:
        """A new set: fresh evaluator and cue policy, calibration first (``fresh=False``:
        keep the evaluator that has been watching since the last set, and its calibration)."""
        if fresh:
            self._new_set_tools()
        self.stick_stage.reset()
        self.stick = None
        self.scores, self.faults, self._rep_faults = [], Counter(), []
        self.summary, self.cue, self.guidance = None, None, None
        self.set_state = "running"
        self._record(self._open_set)

    def end_set(self, now_s: float) -> None:
        """End the set: its summary if it had reps, else back to waiting."""
        if self.set_state != "running":
            return
        summary = self.evaluator.summary()  # judges a rep still waiting for its top
        self._collect_reps()
        self._record(self._close_set, summary.view)
        main = self.faults.most_common(1)[0][0] if self.faults else None
        self.last_set = EndedSet(self.mode, tuple(self.scores), main)
        self.sets_done += 1
        if self.scores:
            self.summary = self._summary()
            self.set_state = "summary"
            self._summary_at = now_s
        else:
            self.set_state = "ready" if self._seen_since is not None else "idle"
        self.cue = None
        self._new_set_tools()  # the next set's evaluator starts watching now

    def recalibrate(self) -> None:
        """SET held: take the standing posture again."""
        for evaluator in self._camera_evaluators():
            evaluator.calibrator.reset()
        self._calibrating.show_now()  # asked for: say "stand still" at once

    # -- people and the progress screen --------------------------------------------------

    def choices(self) -> tuple[str | None, ...]:
        """Who can be lifting: the household's people, then a guest (``None``)."""
        return (*self.people, None)

    def choose_person(self, step: int, now_s: float) -> None:
        """The next (``step=1``) or previous (``-1``) person lifts from now on. A set just
        begun (no rep yet) is dropped and starts again as theirs; one with reps ends and
        stays with whoever did them. Calibration becomes theirs: their last baseline, or a
        fresh one to take."""
        if not self.people:
            return
        choices = self.choices()
        index = choices.index(self.person) if self.person in choices else -1
        self.person = choices[(index + step) % len(choices)]
        if self.set_state == "running":
            if self.scores:
                self.end_set(now_s)
            else:
                self._record(self._drop_set)
                self.set_state = "ready" if self._seen_since is not None else "idle"
        if self.set_state == "summary":
            self.set_state = "ready" if self._seen_since is not None else "idle"
        self.end_session()  # a visit belongs to one person
        self._new_set_tools()
        if self.progress is not None:
            self.open_progress(now_s)

    def open_progress(self, now_s: float) -> None:
        """Show the lifter's progress; a set in progress ends (and is saved) first."""
        if self.set_state == "running":
            self.end_set(now_s)
        records: list[SetRecord] = []
        if self.store is not None:
            try:
                records = self._own_sets()
            except Exception:  # a damaged read shows empty charts, never stops the mirror
                self.notice = "History could not be read"
        self.progress = ProgressView(self.person, self.people, tuple(records), time.time())
        self._progress_touched_s = now_s

    def close_progress(self) -> None:
        """Back to the mirror."""
        self.progress = None

    def toggle_progress(self, now_s: float) -> None:
        """DEADLIFT held: open the progress screen, or close it."""
        if self.progress is None:
            self.open_progress(now_s)
        else:
            self.close_progress()

    # -- frames ------------------------------------------------------------------------

    def on_frame(
        self, pose: Pose | None, t_s: float, now_s: float, image: RGBImage | None = None
    ) -> list[CueEvent]:
        """Take one frame's pose (``None``: nobody) and, for the drill's stick, its
        ``image`` (RGB); return the cues to say now."""
        present = pose is not None and pose.person_present
        self._track_presence(present, now_s)
        self.pose = pose if present else None
        if self.progress is not None:
            return []  # the screen is the charts: nothing is judged or said meanwhile
        if self.set_state in ("ready", "summary") and present:
            # Someone still (or again) in front of the mirror: a new set starts with their
            # first hinge, on an evaluator that has been calibrating while they stood.
            waiting = self.evaluator.update(pose, t_s)
            news = self.policy.side_camera_cue(waiting)  # a side camera lost meanwhile
            if waiting.phase in ("descending", "bottom"):
                self.start_set(fresh=False)
                self.last_update = waiting
            return self._show([news] if news is not None else [], now_s)
        if self.set_state != "running":
            return []
        update = self.evaluator.update(pose, t_s)
        if self.mode == "drill":
            self.stick, update = self.stick_stage.observe(image, pose, update)
        self.last_update = update
        if update.completed_rep is not None:
            self._keep_rep(update.completed_rep)
        events = list(self.policy.update(update))
        if self.mode == "drill":
            self.stick_stage.heard(events)
        return self._show(events, now_s)

    def _show(self, events: list[CueEvent], now_s: float) -> list[CueEvent]:
        """Keep ``events`` with the set, and on screen (guidance above, cues in the band)."""
        for event in events:
            self._record(self._store_cue, event)
        for event in events:
            if event.kind == "guidance":
                self.guidance = (event.text, now_s)
            else:
                self.cue = CueView(event.text, event.severity, event.fault, now_s)
        return events

    def on_side_frame(self, pose: Pose | None, t_s: float) -> None:
        """Take one side-camera frame's pose (``None``: nobody), ``t_s`` on the front
        camera's clock (seconds); its verdicts reach the screen and the voice with the
        next front frame (``on_frame``). The pose is kept for the side camera's tile."""
        self.side_pose = pose if pose is not None and pose.person_present else None
        if self.progress is not None or self.set_state == "idle":
            return
        if isinstance(self.evaluator, PairedEvaluator):
            self.evaluator.update_side(pose, t_s)

    def tick(self, now_s: float) -> None:
        """Time passes: sets start and end with presence; cues and summaries expire."""
        t = self.timing
        if self.cue is not None and now_s - self.cue.shown_at_s > t.cue_s:
            self.cue = None
        if self.guidance is not None and now_s - self.guidance[1] > t.guidance_s:
            self.guidance = None
        if self.progress is not None:
            if now_s - self._progress_touched_s > PROGRESS_CLOSE_S:
                self.close_progress()
            return
        if self._seen_since is not None and now_s - self._seen_since >= t.arrive_s:
            if self.set_state == "idle":
                self.start_set()
            elif self._summary_over(now_s):
                self.set_state = "ready"
        if self._gone_since is not None and now_s - self._gone_since >= t.leave_s:
            if self.set_state == "running":
                self.end_set(now_s)
            elif self.set_state == "ready" or self._summary_over(now_s):
                self.set_state = "idle"
                self.end_session()

    def screen(self, now_s: float) -> ScreenModel:
        """What the mirror shows now (camera status and diagnostics are the loop's)."""
        update = self.last_update if self.set_state == "running" else None
        cue = self.cue
        return ScreenModel(
            mode=self.mode,
            set_state=self.set_state,
            rep_count=len(self.scores),
            scores=tuple(self.scores),
            cue=cue,
            guidance=self.guidance[0] if self.guidance else None,
            view=update.view if update else "unknown",
            phase=update.phase if update else ("absent" if self.pose is None else "standing"),
            calibrating=self._calibrating.update(
                bool(update and not update.calibrated and update.phase == "standing"), now_s
            ),
            pose=self.pose,
            faulty_segments=FAULT_SEGMENTS.get(cue.fault, ()) if cue and cue.fault else (),
            summary=self.summary if self.set_state == "summary" else None,
            now_s=now_s,
            brightness=self._brightness(now_s),
            person=(self.person or GUEST) if self.people else None,
            person_hint=self._person_hint(),
            progress=self.progress,
            stick=self.stick if self.mode == "drill" and self.set_state == "running" else None,
            stick_ok=self._stick_ok(),
            side_pose=self.side_pose if self.side_camera else None,
            side_camera=self._side_camera_state(update),
        )

    def _side_camera_state(self, update: FormUpdate | None) -> str | None:
        """The side camera as the evaluator sees it (``"ok"``, ``"lost"``, ``"waiting"``);
        ``None`` without one. The loop adds what its grabber knows (an unplugged camera)."""
        if not self.side_camera:
            return None
        if update is not None and update.side_camera is not None:
            return update.side_camera
        return "ok" if self.side_pose is not None else "waiting"

    def _stick_ok(self) -> bool:
        """The stick held right: level now, and the last rep's stick neither tilted nor
        slipped."""
        stick = self.stick
        if stick is None:
            return True
        level = stick.orientation != "across" or abs(stick.angle_deg) <= TILT_DEG
        return level and not self.stick_stage.faulty

    def _person_hint(self) -> str | None:
        """At the start of a set, how to say it is someone else lifting."""
        if not self.people or self.set_state != "running" or self.scores:
            return None
        return f"Not {self.person or GUEST.lower()}? Hold DEADLIFT to choose"

    def _brightness(self, now_s: float) -> float:
        """Full while anyone is about; dimmed once the mirror has been idle for long."""
        t = self.timing
        gone = self._gone_since
        if self.set_state == "idle" and gone is not None and now_s - gone >= t.dim_after_s:
            return t.dim_brightness
        return 1.0

    # -- helpers -----------------------------------------------------------------------

    def _summary_over(self, now_s: float) -> bool:
        return self.set_state == "summary" and now_s - self._summary_at > self.timing.summary_s

    def _new_set_tools(self) -> None:
        prior = self._calibration_prior()
        self.evaluator = (
            PairedEvaluator(self.mode, prior=prior)
            if self.side_camera
            else FormEvaluator(self.mode, prior=prior)
        )
        self.policy = CuePolicy(self.mode, self.cue_config)
        self.last_update = None

    def _camera_evaluators(self) -> tuple[FormEvaluator, ...]:
        """Each camera's own evaluator: the front's, then the side's (two cameras)."""
        if isinstance(self.evaluator, PairedEvaluator):
            return (self.evaluator.front, self.evaluator.side)
        return (self.evaluator,)

    def _baseline(self, view: str) -> Baseline | None:
        """The standing baseline to keep with a set judged in ``view``: with two cameras,
        that of the camera that had that view (the side camera's, mostly)."""
        evaluators = self._camera_evaluators()
        if isinstance(self.evaluator, PairedEvaluator):
            side = self.evaluator.side
            if side.summary().view == view and side.calibrator.baseline is not None:
                return side.calibrator.baseline
        return evaluators[0].calibrator.baseline

    def _track_presence(self, present: bool, now_s: float) -> None:
        if present:
            self._gone_since = None
            if self._seen_since is None:
                self._seen_since = now_s
        else:
            self._seen_since = None
            if self._gone_since is None:
                self._gone_since = now_s

    def _collect_reps(self) -> None:
        reps = self.evaluator.reps[len(self.scores) :]
        if self.mode == "drill":
            reps = list(self.stick_stage.merged(reps))
        for rep in reps:
            self._keep_rep(rep)

    def _keep_rep(self, rep: Rep) -> None:
        """A finished rep: on screen, and in the history at once (a power cut loses at
        most the rep in progress)."""
        self.scores.append(rep.score)
        self.faults.update(rep.faults)
        self._rep_faults.append(rep.faults)
        self._record(self._store_rep, rep)

    # -- history -----------------------------------------------------------------------

    def _record(self, write: Callable[..., object], *args: Any) -> None:
        """Write to the history; a failure is a notice on screen, never a stop."""
        if self.store is None:
            return
        try:
            write(*args)
        except HistoryWriteFailed as error:
            self.notice = f"History not saved: {error}"

    def _open_set(self) -> None:
        assert self.store is not None
        if self._session_id is None:
            self._session_id = self.store.start_session(self.person)
        self._set_id = self.store.start_set(self._session_id, self.mode)

    def _store_rep(self, rep: Rep) -> None:
        if self.store is not None and self._set_id is not None:
            self.store.add_rep(self._set_id, rep)

    def _store_cue(self, cue: CueEvent) -> None:
        if self.store is not None and self._set_id is not None:
            self.store.add_cue(self._set_id, cue)

    def _close_set(self, view: str) -> None:
        if self.store is None or self._set_id is None:
            return
        baseline = self._baseline(view)
        self.store.end_set(self._set_id, view, asdict(baseline) if baseline else None)
        self._closed_set_id, self._set_id = self._set_id, None

    def _drop_set(self) -> None:
        """A set that ended before its first rep is no set at all."""
        if self.store is not None and self._set_id is not None:
            set_id, self._set_id = self._set_id, None
            self.store.discard_set(set_id)

    def _calibration_prior(self) -> Baseline | None:
        """The lifter's last side-view baseline: calibration is per person. A guest in a
        household with named people has none (a guest is anyone)."""
        if self.store is None or (self.people and self.person is None):
            return None
        try:
            return Baseline.from_dict(self.store.last_baseline(self.person, "side"))
        except Exception:  # a prior is a convenience, never a stop
            return None

    def _own_sets(self) -> list[SetRecord]:
        """This lifter's stored sets, oldest first (a guest's are all the unnamed sets)."""
        assert self.store is not None
        return [r for r in self.store.sets(self.person) if r.person == self.person]

    def _last_person(self) -> str | None:
        """Who lifted last, if they are still one of the people; else the first of them."""
        if not self.people:
            return None
        try:
            last = self.store.last_person(self.people) if self.store is not None else None
        except Exception:  # who lifted last is a convenience, never a stop
            last = None
        return last if last in self.people else self.people[0]

    def end_session(self) -> None:
        """The person left: their session ends (in the studio profile, it is forgotten)."""
        if self.store is not None and self._session_id is not None:
            session_id, self._session_id = self._session_id, None
            self._record(self.store.end_session, session_id)

    def _summary(self) -> SummaryView:
        from appliance.display.tips import tip_for

        main = self.last_set.main_fault if self.last_set is not None else None
        unjudged = self.evaluator.summary().unjudged
        unchecked = None
        if "rounded_back" in unjudged:
            unchecked = f"Back not checked: {unjudged['rounded_back']}"
        records = self._stored_sets()
        next_step = self._next_step(records) if records is not None else None
        return SummaryView(
            reps=len(self.scores),
            scores=tuple(self.scores),
            main_fault=main,
            main_cue=fault_cue(main) if main in FAULT_CUES or main in STICK_CUES else None,
            tip=next_step or tip_for(main),
            unchecked=unchecked,
            comparison=None if records is None else self._comparison(records),
        )

    def _stored_sets(self) -> list[SetRecord] | None:
        """The lifter's stored sets (this one is the latest), read once for the summary;
        ``None`` without a history or when it cannot be read (never worth a stop)."""
        if self.store is None:
            return None
        try:
            return self._own_sets()
        except Exception:
            return None

    def _comparison(self, records: list[SetRecord]) -> SetComparison | None:
        """This set against the lifter's last sets in this mode."""
        earlier = [r for r in records if r.mode == self.mode and r.id != self._closed_set_id]
        return compare_with_last_sets(self.scores, self._rep_faults, earlier)

    @staticmethod
    def _next_step(records: list[SetRecord]) -> str | None:
        """Coaching over the weeks, from the lifter's stored sets."""
        outcomes = [
            SetOutcome(r.mode, len(r.reps), frozenset(f for rep in r.reps for f in rep.faults))
            for r in records
        ]
        return suggestion(outcomes)
