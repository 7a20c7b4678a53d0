"""One rep from two cameras' reps: every fault judged by the camera that can show it.

Each camera's evaluator judges the rep in the view it saw it in; a fault is taken from the
camera with the better view of it (coaching.md's "best view": side-on for every fault of
the table; ``rushed`` shows in any view, so side-on is still at least as good), and from
the other camera when the better one could not judge it on this rep. A fault neither
camera could judge stays unjudged, with the better camera's reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from appliance.form.scoring import score_rep
from appliance.types import FAULT_IDS, Rep

CAMERAS: tuple[str, ...] = ("front", "side")
"""The two cameras: the mirror's own (``front``) and the one to the lifter's side."""

# How well a view shows the side-plane faults: side-on best, square-on worst.
_VIEW_RANK = {"side": 3, "oblique": 2, "front": 1, "unknown": 0}


def view_rank(view: str) -> int:
    """Higher is a better view of the hinge (``side`` > ``oblique`` > ``front``)."""
    return _VIEW_RANK.get(view, 0)


@dataclass(frozen=True, slots=True)
class CameraRep:
    """A rep as one camera's evaluator found it: ``camera`` (``CAMERAS``), the ``view`` it
    was judged in, the ``rep`` itself (times on the front camera's clock)."""

    camera: str
    view: str
    rep: Rep

    def overlaps(self, other: CameraRep) -> bool:
        """True when the two reps share their bottom: one movement seen twice."""
        return share_bottom(self.rep, other.rep)


def share_bottom(a: Rep, b: Rep) -> bool:
    """True when either rep's bottom lies within the other: one movement (seconds on one
    clock)."""
    return a.start_s <= b.bottom_s <= a.end_s or b.start_s <= a.bottom_s <= b.end_s


def better_first(reps: list[CameraRep]) -> list[CameraRep]:
    """``reps`` by how well their camera saw the hinge; on a tie the side camera first."""
    return sorted(reps, key=lambda r: (view_rank(r.view), r.camera == "side"), reverse=True)


def fuse(index: int, seen: list[CameraRep]) -> Rep:
    """The rep ``index`` from the one or two cameras' views of it (``seen`` not empty).
    Times come from the camera that counts (the better view)."""
    ranked = better_first(seen)
    counting = ranked[0].rep
    faults: list[str] = []
    unjudged: dict[str, str] = {}
    judged_by: dict[str, str] = {}
    for fault in FAULT_IDS:
        judge = next((r for r in ranked if fault not in r.rep.unjudged), None)
        if judge is None:
            unjudged[fault] = counting.unjudged[fault]
            continue
        judged_by[fault] = judge.camera
        if fault in judge.rep.faults:
            faults.append(fault)
    extra = [f for f in counting.faults if f not in FAULT_IDS]  # the drill stick's own
    metrics = dict(counting.metrics)
    for other in ranked[1:]:
        for name, value in other.rep.metrics.items():
            metrics.setdefault(f"{other.camera}_{name}", value)
    all_faults = tuple(faults) + tuple(extra)
    return Rep(
        index=index,
        start_s=counting.start_s,
        bottom_s=counting.bottom_s,
        end_s=counting.end_s,
        faults=all_faults,
        score=score_rep(tuple(faults)),
        metrics=metrics,
        unjudged=unjudged,
        judged_by=judged_by,
    )
