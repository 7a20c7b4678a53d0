"""``hinge-mirror models fetch|list``: install the pose models, and show what is installed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from appliance.config import Config
from appliance.errors import EXIT_OK, BadConfig, BadInput
from appliance.modelstore.fetch import fetch_models
from appliance.modelstore.manifest import ModelSpec, load_manifest, model_spec, required_models
from appliance.modelstore.store import Status, inspect_model


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add ``models`` with its ``fetch`` and ``list`` actions to the command line."""
    models = subparsers.add_parser(
        "models",
        help="fetch, verify and list the pose models",
        description="Fetch, verify and list the MoveNet pose models (Apache-2.0, © Google LLC).",
    )
    actions = models.add_subparsers(dest="models_action", metavar="ACTION")
    actions.required = True
    # ``common`` (``--config``) goes on each action, not on ``models``: argparse would let
    # the action's default (None) overwrite a ``--config`` given before it.
    fetch = actions.add_parser(
        "fetch",
        parents=[common],
        help="download (or copy) the models and verify them",
        description="Put the models in the model folder and verify their checksums. "
        "Default: the required models and the configured pose.model.",
    )
    fetch.add_argument(
        "--from",
        dest="source",
        metavar="DIR_OR_URL",
        help="a folder holding the files (offline), or a mirror URL; default: the manifest's URLs",
    )
    which = fetch.add_mutually_exclusive_group()
    which.add_argument(
        "--model",
        action="append",
        metavar="NAME",
        help="fetch this model (repeatable); see `hinge-mirror models list`",
    )
    which.add_argument("--all", action="store_true", help="fetch every model in the manifest")
    fetch.add_argument(
        "--dir", type=Path, metavar="DIR", help="model folder (default: models.dir from config)"
    )
    fetch.set_defaults(handler=_fetch)

    listing = actions.add_parser(
        "list",
        parents=[common],
        help="show each model, its input size and whether it is installed",
    )
    listing.add_argument(
        "--dir", type=Path, metavar="DIR", help="model folder (default: models.dir from config)"
    )
    listing.set_defaults(handler=_list)


def _fetch(args: argparse.Namespace) -> int:
    config: Config | None = None
    if args.dir is None or not (args.all or args.model):
        config = _config(args)
    if args.all:
        specs = load_manifest()
    elif args.model:
        specs = tuple(model_spec(name) for name in dict.fromkeys(args.model))
    else:
        assert config is not None
        specs = _default_specs(config)
    model_dir = _model_dir(args, config)
    paths = fetch_models(specs, model_dir, source=args.source, progress=sys.stderr)
    for spec, path in zip(specs, paths, strict=True):
        print(f"{spec.name}: ready at {path}")
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    config = _config(args) if args.dir is None else None
    model_dir = _model_dir(args, config)
    specs = load_manifest()
    width = max(len(spec.name) for spec in specs)
    print(f"Models in {model_dir}:")
    for spec in specs:
        state = inspect_model(spec, model_dir)
        status = {
            Status.VERIFIED: f"installed, {spec.check} verified",
            Status.MISSING: "missing",
        }.get(state.status, f"{state.status}: {state.detail}")
        role = "required" if spec.required else "optional"
        print(
            f"  {spec.name:<{width}}  {spec.input_size}x{spec.input_size} {spec.input_dtype}"
            f"  {role}  {status}"
        )
    attributions = dict.fromkeys(spec.attribution for spec in specs)
    for line in attributions:
        print(line)
    return EXIT_OK


def _default_specs(config: Config) -> tuple[ModelSpec, ...]:
    """The required models plus the configured one."""
    specs = required_models()
    try:
        configured = model_spec(config.pose.model)
    except BadInput as error:
        raise BadConfig(f"pose.model: {error}") from error
    return specs if configured in specs else (*specs, configured)


def _config(args: argparse.Namespace) -> Config:
    from appliance.cli import config_from  # here: cli imports this module while building its parser

    return config_from(args)


def _model_dir(args: argparse.Namespace, config: Config | None) -> Path:
    if args.dir is not None:
        return Path(args.dir).expanduser()
    assert config is not None
    return config.models.directory()
