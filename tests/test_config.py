"""One validated config: every key has a default, a bad one is named (exit 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from appliance.config import Config, load_config, parse_config
from appliance.errors import BadConfig


def test_no_file_and_an_empty_file_both_mean_the_defaults(tmp_path: Path) -> None:
    empty = tmp_path / "config.toml"
    empty.write_text("")
    assert load_config(empty) == Config()


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[pose]\nthreds = 2", "pose.threds"),
        ("[pose]\nthreads = 'four'", "pose.threads"),
        ("[pose.smoothing]\nbeta = -1", "pose.smoothing.beta"),
        ("[camera]\nfps = 0", "camera.fps"),
        ("[mirror]\nprofile = 'gym'", "mirror.profile"),
        ("[mirror]\ndim_brightness = 2", "mirror.dim_brightness"),
        ("[audio]\nvolume = 3", "audio.volume"),
        ("[controls]\nset_pin = 17", "controls.set_pin"),
        ("[cues]\nmin_gap_s = -1", "cues.min_gap_s"),
        ("[nonsense]\nx = 1", "nonsense"),
    ],
)
def test_a_bad_key_or_value_stops_start_up_naming_the_key(
    tmp_path: Path, toml: str, key: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(toml)
    with pytest.raises(BadConfig) as error:
        load_config(path)
    assert key in str(error.value)
    assert error.value.exit_code == 3


def test_a_file_that_is_not_toml_is_bad_configuration(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[pose\nthreads = ")
    with pytest.raises(BadConfig, match="not valid TOML"):
        load_config(path)


def test_the_studio_profile_and_its_timing_are_read() -> None:
    config = parse_config({"mirror": {"profile": "studio", "leave_s": 5, "dim_after_s": 60}})
    assert config.mirror.profile == "studio"
    assert config.mirror.leave_s == 5.0
    assert config.mirror.dim_after_s == 60.0
