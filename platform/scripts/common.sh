#!/usr/bin/env bash
# Shared settings for the local platform scripts. Sourced, not run.
#
# A profile (`dev` for `./pilothouse up`, `test` for `./pilothouse test`) selects a state folder
# and a port offset, so a developer's running platform and a test run never collide.
PILOTHOUSE_CACHE="${PILOTHOUSE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pilothouse}"
PILOTHOUSE_PROFILE="${PILOTHOUSE_PROFILE:-dev}"
# Any other profile name needs PILOTHOUSE_PORT_OFFSET (e.g. 200) so that it collides with neither.
case "$PILOTHOUSE_PROFILE" in
  dev) PORT_OFFSET="${PILOTHOUSE_PORT_OFFSET:-0}" ;;
  test) PORT_OFFSET="${PILOTHOUSE_PORT_OFFSET:-100}" ;;
  *)
    [[ -n "${PILOTHOUSE_PORT_OFFSET:-}" ]] || {
      echo "profile '$PILOTHOUSE_PROFILE' needs PILOTHOUSE_PORT_OFFSET (dev uses 0, test 100)" >&2
      exit 2
    }
    PORT_OFFSET="$PILOTHOUSE_PORT_OFFSET"
    ;;
esac
STATE="${PILOTHOUSE_STATE:-$PILOTHOUSE_CACHE/state/$PILOTHOUSE_PROFILE}"
BIN="$PILOTHOUSE_CACHE/bin/current"
ETCD_CLIENT_PORT=$((2379 + PORT_OFFSET))
ETCD_PEER_PORT=$((2380 + PORT_OFFSET))
APISERVER_PORT=$((6443 + PORT_OFFSET))
CONTROLLER_MANAGER_PORT=$((10257 + PORT_OFFSET))
SCHEDULER_PORT=$((10259 + PORT_OFFSET))
KWOK_PORT=$((10247 + PORT_OFFSET))
OIDC_PORT=$((5556 + PORT_OFFSET))
OIDC_HTTPS_PORT=$((5557 + PORT_OFFSET)) # https issuer the apiserver trusts (token passthrough)
DASHBOARD_PORT=$((3000 + PORT_OFFSET))
OPERATOR_METRICS_PORT=$((8080 + PORT_OFFSET))
MARIADB_BASE_PORT=$((13306 + PORT_OFFSET))    # instance i listens on MARIADB_BASE_PORT + i - 1
KAFKA_PORT=$((9092 + PORT_OFFSET))            # PLAINTEXT, no authentication
KAFKA_SASL_PORT=$((9093 + PORT_OFFSET))       # SASL_PLAINTEXT with SCRAM-SHA-512
KAFKA_CONTROLLER_PORT=$((9094 + PORT_OFFSET)) # KRaft controller quorum
S3_PORT=$((7070 + PORT_OFFSET))
# Browsers refuse some ports outright (Chromium's and Firefox's restricted ports, e.g. 6000 for
# X11), and Next.js refuses to listen on them: an offset that puts the dashboard there is refused.
case "$DASHBOARD_PORT" in
  6000 | 6566 | 6665 | 6666 | 6667 | 6668 | 6669 | 6679 | 6697 | 10080)
    echo "PILOTHOUSE_PORT_OFFSET=$PORT_OFFSET puts the dashboard on port $DASHBOARD_PORT, which browsers refuse; pick another offset" >&2
    exit 2
    ;;
esac
ALERTMANAGER_PORT=$((9095 + PORT_OFFSET))   # Alertmanager API v2, no cluster peers
export PILOTHOUSE_CACHE PILOTHOUSE_PROFILE STATE BIN

log() { printf '[pilothouse %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# start_bg <name> <command...>: runs a command in the background with its own log and pid file.
start_bg() {
  local name="$1"; shift
  mkdir -p "$STATE/logs" "$STATE/pids"
  nohup setsid "$@" >"$STATE/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/pids/$name.pid"
}

# stop_bg <name...>: stops what start_bg started (each whole process group): TERM to all at once,
# then up to 10 s for them to exit, then KILL.
stop_bg() {
  local name pidfile pid pids=()
  for name in "$@"; do
    pidfile="$STATE/pids/$name.pid"
    [[ -f "$pidfile" ]] || continue
    pid="$(cat "$pidfile")"
    rm -f "$pidfile"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  for _ in $(seq 1 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.2
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}

# wait_for <what> <seconds> <command...>: polls a command until it succeeds.
wait_for() {
  local what="$1" timeout="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      die "$what did not become ready within ${timeout}s (logs: $STATE/logs)"
    fi
    sleep 0.5
  done
}
