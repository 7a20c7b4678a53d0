#!/usr/bin/env bash
# Install Hinge Mirror as an appliance on a fresh Raspberry Pi OS (64-bit, Bookworm with
# Python 3.11 or Trixie with Python 3.13), from a clone of the repository at any path:
#
#     sudo ./hardware/install.sh [--from DIR] [--no-start]
#
#   --from DIR   copy the model from DIR (offline install) instead of downloading it from
#                Google; DIR holds the .tflite file (see models/README.md for the names).
#   --no-start   install and enable everything, but do not start the mirror now (it starts
#                at the next boot, or with `sudo systemctl start hinge-mirror`).
#
# Safe to run again (to update after `git pull`, or to repair an install): every step
# checks what is already there. It never overwrites /etc/hinge-mirror/config.toml, and
# keeps the history and model in /var/lib/hinge-mirror.
#
# What it does, in order (each step prints one "==>" line as it starts):
#   1. apt packages: the camera (python3-picamera2), GPIO (python3-lgpio), speech
#      (espeak-ng), ALSA tools, and what pygame is built from (see step 5). Where apt knows
#      neither Pi package (plain Debian, not Raspberry Pi OS: a mini-PC with a USB webcam)
#      it warns and installs the rest: webcam and keyboard only.
#   2. the system user `hinge-mirror` in the groups video, render, gpio, input, audio
#      (a group this system lacks is left out of the service's groups by a drop-in).
#   3. copy the repository to /opt/hinge-mirror (the path systemd/hinge-mirror.service
#      runs from), leaving out .git, .venv and caches.
#   4. the venv /opt/hinge-mirror/.venv with --system-site-packages, so it sees apt's
#      picamera2 and lgpio (neither installs from PyPI on a Pi).
#   5. pygame built in the venv against Debian's SDL2, because the pygame wheels on PyPI
#      carry an SDL2 without the kmsdrm video driver (checked in pygame 2.6.1's aarch64
#      wheel) and the service draws with SDL_VIDEODRIVER=kmsdrm, without a desktop.
#   6. `pip install /opt/hinge-mirror[pi,mqtt]`: the mirror, gpiozero and paho-mqtt (MQTT
#      stays off until [mqtt] names a broker).
#   7. /etc/hinge-mirror/config.toml from hardware/config.default.toml, only if absent.
#   8. the model into /var/lib/hinge-mirror/models (the service's state directory),
#      verified by sha256; owned by the user.
#   9. the three unit files into /etc/systemd/system, daemon-reload, enable the mirror.
#  10. `hinge-mirror doctor` as the service user with the service's environment, while the
#      mirror is stopped (so the camera and the screen are free), then start the mirror.
#  Without a running systemd (a container or chroot) the units are installed and enabled
#  all the same, and only reloading, stopping and starting are skipped: it starts at boot.
#
# hardware/README.md explains every step and the boot settings it does not change
# (console boot, screen blanking). hardware/uninstall.sh undoes it.

set -euo pipefail
# Files made here must be readable by the service user (root's umask may be 077).
umask 022

APP=hinge-mirror
APP_USER=hinge-mirror
APP_GROUPS=(video render gpio input audio)
PREFIX=/opt/hinge-mirror
VENV=$PREFIX/.venv
STATE_DIR=/var/lib/hinge-mirror
CACHE_DIR=/var/cache/hinge-mirror
CONFIG_DIR=/etc/hinge-mirror
CONFIG_FILE=$CONFIG_DIR/config.toml
UNIT_DIR=/etc/systemd/system
MAIN_UNIT=hinge-mirror.service
UNITS=(hinge-mirror.service hinge-mirror-recover.service hinge-mirror-recover.timer)
# Written only when a group of APP_GROUPS is missing here (see step 2); removed otherwise.
GROUPS_DROPIN=$UNIT_DIR/$MAIN_UNIT.d/install-groups.conf
MIN_PYGAME=2.5

# Packages from apt. The camera and GPIO libraries are Raspberry Pi OS packages (from
# archive.raspberrypi.com, which Raspberry Pi OS has enabled); everything else is Debian.
APT_PI=(
    python3-picamera2 # libcamera's Python binding (Camera Module 3)
    python3-lgpio     # gpiozero's pin library on a Pi 5 (/dev/gpiochip*)
)
APT_RUNTIME=(
    python3 python3-venv python3-dev # the interpreter, venv, headers to build pygame
    espeak-ng                        # spoken cues
    alsa-utils                       # aplay/amixer/alsamixer: test and set the speaker
    rsync git ca-certificates        # copying the tree; fetching the model over https
)
# What `pip install --no-binary pygame` compiles against (pygame's own list for Debian).
# The libsdl2-*-dev packages pull in the SDL2 runtime libraries the service then uses.
APT_PYGAME_BUILD=(
    build-essential pkg-config
    libsdl2-dev libsdl2-image-dev libsdl2-mixer-dev libsdl2-ttf-dev
    libfreetype-dev libportmidi-dev libjpeg-dev libpng-dev
)

FROM_DIR=""
START=1
PI_LIBS=1 # 0 on plain Debian: apt has neither of APT_PI (step 1)

say() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() {
    printf 'install.sh: error: %s\n' "$*" >&2
    exit 1
}

usage() {
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
}

while (($#)); do
    case "$1" in
    --from)
        (($# >= 2)) || die "--from needs a folder"
        FROM_DIR=$2
        shift 2
        ;;
    --from=*)
        FROM_DIR=${1#--from=}
        shift
        ;;
    --no-start)
        START=0
        shift
        ;;
    -h | --help)
        usage
        exit 0
        ;;
    *) die "unknown option: $1 (try --help)" ;;
    esac
done

# The repository this script belongs to, wherever it was cloned.
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

# ---------------------------------------------------------------------------------------
say "Checking this machine"
[[ $(id -u) -eq 0 ]] || die "run as root: sudo $0 $*"
command -v apt-get >/dev/null || die "apt-get not found: this installer is for Raspberry Pi OS"
command -v systemctl >/dev/null || die "systemctl not found: the mirror runs as a systemd service"
[[ -f $REPO_DIR/pyproject.toml && -f $REPO_DIR/systemd/$MAIN_UNIT ]] ||
    die "$REPO_DIR does not look like the hinge-mirror repository"
if [[ -n $FROM_DIR ]]; then
    [[ -d $FROM_DIR ]] || die "--from $FROM_DIR: no such folder"
    FROM_DIR=$(cd "$FROM_DIR" && pwd -P)
fi
# shellcheck disable=SC1091 # /etc/os-release is the system's, not ours
. /etc/os-release
note "system: ${PRETTY_NAME:-unknown}, $(uname -m)"
note "repository: $REPO_DIR"
[[ $(uname -m) == aarch64 ]] ||
    note "warning: not 64-bit ARM; written for a Raspberry Pi 5 with 64-bit Raspberry Pi OS"
case "${VERSION_CODENAME:-}" in
bookworm | trixie) ;;
*) note "warning: written for Bookworm and Trixie, this is '${VERSION_CODENAME:-unknown}'" ;;
esac
# systemd's own test (sd_booted): PID 1 is systemd. Not in a container or a chroot, where
# the units can still be installed and enabled (symlinks) but nothing can be started.
SYSTEMD_RUNNING=0
if [[ -d /run/systemd/system ]]; then
    SYSTEMD_RUNNING=1
fi

# ---------------------------------------------------------------------------------------
say "1/10 Installing apt packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update
# True when apt can install the package: known, and with a candidate version (a name
# apt has never heard of prints nothing; a virtual one prints "Candidate: (none)").
apt_has() {
    local candidate
    candidate=$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p')
    [[ -n $candidate && $candidate != "(none)" ]]
}
pi_known=0
for pkg in "${APT_PI[@]}"; do
    if apt_has "$pkg"; then
        pi_known=$((pi_known + 1))
    fi
done
if ((pi_known == 0)); then
    # Neither: no archive.raspberrypi.com, so not Raspberry Pi OS. If apt knows only one,
    # something is wrong on a Pi: both are asked for, and apt says which is missing.
    # Raspberry Pi OS images carry /etc/rpi-issue (written by pi-gen): there, neither means
    # the Raspberry Pi archive is missing or was not reached, and installing without the
    # camera would hide that.
    [[ ! -e /etc/rpi-issue ]] ||
        die "Raspberry Pi OS, but apt knows neither ${APT_PI[*]}: is archive.raspberrypi.com in the apt sources and reachable? (apt-get update)"
    PI_LIBS=0
    APT_PI=()
    note "warning: not Raspberry Pi OS: installing without the Pi camera and GPIO libraries — webcam and keyboard only"
fi
note "${APT_PI[*]}${APT_PI[*]:+ }${APT_RUNTIME[*]}"
note "${APT_PYGAME_BUILD[*]}"
# --no-install-recommends keeps a Lite image small (python3-picamera2's recommends pull
# in Qt and OpenGL preview libraries the mirror never uses).
apt-get install -y --no-install-recommends \
    "${APT_PI[@]}" "${APT_RUNTIME[@]}" "${APT_PYGAME_BUILD[@]}"
# Debian's interpreter, the one apt's python3-picamera2 and python3-lgpio are for: not
# the first python3 on root's PATH (a pyenv or /usr/local build would give a venv without
# them, or, under /root, one the service user cannot even run).
PYTHON=/usr/bin/python3
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    die "Python 3.11 or newer is needed, this is $("$PYTHON" --version)"
note "$("$PYTHON" --version) at $PYTHON"

# ---------------------------------------------------------------------------------------
say "2/10 Creating the system user $APP_USER"
# Only groups this system has. A missing one would make systemd refuse to start the unit
# (SupplementaryGroups=): step 9 leaves it out there too, with a drop-in.
groups_found=()
groups_missing=()
for group in "${APP_GROUPS[@]}"; do
    if getent group "$group" >/dev/null; then
        groups_found+=("$group")
    else
        groups_missing+=("$group")
    fi
done
if ((${#groups_missing[@]})); then
    note "warning: no group ${groups_missing[*]} here: the service runs without them (step 9)"
fi
group_list=$(
    IFS=,
    echo "${groups_found[*]}"
)
if id -u "$APP_USER" >/dev/null 2>&1; then
    note "user exists; making sure it is in: $group_list"
    usermod --append --groups "$group_list" "$APP_USER"
else
    # No login shell and no password: nobody logs in as it; the home is the state folder.
    useradd --system --home-dir "$STATE_DIR" --no-create-home --shell /usr/sbin/nologin \
        --user-group --groups "$group_list" "$APP_USER"
    note "created $APP_USER (groups: $group_list)"
fi

# ---------------------------------------------------------------------------------------
say "3/10 Copying the program to $PREFIX"
if [[ $REPO_DIR == "$PREFIX" ]]; then
    note "running from $PREFIX itself: nothing to copy"
else
    # Stop a running mirror first: its code and venv are about to change under it.
    if ((SYSTEMD_RUNNING)) && systemctl is-active --quiet "$MAIN_UNIT"; then
        note "stopping the running mirror for the update"
        systemctl stop "$MAIN_UNIT"
    fi
    install -d -m 755 -o root -g root "$PREFIX"
    # --delete makes the copy match the clone; the venv and build leftovers are kept out
    # (and, being excluded, are not deleted from $PREFIX either).
    rsync -a --delete --chown=root:root --chmod=Dgo+rx,Fgo+r \
        --exclude=/.git --exclude=/.venv --exclude=__pycache__ --exclude='*.pyc' \
        --exclude=.pytest_cache --exclude=.mypy_cache --exclude=.ruff_cache --exclude=.hypothesis \
        --exclude='/models/*.tflite' --exclude=/build --exclude=/dist --exclude='*.egg-info' \
        "$REPO_DIR"/ "$PREFIX"/
    note "copied $REPO_DIR -> $PREFIX (root-owned, read-only to the service)"
fi

# ---------------------------------------------------------------------------------------
say "4/10 Creating the venv $VENV (with system site packages)"
if [[ -x $VENV/bin/python ]] &&
    "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != tuple(map(int, sys.argv[1].split("."))))' \
        "$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" &&
    grep -q '^include-system-site-packages = true' "$VENV/pyvenv.cfg" &&
    grep -qx "home = $(dirname "$PYTHON")" "$VENV/pyvenv.cfg"; then
    note "venv exists and matches $("$PYTHON" --version)"
else
    # A venv made for another Python (an OS upgrade, or another interpreter than Debian's)
    # or without system packages is rebuilt.
    rm -rf "$VENV"
    "$PYTHON" -m venv --system-site-packages "$VENV"
    note "created"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
if ((PI_LIBS)); then
    if "$VENV/bin/python" -c 'import picamera2' 2>/dev/null; then
        note "picamera2 visible in the venv (from apt)"
    else
        note "warning: picamera2 is not importable in the venv; the Pi camera will not open"
    fi
    if "$VENV/bin/python" -c 'import lgpio' 2>/dev/null; then
        note "lgpio visible in the venv (from apt)"
    else
        note "warning: lgpio is not importable in the venv; the buttons will not work"
    fi
fi

# ---------------------------------------------------------------------------------------
say "5/10 Building pygame against the system SDL2 (for the kmsdrm display driver)"
# True when the venv's pygame is new enough and its SDL2 has the KMSDRM driver: the
# SDL2 library pygame loaded is read for the driver's name.
pygame_ok() {
    "$VENV/bin/python" - "$MIN_PYGAME" <<'PY' 2>/dev/null
import os, sys
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
import pygame
have = tuple(int(p) for p in pygame.version.ver.split(".")[:2])
need = tuple(int(p) for p in sys.argv[1].split("."))
sdl = [line.split()[-1] for line in open("/proc/self/maps") if "libSDL2-2" in line]
kmsdrm = bool(sdl) and b"KMSDRM" in open(sdl[0], "rb").read()
print(f"    pygame {pygame.version.ver}, SDL {pygame.get_sdl_version()}, {sdl[0] if sdl else '?'}")
sys.exit(0 if have >= need and kmsdrm else 1)
PY
}
if pygame_ok; then
    note "pygame is already built with kmsdrm: kept"
else
    note "compiling pygame from source (several minutes on a Pi 5)"
    "$VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps \
        --no-binary pygame "pygame>=$MIN_PYGAME"
    pygame_ok || die "pygame was built but its SDL2 has no kmsdrm driver (is libsdl2-dev Debian's?)"
fi

# ---------------------------------------------------------------------------------------
say "6/10 Installing the mirror into the venv"
# PIP_NO_BINARY keeps pip from swapping our pygame for a wheel if it ever upgrades it.
PIP_NO_BINARY=pygame "$VENV/bin/python" -m pip install --quiet "${PREFIX}[pi,mqtt]"
note "$("$VENV/bin/hinge-mirror" --version)"
pygame_ok >/dev/null || die "pygame lost its kmsdrm driver during the install (run this again)"

# ---------------------------------------------------------------------------------------
say "7/10 Configuration $CONFIG_FILE"
install -d -m 755 -o root -g root "$CONFIG_DIR"
if [[ -e $CONFIG_FILE ]]; then
    note "exists: kept as it is (the defaults are in $PREFIX/hardware/config.default.toml)"
else
    install -m 644 -o root -g root "$REPO_DIR/hardware/config.default.toml" "$CONFIG_FILE"
    note "installed the commented defaults; edit it, then: sudo systemctl restart $APP"
fi

# ---------------------------------------------------------------------------------------
say "8/10 Fetching the pose model into $STATE_DIR/models"
# systemd creates these on start (StateDirectory=, CacheDirectory=); made here now so the
# model can be put in place before the first start. 0700 as in the unit.
install -d -m 700 -o "$APP_USER" -g "$APP_USER" "$STATE_DIR" "$CACHE_DIR"
install -d -m 700 -o "$APP_USER" -g "$APP_USER" "$STATE_DIR/models"
# Run as root (a --from folder under a 0700 home is readable only to root), with the
# service's view of where models go: STATE_DIRECTORY, unless config models.dir says else.
fetch_args=(models fetch --config "$CONFIG_FILE")
if [[ -n $FROM_DIR ]]; then
    fetch_args+=(--from "$FROM_DIR")
fi
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root STATE_DIRECTORY="$STATE_DIR" \
    "$VENV/bin/hinge-mirror" "${fetch_args[@]}" ||
    die "the model could not be fetched; offline, pass --from DIR (see models/README.md)"
chown -R "$APP_USER:$APP_USER" "$STATE_DIR"

# ---------------------------------------------------------------------------------------
say "9/10 Installing the systemd units"
for unit in "${UNITS[@]}"; do
    install -m 644 -o root -g root "$REPO_DIR/systemd/$unit" "$UNIT_DIR/$unit"
    note "$UNIT_DIR/$unit"
done
# systemd refuses to start a unit whose SupplementaryGroups= names a group that does not
# exist (plain Debian has no gpio; without udev, no render or input either), so the list
# is narrowed to the groups found here by a drop-in. None is needed on Raspberry Pi OS.
if ((${#groups_missing[@]})); then
    install -d -m 755 -o root -g root "$(dirname "$GROUPS_DROPIN")"
    cat >"$GROUPS_DROPIN" <<EOF
# Written by hardware/install.sh: this system has no group ${groups_missing[*]}.
# Removed by the installer once they all exist, and by uninstall.sh.
[Service]
SupplementaryGroups=
SupplementaryGroups=${groups_found[*]}
EOF
    chmod 644 "$GROUPS_DROPIN"
    note "$GROUPS_DROPIN (SupplementaryGroups=${groups_found[*]})"
elif [[ -e $GROUPS_DROPIN ]]; then
    rm -f "$GROUPS_DROPIN"
    rmdir --ignore-fail-on-non-empty "$(dirname "$GROUPS_DROPIN")"
    note "removed $GROUPS_DROPIN: every group exists now"
fi
if ((SYSTEMD_RUNNING)); then
    systemctl daemon-reload
else
    note "systemd is not running here (container or chroot): the mirror starts at the next boot"
fi
# Only the mirror is enabled; the recovery timer and service are started by its
# OnFailure= (see systemd/README.md). Enabling only makes symlinks: it works offline.
systemctl enable "$MAIN_UNIT"
if ((SYSTEMD_RUNNING)); then
    systemctl reset-failed "$MAIN_UNIT" 2>/dev/null || true
fi

# ---------------------------------------------------------------------------------------
say "10/10 Checking the machine (hinge-mirror doctor), then starting the mirror"
# As the service user with the service's environment, while the mirror is stopped (a
# running mirror holds the camera and the screen).
if ((SYSTEMD_RUNNING)); then
    systemctl stop "$MAIN_UNIT" 2>/dev/null || true
fi
doctor_status=0
runuser -u "$APP_USER" -- env -i \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$STATE_DIR" \
    STATE_DIRECTORY="$STATE_DIR" CACHE_DIRECTORY="$CACHE_DIR" XDG_CACHE_HOME="$CACHE_DIR" \
    SDL_VIDEODRIVER=kmsdrm GPIOZERO_PIN_FACTORY=lgpio \
    "$VENV/bin/hinge-mirror" doctor --config "$CONFIG_FILE" || doctor_status=$?
if ((doctor_status == 0)); then
    note "doctor: every check passed"
else
    note "doctor exited $doctor_status: fix the FAIL lines above (hardware/README.md), then"
    note "  sudo systemctl restart $APP"
fi

if ((START && !SYSTEMD_RUNNING)); then
    START=0
    note "not started: systemd is not running here; enabled for the next boot"
elif ((START)); then
    systemctl start --no-block "$MAIN_UNIT"
    note "started; follow it with: journalctl -u $APP -f"
else
    note "--no-start: enabled for the next boot; start now with: sudo systemctl start $APP"
fi

cat <<EOF

Installed.
  program      $PREFIX (venv $VENV)
  config       $CONFIG_FILE
  state        $STATE_DIR (model, history, voice cache)
  service      $MAIN_UNIT (enabled)$( ((START)) && echo ", starting")
  status       systemctl status $APP    logs: journalctl -u $APP
  uninstall    sudo $REPO_DIR/hardware/uninstall.sh   (--purge also removes config and history)
Not changed here (see hardware/README.md, "Boot setup"): boot to the console, screen blanking.
EOF
