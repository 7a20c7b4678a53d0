"""Two cameras, one verdict: the mirror's front camera and a side camera, evaluated apart
and fused.

Each camera's frames go to its own ``FormEvaluator``, exactly as with one camera; the side
camera's timestamps are put on the front camera's clock first (by the caller). Reps are
counted once: a rep both cameras found is one rep (they share its bottom), judged fault
by fault by the camera that sees it best (``merge``); a rep only one camera found counts
when that camera had the better view of it, or the other camera was lost or did not see
the lifter then. A rep of one camera that holds the bottoms of two or more of the other's
is reps it ran together (it missed the lockouts the other saw): the other's reps count.
Whether the set is pulled from the floor (its last lowering the weight set down, no rep)
is the call of the camera that found the set's first rep. The side camera's frames from
before the front's first frame calibrate its evaluator; the set's reps are those that end
after it. When the side camera stops, the front camera carries the set alone.

``update`` takes the front camera's frames and returns the fused ``FormUpdate`` the cue
policy and the mirror use; ``update_side`` takes the side camera's. A fused rep is given
out once both cameras had their say on it (or ``_GRACE_S`` after it ended; longer while
the other camera is still in a movement through it, up to ``_HOLD_S``). A camera had its
say on a rep when it saw the lifter through it and the moment after its lockout in which
a rep is judged, and kept working (a pull from the floor is a rep once the lifter lowers
again).
"""

from __future__ import annotations

import math
from dataclasses import replace

from appliance.form.calibration import Baseline
from appliance.form.evaluator import FormEvaluator, SetSummary, unjudged_on_every_rep
from appliance.form.stance import Travel
from appliance.form.thresholds import Thresholds
from appliance.fusion.merge import CameraRep, fuse, share_bottom, view_rank
from appliance.fusion.watch import CameraFrame, CameraWatch
from appliance.types import FAULT_IDS, FormUpdate, Pose, Rep

# A hinge this deep (trunk from vertical, degrees) shortens the torso by 30 % seen from
# the front: the mirror's camera, the lifter facing it, neither misses it nor makes it up,
# whatever the other camera says. Shallower ones it can miss, and one it judged in an
# oblique view (a lifter turning as they walk in) is no shortening toward it; there the
# side camera has the say.
_PLAIN_FROM_FRONT_DEG = 45.0
_GRACE_S = 4.0  # seconds after a rep's end the other camera has to find it too
# ... or longer, up to _HOLD_S after its end: while the other camera is in a movement of
# its own that began before this rep's bottom, and _GRACE_S after that movement ended (it
# may yet report the rep: a floor pull once the lifter lowers again; or one rep of two or
# three it ran together, missing the lockouts between).
_HOLD_S = 15.0
_TOP_BEFORE_S = 1.0  # seconds before a rep's start in which the top it left is looked for
_ARRIVING_S = 0.5  # seconds a camera saw the lifter before the other: it saw them arrive
_STOOD_BEFORE_S = 0.5  # seconds before a rep in which the feet's place is taken


class PairedEvaluator:
    """Feed front frames to ``update`` and side frames to ``update_side``, each in time
    order, all timestamps (seconds) on the front camera's clock."""

    def __init__(
        self,
        mode: str = "deadlift",
        thresholds: Thresholds | None = None,
        prior: Baseline | None = None,
    ) -> None:
        self.mode = mode
        self.front = FormEvaluator(mode, thresholds, prior)
        self.side = FormEvaluator(mode, thresholds, prior)
        self.watch = CameraWatch(self.front.th.lost_after_s)  # the side camera's
        self.front_watch = CameraWatch(self.front.th.lost_after_s)
        self.reps: list[Rep] = []
        self._waiting: list[CameraRep] = []  # found by one camera, not fused yet
        self._fused: list[list[CameraRep]] = []  # what each fused rep was made of
        self._side_update: FormUpdate | None = None
        self._last_side_pose: Pose | None = None
        self._ready: list[Rep] = []  # fused, not yet given out
        self._taken: dict[str, list[CameraRep]] = {"front": [], "side": []}
        self._run_together: list[CameraRep] = []  # one camera's rep over several of the other's
        # Each camera's movements: from when it saw the lifter leave standing to when it
        # saw them stand again (``None``: not yet), and when it last saw the lifter.
        self._moves: dict[str, list[list[float | None]]] = {"front": [], "side": []}
        self._seen_t: dict[str, float | None] = {"front": None, "side": None}
        self._front_start: float | None = None  # the front's first frame: the set begins
        self._side_state = "waiting"
        # Each camera's floor-set call, once made: a camera that loses the lifter (walking
        # off after setting the weight down) forgets it with the rep in progress.
        self._floor_called: dict[str, bool] = {"front": False, "side": False}
        # When a camera called it on its first sight of the lifter (bent over the weight).
        self._called_at_sight: dict[str, float | None] = {"front": None, "side": None}

    @property
    def th(self) -> Thresholds:
        """The thresholds both evaluators use."""
        return self.front.th

    def reset(self) -> None:
        """Start a new set."""
        self.__init__(self.mode, self.front.th)  # type: ignore[misc]

    # -- frames ------------------------------------------------------------------------

    def update_side(self, pose: Pose | None, t_s: float) -> FormUpdate:
        """Take one side-camera frame (``t_s`` on the front's clock)."""
        frozen = pose is not None and _same(pose, self._last_side_pose)
        self._last_side_pose = pose
        update = self.side.update(pose, t_s)
        self._note_floor_call("side", self.side, t_s)
        self._side_update = update
        self._saw("side", update)
        present = update.phase != "absent"
        self.watch.saw(CameraFrame(t_s, present, update.view, self.side.detector.signal), frozen)
        if update.completed_rep is not None:
            self._found("side", update.completed_rep, self.side.rep_views[-1])
        return update

    def update(self, pose: Pose | None, t_s: float) -> FormUpdate:
        """Take one front-camera frame; return what is known after it, both cameras
        together."""
        if self._front_start is None:
            self._front_start = t_s
        front = self.front.update(pose, t_s)
        self._note_floor_call("front", self.front, t_s)
        present = front.phase != "absent"
        self.front_watch.saw(CameraFrame(t_s, present, front.view, self.front.detector.signal))
        self._saw("front", front)
        if front.completed_rep is not None:
            self._found("front", front.completed_rep, self.front.rep_views[-1])
        side_state = self.watch.state(t_s)
        if side_state == "lost" and self._side_state != "lost":
            self._collect("side", self.side)  # the rep it was finishing when it went
        self._side_state = side_state
        self._settle(t_s, force=False)
        completed = self._ready.pop(0) if self._ready else None
        side = self._side_update
        use_side = (
            side is not None
            and side_state == "ok"
            and side.phase != "absent"
            and view_rank(side.view) > view_rank(front.view)
        )
        if use_side and side is not None:
            missing = tuple(part for part in front.missing if part in side.missing)
            return replace(
                front,
                view=side.view,
                phase=side.phase,
                rep_count=len(self.reps),
                completed_rep=completed,
                live_faults=side.live_faults,
                missing=missing,
                calibrated=front.calibrated or side.calibrated,
                side_camera=side_state,
            )
        return replace(
            front, rep_count=len(self.reps), completed_rep=completed, side_camera=side_state
        )

    def summary(self) -> SetSummary:
        """The set so far, both cameras together; reps still waiting are settled now."""
        front = self._collect("front", self.front)
        side = self._collect("side", self.side)
        self._settle(float("inf"), force=True)
        self._ready.clear()
        views = [max(group, key=lambda r: view_rank(r.view)).view for group in self._fused]
        view = max(dict.fromkeys(views), key=views.count) if views else front.view
        return SetSummary(
            self.mode,
            view,
            tuple(self.reps),
            unjudged_on_every_rep(self.reps),
            front.person_seen or side.person_seen,
            front.frames,
        )

    @property
    def rep_cameras(self) -> tuple[tuple[str, ...], ...]:
        """For each fused rep, the cameras that found it."""
        return tuple(tuple(r.camera for r in group) for group in self._fused)

    # -- fusing ------------------------------------------------------------------------

    def _collect(self, camera: str, evaluator: FormEvaluator) -> SetSummary:
        """Judge ``evaluator``'s rep still waiting for its top, take every rep of it not
        taken yet, and return its summary."""
        summary = evaluator.summary()
        taken = len(self._taken[camera])
        for rep, view in zip(summary.reps[taken:], evaluator.rep_views[taken:], strict=False):
            self._found(camera, rep, view)
        return summary

    def _saw(self, camera: str, update: FormUpdate) -> None:
        """Keep when ``camera`` last saw the lifter, and its movements (the lifter not
        standing)."""
        if update.phase == "absent":
            return
        self._seen_t[camera] = update.t_s
        moves = self._moves[camera]
        moving = moves and moves[-1][1] is None
        if update.phase == "standing" and moving:
            moves[-1][1] = update.t_s
        elif update.phase != "standing" and not moving:
            moves.append([update.t_s, None])
            if len(moves) > 100:
                del moves[0]

    def _found(self, camera: str, rep: Rep, view: str) -> None:
        begun = self._front_start
        if begun is not None and begun < rep.end_s and rep.start_s < begun:
            # The side camera saw it begin before the front recording did (a lifter set up
            # at the bar): the set's times start with the front's.
            rep = replace(rep, start_s=begun, bottom_s=max(rep.bottom_s, begun))
        seen = CameraRep(camera, view, rep)
        self._taken[camera].append(seen)
        if begun is None or rep.end_s <= begun:
            return  # the side camera's, from before the front recording began: not this set
        for group in self._fused:
            if any(r.camera != camera and r.overlaps(seen) for r in group):
                return  # already fused without it: the other camera counted this rep
        self._waiting.append(seen)

    def _settle(self, t_s: float, force: bool) -> None:
        """Fuse what both cameras found, and single finds once the grace has passed."""
        while self._waiting:
            first = min(self._waiting, key=lambda r: r.rep.bottom_s)
            partner = next(
                (r for r in self._waiting if r.camera != first.camera and r.overlaps(first)),
                None,
            )
            if partner is not None:
                together = [
                    r for r in self._waiting if r.camera == first.camera and r.overlaps(partner)
                ]
                if len(together) >= 2:
                    # The partner holds the bottoms of two reps or more: its camera missed
                    # the lockouts between them (an incomplete lockout read as still bent
                    # over), which the other camera saw. Those are the reps.
                    self._waiting.remove(partner)
                    self._run_together.append(partner)
                else:
                    self._waiting = [r for r in self._waiting if r not in (first, partner)]
                    self._emit([first, partner])
                    continue
            merged = next(
                (r for r in self._run_together if r.camera != first.camera and r.overlaps(first)),
                None,
            )
            if merged is not None:
                self._waiting.remove(first)
                # One of the reps the other camera ran together; that camera's lockouts
                # judge it when it has the better view.
                self._emit([first], judge=_lockout_judge(merged, first, self.th))
                continue
            if not force and (
                t_s < first.rep.end_s + _GRACE_S
                or (
                    t_s < first.rep.end_s + _HOLD_S
                    and t_s < self._moving_through(_other(first.camera), first, t_s) + _GRACE_S
                )
                or self._set_down(first)  # until a rep after it, or the set's end, tells
            ):
                return
            self._waiting.remove(first)
            if self._counts_alone(first):
                self._emit([first])

    def _moving_through(self, camera: str, seen: CameraRep, t_s: float) -> float:
        """When ``camera``'s movement through ``seen``'s bottom ended (``inf`` while it
        goes on at ``t_s``); ``-inf`` when it had the lifter standing or out of sight
        then. A camera in a movement of its own may yet find the rep (a floor pull, once
        the lifter lowers again) or run it together with the next."""
        if camera == "side" and self._side_state == "lost":
            return -math.inf
        bottom = seen.rep.bottom_s
        for start, end in reversed(self._moves[camera]):
            if start is None or start > bottom:
                continue
            if end is not None:
                return end if end >= bottom else -math.inf
            last_seen = self._seen_t[camera]
            if last_seen is None or t_s - last_seen > self.th.lost_after_s:
                return last_seen if last_seen is not None else -math.inf  # lost them
            return math.inf
        return -math.inf

    def _counts_alone(self, seen: CameraRep) -> bool:
        """A rep only one camera found counts when the other could not have seen it or
        saw it worse."""
        rep = seen.rep
        if not self.watch.ever_seen:
            return seen.camera == "front"  # no side camera at work: the front alone
        # The side camera had its say on a rep when it saw the lifter through it and the
        # moment after its lockout in which a rep is judged.
        side_saw = self.watch.covered(rep.start_s, rep.end_s + self.th.top_window_s)
        deep = rep.metrics.get("trunk_angle_deg", 0.0) >= _PLAIN_FROM_FRONT_DEG
        if seen.camera == "front":
            if not side_saw:
                return True
            if deep and seen.view == "front":  # the torso's shortening: facing the mirror
                if self._side_saw_them_upright(rep):
                    return False
                # The mirror's camera makes up no hinge this deep, but from the front it may
                # miss that the set is pulled from the floor and count the weight set down
                # at the end; the side camera, pulling the same set, did not. (Unless it
                # was lost since: a pull from the floor is its rep only once the lifter
                # lowers again.)
                return not self._set_down(seen) or self._side_state == "lost"
            if self._side_first_saw_it_down(rep) or self._side_saw_it_shallow(rep):
                return True
            return view_rank(seen.view) > view_rank(self.watch.view(rep.start_s, rep.end_s))
        # The side camera found it (the front camera misses shallow hinges), but walking
        # toward the side camera hardly moves the feet in its picture: the front camera
        # judges whether the feet stayed planted.
        if seen.view == "front" and self.front_watch.view(rep.start_s, rep.end_s) != "side":
            # Facing the side camera, and not side-on to the mirror's either: not a lifter
            # at the mirror (the side camera sees them side-on; one turned sideways to the
            # mirror is side-on to its camera) but someone arriving or walking between the
            # two, bending on the way.
            return False
        # From where the feet stood just before: a step out and back during the rep (a
        # step changes the lifter's distance from an oblique camera, whose shortened torso
        # then reads as a hinge) is no planted rep either.
        travel = self.front.stance.strayed(
            rep.start_s, rep.end_s, _STOOD_BEFORE_S
        ) or self.front.stance.travel(rep.start_s, rep.end_s)
        if travel is None:
            return True  # the front camera did not see the lifter then
        if self._set_down(seen):
            # The front camera saw the lifter pull this set from the floor, had counted its
            # reps before and would have seen a hinge this deep: it is the weight set down,
            # no rep. (Before its first rep it may lack the lifter's standing torso: a
            # floor start. Outside a floor set it may have run two reps into one, when an
            # incomplete lockout between them reads as still bent over.)
            return False
        return _planted(travel, self.front.th)

    def _set_down(self, seen: CameraRep) -> bool:
        """``seen``, found by one camera alone, may be the weight set down at the end of a
        floor set: a hinge as deep as a pull (which the other camera would not have
        missed), after reps the other camera counted, and nothing counted after it by
        either camera (a set-down is the set's last movement; a lift the other camera
        missed mid-set is followed by more)."""
        rep = seen.rep
        if rep.metrics.get("trunk_angle_deg", 0.0) < _PLAIN_FROM_FRONT_DEG:
            return False
        if not (self._floor_set() and self._counting(_other(seen.camera), rep)):
            return False
        return not any(r.rep.start_s >= rep.end_s for rs in self._taken.values() for r in rs)

    def _note_floor_call(self, camera: str, evaluator: FormEvaluator, t_s: float) -> None:
        """Keep ``camera``'s call that the set is pulled from the floor once it is made
        (a camera that loses the lifter forgets it), and when, if made on first sight;
        drop it when the camera withdraws it (its set-up was a pickup)."""
        detector = evaluator.detector
        if detector.floor_set and not self._floor_called[camera]:
            self._floor_called[camera] = True
            if detector.floor_at_first_sight:
                self._called_at_sight[camera] = t_s
        elif detector.floor_call_withdrawn and self._floor_called[camera]:
            self._floor_called[camera] = False  # a pickup, then lifts from standing
            self._called_at_sight[camera] = None

    def _floor_call(self, camera: str) -> bool:
        """``camera``'s call, unless it took the lifter for bent over the weight on its
        first sight of them while the other camera had watched them walk in
        (``_ARRIVING_S`` before): they bent for the weight on the way in, or the camera
        they walked toward, with no standing posture to go by yet, read them as inclined."""
        at = self._called_at_sight[camera]
        if not self._floor_called[camera] or at is None:
            return self._floor_called[camera]
        first = (self.front_watch if camera == "side" else self.watch).first_seen_t
        return first is None or first > at - _ARRIVING_S

    def _floor_set(self) -> bool:
        """Whether the set is pulled from the floor (it ends with the weight set down, no
        rep): the call (``_floor_call``) of the camera that judged its start. Where the
        two cameras differ, the side camera's when it found the set's first rep (it sees
        the hips drop toward the knees at full length; from the front a pick-up on the way
        in can read as a set-up at the bar), else the mirror camera's (the side camera
        took a lifter already set up at the bar for one standing)."""
        front, side = self._floor_call("front"), self._floor_call("side")
        if front == side:
            return front
        first = self._fused[0] if self._fused else self._taken["side"][:1]
        return side if any(r.camera == "side" for r in first) else front

    def _side_saw_them_upright(self, rep: Rep) -> bool:
        """The side camera, which measures the trunk's inclination itself, saw the lifter
        through ``rep`` and their trunk never reached a rep's depth: no hinge happened,
        however the torso looked from the front (a lifter stepping up to the mirror)."""
        hinge = self.watch.hinge(rep.start_s, rep.end_s)
        return bool(hinge) and max(hinge) < self.th.rep_min_peak_deg

    def _side_saw_it_shallow(self, rep: Rep) -> bool:
        """The side camera saw the lifter hinge through ``rep``, feet planted, but not as
        deep as it counts side-on, and counted nothing then: the trunk went down by a
        rep's swing to a rep's depth seen from the front (``rep_min_peak_deg``), short of
        ``rep_side_peak_deg``. A shallow hinge the mirror's camera counted, both cameras
        saw."""
        th = self.th
        if any(
            r.rep.start_s < rep.end_s and rep.start_s < r.rep.end_s for r in self._taken["side"]
        ):
            return False  # the movement it saw then is a rep of its own
        hinge = self.watch.hinge(rep.start_s, rep.end_s)
        if not hinge or max(hinge) < th.rep_min_peak_deg:
            return False
        # From the top it left (the mirror camera's rep starts once its own signal moved).
        before = self.watch.hinge(rep.start_s - _TOP_BEFORE_S, rep.start_s)
        if max(hinge) - min(hinge + before) < th.rep_swing_deg:
            return False
        travel = self.side.stance.travel(rep.start_s, rep.end_s)
        return travel is not None and _planted(travel, th)

    def _side_first_saw_it_down(self, rep: Rep) -> bool:
        """The side camera first saw the lifter already bent over (never upright before
        this rep's bottom) and counted nothing, then saw them come up through it: the set
        began at the weight, and the side camera took the set-up for standing. The rep,
        which the mirror's camera pulled from there, is the set's first. (The side
        camera's view of the rise is read up to the rep's top window: its signal lags.)"""
        if self._counting("side", rep) or not self.watch.kept_since_first_seen():
            return False
        before = sorted(self.watch.hinge(-math.inf, rep.bottom_s))
        th = self.th
        after = self.watch.hinge(rep.bottom_s, rep.end_s + th.top_window_s)  # the top too
        if not before or not after:
            return False
        low_before = before[len(before) // 10]
        return low_before >= th.rep_min_peak_deg and min(after) <= before[-1] - th.rep_swing_deg

    def _counting(self, camera: str, rep: Rep) -> bool:
        """``camera`` had counted reps of this set before ``rep`` began."""
        return any(r.rep.end_s < rep.start_s for r in self._taken[camera])

    def _emit(self, group: list[CameraRep], judge: CameraRep | None = None) -> None:
        """Count the rep ``group`` found; ``judge``: another camera's view that judges its
        faults too but is not this rep (times and metrics are the group's)."""
        rep = fuse(len(self.reps) + 1, group)
        if judge is not None:
            judged = fuse(rep.index, [*group, judge])
            rep = replace(
                judged,
                start_s=rep.start_s,
                bottom_s=rep.bottom_s,
                end_s=rep.end_s,
                metrics=rep.metrics,
            )
        if any(share_bottom(rep, other) for other in self.reps):
            return  # the same movement as a rep already counted
        # A rep the side camera finished only as it was lost may come after later ones.
        at = sum(other.bottom_s < rep.bottom_s for other in self.reps)
        # Neighbours' times may come from the other camera, whose windows differ: the rep
        # begins no earlier than the last one ended and ends before the next begins (each
        # bottom lies outside the other's window, so it stays within its own).
        if at > 0 and rep.start_s < self.reps[at - 1].end_s:
            rep = replace(rep, start_s=self.reps[at - 1].end_s)
        if at < len(self.reps) and rep.end_s > self.reps[at].start_s:
            rep = replace(rep, end_s=self.reps[at].start_s)
        self.reps.insert(at, rep)
        self._fused.insert(at, group)
        if at < len(self.reps) - 1:  # later reps move up one: renumber them
            self.reps = [replace(r, index=i) for i, r in enumerate(self.reps, start=1)]
            waiting = {(r.start_s, r.end_s) for r in self._ready}
            self._ready = [r for r in self.reps if (r.start_s, r.end_s) in waiting]
        self._ready.append(self.reps[at])


_LOCKOUT_FAULTS = ("incomplete_lockout", "hyperextension")


def _lockout_judge(merged: CameraRep, rep: CameraRep, th: Thresholds) -> CameraRep:
    """How the camera that ran reps together into ``merged`` saw the lockout of ``rep``,
    one of them: one before the last never came back up far enough for it to see a
    lockout (its rep counter asks only for most of the way up), so it was incomplete;
    the last one's lockout is ``merged``'s own. Every other fault stays that camera's to
    leave unjudged."""
    last = rep.rep.end_s >= merged.rep.end_s - th.min_rep_s
    reason = "judged on the reps it ran together"
    unjudged = {f: reason for f in FAULT_IDS if f not in _LOCKOUT_FAULTS}
    if last:
        faults = tuple(f for f in merged.rep.faults if f in _LOCKOUT_FAULTS)
        unjudged |= {f: merged.rep.unjudged[f] for f in _LOCKOUT_FAULTS if f in merged.rep.unjudged}
    else:
        faults = ("incomplete_lockout",)
        unjudged["hyperextension"] = "no lockout seen"
    return replace(merged, rep=replace(merged.rep, faults=faults, unjudged=unjudged))


def _planted(travel: Travel, th: Thresholds) -> bool:
    """The stance point moved no further than feet (or hips) planted through a rep do."""
    limit = th.planted_feet_torso if travel.on == "feet" else th.planted_hips_torso
    return travel.distance <= limit


def _other(camera: str) -> str:
    return "side" if camera == "front" else "front"


def _same(pose: Pose, last: Pose | None) -> bool:
    """True when ``pose`` repeats ``last`` exactly (a frozen camera)."""
    return last is not None and bool((pose.yx_score == last.yx_score).all())
