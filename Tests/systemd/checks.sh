# Sourced by Tests/systemd/run: the checks one suite makes on the installed tapedeck.service
# inside a booted container (container.sh), and what they share.

UNIT=tapedeck.service
SPOOL=/var/spool/tapedeck
SOCKET=/run/tapedeck/control.sock
API_USER=agentapi        # the API layer's user: a member of group tapedeck, the socket's group
OUTSIDER=outsider        # a user in no group of the daemon
WEB_USER=webuser         # a member of www-data only (the documented [control] group alternative)
MAX_EXPOSURE=0.5         # systemd-analyze security tapedeck must not rise above this (docs/operations.md)

PASSED=0; FAILED=0; SKIPPED=0; SUMMARY=()
FAIL_REASON=""; SKIP_REASON=""

# cond || why "what is wrong" || return   — records the reason a check fails.
why() { FAIL_REASON="$*"; return 1; }
# skip "why it cannot be checked here" — the check neither passes nor fails.
skip() { SKIP_REASON="$*"; return 2; }
note() { echo "       $*"; }

# check TITLE FUNCTION [ARGS]: runs one check and records its outcome.
check() {
    local title="$1"; shift
    FAIL_REASON=""; SKIP_REASON=""
    echo "-- [$SUITE] $title"
    local t0 rc; t0="$(now)"
    "$@"; rc=$?
    local took; took="$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }')"
    if [ "$rc" -eq 0 ]; then
        PASSED=$((PASSED + 1)); SUMMARY+=("PASS  [$SUITE] $title"); echo "   PASS ($took)"
    elif [ "$rc" -eq 2 ]; then
        SKIPPED=$((SKIPPED + 1)); SUMMARY+=("SKIP  [$SUITE] $title: $SKIP_REASON"); echo "   SKIP: $SKIP_REASON"
    else
        FAILED=$((FAILED + 1)); SUMMARY+=("FAIL  [$SUITE] $title: ${FAIL_REASON:-status $rc}")
        echo "   FAIL: ${FAIL_REASON:-status $rc} ($took)"
        echo "   the journal of $UNIT, last lines:"
        in_ct journalctl -u "$UNIT" -n 25 --no-pager -o short-monotonic 2>&1 | sed 's/^/     | /'
    fi
    return "$rc"
}

prop() { in_ct systemctl show -p "$1" --value "$UNIT"; }
api() { in_ct runuser -u "$API_USER" -- "$TDBIN/tapedeck" "$@"; }
# A position in the unit's journal (its own lines and systemd's about it; empty before the
# first), and the unit's lines after one. The cursor is the unit's own last entry: this
# journalctl (252), given -u and the cursor of an entry the filter does not match, skips
# the first matching entry after it.
journal_cursor() { in_ct journalctl -u "$UNIT" -n 1 --show-cursor --no-pager -q | sed -n 's/^-- cursor: //p'; }
journal_since() { in_ct journalctl -u "$UNIT" ${1:+--after-cursor="$1"} --no-pager -o cat; }
# (Read whole before grep: grep -q stops reading, and pipefail would count the SIGPIPE.)
journal_has() { local lines; lines="$(journal_since "$1")"; grep -q -- "$2" <<< "$lines"; }
# has TEXT PATTERN: grep -q on a string.
has() { grep -q -- "$2" <<< "$1"; }

# wait_for SECONDS CMD...: runs CMD every 0.1 s until it succeeds; status 1 after SECONDS.
wait_for() {
    local deadline=$(( $(date +%s) + $1 )); shift
    until "$@" > /dev/null 2>&1; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}
# between VALUE LOW HIGH: LOW <= VALUE <= HIGH (decimals).
between() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

# The configuration the daemon runs in the container: the built-in virtual device (no
# sound card here) with eight stations, one for each check that records, so that a check
# that fails leaves no agent in the way of the next. Extra lines go before the tables.
config_text() {
    printf 'server_ip = "127.0.0.1"\n'
    [ $# -eq 0 ] || printf '%s\n' "$@"
    printf '\n[[device]]\nname = "virtual"\npcm = "virtual"\nchannels = 16\n'
    local i
    for i in 1 2 3 4 5 6 7 8; do
        printf '\n[[station]]\nname = "st%d"\ndevice = "virtual"\nagent_channel = %d\ncustomer_channel = %d\n' \
            "$i" $(( 2 * i - 2 )) $(( 2 * i - 1 ))
    done
}
# Replaces /etc/tapedeck/tapedeck.toml (root:tapedeck 0640, as installed) with stdin.
write_config() {
    in_ct sh -c 'f=/etc/tapedeck/tapedeck.toml; cat > "$f.new" && chown root:tapedeck "$f.new" &&
                 chmod 0640 "$f.new" && mv "$f.new" "$f"'
}

# Recordings. rec_start AGENT STATION [start options]: logs AGENT in and starts a mono
# recording; REC_T0/REC_T1 are the wall times before/after the START reply, REC_NAME
# its file name (without extension).
rec_start() {
    local agent="$1" station="$2"; shift 2
    local out
    out="$(api login "$agent" --station "$station" --session "86$agent")" || why "login $agent at $station: $out" || return
    REC_T0="$(now)"
    out="$(api start "$agent" "$@")" || why "START for $agent: $out" || return
    REC_T1="$(now)"
    REC_NAME="$(rec_running "$agent" recording)" || why "no running recording for $agent after START" || return
}
# The same for a stereo MP3 (function=stereo_recording).
rec_begin_stereo() {
    local agent="$1" station="$2" out
    out="$(api login "$agent" --station "$station" --session "86$agent")" || why "login $agent at $station: $out" || return
    REC_T0="$(now)"
    out="$(api stereo begin "$agent" --format mp3)" || why "BEGIN for $agent: $out" || return
    REC_T1="$(now)"
    REC_NAME="$(rec_running "$agent" stereo_recording)" || why "no stereo recording for $agent after BEGIN" || return
}
# rec_running AGENT recording|stereo_recording: the running recording's file name.
rec_running() {
    api send "function=$2&agent_user=$1&value=STATUS" |
        sed -n "s/^NOTICE: $2 active - [^|]*|[0-9]*|\([^|]*\)|.*/\1/p" | grep .
}
# part_has PATH BYTES: the file being written holds at least BYTES.
part_has() { [ "$(stat -c %s "$CT_ROOT$1" 2>/dev/null || echo 0)" -ge "$2" ]; }
# Waits until a running WAV (8000 Hz mono, 16 bit) holds SECONDS of audio.
wait_wav_audio() { wait_for 30 part_has "$SPOOL/$1.wav.part" $(( 44 + 16000 * $2 )) || why "$1.wav.part did not reach $2 s of audio"; }

# check_recording PATH LOW HIGH: the finished file validates with the installed
# `tapedeck validate`, lasts LOW..HIGH seconds of wall time (give or take 0.1 s: the
# capture period, and a capture thread at normal priority on a busy machine), is
# rw-r----- tapedeck:tapedeck, and holds the virtual device's conversation (measured
# independently with sox on this side).
check_recording() {
    local path="$1" low json verdict duration high
    low="$(minus "$2" 0.1)"; high="$(minus "$3" -0.1)"
    [ -f "$CT_ROOT$path" ] || why "$path does not exist" || return
    json="$(in_ct "$TDBIN/tapedeck" validate --json "$path")" || why "tapedeck validate $path: $json" || return
    verdict="$(sed -n 's/.*"verdict":"\([a-z]*\)".*/\1/p' <<< "$json")"
    duration="$(sed -n 's/.*"duration_seconds":\([0-9.]*\).*/\1/p' <<< "$json")"
    [ "$verdict" = ok ] || why "$path: verdict $verdict: $json" || return
    between "$duration" "$low" "$high" || why "$path lasts $duration s, expected $low..$high s" || return
    local owner; owner="$(stat -c '%A %U %G' "$CT_ROOT$path")"
    [ "${owner%% *}" = "-rw-r-----" ] && [ "$(in_ct stat -c '%U %G' "$path")" = "tapedeck tapedeck" ] ||
        why "$path is $(in_ct stat -c '%A %U %G' "$path"), expected -rw-r----- tapedeck tapedeck" || return
    local stat rms peak
    stat="$(sox "$CT_ROOT$path" -n stat 2>&1)"
    rms="$(awk '/^RMS +amplitude/ { print $3 }' <<< "$stat")"
    peak="$(awk '/^Maximum amplitude/ { print $3 }' <<< "$stat")"
    # The virtual voices peak at 9000/32768 = 0.27 and talk most of the time.
    between "$peak" 0.2 0.35 && between "$rms" 0.05 0.3 ||
        why "$path does not hold the virtual conversation (sox: peak $peak, RMS $rms)" || return
    note "$path: ok, $duration s (expected $low..$high), peak $peak, RMS $rms"
}

# ---------------------------------------------------------------- installation

check_install_script() {
    local out
    out="$(in_ct /src/tapedeck/scripts/install --bin-dir /src/bin 2>&1)" ||
        why "scripts/install failed: $(tail -n 3 <<< "$out")" || return
    note "$(grep -c '^tapedeck install:' <<< "$out") lines from scripts/install, e.g. $(grep 'user tapedeck' <<< "$out")"
    check_installed_tree /usr/local/lib/systemd/system/tapedeck.service
}

# The unit's ExecReload runs /bin/kill (procps): scripts/install refuses a box without it
# and installs nothing, rather than leave a service whose reload fails.
check_install_needs_kill() {
    local real out rc
    real="$(in_ct readlink -f /bin/kill)"
    in_ct mv "$real" "$real.hidden" || why "cannot hide $real" || return
    out="$(in_ct /src/tapedeck/scripts/install --bin-dir /src/bin 2>&1)"; rc=$?
    in_ct mv "$real.hidden" "$real"
    [ "$rc" -eq 1 ] || why "scripts/install without /bin/kill: exit $rc: $out" || return
    [ "$out" = "scripts/install: tapedeck.service runs /bin/kill, which this system lacks (apt-get install procps)" ] ||
        why "scripts/install without /bin/kill said: $out" || return
    in_ct test ! -e /usr/local/bin/tapedeckd || why "it installed tapedeckd anyway" || return
    note "$out"
}

check_install_deb() {
    local deb out
    deb="$(cd "$DEB_DIR" && ls tapedeck_*.deb)" || why "no .deb in $DEB_DIR" || return
    out="$(in_ct dpkg -i "/src/dist/$deb" 2>&1)" || why "dpkg -i $deb failed: $(tail -n 5 <<< "$out")" || return
    [ "$(in_ct dpkg-query -W -f '${Status}' tapedeck)" = "install ok installed" ] || why "dpkg does not list tapedeck as installed" || return
    note "installed $deb; Depends: $(in_ct dpkg-query -W -f '${Depends}' tapedeck)"
    check_installed_tree /usr/lib/systemd/system/tapedeck.service
}

# What either install path must leave: the unit loaded from where it was put, the user in
# audio, the spool, the configuration, binaries whose libraries are all there.
check_installed_tree() {
    local unit="$1"
    [ "$(prop LoadState)" = loaded ] || why "$UNIT is $(prop LoadState)" || return
    # (/lib is /usr/lib here: systemd may name either.)
    [ "$(in_ct readlink -f "$(prop FragmentPath)")" = "$unit" ] || why "$UNIT loaded from $(prop FragmentPath), expected $unit" || return
    [[ " $(in_ct id -nG tapedeck) " == *" audio "* ]] || why "user tapedeck is not in audio: $(in_ct id tapedeck)" || return
    [ "$(in_ct stat -c '%a %U %G' "$SPOOL")" = "750 tapedeck tapedeck" ] ||
        why "spool is $(in_ct stat -c '%a %U %G' "$SPOOL")" || return
    [ "$(in_ct stat -c '%a %U %G' /etc/tapedeck/tapedeck.toml)" = "640 root tapedeck" ] ||
        why "configuration is $(in_ct stat -c '%a %U %G' /etc/tapedeck/tapedeck.toml)" || return
    local b missing
    for b in tapedeck tapedeckd; do
        missing="$(in_ct ldd "$TDBIN/$b" 2>&1 | grep -E 'not found|libswift')" && why "$TDBIN/$b: $missing" && return 1
    done
    note "unit $unit, user $(in_ct id tapedeck), no library missing"
}

# Test set-up, not a check of the product: the configuration, the users, a stand-in for
# an ALSA device node (this kernel has no sound support: it shows where /dev/snd is
# visible, and cannot be opened) and a block device the daemon must not see, and the
# test's drop-in.
prepare() {
    config_text | write_config || why "cannot write the configuration" || return
    in_ct useradd --no-create-home --groups tapedeck "$API_USER" &&
        in_ct useradd --no-create-home "$OUTSIDER" &&
        in_ct useradd --no-create-home --groups www-data "$WEB_USER" || why "useradd failed" || return
    in_ct sh -c 'mkdir -p /dev/snd && mknod -m 0660 /dev/snd/controlC0 c 116 0 && chgrp audio /dev/snd/controlC0 &&
                 mknod -m 0660 /dev/loop7 b 7 7 && chgrp disk /dev/loop7' ||
        why "cannot make /dev/snd/controlC0 and /dev/loop7" || return
    if [ -n "$WATCHDOG_DROPIN" ]; then
        in_ct sh -c "mkdir -p /etc/systemd/system/$UNIT.d && printf '[Service]\nWatchdogSec=%s\n' $WATCHDOG_DROPIN \
                     > /etc/systemd/system/$UNIT.d/test-watchdog.conf && systemctl daemon-reload" ||
            why "cannot add the watchdog drop-in" || return
    fi
}

check_verify() {
    local out
    out="$(in_ct systemd-analyze verify "$(prop FragmentPath)" 2>&1)"
    [ -z "$out" ] || why "systemd-analyze verify: $out"
}

check_security() {
    local out level
    out="$(in_ct systemd-analyze security --no-pager "$UNIT" 2>&1)"
    level="$(sed -n 's/.*Overall exposure level for tapedeck.service: \([0-9.]*\).*/\1/p' <<< "$out")"
    [ -n "$level" ] || why "no exposure level in: $(tail -n 2 <<< "$out")" || return
    note "$(grep 'Overall exposure level' <<< "$out"); what remains:"
    grep '✗' <<< "$out" | sed -E 's/ {2,}/  /g; s/^/         /'
    between "$level" 0 "$MAX_EXPOSURE" || why "exposure $level is above $MAX_EXPOSURE"
}

# ---------------------------------------------------------------- lifecycle

check_start() {
    local cursor t0 t1 out
    in_ct systemctl enable "$UNIT" > /dev/null 2>&1 || why "systemctl enable failed" || return
    cursor="$(journal_cursor)"
    t0="$(now)"
    out="$(in_ct systemctl start "$UNIT" 2>&1)" || why "systemctl start: $out" || return
    t1="$(now)"
    # At the moment start returns, the daemon has sent READY=1: active, with the STATUS=
    # that came with it, and the socket answers at the first try.
    [ "$(prop ActiveState)/$(prop SubState)" = active/running ] ||
        why "after start: $(prop ActiveState)/$(prop SubState)" || return
    [ "$(prop StatusText)" = "8 station(s), 0 recording(s) active" ] || why "status text '$(prop StatusText)'" || return
    out="$(api health)" || why "tapedeck health right after start: $out" || return
    [[ "$out" == "OK: tapedeckd healthy - devices 1/1 up"* ]] || why "health: $out" || return
    # The daemon's "ready" line (logged just before READY=1) comes before systemd's "Started".
    local lines ready started
    lines="$(journal_since "$cursor")"
    ready="$(grep -n '^ready ' <<< "$lines" | head -n 1 | cut -d: -f1)"
    started="$(grep -n '^Started ' <<< "$lines" | head -n 1 | cut -d: -f1)"
    [ -n "$ready" ] && [ -n "$started" ] && [ "$ready" -lt "$started" ] ||
        why "journal order: 'ready' at line ${ready:-none}, 'Started' at ${started:-none}" || return
    note "systemctl start took $(minus "$t1" "$t0") s; $out"
}

check_sandbox() {
    local pid st uid audio
    pid="$(prop MainPID)"
    st="$(in_ct cat "/proc/$pid/status")" || why "no /proc/$pid/status" || return
    uid="$(in_ct id -u tapedeck)"; audio="$(in_ct getent group audio | cut -d: -f3)"
    grep -qP '^NoNewPrivs:\t1$' <<< "$st" || why "NoNewPrivs is not 1" || return
    grep -qP '^Seccomp:\t2$' <<< "$st" || why "no seccomp filter (Seccomp: $(grep Seccomp: <<< "$st"))" || return
    local cap
    for cap in CapInh CapPrm CapEff CapBnd CapAmb; do
        grep -qP "^$cap:\t0000000000000000$" <<< "$st" || why "$(grep "^$cap:" <<< "$st")" || return
    done
    grep -qP "^Uid:\t$uid\t$uid\t$uid\t$uid$" <<< "$st" || why "$(grep ^Uid: <<< "$st"), expected tapedeck ($uid)" || return
    [[ " $(grep -P '^Groups:' <<< "$st" | cut -f2) " == *" $audio "* ]] || why "not in audio: $(grep ^Groups: <<< "$st")" || return
    note "pid $pid: NoNewPrivs 1, Seccomp 2 ($(grep -P '^Seccomp_filters:' <<< "$st" | tr -d '\t')), no capabilities, uid $uid, groups $(grep -P '^Groups:' <<< "$st" | cut -f2)"
}

# The namespaces and mounts the unit's hardening gives the daemon.
check_isolation() {
    local pid mi
    pid="$(prop MainPID)"
    # PrivateNetwork=yes: a network namespace of its own holding only lo.
    [ "$(in_ct readlink "/proc/$pid/ns/net")" != "$(in_ct readlink /proc/1/ns/net)" ] ||
        why "the daemon shares the network namespace" || return
    [ "$(in_ct awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' "/proc/$pid/net/dev" | tr '\n' ' ')" = "lo " ] ||
        why "network interfaces: $(in_ct cat "/proc/$pid/net/dev")" || return
    # PrivateUsers=yes: only root and tapedeck are mapped.
    local uid map; uid="$(in_ct id -u tapedeck)"
    map="$(in_ct cat "/proc/$pid/uid_map" | awk '{ print $1 "-" $2 "-" $3 }' | sort | tr '\n' ' ')"
    [ "$map" = "0-0-1 $uid-$uid-1 " ] || why "uid_map: $map" || return
    # ProtectProc=invisible, ProcSubset=pid: /proc shows processes only, its own only.
    mi="$(in_ct cat "/proc/$pid/mountinfo")"
    local proc dev
    proc="$(awk '$5 == "/proc"' <<< "$mi" | tail -n 1)"; dev="$(awk '$5 == "/dev"' <<< "$mi" | tail -n 1)"
    has "$proc" 'hidepid=invisible' || why "/proc without hidepid=invisible: $proc" || return
    has "$proc" 'subset=pid' || why "/proc without subset=pid: $proc" || return
    in_ct test ! -e "/proc/$pid/root/proc/meminfo" || why "/proc/meminfo is visible to the daemon" || return
    # PrivateDevices=yes: a /dev of its own, without the container's block device /dev/loop7
    # but with /dev/snd.
    local ours; ours="$(in_ct awk '$5 == "/dev" { print $3 }' /proc/1/mountinfo | tail -n 1)"
    has "$dev" ' - tmpfs ' && [ "$(cut -d' ' -f3 <<< "$dev")" != "$ours" ] || why "/dev is not a private tmpfs: $dev" || return
    in_ct test -b /dev/loop7 -a ! -e "/proc/$pid/root/dev/loop7" || why "/dev/loop7 is visible to the daemon" || return
    in_ct test -c "/proc/$pid/root/dev/snd/controlC0" || why "/dev/snd/controlC0 is missing in the daemon's /dev" || return
    note "own network namespace (lo only), uid_map $map, /proc hidepid=invisible,subset=pid, private /dev with /dev/snd"
}

check_realtime() {
    local pid mine ceiling
    [ "$(prop LimitRTPRIO)" = 40 ] || why "LimitRTPRIO=$(prop LimitRTPRIO)" || return
    pid="$(prop MainPID)"
    mine="$(in_ct awk '/^Max realtime priority/ { print $5 }' "/proc/$pid/limits")"
    ceiling="$(in_ct awk '/^Max realtime priority/ { print $5 }' /proc/1/limits)"
    if [ "$mine" != 40 ]; then
        # systemd raises the limit for the unit only as far as its own hard limit when it
        # lacks CAP_SYS_RESOURCE, as here: nothing on this machine has that capability, so
        # RLIMIT_RTPRIO is 0 everywhere and no container can be given more.
        local caps; caps="$(in_ct awk '/^CapEff:/ { print $2 }' /proc/1/status)"
        if [ "$ceiling" -lt 40 ] && (( (0x$caps & (1 << 24)) == 0 )); then      # bit 24: CAP_SYS_RESOURCE
            has "$(in_ct journalctl -u "$UNIT" -b --no-pager -o cat)" '^SCHED_FIFO refused; capturing at normal priority' ||
                why "RLIMIT_RTPRIO $mine and no 'SCHED_FIFO refused' line" || return
            skip "not possible in this container: its systemd lacks CAP_SYS_RESOURCE and has RLIMIT_RTPRIO $ceiling, so LimitRTPRIO=40 becomes $mine for the daemon, which logs 'SCHED_FIFO refused; capturing at normal priority' and records on"
            return
        fi
        why "the daemon has RLIMIT_RTPRIO $mine, the unit asks for 40" || return
    fi
    # Granted: every capture thread runs SCHED_FIFO (policy 1) at priority 40.
    local tid fifo=0
    for tid in $(in_ct ls "/proc/$pid/task"); do
        [[ "$(in_ct cat "/proc/$pid/task/$tid/comm")" == cap-* ]] || continue
        [ "$(in_ct awk '{ print $41 "/" $40 }' "/proc/$pid/task/$tid/stat")" = 1/40 ] ||
            why "capture thread $tid is not SCHED_FIFO 40" || return
        fifo=$((fifo + 1))
    done
    [ "$fifo" -gt 0 ] || why "no capture thread (cap-*) found" || return
    note "RLIMIT_RTPRIO 40; $fifo capture thread(s) SCHED_FIFO 40"
}

# ---------------------------------------------------------------- watchdog

# The daemon pings WATCHDOG=1 every WatchdogSec/2 for at least three periods, with no
# restart: systemd's WatchdogTimestamp moves at each ping.
check_watchdog_alive() {
    local expect="${WATCHDOG_DROPIN:-10s}" usec pid0 restarts0 last ts pings=0 gap maxgap=0 mingap=999999999
    usec="$(prop WatchdogUSec)"
    [ "$usec" = "$expect" ] || why "WatchdogUSec=$usec, expected $expect" || return
    local period_us; period_us=$(( ${expect%s} * 1000000 ))
    pid0="$(prop MainPID)"; restarts0="$(prop NRestarts)"
    last="$(prop WatchdogTimestampMonotonic)"
    local deadline=$(( $(date +%s) + 4 * ${expect%s} + 20 ))
    while [ "$pings" -lt 7 ]; do     # 7 pings at WatchdogSec/2 span at least three periods
        [ "$(date +%s)" -lt "$deadline" ] || why "only $pings pings before the deadline" || return
        sleep 0.2
        ts="$(prop WatchdogTimestampMonotonic)"
        [ "$(prop MainPID)" = "$pid0" ] && [ "$(prop ActiveState)" = active ] || why "the daemon restarted or stopped after $pings pings" || return
        [ "$ts" != "$last" ] || continue
        gap=$(( ts - last )); last="$ts"; pings=$((pings + 1))
        [ "$gap" -lt "$period_us" ] || why "a gap of $gap µs between pings (WatchdogSec $expect)" || return
        [ "$gap" -gt "$maxgap" ] && maxgap="$gap"; [ "$gap" -lt "$mingap" ] && mingap="$gap"
    done
    [ "$(prop NRestarts)" = "$restarts0" ] || why "NRestarts went from $restarts0 to $(prop NRestarts)" || return
    note "WatchdogSec $expect: $pings pings, $((mingap / 1000))..$((maxgap / 1000)) ms apart, same pid $pid0"
}

# SIGSTOP: the pings stop, systemd kills the daemon with SIGABRT after WatchdogSec and
# restarts it; the restarted daemon recovers the recording that was running.
check_watchdog_kill() {
    local wd="${WATCHDOG_DROPIN:-10s}" cursor pid0 restarts0 t_stop t_back name
    rec_start 1001 st1 || return
    name="$REC_NAME"
    wait_wav_audio "$name" 2 || return
    pid0="$(prop MainPID)"; restarts0="$(prop NRestarts)"
    cursor="$(journal_cursor)"
    t_stop="$(now)"
    in_ct kill -STOP "$pid0" || why "kill -STOP $pid0 failed" || return
    local t_stopped; t_stopped="$(now)"
    restarted() { [ "$(prop NRestarts)" -gt "$restarts0" ] && [ "$(prop ActiveState)/$(prop SubState)" = active/running ] &&
                  [ "$(prop MainPID)" != "$pid0" ]; }
    wait_for $(( ${wd%s} + 60 )) restarted || why "not restarted: $(prop ActiveState)/$(prop SubState), NRestarts $(prop NRestarts)" || return
    t_back="$(now)"
    local waited; waited="$(minus "$t_back" "$t_stop")"
    between "$waited" "$(( ${wd%s} - 1 ))" 1000 || why "restarted $waited s after SIGSTOP, before WatchdogSec $wd" || return
    journal_has "$cursor" "Watchdog timeout" || why "no 'Watchdog timeout' in the journal" || return
    journal_has "$cursor" "status=6/ABRT" || why "the daemon did not end by SIGABRT" || return
    wait_for 30 journal_has "$cursor" "recovered a recording left by a crash" || why "no recovery line in the journal" || return
    [ ! -e "$CT_ROOT$SPOOL/$name.wav.part" ] || why "$name.wav.part is still there" || return
    # Audio up to the last write before SIGSTOP (the writer runs several times a second).
    check_recording "$SPOOL/$name.wav" "$(minus "$(minus "$t_stop" "$REC_T1")" 1.5)" "$(minus "$t_stopped" "$REC_T0")" || return
    local row; row="$(api send '{"function":"recording_lookup","agent_user":"1001"}')"
    has "$row" '"status":"completed"' && has "$row" '"cause":"recovered"' ||
        why "recording log row: $row" || return
    note "killed and restarted $waited s after SIGSTOP (NRestarts $(prop NRestarts), pid $pid0 -> $(prop MainPID)); row completed, cause recovered"
}

# SIGKILL with an MP3 recording running while its last encoded audio waits in its
# write-behind tail (/run/tapedeck/write-behind, the RuntimeDirectory=, which
# RuntimeDirectoryPreserve=restart keeps across the restart): the restarted daemon writes
# the tail into the file before it repairs it.
check_kill_keeps_mp3_tail() {
    local cursor pid0 restarts0 name
    rec_start 1009 st8 --format mp3 || return
    name="$REC_NAME"
    pid0="$(prop MainPID)"; restarts0="$(prop NRestarts)"
    cursor="$(journal_cursor)"
    # SIGKILL as soon as a tail holds 1,000 bytes or more (half a second at 16 kbit/s; the
    # head's count, bytes 16-23), checked and killed in one shell so that no checkpoint
    # comes between. (One that does anyway leaves an empty tail, whose removal the
    # restarted daemon logs: the folder's survival is what this checks; the content is
    # DaemonWriteBehindTests'.)
    in_ct sh -c 'end=$(( $(date +%s) + 30 )); while [ "$(date +%s)" -lt "$end" ]; do
                     for f in /run/tapedeck/write-behind/tail-*; do
                         [ "$(od -An -t u8 -j 16 -N 8 "$f" 2>/dev/null | tr -d " ")" -ge 1000 ] 2>/dev/null &&
                             { kill -KILL "$1"; exit; }
                     done; sleep 0.05
                 done; exit 1' sh "$pid0" || why "no tail in /run/tapedeck/write-behind held 1,000 bytes (or kill -KILL $pid0 failed)" || return
    restarted() { [ "$(prop NRestarts)" -gt "$restarts0" ] && [ "$(prop ActiveState)/$(prop SubState)" = active/running ] &&
                  [ "$(prop MainPID)" != "$pid0" ]; }
    wait_for 60 restarted || why "not restarted: $(prop ActiveState)/$(prop SubState), NRestarts $(prop NRestarts)" || return
    wait_for 30 journal_has "$cursor" "write-behind tail left by a crash" ||
        why "no line about the tail in the journal: $(journal_since "$cursor" | tail -5)" || return
    wait_for 30 journal_has "$cursor" "recovered a recording left by a crash" || why "no recovery line in the journal" || return
    [ ! -e "$CT_ROOT$SPOOL/$name.mp3.part" ] || why "$name.mp3.part is still there" || return
    local json; json="$(in_ct "$TDBIN/tapedeck" validate --json "$SPOOL/$name.mp3")" || why "tapedeck validate: $json" || return
    has "$json" '"verdict":"ok"' || why "$name.mp3: $json" || return
    [ -z "$(in_ct ls -A /run/tapedeck/write-behind)" ] || why "tails left: $(in_ct ls -A /run/tapedeck/write-behind)" || return
    note "killed with a tail held; restarted (pid $pid0 -> $(prop MainPID)), the tail written, $name.mp3 valid"
}

# ---------------------------------------------------------------- reload

check_reload_applied() {
    local cursor pid0 out
    rec_start 1002 st2 || return
    LONG_NAME="$REC_NAME"; LONG_T0="$REC_T0"; LONG_T1="$REC_T1"
    pid0="$(prop MainPID)"
    cursor="$(journal_cursor)"
    config_text '[recording]' 'template = "RELOADED_AGENT"' | write_config || why "cannot write the configuration" || return
    out="$(in_ct systemctl reload "$UNIT" 2>&1)" || why "systemctl reload: $out" || return
    wait_for 30 journal_has "$cursor" "configuration reloaded" || why "no 'configuration reloaded' line" || return
    wait_for 30 test "$(prop SubState)" = running || why "state $(prop ActiveState)/$(prop SubState) after reload" || return
    [ "$(prop MainPID)" = "$pid0" ] || why "the daemon was restarted ($pid0 -> $(prop MainPID))" || return
    [ "$(rec_running 1002 recording)" = "$LONG_NAME" ] || why "the running recording did not survive the reload" || return
    # The new template names the next recording.
    rec_start 1003 st3 || return
    [ "$REC_NAME" = RELOADED_1003 ] || why "a recording after the reload is named $REC_NAME, not RELOADED_1003" || return
    wait_wav_audio RELOADED_1003 1 || return
    local t2; t2="$(now)"; out="$(api stop 1003)" || why "STOP 1003: $out" || return
    check_recording "$SPOOL/RELOADED_1003.wav" "$(minus "$t2" "$REC_T1")" "$(minus "$(now)" "$REC_T0")" || return
    api logout 1003 > /dev/null
}

check_reload_refused() {
    local cursor pid0 out
    pid0="$(prop MainPID)"
    cursor="$(journal_cursor)"
    config_text '[recording]' 'template = "REFUSED_AGENT"' | sed 's/^server_ip = .*/server_ip = "box1"/' | write_config ||
        why "cannot write the configuration" || return
    out="$(in_ct systemctl reload "$UNIT" 2>&1)" || why "systemctl reload: $out" || return
    wait_for 30 journal_has "$cursor" 'reload refused; the running configuration stays' || why "no 'reload refused' line" || return
    journal_has "$cursor" 'server_ip: \\"box1\\" is not an IPv4 or IPv6 address' || why "the refusal does not name the problem" || return
    wait_for 30 test "$(prop SubState)" = running || why "state $(prop ActiveState)/$(prop SubState) after the refused reload" || return
    [ "$(prop MainPID)" = "$pid0" ] && [ "$(prop ActiveState)" = active ] || why "the daemon did not keep running" || return
    [ "$(rec_running 1002 recording)" = "$LONG_NAME" ] || why "the running recording did not survive the refused reload" || return
    rec_start 1004 st4 || return
    [ "$REC_NAME" = RELOADED_1004 ] || why "after the refused reload a recording is named $REC_NAME (the running configuration names it RELOADED_1004)" || return
    api stop 1004 > /dev/null && api logout 1004 > /dev/null
    # The recording that ran through both reloads is whole.
    local t2; t2="$(now)"; out="$(api stop 1002)" || why "STOP 1002: $out" || return
    check_recording "$SPOOL/$LONG_NAME.wav" "$(minus "$t2" "$LONG_T1")" "$(minus "$(now)" "$LONG_T0")" || return
    api logout 1002 > /dev/null
    config_text '[recording]' 'template = "RELOADED_AGENT"' | write_config
}

# ---------------------------------------------------------------- the socket

check_socket_group() {
    local st out t2 file
    st="$(in_ct stat -c '%A %U %G' "$SOCKET")"
    [ "$st" = "srw-rw---- tapedeck tapedeck" ] || why "socket is $st" || return
    rec_start 1005 st5 || return
    wait_wav_audio "$REC_NAME" 2 || return
    t2="$(now)"; out="$(api stop 1005)" || why "STOP 1005: $out" || return
    file="$SPOOL/$REC_NAME.wav"
    check_recording "$file" "$(minus "$t2" "$REC_T1")" "$(minus "$(now)" "$REC_T0")" || return
    # The group tapedeck reads the recordings too (UMask=0027).
    out="$(in_ct runuser -u "$API_USER" -- "$TDBIN/tapedeck" validate "$file")" || why "$API_USER cannot validate $file: $out" || return
    api logout 1005 > /dev/null
    note "socket $st; $API_USER ($(in_ct id -nG "$API_USER")) recorded and read $file"
}

check_socket_outsider() {
    local out rc
    out="$(in_ct runuser -u "$OUTSIDER" -- "$TDBIN/tapedeck" login 1006 --station st1 --session 1 2>&1)"; rc=$?
    [ "$rc" -eq 2 ] || why "$OUTSIDER: exit $rc: $out" || return
    [[ "$out" == *"cannot connect to $SOCKET: Permission denied"* ]] || why "$OUTSIDER: $out" || return
    [ "$(rec_running 1006 recording)" = "" ] || why "1006 records" || return
    note "$OUTSIDER: $out"
}

# ---------------------------------------------------------------- stop

check_stop() {
    local cursor t0 t1 out mono stereo m0 m1
    rec_start 1007 st6 || return
    mono="$REC_NAME"; m0="$REC_T0"; m1="$REC_T1"
    rec_begin_stereo 1008 st7 || return
    stereo="$REC_NAME"
    wait_wav_audio "$mono" 2 && wait_for 30 part_has "$SPOOL/$stereo.mp3.part" 4000 || why "no audio in $stereo.mp3.part" || return
    cursor="$(journal_cursor)"
    t0="$(now)"
    out="$(in_ct systemctl stop "$UNIT" 2>&1)" || why "systemctl stop: $out" || return
    t1="$(now)"
    local took; took="$(minus "$t1" "$t0")"
    local limit; limit="$(in_ct systemd-analyze timespan "$(prop TimeoutStopUSec)" | awk '/μs:/ { print $2 / 1000000 }')"
    between "$took" 0 "$limit" || why "stop took $took s, TimeoutStopSec $(prop TimeoutStopUSec)" || return
    [ "$(prop ActiveState)" = inactive ] && [ "$(prop Result)" = success ] ||
        why "after stop: $(prop ActiveState), result $(prop Result)" || return
    [ "$(prop ExecMainCode)/$(prop ExecMainStatus)" = 1/0 ] || why "exit code $(prop ExecMainCode)/$(prop ExecMainStatus), expected exited 0" || return
    journal_has "$cursor" "shutting down" && journal_has "$cursor" "^stopped" || why "no 'shutting down'/'stopped' lines" || return
    ! journal_has "$cursor" "SIGKILL" || why "systemd had to SIGKILL the daemon" || return
    [ -z "$(cd "$CT_ROOT$SPOOL" && ls ./*.part 2>/dev/null)" ] || why ".part files left: $(cd "$CT_ROOT$SPOOL" && ls ./*.part)" || return
    check_recording "$SPOOL/$mono.wav" "$(minus "$t0" "$m1")" "$(minus "$t1" "$m0")" || return
    # MP3: whole 72 ms frames and the encoder's delay, so a little more slack.
    check_recording "$SPOOL/$stereo.mp3" "$(minus "$(minus "$t0" "$REC_T1")" 0.3)" "$(minus "$t1" "$(minus "$REC_T0" 0.3)")" || return
    note "systemctl stop returned after $took s (TimeoutStopSec $(prop TimeoutStopUSec)), exit 0, both recordings final"
}

# ---------------------------------------------------------------- documented drop-ins

# docs/operations.md's two drop-ins: the socket given to www-data (the daemon joins that
# group) and the Prometheus listener. The unit's PrivateUsers= and PrivateNetwork= must be
# undone for them, as the document says; with that, both work under the hardened unit.
check_documented_dropins() {
    local port=${port:-$(( 20000 + RANDOM % 20000 ))} out
    in_ct mkdir -p "/etc/systemd/system/$UNIT.d"
    in_ct sh -c "cat > /etc/systemd/system/$UNIT.d/www-data.conf" <<'EOF'
[Service]
SupplementaryGroups=audio www-data
PrivateUsers=no
EOF
    in_ct sh -c "cat > /etc/systemd/system/$UNIT.d/metrics.conf" <<'EOF'
[Service]
PrivateNetwork=no
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
IPAddressDeny=
IPAddressAllow=localhost
EOF
    config_text '[control]' 'group = "www-data"' '[metrics]' "listen = \"127.0.0.1:$port\"" | write_config
    in_ct systemctl daemon-reload
    out="$(in_ct systemctl start "$UNIT" 2>&1)" || why "start with the drop-ins: $out" || return
    [ "$(in_ct stat -c '%A %G' "$SOCKET")" = "srw-rw---- www-data" ] || why "socket is $(in_ct stat -c '%A %G' "$SOCKET")" || return
    out="$(in_ct runuser -u "$WEB_USER" -- "$TDBIN/tapedeck" health)" || why "$WEB_USER: $out" || return
    out="$(in_ct bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && printf 'GET /health HTTP/1.0\r\n\r\n' >&3 && head -n 1 <&3")" ||
        why "GET /health on 127.0.0.1:$port failed" || return
    [[ "$out" == "HTTP/1.1 200"* ]] || why "GET /health: $out" || return
    in_ct systemctl stop "$UNIT" || why "stop failed" || return
    note "socket group www-data reached by $WEB_USER; GET /health on 127.0.0.1:$port: ${out%$'\r'}"
}

# One suite: install (by KIND), then every check on the installed unit.
run_suite() {
    SUITE="$1"
    echo "== [$SUITE] booting a fresh overlay of $TREE"
    local binds=(--bind-ro="$ROOT:/src/tapedeck" --bind-ro="$BIN_DIR:/src/bin")
    [ -n "${DEB_DIR:-}" ] && binds+=(--bind-ro="$DEB_DIR:/src/dist")
    boot_container "tapedeck-test-$SUITE" "${binds[@]}" || { FAILED=$((FAILED + 1)); SUMMARY+=("FAIL  [$SUITE] boot"); return 1; }
    echo "   booted (systemd-nspawn pid $CT_NSPAWN, container pid 1 = $CT_PID)"
    if [ "$SUITE" = deb ]; then
        TDBIN=/usr/bin; check "dpkg -i the .deb" check_install_deb || return 1
    else
        TDBIN=/usr/local/bin
        check "scripts/install refuses a system without /bin/kill" check_install_needs_kill
        check "scripts/install --bin-dir" check_install_script || return 1
    fi
    check "test set-up: configuration (virtual device), users, drop-ins" prepare || return 1
    check "systemd-analyze verify prints nothing" check_verify
    check "systemd-analyze security: exposure at most $MAX_EXPOSURE" check_security
    check "systemctl start returns after READY=1, the service active" check_start || return 1
    check "NoNewPrivs, a seccomp filter, no capabilities, user tapedeck in audio" check_sandbox
    check "own network, users, /proc subset and /dev (with /dev/snd)" check_isolation
    check "real-time capture (SCHED_FIFO)" check_realtime
    check "watchdog: pings keep it alive for three periods" check_watchdog_alive
    check "watchdog: SIGSTOP -> SIGABRT, restart, the running recording recovered" check_watchdog_kill
    check "SIGKILL: an MP3's write-behind tail survives the restart and reaches its file" check_kill_keeps_mp3_tail
    check "systemctl reload applies a change, recordings untouched" check_reload_applied
    check "systemctl reload refuses a broken file without stopping" check_reload_refused
    check "a user in the socket's group records; the file validates" check_socket_group
    check "a user outside the socket's group is refused" check_socket_outsider
    check "systemctl stop finalises running recordings within TimeoutStopSec" check_stop
    check "documented drop-ins: socket group www-data, metrics listener" check_documented_dropins
}
