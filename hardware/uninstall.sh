#!/usr/bin/env bash
# Remove Hinge Mirror installed by hardware/install.sh:
#
#     sudo ./hardware/uninstall.sh [--purge]
#
# By default it stops and disables the service, removes the three unit files, the program
# and its venv (/opt/hinge-mirror), and KEEPS:
#   /etc/hinge-mirror/config.toml   your configuration
#   /var/lib/hinge-mirror           the model, the history of sets, the voice cache
#   /var/cache/hinge-mirror         the cache
#   the system user hinge-mirror    (it owns the folders above)
# so that installing again carries on where it left off.
#
#   --purge   also removes those folders and the user: nothing of the mirror is left.
#
# apt packages are left installed (other programs may use them); the list is printed.
# Safe to run again: every step skips what is already gone. Works without a running
# systemd too (a container or chroot): the units are disabled and removed all the same.

set -euo pipefail

APP_USER=hinge-mirror
PREFIX=/opt/hinge-mirror
STATE_DIR=/var/lib/hinge-mirror
CACHE_DIR=/var/cache/hinge-mirror
CONFIG_DIR=/etc/hinge-mirror
UNIT_DIR=/etc/systemd/system
MAIN_UNIT=hinge-mirror.service
UNITS=(hinge-mirror.service hinge-mirror-recover.service hinge-mirror-recover.timer)

PURGE=0

say() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() {
    printf 'uninstall.sh: error: %s\n' "$*" >&2
    exit 1
}

while (($#)); do
    case "$1" in
    --purge)
        PURGE=1
        shift
        ;;
    -h | --help)
        sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *) die "unknown option: $1 (try --help)" ;;
    esac
done

[[ $(id -u) -eq 0 ]] || die "run as root: sudo $0 $*"
# systemd's own test (sd_booted). Without it (a container, a chroot) `systemctl disable`
# still removes the symlinks, but stopping and reloading fail: they are skipped.
SYSTEMD_RUNNING=0
if [[ -d /run/systemd/system ]]; then
    SYSTEMD_RUNNING=1
fi

# ---------------------------------------------------------------------------------------
say "1/4 Stopping and disabling the service"
if ! command -v systemctl >/dev/null; then
    note "no systemctl here: nothing to stop or disable"
elif ((SYSTEMD_RUNNING)); then
    # The timer first, so a failure while stopping cannot schedule a restart.
    for unit in hinge-mirror-recover.timer hinge-mirror-recover.service "$MAIN_UNIT"; do
        systemctl disable --now "$unit" 2>/dev/null || true
    done
    note "stopped and disabled: ${UNITS[*]}"
else
    for unit in "${UNITS[@]}"; do
        systemctl disable "$unit" 2>/dev/null || true
    done
    note "systemd is not running here (container or chroot): disabled, nothing to stop"
fi

# ---------------------------------------------------------------------------------------
say "2/4 Removing the unit files"
for unit in "${UNITS[@]}"; do
    if [[ -e $UNIT_DIR/$unit ]]; then
        rm -f "$UNIT_DIR/$unit"
        note "removed $UNIT_DIR/$unit"
    fi
done
# A drop-in made with `systemctl edit hinge-mirror` (or install.sh's groups drop-in)
# belongs to the unit too.
if [[ -d $UNIT_DIR/$MAIN_UNIT.d ]]; then
    rm -rf "$UNIT_DIR/$MAIN_UNIT.d"
    note "removed $UNIT_DIR/$MAIN_UNIT.d"
fi
# Enable symlinks left behind (a unit enabled by hand, or a disable that failed) would
# dangle now: remove any that point to one of the units.
for link in "$UNIT_DIR"/*.wants/* "$UNIT_DIR"/*.requires/*; do
    [[ -L $link ]] || continue
    for unit in "${UNITS[@]}"; do
        if [[ ${link##*/} == "$unit" || $(readlink "$link") == */"$unit" ]]; then
            rm -f "$link"
            note "removed $link"
            break
        fi
    done
done
if ((SYSTEMD_RUNNING)); then
    systemctl daemon-reload
    systemctl reset-failed "${UNITS[@]}" 2>/dev/null || true
fi

# ---------------------------------------------------------------------------------------
say "3/4 Removing the program and its venv ($PREFIX)"
if [[ -d $PREFIX ]]; then
    rm -rf "$PREFIX"
    note "removed $PREFIX"
else
    note "already gone"
fi

# ---------------------------------------------------------------------------------------
if ((PURGE)); then
    say "4/4 --purge: removing configuration, history, model, cache and the user"
    for dir in "$CONFIG_DIR" "$STATE_DIR" "$CACHE_DIR"; do
        if [[ -e $dir ]]; then
            rm -rf "$dir"
            note "removed $dir"
        fi
    done
    if id -u "$APP_USER" >/dev/null 2>&1; then
        userdel "$APP_USER"
        note "removed the user $APP_USER"
    fi
    # useradd --user-group made a group of the same name; userdel removes it with the
    # user on Debian (USERGROUPS_ENAB), unless another user still has it as a group.
    if getent group "$APP_USER" >/dev/null; then
        groupdel "$APP_USER" 2>/dev/null || note "group $APP_USER is still in use: kept"
    fi
else
    say "4/4 Kept (install again to carry on; --purge removes them)"
    for path in "$CONFIG_DIR/config.toml" "$STATE_DIR" "$CACHE_DIR"; do
        if [[ -e $path ]]; then
            note "kept $path"
        fi
    done
    if id -u "$APP_USER" >/dev/null 2>&1; then
        note "kept the user $APP_USER"
    fi
fi

cat <<'EOF'

Uninstalled. apt packages installed by install.sh are left in place; remove any you do not
need with apt (for example the pygame build packages):
  sudo apt-get remove build-essential libsdl2-dev libsdl2-image-dev libsdl2-mixer-dev \
    libsdl2-ttf-dev libfreetype-dev libportmidi-dev libjpeg-dev libpng-dev
  sudo apt-get autoremove
EOF
