"""Two recordings on one clock: the front camera's, with the side camera's timestamps
shifted by its offset (seconds to add to a side timestamp to get the front's time)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from appliance.types import Frame

FRONT, SIDE = "front", "side"


def merged_frames(
    front: Iterable[Frame], side: Iterable[Frame], side_offset_s: float = 0.0
) -> Iterator[tuple[str, Frame]]:
    """``(camera, frame)`` from both sources in time order on the front's clock (a side
    frame at the same instant comes first, so the front frame's verdict includes it);
    side frames carry their shifted time (their pose's ``t_s`` too). Reads each source
    lazily; when one ends the other carries on alone. Side frames from before the front's
    first frame come first, as they came: the side camera's evaluator learns the lifter's
    standing posture from them as it would alone (the set is still the front recording's:
    ``PairedEvaluator`` counts no rep that ended before the front's first frame)."""
    front_it, side_it = iter(front), iter(side)
    next_front = next(front_it, None)
    next_side = _shifted(next(side_it, None), side_offset_s)
    while next_front is not None or next_side is not None:
        if next_side is not None and (next_front is None or next_side.t_s <= next_front.t_s):
            yield SIDE, next_side
            next_side = _shifted(next(side_it, None), side_offset_s)
        elif next_front is not None:
            yield FRONT, next_front
            next_front = next(front_it, None)


def _shifted(frame: Frame | None, offset_s: float) -> Frame | None:
    if frame is None or offset_s == 0.0:
        return frame
    pose = frame.pose
    if pose is not None:
        pose = dataclasses.replace(pose, t_s=pose.t_s + offset_s)
    return dataclasses.replace(frame, t_s=frame.t_s + offset_s, pose=pose)
