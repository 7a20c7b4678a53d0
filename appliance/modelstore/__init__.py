"""The model store: which MoveNet files we use, fetching them, and checking them.

``installed_model_path(model_spec(config.pose.model), config.models.directory())`` is how
the rest of the appliance finds its model; it raises ``ModelMissing`` / ``ModelCorrupt``
with the command that fixes it.
"""

from appliance.modelstore.fetch import fetch_models
from appliance.modelstore.manifest import ModelSpec, load_manifest, model_spec, required_models
from appliance.modelstore.store import Installed, Status, inspect_model, installed_model_path

__all__ = [
    "Installed",
    "ModelSpec",
    "Status",
    "fetch_models",
    "inspect_model",
    "installed_model_path",
    "load_manifest",
    "model_spec",
    "required_models",
]
