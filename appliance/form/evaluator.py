"""The form evaluator: a stream of poses in; view, phase, reps, faults and scores out.

Per frame it measures the chosen side (``features``), tracks the reference torso length,
turns the trunk into one hinge signal (its 2-D angle, or how much it foreshortens when
the lifter bends toward the camera), and feeds the calibration, the view and the rep
counter. A rep is judged (``faults``) a moment after lockout, when the top is known.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from appliance.errors import BadInput
from appliance.form.calibration import Baseline, Calibrator
from appliance.form.faults import RepContext, Sample, Unjudged, judge_rep, knee_at_bottom
from appliance.form.features import FrameFeatures, extract
from appliance.form.hinge import HingeSignal
from appliance.form.reps import RepDetector, RepWindow
from appliance.form.scoring import score_rep
from appliance.form.side import Facing, NearSide
from appliance.form.stance import StanceTracker, Travel
from appliance.form.thresholds import DEFAULT_THRESHOLDS, Thresholds
from appliance.form.view import ViewTracker, view_during
from appliance.types import FAULT_IDS, KEYPOINT_INDEX, MODES, FormUpdate, Pose, Rep

SIDES = ("left", "right")

_SETTLED_DEG = 4.0  # within this of the settled top counts as locked out
_BUFFER_S = 30.0  # seconds of frames kept for judging the rep in progress
_TOP_KNEES_S = 0.5  # seconds before a descent in which the knees show the top it left
_FORGET_PERSON_S = 3.0  # absent this long: the next person is someone new
_MISSING_PARTS = (
    ("hip", "hips"),
    ("knee", "knees"),
    ("ankle", "feet"),
    ("shoulder", "shoulders"),
    ("ear", "head"),
)


@dataclass(frozen=True)
class SetSummary:
    """The whole set so far: the view (the one most reps were judged in), the finished
    reps, the faults that could not be judged on any rep and why (fault id -> reason),
    whether anyone was seen at all."""

    mode: str
    view: str
    reps: tuple[Rep, ...]
    unjudged: dict[str, str] = field(default_factory=dict)
    person_seen: bool = False
    frames: int = 0


class FormEvaluator:
    """Feed it every frame's pose (``None`` when nobody is there) in time order."""

    def __init__(
        self,
        mode: str = "deadlift",
        thresholds: Thresholds | None = None,
        prior: Baseline | None = None,
    ) -> None:
        """``prior``: this lifter's baseline from an earlier set, used until a fresh one is
        taken (see ``calibration``)."""
        if mode not in MODES:
            raise BadInput(f"unknown mode {mode!r}: expected one of {', '.join(MODES)}")
        self.mode = mode
        self.th = thresholds or DEFAULT_THRESHOLDS
        self.calibrator = Calibrator(self.th, prior)
        self.views = ViewTracker(self.th)
        self.detector = RepDetector(self.th, self._reaches_floor if mode == "deadlift" else None)
        self.reps: list[Rep] = []
        self._rep_views: list[str] = []  # the view each rep was judged in
        self._frames = 0
        self._person_seen = False
        self.near_side = NearSide()
        self.facing = Facing()
        self.stance = StanceTracker(self.th.min_score)
        self._samples: deque[Sample] = deque()
        self.hinge = HingeSignal(self.th)
        self._pending: RepWindow | None = None
        self._last_seen_t: float | None = None
        self._live_since: float | None = None

    def reset(self) -> None:
        """Start a new set (keeps nothing but the mode)."""
        self.__init__(self.mode, self.th)  # type: ignore[misc]

    # -- per frame ---------------------------------------------------------------------

    def update(self, pose: Pose | None, t_s: float) -> FormUpdate:
        """Take one frame (``t_s`` seconds); return what is known after it."""
        self._frames += 1
        completed = self._flush_pending(t_s, force=False)
        if pose is None or not pose.person_present:
            return self._absent(t_s, completed)
        self._person_seen = True
        rows = pose.yx_score.tolist()
        side = self.near_side.update(rows, t_s)
        # Dated on the caller's clock: every time the evaluator keeps is on that one clock.
        features = extract(pose, rows, side, self.th.min_score, t_s)
        missing = self._missing(features, rows)
        if not features.seen("shoulder", "hip", min_score=self.th.min_score):
            return self._absent(t_s, completed, missing=missing, present=True)
        self._last_seen_t = t_s
        hinge = self._hinge_deg(features)
        self.stance.update(features, self.hinge.reference_torso())
        self._samples.append(Sample(features, hinge))
        while self._samples and self._samples[0].features.t_s < t_s - _BUFFER_S:
            self._samples.popleft()
        standing = self.detector.state in ("top", "unknown") and hinge < 20.0
        self.views.update(features, standing)
        if self.detector.state in ("top", "unknown") and self.views.view == "side":
            # The baseline holds side-view angles: standing facing the mirror says nothing
            # about the trunk's or the head's line seen from the side.
            self.calibrator.update(features, features.trunk_2d_deg)  # a lean back is no stance
        knees_seen = features.seen("hip", "knee", "ankle", min_score=self.th.min_score)
        knees = features.knees_flexion_deg if knees_seen else None
        window = self.detector.update(t_s, hinge, knees, self.hinge.hips_share(features))
        if window is not None and window.floor_set and self._turned_since(window):
            window = None  # no lowering: the lifter turned to walk off after the set-down
        if window is not None:
            completed = self._flush_pending(t_s, force=True) or completed
            self._pending = window
        elif self._pending is not None and self.detector.state == "down":
            completed = self._flush_pending(t_s, force=True) or completed
        return FormUpdate(
            t_s=t_s,
            view=self.views.view,
            phase=self.detector.phase,
            rep_count=len(self.reps),
            completed_rep=completed,
            live_faults=self._live_faults(features, t_s),
            missing=missing,
            calibrated=self.calibrator.baseline is not None,
        )

    @property
    def rep_views(self) -> tuple[str, ...]:
        """The view each finished rep was judged in, in rep order."""
        return tuple(self._rep_views)

    def summary(self) -> SetSummary:
        """The set so far; a rep waiting for its top window is judged now."""
        if self._pending is not None:
            self._flush_pending(self.detector.last_t or 0.0, force=True)
        always = unjudged_on_every_rep(self.reps)
        views = self._rep_views or [self.views.view]
        view = max(dict.fromkeys(views), key=views.count)  # the view most reps were seen in
        return SetSummary(
            self.mode, view, tuple(self.reps), always, self._person_seen, self._frames
        )

    # -- helpers -----------------------------------------------------------------------

    def _absent(
        self,
        t_s: float,
        completed: Rep | None,
        missing: tuple[str, ...] = (),
        present: bool = False,
    ) -> FormUpdate:
        gone_s = t_s - self._last_seen_t if self._last_seen_t is not None else math.inf
        if gone_s > self.th.lost_after_s:
            self.detector.reset()
            self._live_since = None
        if gone_s > _FORGET_PERSON_S and not present:
            self.calibrator.reset()
            self.near_side.reset()
            self.facing.reset()
            self.stance.reset()
            self.hinge.reset()
        return FormUpdate(
            t_s=t_s,
            view=self.views.view,
            phase=self.detector.phase if present else "absent",
            rep_count=len(self.reps),
            completed_rep=completed,
            missing=missing,
            calibrated=self.calibrator.baseline is not None,
        )

    def _hinge_deg(self, features: FrameFeatures) -> float:
        """The hinge signal (degrees) in the view decided so far; see ``form/hinge.py``."""
        facing = self.facing.update(features, self.th.min_score)
        return self.hinge.update(features, self.views.view, facing)

    def _missing(self, features: FrameFeatures, rows: list[list[float]]) -> tuple[str, ...]:
        """The parts seen on neither side of the body."""
        th = self.th
        wanted = [*_MISSING_PARTS, *((("wrist", "wrists"),) if self.mode == "deadlift" else ())]
        return tuple(
            name
            for part, name in wanted
            if getattr(features, part).score < th.min_score
            and all(rows[KEYPOINT_INDEX[f"{side}_{part}"]][2] < th.min_score for side in SIDES)
        )

    def _live_faults(self, features: FrameFeatures, t_s: float) -> tuple[str, ...]:
        """A back rounding mid-rep is said at once (safety), not at the top: the rep
        judge's measure (torso shortened plus head dropped, against the calibrated standing
        posture), a little stronger, held for a moment."""
        baseline = self.calibrator.baseline
        th = self.th
        if self.views.view != "side" or baseline is None or self.detector.state == "top":
            self._live_since = None
            return ()
        facing = self._facing_now(features)
        shrink = max(0.0, 1.0 - features.torso_px / max(1e-6, baseline.torso_px))
        head = (features.neck_flexion_deg(facing) - baseline.neck_deg(facing)) / th.rounded_neck_deg
        rounding = (
            self.detector.signal >= 40.0
            and features.seen("ear", min_score=th.min_score)
            and head >= th.rounded_min_head_share
            and shrink / th.rounded_torso_shrink + head >= th.rounded_live_evidence
        )
        if not rounding:
            self._live_since = None
            return ()
        if self._live_since is None:
            self._live_since = t_s
        return ("rounded_back",) if t_s - self._live_since >= th.rounded_live_hold_s else ()

    def _reaches_floor(self, window: RepWindow, unseen: bool) -> bool:
        """The rep went down to a weight on the floor: at its deepest the knees bent so far
        that the hips dropped well toward them (an RDL turns at the bottom with soft knees;
        a lean at the top of a pull bends no knee). Vertical distances, so in any view.
        ``unseen``: the answer when the knees or the standing lifter cannot be seen."""
        th = self.th
        upright, low = [], []
        bottom_from = window.peak_deg - 0.15 * (window.peak_deg - window.top_deg)
        for sample in self._samples:
            f, t = sample.features, sample.features.t_s
            if not f.seen("knee", "hip", min_score=th.min_score):
                continue
            if window.start_s - th.settled_before_s <= t <= window.start_s or t >= window.lockout_s:
                upright.append(f.knee.y - f.hip.y)  # standing before the rep or after it
            elif t > window.start_s and sample.hinge_deg >= bottom_from:
                low.append(f.knee.y - f.hip.y)
        if not upright or not low:
            return unseen
        height = statistics.median(upright)
        return height > 0 and statistics.median(low) / height < th.floor_setup_hip_drop

    def _turned_since(self, window: RepWindow) -> bool:
        """The lifter turned between side-on and facing the camera since ``window``'s
        lockout. A pull of a floor set is confirmed by the next lowering, which a lifter
        makes where they stand, facing as they pulled; turning to walk off after setting
        the weight down foreshortens the torso to a side camera and reads as one."""
        lockout = window.lockout_s
        top = [
            s.features
            for s in self._samples
            if lockout <= s.features.t_s <= lockout + self.th.top_window_s
        ]
        then = view_during(top, self.views.view, self.th)
        return (then == "side") != (self.views.view == "side")

    def _planted(self, window: RepWindow) -> bool:
        """A rep is done in place: the feet settled before it (or at the bar during a
        set-up pause), planted through it, and still there after the lockout (a lifter who
        stands up and walks off set the weight down). Walking in or out bending over is
        no rep."""
        th, stance = self.th, self.stance
        during = stance.travel(window.start_s, window.lockout_s)
        if not _within(during, th.planted_feet_torso, th.planted_hips_torso):
            return False
        if window.from_floor:
            return True  # the lowering that confirmed it shows the lifter stayed
        before = stance.travel(window.start_s - th.settled_before_s, window.start_s)
        seen_before = stance.seen_since(window.start_s - 0.8 * th.settled_before_s)
        # Only a pause bent over a weight on the floor is a set-up at the bar.
        set_up = window.floor_set and window.bottom_pause_s >= th.setup_pause_s
        settled = seen_before and _within(before, th.settled_feet_torso, th.settled_hips_torso)
        if not (set_up or settled or self._in_set_spot(window)):
            return False
        if window.steady_top:
            after = stance.travel(window.lockout_s, window.lockout_s + th.settled_after_s)
            return _within(after, th.settled_feet_torso, th.settled_hips_torso)
        return True

    def _from_a_top(self, window: RepWindow) -> bool:
        """A rep that starts short of upright (after an incomplete lockout) starts from a
        lifter who had stood up at least partly: knees no longer bent as at the floor at
        the top it left (their straightest in the half second before the descent, a squat
        bending them from its start). A bob while lowering to the floor starts from bent
        knees and is no rep."""
        th = self.th
        if window.top_deg < th.stall_min_deg or window.squat_cycle:
            return True  # (a squat cycle began and ended with the hips stood up)
        at_top = sorted(
            s.features.knees_flexion_deg
            for s in self._samples
            if window.start_s - _TOP_KNEES_S <= s.features.t_s <= window.start_s
            and s.features.seen("hip", "knee", "ankle", min_score=th.min_score)
        )
        return not at_top or at_top[len(at_top) // 4] <= th.top_max_knee_deg

    def _in_set_spot(self, window: RepWindow) -> bool:
        """The rep follows another counted rep with the feet still where they were for it:
        the set settled the stance (half a second of a small lifter's ankles at 15 fps can
        wander past the settled limit)."""
        if not self.reps:
            return False
        between = self.stance.travel(self.reps[-1].end_s, window.start_s)
        return between is not None and _within(
            between, self.th.settled_feet_torso, self.th.settled_hips_torso
        )

    def _earlier(self, metric: str) -> tuple[float, ...]:
        """``metric`` of this set's reps so far, where it was measured."""
        return tuple(rep.metrics[metric] for rep in self.reps if metric in rep.metrics)

    @staticmethod
    def _facing_now(features: FrameFeatures) -> float:
        return 1.0 if features.shoulder.x >= features.hip.x else -1.0

    def _flush_pending(self, t_s: float, force: bool) -> Rep | None:
        window = self._pending
        if window is None or (not force and t_s < window.lockout_s + self.th.top_window_s):
            return None
        self._pending = None
        if not self._planted(window):
            return None
        end = window.lockout_s + self.th.top_window_s
        samples = [s for s in self._samples if window.start_s <= s.features.t_s <= end]
        window = _settled_lockout(window, samples)
        if self.reps and window.start_s < self.reps[-1].end_s:
            if window.bottom_s <= self.reps[-1].end_s:
                return None  # the same movement as the last rep
            window = replace(window, start_s=self.reps[-1].end_s)
        facing = _facing(samples)
        view = view_during([s.features for s in samples], self.views.view, self.th)
        context = RepContext(
            window,
            samples,
            self.calibrator.baseline,
            view,
            self.mode,
            facing,
            self.th,
            self._earlier("lockout_hip_extension_deg"),
            self._earlier("bar_offset_shank"),
        )
        if not _deep_enough(context) or not self._from_a_top(window):
            return None
        judgement = judge_rep(context)
        rep = Rep(
            index=len(self.reps) + 1,
            start_s=round(window.start_s, 3),
            bottom_s=round(window.bottom_s, 3),
            end_s=round(window.lockout_s, 3),
            faults=judgement.faults,
            score=score_rep(judgement.faults),
            metrics=judgement.metrics,
            unjudged=judgement.unjudged,
        )
        self.reps.append(rep)
        self._rep_views.append(view)
        return rep


def unjudged_on_every_rep(reps: Sequence[Rep]) -> dict[str, str]:
    """The faults no rep of ``reps`` could be judged on, each with its commonest reason."""
    always: dict[str, str] = {}
    for fault in FAULT_IDS:
        reasons = [rep.unjudged[fault] for rep in reps if fault in rep.unjudged]
        if reasons and len(reasons) == len(reps):
            always[fault] = max(set(reasons), key=reasons.count)
    return always


def _deep_enough(ctx: RepContext) -> bool:
    """A side-on hinge bends the trunk at least ``rep_side_peak_deg``, or the knees bend
    like a squat's; a smaller bob with straight legs is a lean, not a rep. Facing the
    camera the inclination reads low near upright, so the detector's depth stands."""
    th = ctx.th
    if ctx.view in ("front", "oblique") or ctx.window.peak_deg >= th.rep_side_peak_deg:
        return True
    try:
        return knee_at_bottom(ctx) >= th.rep_squat_knee_deg
    except Unjudged:
        return False


def _within(travel: Travel | None, feet: float, hips: float) -> bool:
    """Unknown travel (too few frames) does not count against a rep."""
    return travel is None or travel.distance <= (feet if travel.on == "feet" else hips)


def _settled_lockout(window: RepWindow, samples: list[Sample]) -> RepWindow:
    """Lockout is confirmed while the lifter may still be rising slowly; once the top has
    been seen, move it to when they first got within a few degrees of where they settled."""
    top = sorted(s.hinge_deg for s in samples if s.features.t_s >= window.lockout_s)
    if not top:
        return window
    settled = top[len(top) // 4] + _SETTLED_DEG
    first = next(
        (
            s.features.t_s
            for s in samples
            if s.features.t_s >= window.bottom_s and s.hinge_deg <= settled
        ),
        window.lockout_s,
    )
    return replace(window, lockout_s=max(first, window.lockout_s))


def _facing(samples: list[Sample]) -> float:
    """+1 when the lifter faces right in the image, -1 left: the shoulders go forward of
    the hips when bent over."""
    bent = [s.features.shoulder.x - s.features.hip.x for s in samples if s.hinge_deg > 30.0]
    if not bent:
        bent = [s.features.nose.x - s.features.shoulder.x for s in samples]
    total = sum(bent)
    return 1.0 if total >= 0 else -1.0
