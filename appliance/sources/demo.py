"""The built-in demo: the synthetic lifter doing sets in front of the mirror, for ever.

So a newcomer on any machine sees the whole appliance work. Each set: the lifter walks
in, stands still (calibration), does six reps — the second and third squatted (the
mirror cues "Hips back, not down"), then fixed (it praises) — and walks out. Frames carry
keypoints only (no image): the pose model is not needed.
"""

from __future__ import annotations

from collections.abc import Iterator

from appliance.sources.base import SourceBase
from appliance.types import Frame

DEMO_WIDTH, DEMO_HEIGHT, DEMO_FPS = 640, 480, 30.0
DEMO_FAULTY_REPS = (2, 3)
DEMO_FAULT = "squatting"


class DemoSource(SourceBase):
    """Synthetic sets back to back (``sets``: how many; ``None`` for ever)."""

    def __init__(self, mode: str = "drill", sets: int | None = None, seed: int = 1) -> None:
        self.mode = mode
        self.sets = sets
        self.seed = seed
        self.width, self.height, self.nominal_fps = DEMO_WIDTH, DEMO_HEIGHT, DEMO_FPS
        self.description = f"demo lifter ({mode}, a set with {DEMO_FAULT} that gets fixed)"

    def frames(self) -> Iterator[Frame]:
        """The frames of set after set, timestamps running on."""
        from appliance.synthetic import make_set

        index, offset_s, done = 0, 0.0, 0
        while self.sets is None or done < self.sets:
            synthetic = make_set(
                mode=self.mode,
                reps=6,
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
            done += 1
