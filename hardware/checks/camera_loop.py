"""On-device check: open and close the Pi camera many times; report failures and timings.

Opt-in, on a Raspberry Pi only (never in CI). Stop the mirror first, since only one
program can hold the camera:

    sudo systemctl stop hinge-mirror
    sudo -u hinge-mirror /opt/hinge-mirror/.venv/bin/python \\
        /opt/hinge-mirror/hardware/checks/camera_loop.py --cycles 50
    sudo systemctl start hinge-mirror

Each cycle opens the camera through ``appliance.sources.picamera.PiCamera2Device`` (the
same code the mirror uses), captures a few frames within the configured deadline, and
closes it. A camera that opens once but not the fiftieth time (a leaked libcamera handle,
a flaky ribbon cable) shows up here rather than after a week on the wall. It also prints
the sensor mode and crop libcamera chose, which decide the real field of view (see
hardware/README.md, "Camera placement").

Exit status: 0 when every cycle worked, 1 when any failed, 4 when the camera never opened.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from appliance.config import CameraConfig, load_config
from appliance.errors import ApplianceError
from appliance.sources.picamera import PiCamera2Device


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        description="Open and close the Pi camera many times; report failures and timings."
    )
    parser.add_argument("--cycles", type=int, default=20, help="open/close cycles (20)")
    parser.add_argument("--frames", type=int, default=5, help="frames captured per cycle (5)")
    parser.add_argument("--camera", type=int, default=0, help="camera number (0)")
    parser.add_argument(
        "--config", type=Path, default=None, help="config TOML (default: the mirror's)"
    )
    parser.add_argument("--pause-s", type=float, default=0.2, help="seconds between cycles (0.2)")
    return parser.parse_args(argv)


def describe_mode(device: PiCamera2Device) -> str:
    """The sensor mode and crop picamera2 chose, if it says (best effort, never raises)."""
    camera: Any = getattr(device, "_camera", None)
    if camera is None:
        return "sensor mode: unknown"
    parts: list[str] = []
    try:
        sensor = camera.camera_configuration().get("sensor", {})
        parts.append(f"sensor output {sensor.get('output_size')} at {sensor.get('bit_depth')} bit")
    except Exception as error:  # picamera2 versions differ; this is only information
        parts.append(f"sensor mode unknown ({error})")
    try:
        metadata = camera.capture_metadata()
        parts.append(f"ScalerCrop {metadata.get('ScalerCrop')}")
    except Exception as error:
        parts.append(f"ScalerCrop unknown ({error})")
    try:
        full = camera.camera_properties.get("PixelArraySize")
        parts.append(f"of the pixel array {full}")
    except Exception:
        pass
    return ", ".join(parts)


def run_cycle(config: CameraConfig, camera_num: int, frames: int) -> tuple[float, float, float]:
    """One open / capture / close; (open s, first frame s, close s). Raises on failure."""
    device = PiCamera2Device(config, camera_num=camera_num)
    start = time.monotonic()
    device.open()
    opened = time.monotonic()
    try:
        first = 0.0
        for index in range(frames):
            image = device.capture(config.capture_timeout_s)
            if index == 0:
                first = time.monotonic() - opened
                expected = (config.height, config.width, 3)
                if tuple(image.shape) != expected:
                    raise RuntimeError(f"frame shape {image.shape}, expected {expected}")
    finally:
        before_close = time.monotonic()
        device.close()
    return opened - start, first, time.monotonic() - before_close


def main(argv: list[str] | None = None) -> int:
    """Run the cycles and print one line per cycle, then a summary."""
    args = parse_args(argv)
    try:
        config = load_config(args.config).camera
    except ApplianceError as error:
        print(f"camera_loop: {error}", file=sys.stderr)
        return error.exit_code
    print(
        f"camera {args.camera}: {args.cycles} cycles of open, {args.frames} frames, close "
        f"({config.width}x{config.height} at {config.fps:g} fps, "
        f"deadline {config.capture_timeout_s:g} s)"
    )

    probe = PiCamera2Device(config, camera_num=args.camera)
    try:
        probe.open()
    except ApplianceError as error:
        print(f"FAIL the camera does not open: {error}")
        print("     Is the mirror still running (sudo systemctl stop hinge-mirror)? Is the")
        print("     ribbon seated, contacts the right way round? Try: rpicam-hello --list-cameras")
        return 4
    print(describe_mode(probe))
    probe.close()

    opens: list[float] = []
    firsts: list[float] = []
    closes: list[float] = []
    failures: list[str] = []
    for cycle in range(1, args.cycles + 1):
        try:
            open_s, first_s, close_s = run_cycle(config, args.camera, args.frames)
        except Exception as error:  # report every kind of failure and carry on
            failures.append(f"cycle {cycle}: {type(error).__name__}: {error}")
            print(f"FAIL cycle {cycle:3d}: {type(error).__name__}: {error}")
        else:
            opens.append(open_s)
            firsts.append(first_s)
            closes.append(close_s)
            print(
                f"ok   cycle {cycle:3d}: open {open_s * 1000:7.1f} ms, first frame "
                f"{first_s * 1000:7.1f} ms, close {close_s * 1000:7.1f} ms"
            )
        time.sleep(args.pause_s)

    print()
    for name, values in (("open", opens), ("first frame", firsts), ("close", closes)):
        if values:
            print(
                f"{name:<12} median {statistics.median(values) * 1000:7.1f} ms, "
                f"max {max(values) * 1000:7.1f} ms"
            )
    print(f"{len(failures)} of {args.cycles} cycles failed")
    for failure in failures:
        print(f"  {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
