#!/usr/bin/env bash
# On-device check: a one-hour soak of the mirror's loop, sampling the process's memory,
# threads and open files every 30 s. Opt-in, on the Pi (never in CI).
#
#     sudo systemctl stop hinge-mirror        # the soak needs the camera (and screen)
#     sudo -u hinge-mirror /opt/hinge-mirror/hardware/checks/soak.sh [MINUTES]
#     sudo systemctl start hinge-mirror
#
# What it runs:
#   - `hinge-mirror bench --soak MINUTES SOURCE` when this version of the program has it
#     (the pose model, form, cues and screen drawing as fast as the Pi goes, on SOURCE;
#     it prints its own table too);
#   - otherwise `hinge-mirror run --source demo` (the whole mirror, on the screen) under
#     `timeout`, stopped with SIGTERM at the end.
# Either way this script samples the process itself from /proc every INTERVAL_S seconds,
# with the SoC temperature and throttle flags where the Pi reports them, into a CSV.
#
# Settings (environment): SOURCE (bench's source, default picamera), INTERVAL_S (30),
# WARMUP_MIN (5: growth is measured after it), HINGE_MIRROR (the program, default the
# installed one), OUT_DIR (default ./soak-DATE), RUN_ARGS (extra arguments for `run`).
#
# Exit status: 0 when, after the warm-up, RSS grew by less than MAX_RSS_GROWTH_MB (5) and
# the thread and open-file counts did not grow; 1 otherwise or when the program died early.

set -euo pipefail

MINUTES=${1:-60}
SOURCE=${SOURCE:-picamera}
INTERVAL_S=${INTERVAL_S:-30}
WARMUP_MIN=${WARMUP_MIN:-5}
MAX_RSS_GROWTH_MB=${MAX_RSS_GROWTH_MB:-5}
OUT_DIR=${OUT_DIR:-./soak-$(date +%Y%m%d-%H%M%S)}
RUN_ARGS=${RUN_ARGS:-}

if [[ -z ${HINGE_MIRROR:-} ]]; then
    if [[ -x /opt/hinge-mirror/.venv/bin/hinge-mirror ]]; then
        HINGE_MIRROR=/opt/hinge-mirror/.venv/bin/hinge-mirror
    else
        HINGE_MIRROR=$(command -v hinge-mirror || true)
    fi
fi
[[ -n $HINGE_MIRROR && -x $HINGE_MIRROR ]] || {
    echo "soak.sh: hinge-mirror not found; set HINGE_MIRROR=/path/to/hinge-mirror" >&2
    exit 2
}
[[ $MINUTES =~ ^[0-9]+$ && $MINUTES -ge 1 ]] || {
    echo "soak.sh: MINUTES must be a whole number >= 1, got '$MINUTES'" >&2
    exit 2
}

# The service's environment, where the caller has not set one (the screen driver is set
# below, for `run` only: bench draws off-screen).
export GPIOZERO_PIN_FACTORY=${GPIOZERO_PIN_FACTORY:-lgpio}
if [[ $(id -un) == hinge-mirror ]]; then
    export STATE_DIRECTORY=${STATE_DIRECTORY:-/var/lib/hinge-mirror}
fi

mkdir -p "$OUT_DIR"
CSV=$OUT_DIR/samples.csv
LOG=$OUT_DIR/program.log
PIDFILE=$OUT_DIR/program.pid
SECONDS_TOTAL=$((MINUTES * 60))

# bench --soak exists in this version? Does bench want SOURCE as a positional argument?
bench_help=$("$HINGE_MIRROR" bench --help 2>/dev/null || true)
if grep -q -- '--soak' <<<"$bench_help"; then
    MODE=bench
    cmd=("$HINGE_MIRROR" bench --soak "$MINUTES")
    if grep -Eq '(^|[[:space:]])SOURCE([[:space:]]|$)' <<<"$(grep -A3 '^usage:' <<<"$bench_help")"; then
        cmd+=("$SOURCE")
    fi
    # bench stops by itself; timeout is only a backstop (10 minutes of grace).
    limit_s=$((SECONDS_TOTAL + 600))
else
    MODE=run
    export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-kmsdrm}
    # shellcheck disable=SC2206 # RUN_ARGS is split into words on purpose
    cmd=("$HINGE_MIRROR" run --source demo $RUN_ARGS)
    limit_s=$SECONDS_TOTAL
fi

echo "soak: $MODE mode, $MINUTES min, sampling every ${INTERVAL_S}s into $OUT_DIR"
echo "soak: ${cmd[*]}"

# The program's own PID (not timeout's): the inner shell writes its PID, then execs it.
# shellcheck disable=SC2016 # $$, $0 and $@ are the inner shell's, not ours
timeout --signal=TERM --kill-after=30 "$limit_s" \
    bash -c 'echo $$ >"$0"; exec "$@"' "$PIDFILE" "${cmd[@]}" >"$LOG" 2>&1 &
waiter=$!
for _ in $(seq 50); do
    [[ -s $PIDFILE ]] && break
    sleep 0.1
done
pid=$(cat "$PIDFILE")

temperature() {
    # millidegrees Celsius from the SoC's thermal zone, where there is one.
    local zone=/sys/class/thermal/thermal_zone0/temp
    if [[ -r $zone ]]; then
        awk '{printf "%.1f", $1 / 1000}' "$zone"
    else
        echo ""
    fi
}
throttled() {
    # vcgencmd get_throttled: throttled=0x0 means never throttled or under-volted.
    if command -v vcgencmd >/dev/null; then
        vcgencmd get_throttled 2>/dev/null | cut -d= -f2
    else
        echo ""
    fi
}
sample() {
    local rss threads files cpu
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || return 1
    threads=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || return 1
    files=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    cpu=$(ps -o %cpu= -p "$pid" 2>/dev/null | tr -d ' ')
    [[ -n $rss && -n $threads ]] || return 1
    printf '%s,%s,%s,%s,%s,%s,%s\n' "$SECONDS" "$rss" "$threads" "$files" "${cpu:-}" \
        "$(temperature)" "$(throttled)" >>"$CSV"
    printf '%6ss  RSS %8s kB  threads %3s  files %4s  cpu %5s%%  %5s C  %s\n' \
        "$SECONDS" "$rss" "$threads" "$files" "${cpu:-?}" "$(temperature)" "$(throttled)"
}

echo "elapsed_s,rss_kb,threads,open_files,cpu_percent,soc_temp_c,throttled" >"$CSV"
SECONDS=0
died_early=0
while kill -0 "$pid" 2>/dev/null; do
    sample || true
    # Sleep in short steps so the end of the program is noticed quickly.
    for _ in $(seq "$INTERVAL_S"); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 1
    done
done
status=0
wait "$waiter" || status=$?
if ((SECONDS < SECONDS_TOTAL - INTERVAL_S)); then
    died_early=1
fi
echo "soak: the program ended after ${SECONDS}s with status $status (124 = stopped by timeout)"

# Growth after the warm-up: first sample past it against the last one.
verdict=$(awk -F, -v warm="$((WARMUP_MIN * 60))" -v max_mb="$MAX_RSS_GROWTH_MB" '
    NR == 1 || $1 < warm { next }
    !seen { r0 = $2; t0 = $3; f0 = $4; tmin = $3; tmax = $3; fmin = $4; fmax = $4; seen = 1 }
    { r1 = $2; t1 = $3; f1 = $4; n++
      if ($3 < tmin) tmin = $3; if ($3 > tmax) tmax = $3
      if ($4 < fmin) fmin = $4; if ($4 > fmax) fmax = $4 }
    END {
        if (n < 2) { print "TOO-SHORT fewer than two samples after the warm-up"; exit }
        growth = (r1 - r0) / 1024
        ok = (growth < max_mb && t1 <= t0 && f1 <= f0) ? "PASS" : "FAIL"
        printf "%s RSS %+.1f MB, threads %d..%d (%+d), open files %d..%d (%+d), %d samples\n",
            ok, growth, tmin, tmax, t1 - t0, fmin, fmax, f1 - f0, n
    }' "$CSV")
echo "soak: after ${WARMUP_MIN} min warm-up: $verdict"
echo "soak: samples in $CSV, the program's output in $LOG"
if [[ $MODE == bench ]]; then
    echo "soak: bench's own summary:"
    tail -n 1 "$LOG" | sed 's/^/    /'
fi

if ((died_early)); then
    echo "soak: FAIL the program ended before the soak did; see $LOG"
    exit 1
fi
[[ $verdict == PASS* ]] || exit 1
