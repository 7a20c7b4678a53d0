"""On-device check: print every press and hold of the three GPIO buttons.

Opt-in, on a Raspberry Pi only (never in CI). Stop the mirror first (it holds the pins):

    sudo systemctl stop hinge-mirror
    sudo -u hinge-mirror env GPIOZERO_PIN_FACTORY=lgpio \\
        /opt/hinge-mirror/.venv/bin/python /opt/hinge-mirror/hardware/checks/buttons_check.py
    sudo systemctl start hinge-mirror

It reads the buttons through ``appliance.controls.open_buttons`` with the pins, debounce and
hold times of the mirror's configuration, so what it prints is what the mirror would do.
Press each button once, hold SET for its hold time (recalibrate) and DRILL for its hold
time (diagnostics), then Ctrl-C (or wait for ``--seconds``).

Exit status: 0 when every button was seen, 1 when one was not, 4 when there is no GPIO.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from appliance.config import load_config
from appliance.controls import Control, open_buttons
from appliance.controls.buttons import bindings
from appliance.errors import ApplianceError

POLL_S = 0.01


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        description="Print every press and hold of the three GPIO buttons."
    )
    parser.add_argument(
        "--seconds", type=float, default=0.0, help="stop after this long (default: Ctrl-C)"
    )
    parser.add_argument(
        "--config", type=Path, default=None, help="config TOML (default: the mirror's)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Print the wiring, then every control event until Ctrl-C or ``--seconds``."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    try:
        config = load_config(args.config).controls
    except ApplianceError as error:
        print(f"buttons_check: {error}", file=sys.stderr)
        return error.exit_code

    # Which button each control comes from, for the printout.
    source: dict[Control, str] = {}
    for binding in bindings(config):
        source[binding.on_press] = binding.name
        if binding.on_hold is not None:
            source[binding.on_hold] = binding.name
        hold = f", hold {binding.hold_s:g} s: {binding.on_hold.name}" if binding.on_hold else ""
        print(
            f"{binding.name:<8} GPIO{binding.pin:<2} to GND  press: {binding.on_press.name}{hold}"
        )

    buttons = open_buttons(config)
    if buttons is None:
        print("FAIL no GPIO here (the log line above says why). On a Pi 5: is python3-lgpio")
        print("     installed, is this user in the gpio group, is the mirror stopped?")
        return 4

    print("\nPress each button; hold SET and DRILL for their hold times. Ctrl-C to end.\n")
    seen: set[Control] = set()
    start = time.monotonic()
    try:
        while not args.seconds or time.monotonic() - start < args.seconds:
            for event in buttons.poll():
                seen.add(event.control)
                print(
                    f"{event.t_s - start:8.2f} s  {source.get(event.control, '?'):<8} "
                    f"{event.control.name}",
                    flush=True,
                )
            time.sleep(POLL_S)
    except KeyboardInterrupt:
        print()
    finally:
        buttons.close()

    missing = [b.name for b in bindings(config) if b.on_press not in seen]
    holds = [b.on_hold for b in bindings(config) if b.on_hold is not None]
    print(f"seen: {', '.join(sorted(c.name for c in seen)) or 'nothing'}")
    unseen_holds = [c.name for c in holds if c not in seen]
    if unseen_holds:
        print(f"holds not tried (or not long enough): {', '.join(unseen_holds)}")
    if missing:
        print(f"FAIL no press from: {', '.join(missing)}. Check that wire and its GND;")
        print("     see the header diagram in hardware/README.md.")
        return 1
    print("ok   every button answered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
