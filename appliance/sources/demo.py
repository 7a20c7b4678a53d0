"""The built-in demo: the synthetic lifter visiting the mirror, so a newcomer on any
machine sees the whole appliance work.

One visit is one set: the lifter walks into an empty room, stands still (calibration),
does six reps — the second and third squatted (the mirror cues "Hips back, not down"),
then fixed (it praises) — walks out, and the room stays empty for ``away_s`` seconds. As
a source (``demo``, ``demo:deadlift``) it is one visit and then ends, for ``analyze``,
``bench`` and ``run --until-end``; ``run`` without ``--until-end`` repeats the visit for
ever, with the room empty long enough between visits for the set to end, its summary to
show and the attract screen to follow. Frames carry keypoints only (no image): the pose
model is not needed.
"""

from __future__ import annotations

from collections.abc import Iterator

from appliance.sources.base import SourceBase
from appliance.types import Frame
from appliance.words import counted

DEMO_WIDTH, DEMO_HEIGHT, DEMO_FPS = 640, 480, 30.0
DEMO_REPS = 6
DEMO_FAULTY_REPS = (2, 3)
DEMO_FAULT = "squatting"
DEMO_AWAY_S = 4.0
"""Seconds of empty room after the lifter walks out: longer than the mirror's default
``leave_s`` (3 s), so the set ends by itself as it would at the mirror."""


class DemoSource(SourceBase):
    """``sets`` visits of the synthetic lifter (``None``: for ever), each followed by
    ``away_s`` seconds with nobody in frame; timestamps run on across visits."""

    def __init__(
        self,
        mode: str = "drill",
        sets: int | None = 1,
        seed: int = 1,
        away_s: float = DEMO_AWAY_S,
    ) -> None:
        if sets is not None and sets < 1:
            raise ValueError(f"sets must be at least 1 (or None for ever), got {sets}")
        if away_s < 0:
            raise ValueError(f"away_s must be >= 0, got {away_s}")
        self.mode = mode
        self.sets = sets
        self.seed = seed
        self.away_s = away_s
        self.width, self.height, self.nominal_fps = DEMO_WIDTH, DEMO_HEIGHT, DEMO_FPS
        visits = "visits for ever" if sets is None else counted(sets, "visit")
        self.description = (
            f"demo lifter ({mode}, {visits}: walks in, squats reps 2 and 3, fixes them, leaves)"
        )

    def frames(self) -> Iterator[Frame]:
        """The frames of visit after visit, timestamps running on; then the source ends."""
        from appliance.synthetic import make_set

        index, offset_s, done = 0, 0.0, 0
        while self.sets is None or done < self.sets:
            synthetic = make_set(
                mode=self.mode,
                reps=DEMO_REPS,
                faults={rep: {DEMO_FAULT} for rep in DEMO_FAULTY_REPS},
                seed=self.seed + done,
                walk_in=True,
                leave=True,
                width=DEMO_WIDTH,
                height=DEMO_HEIGHT,
                fps=DEMO_FPS,
            )
            for frame in synthetic.frames():
                t_s = offset_s + frame.t_s
                pose = frame.pose
                if pose is not None:
                    pose = type(pose)(
                        pose.yx_score, pose.width, pose.height, t_s, pose.person_present
                    )
                yield Frame(index, t_s, frame.width, frame.height, None, pose)
                index += 1
            offset_s += synthetic.duration_s
            empty = round(self.away_s * DEMO_FPS)
            for step in range(empty):  # nobody in the room: the set ends, the summary shows
                yield Frame(index, offset_s + step / DEMO_FPS, DEMO_WIDTH, DEMO_HEIGHT, None, None)
                index += 1
            offset_s += empty / DEMO_FPS
            done += 1


ATTRACT_S = 10.0
"""Seconds the attract screen (nobody there) shows between demo visits at the mirror."""


def visit_pause_s(leave_s: float, summary_s: float) -> float:
    """Seconds of empty room between demo visits at the mirror (``run`` without
    ``--until-end``): the set ends (``leave_s``), its summary shows for ``summary_s``, and
    the attract screen then stays up a while before the lifter comes back."""
    return leave_s + summary_s + ATTRACT_S
