"""Two cameras, one verdict: the mirror's front camera and a side camera, evaluated apart
and fused.

Each camera's frames go to its own ``FormEvaluator``, exactly as with one camera; the side
camera's timestamps are put on the front camera's clock first (by the caller). Reps are
counted once: a rep both cameras found is one rep (they share its bottom), judged fault
by fault by the camera that sees it best (``merge``); a rep only one camera found counts
when that camera had the better view of it, or the other camera was lost or did not see
the lifter then. When the side camera stops, the front camera carries the set alone.

``update`` takes the front camera's frames and returns the fused ``FormUpdate`` the cue
policy and the mirror use; ``update_side`` takes the side camera's. A fused rep is given
out once both cameras had their say on it (or ``_GRACE_S`` after it ended).
"""

from __future__ import annotations

from dataclasses import replace

from appliance.form.calibration import Baseline
from appliance.form.evaluator import FormEvaluator, SetSummary, unjudged_on_every_rep
from appliance.form.thresholds import Thresholds
from appliance.fusion.merge import CameraRep, fuse, share_bottom, view_rank
from appliance.fusion.watch import SideFrame, SideWatch
from appliance.types import FormUpdate, Pose, Rep

# A hinge this deep (trunk from vertical, degrees) shortens the torso by 30 % seen from
# the front: the mirror's camera neither misses it nor makes it up, whatever the other
# camera says. Shallower ones it can miss; there the side camera has the say.
_PLAIN_FROM_FRONT_DEG = 45.0
_GRACE_S = 4.0  # seconds after a rep's end the other camera has to find it too


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
        self.watch = SideWatch(self.front.th.lost_after_s)
        self.reps: list[Rep] = []
        self._waiting: list[CameraRep] = []  # found by one camera, not fused yet
        self._fused: list[list[CameraRep]] = []  # what each fused rep was made of
        self._side_update: FormUpdate | None = None
        self._last_side_pose: Pose | None = None
        self._ready: list[Rep] = []  # fused, not yet given out
        self._taken: dict[str, list[CameraRep]] = {"front": [], "side": []}
        self._side_state = "waiting"

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
        self._side_update = update
        self.watch.saw(SideFrame(t_s, update.phase != "absent", update.view), frozen)
        if update.completed_rep is not None:
            self._found("side", update.completed_rep, self.side.rep_views[-1])
        return update

    def update(self, pose: Pose | None, t_s: float) -> FormUpdate:
        """Take one front-camera frame; return what is known after it, both cameras
        together."""
        front = self.front.update(pose, t_s)
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

    def _found(self, camera: str, rep: Rep, view: str) -> None:
        seen = CameraRep(camera, view, rep)
        self._taken[camera].append(seen)
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
                self._waiting = [r for r in self._waiting if r not in (first, partner)]
                self._emit([first, partner])
                continue
            if not force and t_s < first.rep.end_s + _GRACE_S:
                return
            self._waiting.remove(first)
            if self._counts_alone(first):
                self._emit([first])

    def _counts_alone(self, seen: CameraRep) -> bool:
        """A rep only one camera found counts when the other could not have seen it or
        saw it worse."""
        rep = seen.rep
        if not self.watch.ever_seen:
            return seen.camera == "front"  # no side camera at work: the front alone
        side_saw = self.watch.covered(rep.start_s, rep.end_s)
        deep = rep.metrics.get("trunk_angle_deg", 0.0) >= _PLAIN_FROM_FRONT_DEG
        if seen.camera == "front":
            if not side_saw:
                return True
            if deep:
                # The mirror's camera makes up no hinge this deep, but from the front it may
                # miss that the set is pulled from the floor and count the weight set down
                # at the end; the side camera, pulling the same set, did not.
                return not (self.side.detector.floor_set and self._counting("side", rep))
            return view_rank(seen.view) > view_rank(self.watch.view(rep.start_s, rep.end_s))
        # The side camera found it (the front camera misses shallow hinges), but walking
        # toward the side camera hardly moves the feet in its picture: the front camera
        # judges whether the feet stayed planted.
        travel = self.front.stance.travel(rep.start_s, rep.end_s)
        if travel is None:
            return True  # the front camera did not see the lifter then
        if deep and self.front.detector.floor_set and self._counting("front", rep):
            # The front camera saw the lifter pull this set from the floor, had counted its
            # reps before and would have seen a hinge this deep: it is the weight set down,
            # no rep. (Before its first rep it may lack the lifter's standing torso: a
            # floor start. Outside a floor set it may have run two reps into one, when an
            # incomplete lockout between them reads as still bent over.)
            return False
        th = self.front.th
        limit = th.planted_feet_torso if travel.on == "feet" else th.planted_hips_torso
        return travel.distance <= limit

    def _counting(self, camera: str, rep: Rep) -> bool:
        """``camera`` had counted reps of this set before ``rep`` began."""
        return any(r.rep.end_s < rep.start_s for r in self._taken[camera])

    def _emit(self, group: list[CameraRep]) -> None:
        rep = fuse(len(self.reps) + 1, group)
        if any(share_bottom(rep, other) for other in self.reps):
            return  # the same movement as a rep already counted
        # A rep the side camera finished only as it was lost may come after later ones.
        at = sum(other.start_s < rep.start_s for other in self.reps)
        self.reps.insert(at, rep)
        self._fused.insert(at, group)
        if at < len(self.reps) - 1:  # later reps move up one: renumber them
            self.reps = [replace(r, index=i) for i, r in enumerate(self.reps, start=1)]
            waiting = {(r.start_s, r.end_s) for r in self._ready}
            self._ready = [r for r in self.reps if (r.start_s, r.end_s) in waiting]
        self._ready.append(self.reps[at])


def _same(pose: Pose, last: Pose | None) -> bool:
    """True when ``pose`` repeats ``last`` exactly (a frozen camera)."""
    return last is not None and bool((pose.yx_score == last.yx_score).all())
