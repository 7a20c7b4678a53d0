"""The form evaluator: a stream of poses in; view, phase, reps, faults and scores out.

Per frame it measures the chosen side (``features``), tracks the reference torso length,
turns the trunk into one hinge signal (its 2-D angle, or how much it foreshortens when
the lifter bends toward the camera), and feeds the calibration, the view and the rep
counter. A rep is judged (``faults``) a moment after lockout, when the top is known.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field, replace

from appliance.errors import BadInput
from appliance.form.calibration import Baseline, Calibrator
from appliance.form.faults import RepContext, Sample, judge_rep
from appliance.form.features import FrameFeatures, extract, side_scores
from appliance.form.reps import RepDetector, RepWindow
from appliance.form.scoring import score_rep
from appliance.form.thresholds import DEFAULT_THRESHOLDS, Thresholds
from appliance.form.view import ViewTracker
from appliance.types import FAULT_IDS, MODES, FormUpdate, Pose, Rep

_SETTLED_DEG = 4.0  # within this of the settled top counts as locked out
_SIDE_VOTES = 15  # frames of scores before the lifter's side is fixed for the set
_BUFFER_S = 30.0  # seconds of frames kept for judging the rep in progress
_FORGET_PERSON_S = 3.0  # absent this long: the next person is someone new
# A torso at more than this share of its standing height is upright within length noise.
_FORESHORTENING_NOISE = 0.94
_MISSING_PARTS = (
    ("hip", "hips"),
    ("knee", "knees"),
    ("ankle", "feet"),
    ("shoulder", "shoulders"),
    ("ear", "head"),
)


@dataclass(frozen=True)
class SetSummary:
    """The whole set so far: the view, the finished reps, the faults that could not be
    judged on any rep and why (fault id -> reason), whether anyone was seen at all."""

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
        self.detector = RepDetector(self.th)
        self.reps: list[Rep] = []
        self._frames = 0
        self._person_seen = False
        self._side: str | None = None
        self._side_votes: list[tuple[float, float]] = []
        self._samples: deque[Sample] = deque()
        self._torso: deque[tuple[float, float]] = deque()  # (t_s, torso_px) lately
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
        side = self._choose_side(pose)
        # Dated on the caller's clock: every time the evaluator keeps is on that one clock.
        features, _ = extract(pose, side, self.th.min_score, t_s)
        missing = self._missing(features)
        if not features.seen("shoulder", "hip", min_score=self.th.min_score):
            return self._absent(t_s, completed, missing=missing, present=True)
        self._last_seen_t = t_s
        hinge = self._hinge_deg(features)
        self._samples.append(Sample(features, hinge))
        while self._samples and self._samples[0].features.t_s < t_s - _BUFFER_S:
            self._samples.popleft()
        standing = self.detector.state in ("top", "unknown") and hinge < 20.0
        if self.detector.state in ("top", "unknown"):
            self.calibrator.update(features, hinge)
        self.views.update(features, standing)
        window = self.detector.update(t_s, hinge)
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

    def summary(self) -> SetSummary:
        """The set so far; a rep waiting for its top window is judged now."""
        if self._pending is not None:
            self._flush_pending(self.detector.last_t or 0.0, force=True)
        always: dict[str, str] = {}
        for fault in FAULT_IDS:
            reasons = [rep.unjudged[fault] for rep in self.reps if fault in rep.unjudged]
            if reasons and len(reasons) == len(self.reps):
                always[fault] = max(set(reasons), key=reasons.count)
        return SetSummary(
            self.mode, self.views.view, tuple(self.reps), always, self._person_seen, self._frames
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
            self._side, self._side_votes = None, []
        return FormUpdate(
            t_s=t_s,
            view=self.views.view,
            phase=self.detector.phase if present else "absent",
            rep_count=len(self.reps),
            completed_rep=completed,
            missing=missing,
            calibrated=self.calibrator.baseline is not None,
        )

    def _choose_side(self, pose: Pose) -> str:
        if self._side is not None:
            return self._side
        rows = pose.yx_score.tolist()
        self._side_votes.append(side_scores(rows))
        left = sum(v[0] for v in self._side_votes)
        right = sum(v[1] for v in self._side_votes)
        side = "left" if left >= right else "right"
        if len(self._side_votes) >= _SIDE_VOTES:
            self._side = side
        return side

    def _hinge_deg(self, features: FrameFeatures) -> float:
        """Trunk inclination (degrees). Side-on it is the 2-D angle of the hip→shoulder
        line. Facing the camera the trunk bends toward the lens and mostly shortens
        instead: then the angle whose cosine is the torso's height over its standing
        length counts too, once the shortening is clear of length noise."""
        t, torso = features.t_s, features.torso_px
        self._torso.append((t, torso))
        while self._torso[0][0] < t - self.th.torso_window_s:
            self._torso.popleft()
        angle = features.trunk_2d_deg
        if self.views.view not in ("front", "oblique"):
            return angle
        baseline = self.calibrator.baseline
        if baseline is not None:
            reference = baseline.torso_px
        else:
            lengths = sorted(length for _, length in self._torso)
            reference = lengths[int(0.8 * (len(lengths) - 1))]
        upright = (features.hip.y - features.shoulder.y) / max(1e-6, reference)
        if upright >= _FORESHORTENING_NOISE:
            return angle
        return max(angle, math.degrees(math.acos(max(-1.0, upright))))

    def _missing(self, features: FrameFeatures) -> tuple[str, ...]:
        th = self.th
        missing = [
            name for part, name in _MISSING_PARTS if getattr(features, part).score < th.min_score
        ]
        if self.mode == "deadlift" and features.wrist.score < th.min_score:
            missing.append("wrists")
        return tuple(missing)

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

    @staticmethod
    def _facing_now(features: FrameFeatures) -> float:
        return 1.0 if features.shoulder.x >= features.hip.x else -1.0

    def _flush_pending(self, t_s: float, force: bool) -> Rep | None:
        window = self._pending
        if window is None or (not force and t_s < window.lockout_s + self.th.top_window_s):
            return None
        self._pending = None
        end = window.lockout_s + self.th.top_window_s
        samples = [s for s in self._samples if window.start_s <= s.features.t_s <= end]
        window = _settled_lockout(window, samples)
        facing = _facing(samples)
        context = RepContext(
            window,
            samples,
            self.calibrator.baseline,
            self.views.view,
            self.mode,
            facing,
            self.th,
        )
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
        return rep


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
