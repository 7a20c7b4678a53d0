"""The ``hinge-mirror`` command line: one sub-command per room, errors as exit codes.

Each room that has a command exposes ``register(subparsers, common)``, which adds its
sub-parser (with ``common`` as a parent, for ``--config``) and sets ``handler`` to a
function ``(args) -> int``. Every ``ApplianceError`` becomes one line on stderr and its
exit code; nothing the user does prints a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from appliance import __version__
from appliance.config import CONFIG_ENV, SYSTEM_CONFIG, Config, load_config
from appliance.errors import EXIT_BAD_INPUT, EXIT_RUNTIME, ApplianceError

PROG = "hinge-mirror"

# Rooms that add sub-commands, in the order ``--help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "appliance.run",
    "appliance.pose.command",
    "appliance.analyze.command",
    "appliance.evaluate.command",
    "appliance.bench",
    "appliance.doctor",
    "appliance.modelstore.command",
    "appliance.history.command",
)

ATTRIBUTION = (
    "Pose estimation: Google MoveNet SinglePose, Apache-2.0, (c) Google LLC. "
    "See `hinge-mirror models list`."
)


class _Parser(argparse.ArgumentParser):
    """argparse with our exit code for usage errors and a one-line message."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every room's sub-command registered."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help=f"config TOML (default: ${CONFIG_ENV}, else {SYSTEM_CONFIG} if it exists, "
        "else the built-in defaults)",
    )
    parser = _Parser(
        prog=PROG,
        description="A smart mirror that coaches the hip hinge and the deadlift.",
        epilog=ATTRIBUTION,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers, common)
    return parser


def config_from(args: argparse.Namespace) -> Config:
    """The configuration named by ``--config`` (or the default search), validated."""
    return load_config(getattr(args, "config", None))


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (see interfaces.md)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except ApplianceError as error:
        print(f"{PROG}: error: {_one_line(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_RUNTIME
    return code


def _one_line(text: str) -> str:
    return " ".join(text.split())
