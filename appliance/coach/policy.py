"""The cue policy: from the evaluator's per-frame ``FormUpdate`` to the few cues worth saying.

It follows coaching.md's cue policy: one cue at a time, the most important first; a fault
is confirmed on 2 of the last 3 reps before it is said; cues fade (not every rep, a few
times a set at most); a fixed fault earns praise; everything is said at the top between
reps, except a safety fault, which is said the moment the evaluator reports it. It also
says when it cannot see a body part, when the view hides the back (not while a side
camera sees the lifter), when it needs the lifter to stand still for calibration, and,
once, when a side camera that was working is lost.

It only decides: no sound, no drawing, no clock of its own. Time is ``FormUpdate.t_s``.
"""

from __future__ import annotations

from collections import deque

from appliance.coach import phrases
from appliance.coach.config import CueConfig
from appliance.errors import BadInput
from appliance.types import FAULT_IDS, MODES, STICK_FAULT_IDS, CueEvent, FormUpdate, Rep

SAFETY_FAULTS: frozenset[str] = frozenset({"rounded_back"})
"""Faults said at once (mid-rep, once per rep) instead of waiting for confirmation."""

# Views from which the back's shape cannot be judged, so the lifter is asked to turn.
_HIDING_VIEWS = frozenset({"front", "oblique"})
# Body parts that matter only with a weight in the hands, per mode.
_PARTS_BY_MODE: dict[str, tuple[str, ...]] = {
    "drill": tuple(p for p in phrases.MISSING_PRIORITY if p != "wrists"),
    "deadlift": phrases.MISSING_PRIORITY,
}
_PRIORITY = {fault: i for i, fault in enumerate(FAULT_IDS + STICK_FAULT_IDS)}


def _by_priority(faults: tuple[str, ...]) -> list[str]:
    """Known fault ids of ``faults``, most important first (unknown ids are dropped)."""
    return sorted((f for f in set(faults) if f in _PRIORITY), key=_PRIORITY.__getitem__)


class CuePolicy:
    """Decides, frame by frame, which cue to give (if any) for one lifter's sets.

    ``mode`` is ``"drill"`` or ``"deadlift"``. Call ``update`` once per frame in time
    order; it returns at most one ``CueEvent``, stamped with the update's ``t_s``. Call
    ``reset`` when a new set starts.
    """

    def __init__(self, mode: str, config: CueConfig | None = None) -> None:
        if mode not in MODES:
            raise BadInput(f"unknown mode {mode!r}: expected one of {', '.join(MODES)}")
        self.mode = mode
        self.config = config or CueConfig()
        self.reset()

    def reset(self) -> None:
        """Forget the set: rep history, fading counts, once-a-set prompts and timers."""
        self._reps = 0
        self._history: deque[frozenset[str]] = deque(maxlen=self.config.confirm_window_reps)
        self._times_said: dict[str, int] = {}
        self._said_on_rep: dict[str, int] = {}  # fault -> last rep number it was said for
        self._awaiting_fix: dict[str, int] = {}  # cued fault -> rep number it was cued on
        self._clean_streak = 0
        self._good_rep_on: int | None = None
        self._last_event_t: float | None = None
        self._last_guidance_t: float | None = None
        self._missing_since: float | None = None
        self._standing_since: float | None = None
        self._turn_said = False
        self._calibration_said = False
        self._side_camera: str | None = None  # the side camera's state on the last frame
        self._side_lost_due = False  # it went from "ok" to "lost": say so, once a set
        self._side_lost_said = False
        self._setup_said: str | None = None  # the drill's last set-up instruction said
        self._setup_said_t: float | None = None
        # What the top of the last finished rep has to say, until the next descent starts.
        self._top_fault: str | None = None
        self._top_praise: str | None = None
        self._top_good_rep = False

    def update(self, update: FormUpdate) -> list[CueEvent]:
        """Take one frame's ``FormUpdate``; return the cue to give now (zero or one)."""
        self._track_timers(update)
        event = self._live_safety(update)
        if event is None:
            event = self.side_camera_cue(update)
        else:
            self._track_side_camera(update.side_camera)
        if update.completed_rep is not None:
            self._finish_rep(update.completed_rep)
        elif update.phase != "standing":
            # The top is over: what was not said waits for the next rep's verdict.
            self._top_fault, self._top_praise, self._top_good_rep = None, None, False
        if event is None and (update.completed_rep is not None or update.phase == "standing"):
            event = self._at_top(update)
        if event is None:
            return []
        self._last_event_t = update.t_s
        return [event]

    # --- bookkeeping ---------------------------------------------------------------------

    def _track_timers(self, u: FormUpdate) -> None:
        parts = self._missing_parts(u)
        if not parts or u.phase == "absent":
            self._missing_since = None
        elif self._missing_since is None:
            self._missing_since = u.t_s
        if u.phase != "standing" or u.calibrated:
            self._standing_since = None
        elif self._standing_since is None:
            self._standing_since = u.t_s

    def side_camera_cue(self, u: FormUpdate) -> CueEvent | None:
        """The side camera's news: "Side camera lost…" once a set when ``u.side_camera``
        went from ``"ok"`` to ``"lost"`` (said at once, not at the top: the lifter should
        know the verdicts now come from the front camera alone). ``update`` asks this on
        every frame; the mirror also asks before a set starts (the evaluator watching)."""
        self._track_side_camera(u.side_camera)
        if not self._side_lost_due:
            return None
        self._side_lost_due, self._side_lost_said = False, True
        return self._event(u, phrases.SIDE_CAMERA_LOST, "guidance", None, "info")

    def _track_side_camera(self, state: str | None) -> None:
        if self._side_camera == "ok" and state == "lost" and not self._side_lost_said:
            self._side_lost_due = True
        if state == "ok":
            self._side_lost_due = False  # back before it could be said: nothing to say
        self._side_camera = state

    def _missing_parts(self, u: FormUpdate) -> list[str]:
        """The parts this mode needs that ``u`` reports missing, most important first."""
        return [p for p in _PARTS_BY_MODE[self.mode] if p in u.missing]

    def _finish_rep(self, rep: Rep) -> None:
        """Record a finished rep and work out what its top could say."""
        self._reps += 1
        n = self._reps
        faults = _by_priority(rep.faults)
        self._history.append(frozenset(faults))
        self._top_fault = self._due_fault(faults, n)
        fixed = [
            f
            for f in _by_priority(tuple(self._awaiting_fix))
            if f not in faults and f not in rep.unjudged and self._awaiting_fix[f] < n
        ]
        for f in fixed:
            del self._awaiting_fix[f]
        self._top_praise = fixed[0] if fixed else None
        # "Good rep" only for reps whose back was actually checked: a front view that
        # could not see it earns no praise, only the advice to turn sideways.
        checked = not any(f in rep.unjudged for f in SAFETY_FAULTS)
        self._clean_streak = 0 if faults or not checked else self._clean_streak + 1
        gap_ok = self._good_rep_on is None or n - self._good_rep_on >= (
            self.config.good_rep_every_reps
        )
        self._top_good_rep = self._clean_streak >= self.config.good_rep_streak and gap_ok

    def _due_fault(self, faults: list[str], n: int) -> str | None:
        """The most important fault of rep ``n`` that is confirmed and not faded."""
        cfg = self.config
        if any(self._said_on_rep.get(f) == n for f in SAFETY_FAULTS):
            return None  # a safety cue was given during this rep: let it sink in
        for f in faults:
            said = self._times_said.get(f, 0)
            if f in SAFETY_FAULTS:
                if said < cfg.max_safety_cues:
                    return f
                continue
            seen = sum(f in past for past in self._history)
            last = self._said_on_rep.get(f)
            if (
                seen >= cfg.confirm_reps
                and said < cfg.max_cues_per_fault
                and (last is None or n - last >= cfg.repeat_every_reps)
            ):
                return f
        return None

    def _mark_said(self, fault: str, rep_number: int) -> None:
        self._times_said[fault] = self._times_said.get(fault, 0) + 1
        self._said_on_rep[fault] = rep_number
        self._awaiting_fix[fault] = rep_number

    # --- deciding --------------------------------------------------------------------------

    def _live_safety(self, u: FormUpdate) -> CueEvent | None:
        """A safety fault of the rep in progress, said at once (once per rep)."""
        current = self._reps + 1
        for f in _by_priority(u.live_faults):
            if f not in SAFETY_FAULTS or self._said_on_rep.get(f) == current:
                continue
            if self._times_said.get(f, 0) >= self.config.max_safety_cues:
                continue
            self._mark_said(f, current)
            return self._event(u, phrases.fault_cue(f), "fault", f, "safety")
        return None

    def _at_top(self, u: FormUpdate) -> CueEvent | None:
        """The most important thing to say at the top, if the last cue is long enough ago."""
        fault = self._top_fault
        safety = fault in SAFETY_FAULTS
        last = self._last_event_t
        if not safety and last is not None and u.t_s - last < self.config.min_gap_s:
            return None  # a safety cue does not wait for the gap; everything else does
        if fault is not None:
            self._top_fault = None
            self._mark_said(fault, self._reps)
            severity = "safety" if safety else "form"
            return self._event(u, phrases.fault_cue(fault), "fault", fault, severity)
        if self._top_praise is not None:
            fault, self._top_praise = self._top_praise, None
            return self._event(u, phrases.praise(fault), "praise", fault, "praise")
        standing = u.phase == "standing"
        guidance = self._guidance(u) if standing else None
        if guidance is not None:
            self._last_guidance_t = u.t_s
            return self._event(u, guidance, "guidance", None, "info")
        setup = self._setup(u) if standing else None
        if setup is not None:
            return self._event(u, setup, "guidance", None, "info")
        # With a working side camera the lifter stays facing the mirror: never "turn".
        hidden = u.view in _HIDING_VIEWS and u.side_camera != "ok"
        if self._reps >= 1 and hidden and not self._turn_said:
            self._turn_said = True
            return self._event(u, phrases.TURN_SIDEWAYS, "guidance", None, "info")
        setting_up = self._setup_said is not None and self._setup_said != phrases.READY
        if standing and self._calibration_due(u) and not setting_up:
            self._calibration_said = True
            return self._event(u, phrases.STAND_STILL, "guidance", None, "info")
        if self._top_good_rep:
            self._top_good_rep = False
            self._good_rep_on = self._reps
            return self._event(u, phrases.GOOD_REP, "praise", None, "praise")
        return None

    def _guidance(self, u: FormUpdate) -> str | None:
        """The "I can't see your …" text, once a part has been missing long enough."""
        since, last = self._missing_since, self._last_guidance_t
        if since is None or u.t_s - since < self.config.missing_delay_s:
            return None
        if last is not None and u.t_s - last < self.config.guidance_repeat_s:
            return None
        return phrases.cant_see(self._missing_parts(u)[0])

    def _setup(self, u: FormUpdate) -> str | None:
        """The drill's set-up instruction before the first rep: each new one once, the
        same one again only after ``guidance_repeat_s``, "Ready" once."""
        text = u.setup
        if text is None or self._reps > 0:
            return None
        last_t = self._setup_said_t
        if text == self._setup_said and (
            text == phrases.READY
            or (last_t is not None and u.t_s - last_t < self.config.guidance_repeat_s)
        ):
            return None
        self._setup_said, self._setup_said_t = text, u.t_s
        return text

    def _calibration_due(self, u: FormUpdate) -> bool:
        since = self._standing_since
        return (
            not self._calibration_said
            and not self._missing_parts(u)
            and since is not None
            and u.t_s - since >= self.config.calibration_delay_s
        )

    @staticmethod
    def _event(u: FormUpdate, text: str, kind: str, fault: str | None, severity: str) -> CueEvent:
        return CueEvent(
            t_s=u.t_s, text=text, kind=kind, fault=fault, severity=severity, frame_t_s=u.t_s
        )
