"""The stick's verdicts on one rep (coaching.md, "Drill mode").

Across the back (front view): the stick stays level (``stick_tilt`` when it leans more
than ``TILT_DEG``: the shoulders twist or tilt) and stays in the elbows (``stick_slip``
when it slides more than ``SLIP`` torso lengths down from where it sat at the rep's start:
the shoulders let go). Its drop through the rep, as a fraction of the torso, is a second
measure of hinge depth facing the camera (``stick_drop``). Along the spine (side view):
the back of the head and the tailbone stay on it (``stick_head_off``, ``stick_hips_off``
when either moves more than ``OFF_SPINE`` torso lengths off the line it touched at the
start). A rep where the stick was seen on too few frames gets no verdict, only
``stick_held`` = 0.

Units: degrees, and fractions of the body's scale ``S`` (torso length, or the shoulders'
spread x 1.3 where that is longer; see ``appliance.stick.detect.body_scale``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from appliance.stick.body import body_of
from appliance.stick.detect import body_scale
from appliance.types import STICK_FAULT_IDS, Pose, Stick

TILT_DEG = 5.0  # |angle| (degrees) held through the rep's upper quartile
SLIP = 0.15  # of S: how far the stick may slide below where it sat at the start
OFF_SPINE = 0.2  # of S: how far head or hips may leave the line they touched
LEAD_S = 0.5  # seconds before the rep's start whose frames count as its set-up
MIN_SEEN = 0.5  # fraction of the rep's frames the stick must be seen on to be judged


@dataclass(frozen=True, slots=True)
class StickVerdict:
    """One rep's stick: ``held`` (seen on enough frames), its ``orientation``, and the
    metrics and faults it gave (names with their unit, see the module docstring)."""

    held: bool
    orientation: str | None
    metrics: dict[str, float]
    faults: tuple[str, ...]


@dataclass
class _Sample:
    t_s: float
    angle: float
    offset: float  # across: stick below the elbows' midpoint, of S (positive: lower)
    mid_y: float  # across: the stick's height in the image at the body's centre, pixels
    scale: float
    head_gap: float | None  # along: back of the head from the line, of S
    hips_gap: float | None  # along: hips from the line, of S
    hold: str = "across"  # the stick's orientation on this frame


@dataclass
class StickRepJudge:
    """Collects one rep's frames (``add``) and gives its verdict (``finish``)."""

    times: list[float] = field(default_factory=list)  # every frame's time, seconds
    samples: list[_Sample] = field(default_factory=list)  # the frames with a stick

    def add(self, pose: Pose | None, stick: Stick | None, t_s: float) -> None:
        """One frame of the rep: the person's keypoints and the stick (or ``None``)."""
        self.times.append(t_s)
        body = body_of(pose)
        if body is None or stick is None:
            return
        s = body_scale(body)
        dx, dy = stick.x2 - stick.x1, stick.y2 - stick.y1
        n = math.hypot(dx, dy) or 1.0
        ux, uy = dx / n, dy / n

        def gap(x: float, y: float) -> float:
            return abs((y - stick.y1) * ux - (x - stick.x1) * uy) / s

        def y_at(x: float) -> float:
            return stick.y1 + (x - stick.x1) * (dy / dx) if abs(dx) > 1e-6 else stick.y1

        anchor = body.elbow_mid or body.shoulders
        mid_y = y_at(anchor[0])
        if stick.orientation == "across" and body.elbow_mid is not None:
            offset = (mid_y - body.elbow_mid[1]) / s
        else:
            offset = math.nan
        head = gap(*body.head) if body.head is not None else None
        self.samples.append(
            _Sample(
                t_s, stick.angle_deg, offset, mid_y, s, head, gap(*body.hips), stick.orientation
            )
        )

    def finish(self, start_s: float | None = None) -> StickVerdict:
        """The verdict on the frames since ``start_s`` (seconds; a little before, to catch
        the stick as it sat at the top; all frames when ``None``). The judge then starts
        empty for the next rep."""
        samples, times = self.samples, self.times
        self.samples, self.times = [], []
        if start_s is not None:
            samples = [x for x in samples if x.t_s >= start_s - LEAD_S]
            times = [t for t in times if t >= start_s - LEAD_S]
        frames = len(times)
        if not samples or len(samples) < MIN_SEEN * frames:
            return StickVerdict(False, None, {"stick_held": 0.0}, ())
        # The hold seen on most of the frames (a frame or two of the other, seen by
        # mistake, does not turn the rep's verdict into the other hold's).
        across = sum(x.hold == "across" for x in samples)
        orientation = "across" if 2 * across >= len(samples) else "along"
        samples = [x for x in samples if x.hold == orientation]
        metrics: dict[str, float] = {"stick_held": 1.0}
        faults: list[str] = []
        k = max(1, len(samples) // 5)
        if orientation == "across":
            tilt = float(np.percentile([abs(x.angle) for x in samples], 75))
            offsets = np.array([x.offset for x in samples])
            offsets = offsets[~np.isnan(offsets)]
            slip = 0.0
            if len(offsets) >= 3:
                start = float(np.median(offsets[:k]))
                rolling = np.convolve(offsets, np.ones(3) / 3, mode="valid")
                slip = max(0.0, float(rolling.max()) - start)
            ref = float(np.median([x.scale for x in samples[:k]]))
            start_y = float(np.median([x.mid_y for x in samples[:k]]))
            drop = max(0.0, max(x.mid_y for x in samples) - start_y) / ref
            metrics |= {"stick_tilt_deg": tilt, "stick_slip": slip, "stick_drop": drop}
            if slip > SLIP:
                faults.append("stick_slip")
            if tilt > TILT_DEG:
                faults.append("stick_tilt")
        else:
            for name, values in (
                ("head", [x.head_gap for x in samples]),
                ("hips", [x.hips_gap for x in samples]),
            ):
                seen = np.array([v for v in values if v is not None])
                if len(seen) < 3:
                    continue
                off = max(0.0, float(seen.max()) - float(np.median(seen[:k])))
                metrics[f"stick_{name}_off"] = off
                if off > OFF_SPINE:
                    faults.append(f"stick_{name}_off")
        return StickVerdict(True, orientation, metrics, tuple(faults))


def judge_frames(
    poses: Sequence[Pose | None], sticks: Sequence[Stick | None], times: Sequence[float]
) -> set[str]:
    """``{"tilt", "slip"}`` or part of it: the verdicts on frames taken as one rep."""
    judge = StickRepJudge()
    for pose, stick, t_s in zip(poses, sticks, times, strict=True):
        judge.add(pose, stick, t_s)
    return {f.removeprefix("stick_") for f in judge.finish().faults if f in STICK_FAULT_IDS[:2]}
