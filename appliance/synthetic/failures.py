"""A side camera that fails mid-set: its frames stall, stop or go blank from a time on.

Times are seconds; the failure time is on the front camera's clock, the side camera's
frames on its own (``side_offset_s`` seconds behind: see ``pairs``).
"""

from __future__ import annotations

import math
from dataclasses import fields, replace
from typing import Any

from appliance.synthetic.lifter import JointAngles, SyntheticSet
from appliance.types import Pose

FAILURES = ("stall", "drop", "blank")
"""How a side camera fails: ``stall`` repeats its last pose (a frozen picture, frames
still coming), ``drop`` ends the recording (no more frames), ``blank`` goes on with
frames showing nobody (``keypoints: null``)."""


def fail_side(
    side: SyntheticSet, entry: dict[str, Any], at_s: float, kind: str = "stall"
) -> tuple[SyntheticSet, dict[str, Any]]:
    """The side camera failing from ``at_s`` seconds on the front's clock (rounded to the
    millisecond), as ``kind`` says (``FAILURES``); the entry records it. Its frames from
    that time on (its own clock: ``at_s - side_offset_s``) stall, are dropped or blank.
    ``ValueError`` unless the time falls after its first frame and before its last."""
    if kind not in FAILURES:
        raise ValueError(f"side_failure must be one of {', '.join(FAILURES)}, got {kind!r}")
    at_s = round(float(at_s), 3)
    local = at_s - float(entry["side_offset_s"])
    first = math.ceil(local * side.fps - 1e-6)  # the first frame at or after the failure
    if not 1 <= first < len(side.poses):
        raise ValueError(
            f"the side camera records {entry['side_offset_s']:+.3f}.."
            f"{entry['side_offset_s'] + side.duration_s:.3f} s on the front's clock; "
            f"it cannot fail at {at_s} s"
        )
    poses = list(side.poses)
    angles = side.angles
    if kind == "drop":
        poses = poses[:first]
        angles = JointAngles(**{f.name: getattr(angles, f.name)[:first] for f in fields(angles)})
    elif kind == "blank":
        poses[first:] = [None] * (len(poses) - first)
    else:
        last = poses[first - 1]
        poses[first:] = [
            None
            if last is None
            else Pose(last.yx_score, side.width, side.height, i / side.fps, True)
            for i in range(first, len(poses))
        ]
    entry = {**entry, "side_failure": {"kind": kind, "at_s": at_s}}
    entry["tags"] = {**entry["tags"], "side_failure": kind}
    return replace(side, poses=poses, angles=angles), entry
