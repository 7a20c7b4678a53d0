"""The systemd units: the directives the appliance relies on, and systemd's own checks.

``systemd-analyze verify`` and ``security --offline`` run when systemd-analyze is
installed (Debian package ``systemd``); neither needs a running systemd.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

UNITS = REPO / "systemd"
SERVICE = UNITS / "hinge-mirror.service"
RECOVER_SERVICE = UNITS / "hinge-mirror-recover.service"
RECOVER_TIMER = UNITS / "hinge-mirror-recover.timer"
INSTALLED_EXEC = "/opt/hinge-mirror/.venv/bin/hinge-mirror run"

Unit = dict[str, list[tuple[str, str]]]


def parse_unit(path: Path) -> Unit:
    """Sections of (key, value) pairs in order; repeated keys (DeviceAllow=) all kept."""
    sections: Unit = {}
    current = None
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        assert not line.endswith("\\"), f"{path.name}:{number}: keep directives on one line"
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None, f"{path.name}:{number}: outside a section"
        assert "=" in line, f"{path.name}:{number}: {line!r}"
        key, value = line.split("=", 1)
        current.append((key.strip(), value.strip()))
    return sections


def values(unit: Unit, section: str, key: str) -> list[str]:
    return [v for k, v in unit.get(section, []) if k == key]


def value(unit: Unit, section: str, key: str) -> str:
    found = values(unit, section, key)
    assert found, f"[{section}] {key}= is missing"
    return found[-1]


@pytest.fixture(scope="module")
def service() -> Unit:
    return parse_unit(SERVICE)


def test_notify_service_with_a_watchdog_that_kills_without_a_core(service):
    assert value(service, "Service", "Type") == "notify"
    assert value(service, "Service", "NotifyAccess") == "main"
    assert value(service, "Service", "ExecStart") == INSTALLED_EXEC
    assert value(service, "Service", "WatchdogSec") == "20s"
    assert value(service, "Service", "WatchdogSignal") == "SIGKILL"
    assert value(service, "Service", "LimitCORE") == "0"


def test_restarts_on_failure_but_not_on_bad_configuration_and_never_stays_dead(service):
    assert value(service, "Service", "Restart") == "on-failure"
    assert value(service, "Service", "RestartSec")
    assert value(service, "Service", "RestartPreventExitStatus").split() == ["3"]
    burst = int(value(service, "Unit", "StartLimitBurst"))
    interval = int(value(service, "Unit", "StartLimitIntervalSec"))
    restart_s = int(value(service, "Service", "RestartSec").removesuffix("s"))
    assert burst * restart_s < interval, "the start limit could never be reached"
    # Escalation: after the start limit, a one-shot timer retries later, every time.
    assert value(service, "Unit", "OnFailure") == RECOVER_TIMER.name
    timer = parse_unit(RECOVER_TIMER)
    assert value(timer, "Timer", "Unit") == RECOVER_SERVICE.name
    assert value(timer, "Timer", "RemainAfterElapse") == "no"
    assert value(timer, "Timer", "OnActiveSec")
    recover = parse_unit(RECOVER_SERVICE)
    commands = values(recover, "Service", "ExecStart")
    assert commands == [
        "/bin/systemctl reset-failed hinge-mirror.service",
        "/bin/systemctl start --no-block hinge-mirror.service",
    ]


def _recover_condition(tmp_path: Path, code: int, status: int) -> int:
    """Run the recovery's ExecCondition with a fake systemctl reporting code/status."""
    recover = parse_unit(RECOVER_SERVICE)
    argv = shlex.split(value(recover, "Service", "ExecCondition").replace("$$", "$"))
    fake = tmp_path / "systemctl"
    fake.write_text(
        "#!/bin/sh\n"
        f'case "$*" in *ExecMainCode*) echo {code};; *ExecMainStatus*) echo {status};; esac\n'
    )
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ.get('PATH', '')}"}
    return subprocess.run(argv, env=env, timeout=10, check=False).returncode


@pytest.mark.parametrize(
    ("code", "status", "retried"),
    [
        (1, 3, False),  # exited 3: bad configuration, leave it for a person
        (1, 1, True),  # runtime failure
        (1, 4, True),  # camera or model missing: it may be plugged in by then
        (2, 3, True),  # killed by signal 3 (SIGQUIT), not exit status 3
        (2, 9, True),  # watchdog SIGKILL
    ],
)
def test_recovery_skips_only_bad_configuration(tmp_path, code, status, retried):
    assert (_recover_condition(tmp_path, code, status) == 0) is retried


def test_dedicated_user_with_device_groups_and_kiosk_environment(service):
    assert value(service, "Service", "User") == "hinge-mirror"
    groups = set(value(service, "Service", "SupplementaryGroups").split())
    assert {"video", "render", "gpio", "input"} <= groups
    environment = set(values(service, "Service", "Environment"))
    assert {"SDL_VIDEODRIVER=kmsdrm", "GPIOZERO_PIN_FACTORY=lgpio"} <= environment


def test_hardening(service):
    expected = {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "StateDirectory": "hinge-mirror",
        "CacheDirectory": "hinge-mirror",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateNetwork": "yes",
        "DevicePolicy": "closed",
        "ProtectKernelTunables": "yes",
        "ProtectKernelModules": "yes",
        "ProtectControlGroups": "yes",
        "RestrictNamespaces": "yes",
        "LockPersonality": "yes",
        "SystemCallArchitectures": "native",
        "CapabilityBoundingSet": "",
    }
    for key, want in expected.items():
        assert value(service, "Service", key) == want, key
    families = value(service, "Service", "RestrictAddressFamilies").split()
    assert "AF_INET" not in families  # no listener
    assert "AF_INET6" not in families
    # Off on purpose (W^X pages for JIT/libffi); see the comment in the unit.
    assert not values(service, "Service", "MemoryDenyWriteExecute")


def test_devices_for_camera_display_gpio_input_and_sound(service):
    allowed = {entry.split()[0] for entry in values(service, "Service", "DeviceAllow")}
    for group in ("video4linux", "media", "dma_heap", "drm", "gpiochip", "input", "alsa"):
        assert f"char-{group}" in allowed, group


def test_installed_for_boot(service):
    assert value(service, "Install", "WantedBy") in {"multi-user.target", "graphical.target"}


# --- systemd's own checks --------------------------------------------------------------

needs_systemd_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed (apt-get install systemd)",
)


def _analyze(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["systemd-analyze", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@needs_systemd_analyze
def test_systemd_analyze_verify(tmp_path):
    for unit in (SERVICE, RECOVER_SERVICE, RECOVER_TIMER):
        shutil.copy(unit, tmp_path / unit.name)
    # The venv is not installed here; verify would (rightly) report the missing binary.
    copied = tmp_path / SERVICE.name
    text = copied.read_text()
    assert f"ExecStart={INSTALLED_EXEC}\n" in text
    copied.write_text(text.replace(f"ExecStart={INSTALLED_EXEC}", "ExecStart=/bin/true"))
    names = [f"./{unit.name}" for unit in (SERVICE, RECOVER_SERVICE, RECOVER_TIMER)]
    result = _analyze("verify", *names, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    complaints = [line for line in result.stderr.splitlines() if "hinge-mirror" in line]
    assert complaints == []

    # Unmodified, the only complaint is the binary that is installed on the Pi only.
    original = _analyze("verify", f"./{SERVICE.name}", cwd=UNITS)
    if original.returncode != 0:
        lines = [line for line in original.stderr.splitlines() if line.strip()]
        assert all("is not executable" in line for line in lines), original.stderr


@needs_systemd_analyze
def test_systemd_analyze_security_scores_ok_or_better(capsys):
    result = _analyze("security", "--offline=yes", "--no-pager", f"./{SERVICE.name}", cwd=UNITS)
    if result.returncode != 0 and "offline" in result.stderr:
        pytest.skip(f"this systemd-analyze has no --offline: {result.stderr.strip()}")
    match = re.search(r"Overall exposure level for \S+: ([\d.]+) (\w+)", result.stdout)
    assert match, result.stdout + result.stderr
    score, level = float(match[1]), match[2]
    with capsys.disabled():
        print(f"\nsystemd-analyze security hinge-mirror.service: {score} {level}")
    assert level in {"PERFECT", "SAFE", "OK"}, f"exposure {score} {level}"
