"""Write a whole real clip with a stick rendered across the back, as a video to time
``hinge-mirror bench --mode drill`` on (the cost of the stick's detector while a stick is
held): ``python -m tests.stick_render.clip CLIP OUT.mp4 [--kind level|tilt|slip|clean]``.

``CLIP`` is a path under ``../shared`` (e.g.
``media/hinge-variety/clips/bb-rdl-oblique-01.mp4``); ``OUT`` is written wherever you say
(never under ``../shared``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from tests.stick_render.measure import SHARED, tracked_poses
from tests.stick_render.scenes import read_frames, render_sequence


def main() -> None:
    """Render the clip and write it."""
    parser = argparse.ArgumentParser()
    parser.add_argument("clip", help="a clip under ../shared")
    parser.add_argument("out", type=Path)
    parser.add_argument("--kind", default="level", choices=("level", "tilt", "slip", "clean"))
    parser.add_argument("--frames", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    frames, fps = read_frames(SHARED / args.clip, args.frames)
    poses = tracked_poses(frames, [i / fps for i in range(len(frames))])
    rng = np.random.default_rng(args.seed)
    seq = render_sequence(frames, list(poses), fps, args.kind, "across", rng, args.clip)
    height, width = frames[0].shape[:2]
    fourcc = cv2.VideoWriter.fourcc(*"mp4v")
    writer = cv2.VideoWriter(str(args.out), fourcc, fps, (width, height))
    for image in seq.images:
        writer.write(cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    writer.release()
    print(f"{args.out}: {len(seq.images)} frames at {fps:.2f} fps")


if __name__ == "__main__":
    main()
