#!/usr/bin/env bash
# The appliance on the Pi's own software, without a Pi: installs Hinge Mirror with
# hardware/install.sh into a Debian 12 (Bookworm) arm64 root filesystem, runs it there
# under qemu user emulation, and compares its answers with this machine's.
#
#     sudo ./hardware/checks/arm64-emulated.sh        (or: sudo make pi-check)
#
# As root on Debian or Ubuntu (x86_64): installs what it lacks (qemu-user-static,
# mmdebstrap, arch-test), builds the rootfs once and keeps it in a cache outside the
# repository, keyed on the Debian release and the project's dependencies. In the rootfs:
# install.sh (systemd, camera and GPIO are detected and skipped, as on plain Debian), then
# `models fetch`, `doctor`, `pose` on the peer images, `analyze` on a short clip and a few
# test files. The same commands run on this machine, and a table compares them (both
# sides' outputs are kept in <cache>/last-run). Exits 0 when they agree within tolerance,
# 1 when not, 2 on a usage error, and with the failing command's status if setup fails.
#
# On aarch64 (a Raspberry Pi 5) the same script runs without emulation: no qemu, no
# binfmt handler, the machine's own /proc/cpuinfo.
#
# Environment (all optional):
#   HINGE_ARM64_CACHE     cache folder (default ${XDG_CACHE_HOME:-/var/cache}/hinge-mirror-arm64)
#   HINGE_ARM64_QEMU_CPU  CPU model qemu emulates (default cortex-a76, the Pi 5's core);
#                         `max` shows the SME trap: LiteRT then gives wrong keypoints
#   HINGE_ARM64_MIRROR    Debian mirror (default http://deb.debian.org/debian)
#   HINGE_SHARED          the shared data folder (default: ../shared beside the repository)
#
# It leaves the machine as it found it: its mounts live in a private mount namespace and
# are unmounted on exit, and the binfmt_misc handler it registers is removed on exit,
# also after a failure or Ctrl-C. hardware/README.md, "The arm64 check", says more.

set -euo pipefail
umask 022

RELEASE=bookworm
# What a Raspberry Pi OS Lite image has and a minimal Debian lacks: install.sh needs
# systemctl (units are enabled, not started) and installs the rest itself.
BASE_PACKAGES=ca-certificates,systemd
# dpkg in the rootfs (kept for install.sh's apt-get): no fsync per file, no manual pages,
# documentation or translations. Under emulation every file costs; a Pi has them all.
DPKG_OPTIONS=(force-unsafe-io 'path-exclude=/usr/share/man/*' 'path-exclude=/usr/share/doc/*'
    'path-include=/usr/share/doc/*/copyright' 'path-exclude=/usr/share/locale/*')
# The clip and tests run in the rootfs: short, as everything there is emulated (about
# 30x slower than this machine). bad005: 104 frames, one rep with a rounded back.
CLIP=deadlift-mixed/bad/bad005.mp4
TESTS=(tests/test_pose_real.py tests/test_modelstore.py tests/test_sources_images.py tests/test_config.py)
TEST_DESELECT=tests/test_pose_real.py::test_a_real_deadlift_is_tracked_from_the_floor_to_lockout_and_back
TEST_TIMEOUT=900
# The tests' own tools (pyproject.toml's dev extra, less the linters).
TEST_TOOLS=("pytest>=8" "pytest-timeout>=2.3" "hypothesis>=6.100")
HANDLER_PREFIX=hinge-mirror-aarch64-
HANDLER=$HANDLER_PREFIX$$ # the same process after the exec below
BINFMT=/proc/sys/fs/binfmt_misc
QEMU=/usr/libexec/qemu-binfmt/aarch64-binfmt-P

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
SHARED=${HINGE_SHARED:-$REPO/../shared}
CACHE=${HINGE_ARM64_CACHE:-${XDG_CACHE_HOME:-/var/cache}/hinge-mirror-arm64}
QEMU_CPU_MODEL=${HINGE_ARM64_QEMU_CPU:-cortex-a76}
MIRROR=${HINGE_ARM64_MIRROR:-http://deb.debian.org/debian}

say() { printf '==> [%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() {
    printf 'arm64-emulated.sh: error: %s\n' "$*" >&2
    exit 2
}

case "${1:-}" in
-h | --help)
    sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
"") ;;
*) die "unknown option: $1 (try --help)" ;;
esac

[[ $(id -u) -eq 0 ]] || die "run as root: sudo $0"
EMULATE=1
[[ $(uname -m) == aarch64 ]] && EMULATE=0

# Everything below runs in a private mount namespace: whatever is mounted there goes away
# with the script, even if it is killed.
if [[ -z ${HINGE_ARM64_PRIVATE:-} ]]; then
    HINGE_ARM64_PRIVATE=1 exec unshare --mount --propagation private -- bash "$0" "$@"
fi

SHARED=$(cd "$SHARED" 2>/dev/null && pwd -P) || die "no shared folder (set HINGE_SHARED)"
PEER=$SHARED/peer/tf-examples-pose/test_data
for need in "$SHARED/models" "$PEER/pose_landmark_truth.csv" "$SHARED/media/$CLIP"; do
    [[ -e $need ]] || die "$need is missing"
done
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd -P)
[[ $CACHE/ != "$REPO"/* ]] || die "the cache $CACHE must be outside the repository"

# ---------------------------------------------------------------------------------------
say "Host tools"
missing=()
command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
command -v arch-test >/dev/null || missing+=(arch-test)
command -v rsync >/dev/null || missing+=(rsync)
if ((EMULATE)) && [[ ! -x $QEMU ]]; then
    missing+=(qemu-user-static)
fi
if ((${#missing[@]})); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# ---------------------------------------------------------------------------------------
WORK=$(mktemp -d "$CACHE/run.XXXXXX")
chmod 755 "$WORK" # apt's _apt user downloads into the rootfs
ROOT=$WORK/rootfs
REGISTERED=0

# Processes left in the rootfs (after Ctrl-C), then the mounts under $WORK deepest first,
# then our binfmt handler, then the work folder (only with nothing mounted in it).
cleanup() {
    local status=$? pid target left
    trap - EXIT INT TERM
    set +e
    for pid in /proc/[0-9]*; do
        [[ $(readlink "$pid/root" 2>/dev/null) == "$ROOT"* ]] && kill -KILL "${pid#/proc/}" 2>/dev/null
    done
    findmnt -rn -o TARGET | grep -F "$WORK/" | sort -r | while read -r target; do
        umount "$target" 2>/dev/null || umount -l "$target"
    done
    if ((REGISTERED)) && [[ -e $BINFMT/$HANDLER ]]; then
        echo -1 >"$BINFMT/$HANDLER"
    fi
    left=$(findmnt -rn -o TARGET | grep -cF "$WORK/")
    if ((left == 0)); then
        rm -rf --one-file-system "$WORK"
    else
        printf 'arm64-emulated.sh: %s mounts left under %s: not removed\n' "$left" "$WORK" >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------
if ((EMULATE)); then
    say "Registering qemu-aarch64 with binfmt_misc as $HANDLER (CPU model $QEMU_CPU_MODEL)"
    [[ -e $BINFMT/register ]] || mount -t binfmt_misc binfmt_misc "$BINFMT"
    # One handler per run (runs may overlap); one left by a run that was killed -9 goes.
    for handler in "$BINFMT/$HANDLER_PREFIX"*; do
        [[ -e $handler ]] && ! kill -0 "${handler##*-}" 2>/dev/null && echo -1 >"$handler"
    done
    # Debian's own qemu-aarch64 line (/usr/lib/binfmt.d), under our name. F: the host's
    # qemu is used inside the rootfs; P: argv[0] kept; O: the binary passed open.
    magic='\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
    mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
    REGISTERED=1
    printf ':%s:M::%s:%s:%s:OPF' "$HANDLER" "$magic" "$mask" "$QEMU" >"$BINFMT/register"
fi

# ---------------------------------------------------------------------------------------
# Two rootfs are cached: the bare one (key: the release and base packages), and the one
# with the project installed (key: also install.sh, pyproject.toml's dependencies and the
# test tools). A change to the project's dependencies reinstalls on the bare rootfs; a
# change to the code only is installed on the cached one, by install.sh run again.
cache_key() { sha256sum | cut -c1-12; }
BASE_KEY=$(printf '%s\n' "$RELEASE arm64 $BASE_PACKAGES ${DPKG_OPTIONS[*]} $MIRROR" | cache_key)
KEY=$({
    printf '%s\n' "$BASE_KEY ${TEST_TOOLS[*]}"
    cat "$REPO/hardware/install.sh" "$REPO/pyproject.toml"
} | cache_key)
BARE=$CACHE/$RELEASE-arm64-bare-$BASE_KEY
INSTALLED=$CACHE/$RELEASE-arm64-installed-$KEY
# Copies a rootfs to the cache (nothing may be mounted in it). Rootfs of other keys
# unused for a week go (each use touches its folder; runs may overlap).
cache_save() {
    local target=$1
    say "Caching the rootfs as $target"
    rm -rf --one-file-system "$target.partial.$$"
    cp -a "$ROOT" "$target.partial.$$"
    mv -T "$target.partial.$$" "$target" 2>/dev/null || rm -rf --one-file-system "$target.partial.$$"
    touch "$target"
    find "$CACHE" -maxdepth 1 -name "$RELEASE-arm64-*" -mtime +7 \
        -exec rm -rf --one-file-system {} +
}
FRESH=1
if [[ -d $INSTALLED ]]; then
    say "Restoring the cached rootfs $INSTALLED"
    touch "$INSTALLED"
    cp -a "$INSTALLED" "$ROOT"
    FRESH=0
elif [[ -d $BARE ]]; then
    say "Restoring the cached bare rootfs $BARE (none installed for key $KEY)"
    touch "$BARE"
    cp -a "$BARE" "$ROOT"
else
    say "Building a $RELEASE arm64 rootfs (nothing cached; 6-11 min)"
    mmdebstrap --mode=root --arch=arm64 --variant=minbase --include="$BASE_PACKAGES" \
        "${DPKG_OPTIONS[@]/#/--dpkgopt=}" --aptopt='Acquire::Languages "none"' \
        "$RELEASE" "$ROOT" \
        "deb $MIRROR $RELEASE main" "deb $MIRROR $RELEASE-updates main" \
        "deb ${MIRROR%/debian}/debian-security $RELEASE-security main"
    cache_save "$BARE"
fi

# A Raspberry Pi 5's /proc/cpuinfo (four Cortex-A76 cores), one entry per CPU here:
# under emulation the rootfs would see this machine's x86 one, on which LiteRT crashes.
pi5_cpuinfo() {
    local cpu
    for ((cpu = 0; cpu < $(nproc --all); cpu++)); do
        printf 'processor\t: %d\nBogoMIPS\t: 108.00\n' "$cpu"
        printf 'Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp\n'
        printf 'CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x4\n'
        printf 'CPU part\t: 0xd0b\nCPU revision\t: 1\n\n'
    done
    printf 'Revision\t: d04170\nSerial\t\t: 0000000000000000\n'
    printf 'Model\t\t: Raspberry Pi 5 Model B Rev 1.0\n'
}

mount_rootfs() {
    mount -t proc proc "$ROOT/proc"
    if ((EMULATE)); then
        pi5_cpuinfo >"$WORK/cpuinfo"
        mount --bind "$WORK/cpuinfo" "$ROOT/proc/cpuinfo"
    fi
    mount -t sysfs -o ro sysfs "$ROOT/sys"
    mount -t tmpfs -o mode=1777 tmpfs "$ROOT/dev/shm"
    # The shared data read-only at /opt/shared: beside /opt/hinge-mirror, where the
    # tests look for it (../shared), as they do beside a clone.
    mkdir -p "$ROOT/opt/shared"
    mount --bind -o ro "$SHARED" "$ROOT/opt/shared"
    cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
}

# This machine's own certificate authorities (a network behind a TLS-inspecting proxy has
# one) are added to the rootfs's, and pip uses that bundle (in_root sets PIP_CERT).
trust_host_cas() {
    local cert added=0
    for cert in /usr/local/share/ca-certificates/*.crt; do
        [[ -f $cert ]] || continue
        cmp -s "$cert" "$ROOT/usr/local/share/ca-certificates/${cert##*/}" && continue
        install -D -m 644 "$cert" "$ROOT/usr/local/share/ca-certificates/${cert##*/}"
        added=1
    done
    if ((added)); then
        in_root update-ca-certificates >/dev/null
    fi
}

umount_rootfs() {
    local target
    findmnt -rn -o TARGET | grep -F "$ROOT/" | sort -r | while read -r target; do
        umount "$target"
    done
}

# A command in the rootfs, as root, with the CPU model qemu is to emulate.
in_root() {
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        PIP_CERT=/etc/ssl/certs/ca-certificates.crt ${http_proxy:+http_proxy="$http_proxy"} \
        ${https_proxy:+https_proxy="$https_proxy"} ${no_proxy:+no_proxy="$no_proxy"} \
        ${CFLAGS:+CFLAGS="$CFLAGS"} QEMU_CPU="$QEMU_CPU_MODEL" chroot "$ROOT" "$@"
}

# The mirror in the rootfs as the service user, with the service's state folders.
mirror_arm64() {
    in_root runuser -u hinge-mirror -- env -i PATH=/usr/bin:/bin LANG=C.UTF-8 \
        HOME=/var/lib/hinge-mirror STATE_DIRECTORY=/var/lib/hinge-mirror \
        XDG_CACHE_HOME=/var/cache/hinge-mirror SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy \
        QEMU_CPU="$QEMU_CPU_MODEL" /opt/hinge-mirror/.venv/bin/hinge-mirror "$@"
}

# ---------------------------------------------------------------------------------------
say "Installing with hardware/install.sh in the rootfs"
mount_rootfs
rsync -a --delete --exclude=/.git --exclude=/.venv --exclude=__pycache__ \
    --exclude=.pytest_cache --exclude=.mypy_cache --exclude=.ruff_cache \
    --exclude='/models/*.tflite' --exclude=/hinge-mirror-demo \
    "$REPO"/ "$ROOT/root/hinge-mirror"/
trust_host_cas
# install.sh compiles pygame (step 5): emulated, one file at a time with debug information
# takes 15 min or more; the same code compiled on all CPUs and without -g, a few.
printf '[build_ext]\nparallel = %s\n' "$(nproc)" >"$ROOT/root/.pydistutils.cfg"
started=$SECONDS
CFLAGS=-g0 in_root bash /root/hinge-mirror/hardware/install.sh --from /opt/shared/models --no-start
say "install.sh took $((SECONDS - started)) s"
if ((FRESH)); then
    # The tests' tools, once: the cached rootfs keeps them.
    in_root /opt/hinge-mirror/.venv/bin/python -m pip install --quiet "${TEST_TOOLS[@]}"
    umount_rootfs
    cache_save "$INSTALLED"
    mount_rootfs
fi

# ---------------------------------------------------------------------------------------
# The same commands on both sides, each output kept in the side's folder with its exit
# status and time: STEP OUT SIDE COMMAND...
step() {
    local name=$1 folder=$WORK/$2 started=$SECONDS status=0
    shift 2
    "$@" >"$folder/$name.out" 2>"$folder/$name.err" || status=$?
    echo "$status" >"$folder/$name.status"
    echo "$((SECONDS - started))" >"$folder/$name.seconds"
    ((status == 0)) || printf '    %s %s: exit %s: %s\n' "$(basename "$folder")" "$name" \
        "$status" "$(tail -n 1 "$folder/$name.err")"
}
# SIDE MIRROR SHARED CONFIG: models fetch, doctor, pose, analyze.
run_side() {
    local side=$1 mirror=$2 shared=$3 config=$4
    local peer=$shared/peer/tf-examples-pose/test_data
    mkdir -p "$WORK/$side"
    step models "$side" "$mirror" models fetch --from "$shared/models"
    step doctor "$side" "$mirror" doctor --config "$config"
    step pose "$side" "$mirror" pose --config "$config" --json "$peer/image1.png" "$peer/image2.jpeg"
    step analyze "$side" "$mirror" analyze --config "$config" --json - "$shared/media/$CLIP"
}

# This machine: the repository's venv, with a model folder and history of its own.
mirror_host() {
    env -u HINGE_MIRROR_CONFIG HINGE_MIRROR_MODEL_DIR="$WORK/host/models" \
        HINGE_MIRROR_HISTORY="$WORK/host/history.sqlite" \
        SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy "$REPO/.venv/bin/hinge-mirror" "$@"
}
say "Host: models fetch, doctor, pose, analyze"
[[ -x $REPO/.venv/bin/hinge-mirror ]] || make -C "$REPO" --quiet .venv/.installed
run_side host mirror_host "$SHARED" "$REPO/hardware/config.default.toml"

say "arm64: models fetch, doctor, pose, analyze (analyze: 1-3 min)"
run_side arm64 mirror_arm64 /opt/shared /opt/hinge-mirror/hardware/config.default.toml

say "arm64: ${#TESTS[@]} test files (per-test timeout $TEST_TIMEOUT s)"
step tests arm64 in_root env -C /opt/hinge-mirror PYTHONDONTWRITEBYTECODE=1 \
    .venv/bin/python -m pytest -q -p no:cacheprovider --timeout="$TEST_TIMEOUT" \
    --deselect "$TEST_DESELECT" "${TESTS[@]}"
tail -n 1 "$WORK/arm64/tests.out"

# Both sides' outputs are kept for a look after the run (the last run's only).
rm -rf "$WORK/host/models" "$CACHE/last-run"
mkdir -p "$CACHE/last-run"
cp -r "$WORK/host" "$WORK/arm64" "$CACHE/last-run"/

# ---------------------------------------------------------------------------------------
say "Comparison (${RELEASE} arm64$( ((EMULATE)) && echo ", qemu CPU $QEMU_CPU_MODEL") vs $(uname -m) host)"
"$REPO/.venv/bin/python" "$REPO/hardware/checks/arm64_compare.py" \
    --truth "$PEER/pose_landmark_truth.csv" --clip "$CLIP" "$WORK/host" "$WORK/arm64"
# (its exit status is the script's: 0 passed, 1 a difference beyond tolerance; outputs
# in $CACHE/last-run)
