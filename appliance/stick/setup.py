"""The drill's set-up check before the first rep (coaching.md, "Drill mode", step 1).

One instruction at a time, the first thing not yet right, in this order: the stick rests
in the crooks of the elbows (``REST_IN_ELBOWS``), it is level (``LEVEL``), the elbows are
bent about 90° at the sides (``ELBOWS``), the feet are about shoulder-width apart (front
view only, ``FEET``); all right: ``READY``. A lifter seen facing the mirror with no stick
for ``NO_STICK_S`` is told once that a stick helps (``STICK_HELPS``) and is then checked
on the body alone. Side-on the across stick is a stub no line shows, so there only the
elbows are checked.

Angles in degrees; distances as fractions of the body scale ``S``
(``appliance.stick.detect.body_scale``).
"""

from __future__ import annotations

import math

from appliance.coach import phrases
from appliance.stick.body import Body
from appliance.stick.detect import FRONT_SPREAD, body_scale
from appliance.stick.verdicts import TILT_DEG
from appliance.types import KEYPOINT_INDEX, Pose, Stick

REST_IN_ELBOWS = phrases.REST_IN_ELBOWS
LEVEL = phrases.LEVEL_STICK
ELBOWS = phrases.ELBOWS_AT_SIDES
FEET = phrases.FEET_APART
READY = phrases.READY
STICK_HELPS = phrases.STICK_HELPS

HEIGHT_RANGE = (0.55, 1.45)  # stick height: 0 at the shoulders, 1 at the elbows
ELBOW_RANGE_DEG = (55.0, 130.0)  # shoulder-elbow-wrist angle of a cradling arm
FORESHORTENED = 0.6  # forearm / upper arm in the picture below which a forearm points forward
ELBOW_OUT = 0.45  # of S: elbow further than this outside the shoulder is not "at the side"
FEET_RANGE = (0.6, 1.8)  # ankles' spread over the shoulders' spread
NO_STICK_S = 2.0  # facing the mirror this long with no stick: the lifter has none


def _angle(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
    """The angle at ``b`` (degrees) between ``b→a`` and ``b→c``."""
    v1, v2 = (a[0] - b[0], a[1] - b[1]), (c[0] - b[0], c[1] - b[1])
    n = math.hypot(*v1) * math.hypot(*v2)
    if n == 0:
        return 180.0
    cos = max(-1.0, min(1.0, (v1[0] * v2[0] + v1[1] * v2[1]) / n))
    return math.degrees(math.acos(cos))


def _point(pose: Pose, name: str) -> tuple[float, float] | None:
    i = KEYPOINT_INDEX[name]
    if float(pose.scores[i]) < 0.2:
        return None
    return (float(pose.xy_px[i, 0]), float(pose.xy_px[i, 1]))


def elbows_ok(pose: Pose, body: Body) -> bool | None:
    """Both arms seen bent about 90° with the elbows at the sides (``None``: unseen).

    Side-on the angle at the elbow shows; facing the camera a forearm pointing forward is
    foreshortened, so there a forearm much shorter in the picture than the upper arm
    counts as bent too."""
    verdicts = []
    s = body_scale(body)
    front = body.spread >= FRONT_SPREAD
    for side in ("left", "right"):
        sh, el, wr = (_point(pose, f"{side}_{p}") for p in ("shoulder", "elbow", "wrist"))
        if sh is None or el is None or wr is None:
            continue
        upper, fore = math.dist(sh, el), math.dist(el, wr)
        bent = ELBOW_RANGE_DEG[0] <= _angle(sh, el, wr) <= ELBOW_RANGE_DEG[1]
        bent |= front and fore < FORESHORTENED * upper
        at_side = abs(el[0] - sh[0]) <= ELBOW_OUT * s
        verdicts.append(bent and at_side)
    return all(verdicts) if verdicts else None


def feet_ok(pose: Pose) -> bool | None:
    """Ankles about shoulder-width apart, facing the camera (``None``: unseen)."""
    la, ra = _point(pose, "left_ankle"), _point(pose, "right_ankle")
    ls, rs = _point(pose, "left_shoulder"), _point(pose, "right_shoulder")
    if la is None or ra is None or ls is None or rs is None or abs(ls[0] - rs[0]) < 1.0:
        return None
    ratio = abs(la[0] - ra[0]) / abs(ls[0] - rs[0])
    return FEET_RANGE[0] <= ratio <= FEET_RANGE[1]


def instruction(pose: Pose, body: Body, stick: Stick | None, no_stick: bool) -> str:
    """The one thing to say now: the first check not passed, or ``READY``.

    ``no_stick``: the lifter has been seen facing the mirror without a stick long enough
    to be coached on the body alone.
    """
    front = body.spread >= FRONT_SPREAD
    if stick is not None and stick.orientation == "along":
        return READY  # held along the spine: hands at the neck and the low back
    if front and not no_stick:
        if stick is None:
            return REST_IN_ELBOWS
        else:
            height = stick.height
            if height is not None and not HEIGHT_RANGE[0] <= height <= HEIGHT_RANGE[1]:
                return REST_IN_ELBOWS
            if abs(stick.angle_deg) > TILT_DEG:
                return LEVEL
    if not no_stick and elbows_ok(pose, body) is False:
        return ELBOWS
    if front and feet_ok(pose) is False:
        return FEET
    return READY
