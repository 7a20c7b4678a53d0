"""TLS as a careful installer sets it up: the broker's certificate checked against our CA,
and the mirror's own client certificate; a wrong CA fails the doctor, never the coach.

A throw-away CA, server and client certificate are made with ``openssl`` in the test's
folder; Mosquitto listens with TLS (client certificates required) beside a plain listener
that the watching client uses."""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from appliance.doctor import check_mqtt
from appliance.live.loop import LiveLoop
from appliance.live.session import Session, SessionTiming
from appliance.mqtt.entities import Topics
from tests.test_mqtt_broker import (
    MOSQUITTO,
    Broker,
    PacedSource,
    Watcher,
    free_port,
    listening,
    mqtt_config,
    run_mirror,
    wait_until,
)

pytestmark = pytest.mark.skipif(
    not Path(MOSQUITTO).exists() or shutil.which("openssl") is None,
    reason="needs mosquitto and openssl",
)


@dataclass(frozen=True)
class Pki:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    other_ca: Path


def openssl(folder: Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)


def make_pki(folder: Path) -> Pki:
    """A CA, a server certificate for 127.0.0.1 and a client certificate it signed, and a
    second CA that signed nothing here."""
    for ca in ("ca", "other-ca"):
        openssl(folder, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", f"{ca}.key", "-out", f"{ca}.pem", "-subj", f"/CN={ca}")  # fmt: skip
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n", encoding="utf-8")
    for name, extra in (("server", ["-extfile", "san.ext"]), ("client", [])):
        openssl(folder, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
                "-out", f"{name}.csr", "-subj", f"/CN={name}")  # fmt: skip
        signed_by_ca = ["-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2"]
        openssl(folder, "x509", "-req", "-in", f"{name}.csr", *signed_by_ca,
                "-out", f"{name}.pem", *extra)  # fmt: skip
    return Pki(
        folder / "ca.pem",
        folder / "server.pem",
        folder / "server.key",
        folder / "client.pem",
        folder / "client.key",
        folder / "other-ca.pem",
    )


@pytest.fixture
def tls_broker(tmp_path: Path) -> Iterator[tuple[Broker, int, Pki]]:
    pki = make_pki(tmp_path)
    tls_port = free_port()
    settings = (
        "allow_anonymous true\n"
        f"listener {tls_port} 127.0.0.1\n"
        f"cafile {pki.ca}\ncertfile {pki.server_cert}\nkeyfile {pki.server_key}\n"
        "require_certificate true\n"
    )
    broker = Broker(tmp_path, settings=settings).start()
    wait_until(lambda: listening(tls_port), "the TLS listener")
    yield broker, tls_port, pki
    broker.kill()


def test_over_tls_with_a_client_certificate_the_mirror_comes_online(
    tls_broker: tuple[Broker, int, Pki],
) -> None:
    broker, tls_port, pki = tls_broker
    config = mqtt_config(
        broker,
        port=tls_port,
        tls=True,
        ca_file=str(pki.ca),
        cert_file=str(pki.client_cert),
        key_file=str(pki.client_key),
    )
    doctor = check_mqtt(config)
    assert doctor.ok, doctor.detail
    assert "TLS" in doctor.detail
    topics = Topics.of(config.mqtt)
    watcher = Watcher(broker.port)  # the plain listener of the same broker

    def look(loop: LiveLoop) -> None:
        watcher.wait_for(topics.availability, "online")
        watcher.wait_for(topics.state("mode"), "drill")

    try:
        run_mirror(config, PacedSource([], pace_s=1 / 30), look)
    finally:
        watcher.close()


def test_a_broker_signed_by_another_ca_fails_the_doctor_but_not_the_set(
    tls_broker: tuple[Broker, int, Pki], caplog: pytest.LogCaptureFixture
) -> None:
    from appliance.synthetic import make_set

    caplog.set_level(logging.INFO, logger="hinge_mirror.mqtt")
    broker, tls_port, pki = tls_broker
    config = mqtt_config(
        broker,
        port=tls_port,
        tls=True,
        ca_file=str(pki.other_ca),
        cert_file=str(pki.client_cert),
        key_file=str(pki.client_key),
        reconnect_max_s=1.0,
    )
    doctor = check_mqtt(config)
    assert not doctor.ok
    assert doctor.exit_code == 3  # the configuration is what is wrong
    assert "TLS" in doctor.detail
    lifter = make_set(mode="drill", reps=2, seed=3, leave=True)

    def lift(loop: LiveLoop) -> None:
        wait_until(lambda: loop.session.sets_done == 1, "the set to end")

    loop, _ = run_mirror(
        config,
        PacedSource(lifter.frames(), pace_s=0.008),
        lift,
        Session("drill", SessionTiming(leave_s=1.0)),
    )
    assert loop.session.last_set is not None
    assert len(loop.session.last_set.scores) == 2
    lines = [r.getMessage() for r in caplog.records if r.name == "hinge_mirror.mqtt"]
    assert len(lines) == 1, lines
    assert "TLS failed" in lines[0]
    assert "certificate verify failed" in lines[0]
