"""``hinge-mirror pose IMAGE... [--json]``: keypoints for still images."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from appliance.types import KEYPOINT_NAMES, Pose, Stick


def stick_to_json(stick: Stick | None) -> dict[str, Any] | None:
    """The ``"stick"`` entry of ``pose --json``: ``None``, or its ends (image pixels), its
    angle (degrees, 0 horizontal, ±90 vertical), orientation and confidence (0..1)."""
    if stick is None:
        return None
    return {
        "x1": round(float(stick.x1), 2),
        "y1": round(float(stick.y1), 2),
        "x2": round(float(stick.x2), 2),
        "y2": round(float(stick.y2), 2),
        "angle_deg": round(float(stick.angle_deg), 2),
        "orientation": stick.orientation,
        "confidence": round(float(stick.confidence), 3),
    }


def pose_to_json(image: Path, pose: Pose, stick: Stick | None = None) -> dict[str, Any]:
    """One entry of ``pose --json`` (interfaces.md): pixel x, y and score per keypoint,
    and the drill's stick when one is seen (``"stick": null`` otherwise)."""
    xy = pose.xy_px
    return {
        "image": str(image),
        "width": pose.width,
        "height": pose.height,
        "keypoints": [
            {
                "name": name,
                "x": round(float(xy[i, 0]), 2),
                "y": round(float(xy[i, 1]), 2),
                "score": round(float(pose.scores[i]), 4),
            }
            for i, name in enumerate(KEYPOINT_NAMES)
        ],
        "stick": stick_to_json(stick),
    }


def format_pose(image: Path, pose: Pose) -> str:
    """A readable table of one image's keypoints."""
    seen = "person found" if pose.person_present else "no person found"
    lines = [f"{image}  ({pose.width}x{pose.height}, {seen})"]
    xy = pose.xy_px
    for i, name in enumerate(KEYPOINT_NAMES):
        lines.append(
            f"  {name:<15} x {xy[i, 0]:7.1f}  y {xy[i, 1]:7.1f}  score {pose.scores[i]:.2f}"
        )
    return "\n".join(lines)


def _handle(args: argparse.Namespace) -> int:
    from appliance.cli import config_from
    from appliance.pose.estimator import PoseEstimator
    from appliance.sources.images import read_rgb
    from appliance.stick.detect import detect_stick

    config = config_from(args)
    images = [(path, read_rgb(path)) for path in args.images]  # all readable before the model
    estimator = PoseEstimator.from_config(config)
    results = [(path, image, estimator.estimate_still(image)) for path, image in images]
    if args.json:
        entries = [
            pose_to_json(path, pose, detect_stick(image, pose) if pose.person_present else None)
            for path, image, pose in results
        ]
        json.dump(entries, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print("\n\n".join(format_pose(path, pose) for path, _image, pose in results))
    return 0


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    """Add ``pose`` to the command line."""
    parser = subparsers.add_parser(
        "pose", parents=[common], help="keypoints for still images (MoveNet, one refinement)"
    )
    parser.add_argument("images", metavar="IMAGE", nargs="+", type=Path)
    parser.add_argument("--json", action="store_true", help="print JSON (see interfaces.md)")
    parser.set_defaults(handler=_handle)
