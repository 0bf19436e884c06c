# pid-records.sh: the process records of the project's service scripts (scripts/postgres,
# scripts/pushgateway), with the conventions of scripts/virtual-reader.
#
# Sourced, not run. The caller sets RUN_DIR (where records live), NAME_OF_SCRIPT (for messages)
# and STOP_TIMEOUT (seconds between the polite signal and KILL).
#
# NAME.pid holds "PID START_TIME", the start time from /proc/PID/stat, so a reused PID is never
# mistaken for ours; stopping signals exactly that PID and nothing found by name: other sessions
# on the machine run their own servers.

say() { printf '%s: %s\n' "$NAME_OF_SCRIPT" "$*"; }
fail() { printf '%s: error: %s\n' "$NAME_OF_SCRIPT" "$1" >&2; exit "${2:-1}"; }

# The start time (clock ticks since boot) of PID, or nothing when it does not exist.
start_time_of() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    # Field 22, counted after the ")" that ends the command name (which may hold spaces).
    stat=${stat##*) }
    awk '{ print $20 }' <<<"$stat"
}

# Whether PID exists and is not a zombie.
running() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}

# Prints the PID recorded in NAME.pid when that process is still the one we started.
live_pid() {
    local file="$RUN_DIR/$1.pid" pid recorded
    [[ -f $file ]] || return 1
    read -r pid recorded <"$file" || true
    [[ -n ${pid:-} && -n ${recorded:-} ]] || return 1
    [[ $(start_time_of "$pid") == "$recorded" ]] || return 1
    printf '%s\n' "$pid"
}

# Records PID $2 as NAME $1.
record() {
    printf '%s %s\n' "$2" "$(start_time_of "$2")" >"$RUN_DIR/$1.pid"
}

# Starts "$@" in its own session with output to NAME.log and records it; prints the PID.
launch() {
    local name=$1
    shift
    # Descriptors the caller left open (beyond 0-2) are closed first: a server that kept one
    # would hold its starter's pipe or socket open for as long as it runs, and a caller waiting
    # for that to close (Foundation's Process in the tests does) would wait forever.
    # The subshell and setsid exec in place (a background job is not a group leader), so $! is
    # the server itself.
    (
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
        done
        exec setsid "$@"
    ) </dev/null >>"$RUN_DIR/$name.log" 2>&1 &
    local pid=$!
    record "$name" "$pid"
    printf '%s\n' "$pid"
}

# Waits until PID is gone, up to $2 tenths of a second; fails when it is still there.
wait_gone() {
    local pid=$1 limit=$2 waited=0
    while running "$pid" && ((waited < limit)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    ! running "$pid"
}

# Stops the process recorded as NAME ($1) with signal $2 (default TERM), then KILL after
# STOP_TIMEOUT. Idempotent.
stop_recorded() {
    local name=$1 signal=${2:-TERM} pid
    if ! pid=$(live_pid "$name"); then
        [[ -f $RUN_DIR/$name.pid ]] && say "$name was not running (removing stale $name.pid)"
        rm -f "$RUN_DIR/$name.pid"
        return 0
    fi
    kill "-$signal" "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" $((STOP_TIMEOUT * 10)); then
        say "$name (PID $pid) ignored $signal for ${STOP_TIMEOUT}s; sending KILL"
        kill -KILL "$pid" 2>/dev/null || true
        wait_gone "$pid" 50 || true
    fi
    rm -f "$RUN_DIR/$name.pid"
    say "stopped $name (PID $pid)"
}

# Whether TCP port $1 is free to listen on (no listener on any address).
port_free() {
    local hex
    hex=$(printf '%04X' "$1")
    ! awk -v p=":$hex" 'NR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' \
        /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# The first free TCP port from $1 on.
choose_port() {
    local port=$1
    while ((port < 65535)); do
        port_free "$port" && { printf '%s\n' "$port"; return 0; }
        port=$((port + 1))
    done
    fail "no free TCP port above $1"
}

# Whether something listens on TCP port $1 (any address).
listening() { ! port_free "$1"; }
