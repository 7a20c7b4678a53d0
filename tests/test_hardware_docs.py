"""Static checks of hardware/: the install scripts, the default config and the wiring docs.

Nothing here runs the installer or touches hardware: the scripts are only parsed (``bash
-n``, and ShellCheck where it is installed) and read, and the documents are compared with
the code and with systemd/ so they cannot drift apart. (The installer was run for real
once, on Debian 12 x86_64 without systemd: hardware/README.md, "Rehearsed on Debian 12".)
"""

from __future__ import annotations

import fnmatch
import py_compile
import re
import shutil
import subprocess
import tomllib
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest

from appliance.config import SYSTEM_CONFIG, Config, load_config
from appliance.controls.buttons import bindings
from appliance.controls.config import ControlsConfig

ROOT = Path(__file__).resolve().parents[1]
HARDWARE = ROOT / "hardware"
SYSTEMD = ROOT / "systemd"
INSTALL = HARDWARE / "install.sh"
UNINSTALL = HARDWARE / "uninstall.sh"
SOAK = HARDWARE / "checks" / "soak.sh"
SCRIPTS = [INSTALL, UNINSTALL, SOAK]
DEFAULT_CONFIG = HARDWARE / "config.default.toml"
README = HARDWARE / "README.md"
CHECKS = sorted((HARDWARE / "checks").glob("*.py"))

# Physical header pins of the BCM GPIOs on the 40-pin header (every Pi since the B+), and
# its ground pins. Enough of the map for the buttons' defaults; extend it with them.
PHYSICAL_PIN = {17: 11, 27: 13, 22: 15}
GROUND_PINS = {6, 9, 14, 20, 25, 30, 34, 39}


def config_keys(cls: type, prefix: str = "") -> set[str]:
    """Every leaf key of a config dataclass, dotted (``pose.smoothing.beta``)."""
    keys: set[str] = set()
    for f in fields(cls):
        value = f.default_factory() if callable(f.default_factory) else f.default
        if is_dataclass(value):
            keys |= config_keys(type(value), f"{prefix}{f.name}.")
        else:
            keys.add(f"{prefix}{f.name}")
    return keys


def toml_keys(data: dict[str, Any], prefix: str = "") -> set[str]:
    """Every leaf key of parsed TOML, dotted."""
    keys: set[str] = set()
    for name, value in data.items():
        if isinstance(value, dict):
            keys |= toml_keys(value, f"{prefix}{name}.")
        else:
            keys.add(f"{prefix}{name}")
    return keys


def bash_array(text: str, name: str) -> list[str]:
    """The words of a multi-line bash array ``name=( ... )``, comments left out."""
    found = re.search(rf"^{name}=\(\n(.*?)^\)", text, re.MULTILINE | re.DOTALL)
    assert found is not None, f"no array {name}"
    return [w for line in found.group(1).splitlines() for w in line.split("#", 1)[0].split()]


def unit_values(path: Path, key: str) -> list[str]:
    """The values of ``key=`` lines in a unit file (comments skipped)."""
    values = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith(f"{key}="):
            values.append(line.split("=", 1)[1].strip())
    return values


# --- the scripts -----------------------------------------------------------------------


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_parses_with_bash_n(script: Path) -> None:
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_is_strict_and_executable(script: Path) -> None:
    text = script.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "\nset -euo pipefail\n" in text
    assert script.stat().st_mode & 0o111, f"{script.name} is not executable"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_passes_shellcheck(script: Path) -> None:
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck); bash -n ran")
    result = subprocess.run([shellcheck, str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_scripts_use_the_units_systemd_ships() -> None:
    units = sorted(p.name for p in SYSTEMD.iterdir() if p.suffix in (".service", ".timer"))
    assert "hinge-mirror.service" in units
    install, uninstall = INSTALL.read_text(), UNINSTALL.read_text()
    for unit in units:
        assert unit in install, f"install.sh does not install {unit}"
        assert unit in uninstall, f"uninstall.sh does not remove {unit}"
    # Only the main service is enabled; the recovery units are started by its OnFailure=.
    enabled = re.findall(r"systemctl enable\b[^\n]*", install)
    assert enabled == ['systemctl enable "$MAIN_UNIT"'], enabled
    assert "MAIN_UNIT=hinge-mirror.service" in install


def test_install_matches_the_service_assumptions() -> None:
    service = SYSTEMD / "hinge-mirror.service"
    install = INSTALL.read_text()

    # ExecStart=/opt/hinge-mirror/.venv/bin/hinge-mirror run: the prefix and the venv.
    exec_start = Path(unit_values(service, "ExecStart")[0].split()[0])
    venv = exec_start.parents[1]
    prefix = venv.parent
    assert f"PREFIX={prefix}\n" in install
    assert f"VENV=$PREFIX/{venv.name}\n" in install
    assert "-m venv --system-site-packages" in install

    # User=, Group= and the supplementary groups.
    (user,) = unit_values(service, "User")
    (group,) = unit_values(service, "Group")
    assert user == group
    assert f"APP_USER={user}\n" in install
    assert "--user-group" in install
    groups = unit_values(service, "SupplementaryGroups")[0].split()
    declared = re.search(r"APP_GROUPS=\(([^)]*)\)", install)
    assert declared is not None
    assert declared.group(1).split() == groups

    # StateDirectory= and CacheDirectory= are under /var/lib and /var/cache.
    (state,) = unit_values(service, "StateDirectory")
    (cache,) = unit_values(service, "CacheDirectory")
    assert f"STATE_DIR=/var/lib/{state}\n" in install
    assert f"CACHE_DIR=/var/cache/{cache}\n" in install
    for script in (UNINSTALL, SOAK):
        assert f"/var/lib/{state}" in script.read_text()

    # The config file the program reads by default, installed only when absent.
    assert f"CONFIG_DIR={SYSTEM_CONFIG.parent}\n" in install
    assert f"CONFIG_FILE=$CONFIG_DIR/{SYSTEM_CONFIG.name}\n" in install
    assert "if [[ -e $CONFIG_FILE ]]; then" in install
    assert "hardware/config.default.toml" in install

    # The model goes where the service looks for it, and doctor runs at the end.
    assert 'STATE_DIRECTORY="$STATE_DIR"' in install
    assert "models fetch" in install
    assert '"$VENV/bin/hinge-mirror" doctor' in install
    for option in ("--from)", "--no-start)"):
        assert option in install


# systemctl verbs that need a running systemd (PID 1); enable/disable only edit symlinks.
# Only systemctl as a command (line start, after && || ; if elif !), not in a message.
NEEDS_SYSTEMD = re.compile(
    r"(?:^|&&|\|\||;|\bif|\belif|!)\s*systemctl\s+"
    r"(?:daemon-reload|start|stop|restart|reset-failed|is-active|\S+\s+--now)\b"
)
BLOCK_START = re.compile(r"(if|elif|else|for|while)\b")


def enclosing_headers(lines: list[str], index: int) -> list[str]:
    """The block headers (if/elif/else/for/while lines) around ``lines[index]``, innermost
    first, found by indentation (the scripts indent each block by 4 spaces)."""

    def indent(line: str) -> int:
        return len(line) - len(line.lstrip())

    headers, level = [], indent(lines[index])
    for line in reversed(lines[:index]):
        if line.strip() and indent(line) < level and BLOCK_START.match(line.strip()):
            headers.append(line.strip())
            level = indent(line)
            # An else/elif branch: the if it belongs to decides too.
            if line.strip().startswith(("else", "elif")):
                level += 1
    return headers


@pytest.mark.parametrize("script", [INSTALL, UNINSTALL], ids=lambda p: p.name)
def test_scripts_work_without_a_running_systemd(script: Path) -> None:
    """In a container or chroot only enabling and disabling (symlinks) can work: every
    other systemctl call sits in a branch taken only when systemd runs."""
    text = script.read_text(encoding="utf-8")
    assert "\nif [[ -d /run/systemd/system ]]; then\n    SYSTEMD_RUNNING=1\n" in text
    lines = text.splitlines()
    guarded = 0
    for index, line in enumerate(lines):
        code = line.split("#", 1)[0].strip()
        if not NEEDS_SYSTEMD.search(code):
            continue
        headers = enclosing_headers(lines, index)
        assert any("SYSTEMD_RUNNING" in h for h in headers) or "SYSTEMD_RUNNING" in code, (
            f"{script.name}:{index + 1}: {line.strip()!r} runs without a running systemd"
        )
        guarded += 1
    assert guarded, f"{script.name}: no systemctl call found"


def test_install_goes_on_without_the_pi_packages() -> None:
    """Plain Debian (no archive.raspberrypi.com): the Pi packages are left out with one
    warning, which the README quotes; Raspberry Pi OS (/etc/rpi-issue) still needs them."""
    install = INSTALL.read_text(encoding="utf-8")
    readme = " ".join(README.read_text(encoding="utf-8").split())
    packages = bash_array(install, "APT_PI")
    assert packages == ["python3-picamera2", "python3-lgpio"]
    assert not set(packages) & set(bash_array(install, "APT_RUNTIME"))
    assert not set(packages) & set(bash_array(install, "APT_PYGAME_BUILD"))
    assert "apt-cache policy" in install
    assert "/etc/rpi-issue" in install
    warning = re.search(r"note \"warning: (not Raspberry Pi OS: [^\"]*)\"", install)
    assert warning is not None
    assert warning.group(1) in readme
    note = re.search(r"note \"(systemd is not running here[^\"]*)\"", install)
    assert note is not None
    assert note.group(1) in readme


def test_install_makes_the_venv_from_debians_python() -> None:
    """apt's python3-picamera2 and python3-lgpio are for /usr/bin/python3; the first
    python3 on root's PATH may be a pyenv build the service user cannot even run."""
    install = INSTALL.read_text(encoding="utf-8")
    assert "PYTHON=/usr/bin/python3\n" in install
    assert "command -v python3" not in install
    assert '"$PYTHON" -m venv --system-site-packages "$VENV"' in install


def test_missing_groups_drop_in_is_removed_by_uninstall() -> None:
    install, uninstall = INSTALL.read_text(), UNINSTALL.read_text()
    assert "GROUPS_DROPIN=$UNIT_DIR/$MAIN_UNIT.d/" in install
    assert "SupplementaryGroups=\nSupplementaryGroups=${groups_found[*]}\n" in install
    assert 'rm -rf "$UNIT_DIR/$MAIN_UNIT.d"' in uninstall


def test_uninstall_keeps_config_and_history_unless_purged() -> None:
    uninstall = UNINSTALL.read_text()
    assert "PREFIX=/opt/hinge-mirror\n" in uninstall
    assert 'rm -rf "$PREFIX"' in uninstall
    parts = uninstall.split("if ((PURGE)); then", 1)
    assert len(parts) == 2, "uninstall.sh has no --purge branch"
    before, rest = parts
    purge, kept = rest.split("\nelse\n", 1)
    for removal in ("userdel", 'rm -rf "$CONFIG_DIR"', 'rm -rf "$STATE_DIR"', 'rm -rf "$dir"'):
        assert removal not in before, f"{removal} runs without --purge"
        assert removal not in kept, f"{removal} runs without --purge"
    assert 'for dir in "$CONFIG_DIR" "$STATE_DIR" "$CACHE_DIR"; do' in purge
    assert 'rm -rf "$dir"' in purge
    assert 'userdel "$APP_USER"' in purge
    assert "kept" in kept


# --- the default config ----------------------------------------------------------------


def test_default_config_parses_to_the_defaults() -> None:
    assert load_config(DEFAULT_CONFIG) == Config()


def test_default_config_lists_every_key() -> None:
    with DEFAULT_CONFIG.open("rb") as file:
        data = tomllib.load(file)
    expected = config_keys(Config)
    assert toml_keys(data) == expected, (
        f"missing from {DEFAULT_CONFIG.name}: {sorted(expected - toml_keys(data))}; "
        f"not in the config: {sorted(toml_keys(data) - expected)}"
    )


def test_every_key_in_the_default_config_has_a_comment() -> None:
    lines = DEFAULT_CONFIG.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^[a-z_]+ = ", line):
            above = lines[index - 1]
            assert above.startswith("#") or re.match(r"^[a-z_]+ = ", above), (
                f"{DEFAULT_CONFIG.name}:{index + 1}: {line!r} has no comment above it"
            )


# --- the wiring document ---------------------------------------------------------------


def test_readme_pins_match_the_button_defaults() -> None:
    readme = README.read_text(encoding="utf-8")
    defaults = ControlsConfig()
    for binding in bindings(defaults):
        bcm = binding.pin
        physical = PHYSICAL_PIN[bcm]
        key = {"DRILL": "drill_pin", "DEADLIFT": "deadlift_pin", "SET": "set_pin"}[binding.name]
        row = re.search(rf"^\| {binding.name} \|.*$", readme, re.MULTILINE)
        assert row is not None, f"no table row for {binding.name}"
        assert f"GPIO{bcm} (`controls.{key} = {bcm}`)" in row.group(0)
        assert f"**{physical}**" in row.group(0)
        ground = {int(n) for n in re.findall(r"\b(\d+)\b", row.group(0).split("|")[4])}
        assert ground, f"{binding.name}: no GND pin named"
        assert ground <= GROUND_PINS, f"{binding.name}: {ground} are not all GND"
        # The header diagram shows the same pin.
        assert re.search(rf"GPIO{bcm} \({physical}\)", readme), f"diagram lacks GPIO{bcm}"
        assert f"pin {physical} (GPIO{bcm})" in readme


def test_readme_diagram_grounds_are_ground_pins() -> None:
    readme = README.read_text(encoding="utf-8")
    for pin in re.findall(r"GND\s+\((\d+)\)|\((\d+)\)\s+GND", readme):
        number = int(pin[0] or pin[1])
        assert number in GROUND_PINS, f"the diagram calls pin {number} GND"


# --- the on-device checks --------------------------------------------------------------


def test_on_device_checks_exist() -> None:
    names = {p.name for p in CHECKS} | {SOAK.name}
    assert {"camera_loop.py", "buttons_check.py", "soak.sh"} <= names


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.name)
def test_on_device_check_compiles(check: Path, tmp_path: Path) -> None:
    py_compile.compile(str(check), cfile=str(tmp_path / "check.pyc"), doraise=True)


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.name)
def test_on_device_check_is_not_collected_by_pytest(check: Path) -> None:
    with (ROOT / "pyproject.toml").open("rb") as file:
        options = tomllib.load(file)["tool"]["pytest"]["ini_options"]
    patterns = options.get("python_files", ["test_*.py", "*_test.py"])
    if isinstance(patterns, str):
        patterns = patterns.split()
    for pattern in patterns:
        assert not fnmatch.fnmatch(check.name, pattern), f"pytest would collect {check.name}"
    assert "hardware" not in " ".join(options.get("testpaths", []))
