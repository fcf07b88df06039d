#!/usr/bin/env bash
# A real Prometheus Alertmanager (Apache-2.0) on loopback, built from the Go module proxy by
# build-services.sh, for the dashboard's alerts (PILOTHOUSE_ALERTMANAGER_URL) and their tests.
# Its configuration ($STATE/alertmanager/alertmanager.yml) routes every alert to a receiver that
# notifies nobody and inhibits an alert of severity warning while one of severity critical with
# the same alertname, namespace and cluster fires; silences and the notification log are kept
# under $STATE/alertmanager/data. Clustering is off (no gossip port). The URL is in
# $STATE/alertmanager.env.
# Usage: alertmanager.sh start | stop | reset | status
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=platform/scripts/common.sh
source "$here/scripts/common.sh"
DIR="$STATE/alertmanager"
ENV_FILE="$STATE/alertmanager.env"
URL="http://127.0.0.1:$ALERTMANAGER_PORT"

ready() { curl -sf "$URL/-/ready" >/dev/null; }

running() { [[ -f "$STATE/pids/alertmanager.pid" ]] && kill -0 "$(cat "$STATE/pids/alertmanager.pid")" 2>/dev/null; }

# configuration: written on every start, so that a changed one here takes effect.
# https://prometheus.io/docs/alerting/latest/configuration/
configuration() {
  mkdir -p "$DIR/data"
  cat >"$DIR/alertmanager.yml" <<'YAML'
route:
  receiver: "null"
  group_by: [alertname, namespace]
  group_wait: 1s
  group_interval: 5s
  repeat_interval: 4h
receivers:
  - name: "null"
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname, namespace, cluster]
YAML
}

start() {
  local bin_dir
  bin_dir="$("$here/scripts/build-services.sh")"
  if running && ready; then
    log "Alertmanager ($PILOTHOUSE_PROFILE) already running on $URL"
    return 0
  fi
  stop_bg alertmanager
  configuration
  log "starting Alertmanager on $URL (state in $DIR)"
  start_bg alertmanager "$bin_dir/alertmanager" --config.file="$DIR/alertmanager.yml" \
    --storage.path="$DIR/data" --web.listen-address="127.0.0.1:$ALERTMANAGER_PORT" \
    --web.external-url="$URL" --cluster.listen-address= --log.level=warn
  wait_for "Alertmanager" 30 ready
  printf 'PILOTHOUSE_ALERTMANAGER_URL=%s\n' "$URL" >"$ENV_FILE"
  log "Alertmanager ready: $URL (API: $URL/api/v2)"
}

case "${1:-}" in
  start) start ;;
  stop) stop_bg alertmanager; log "Alertmanager ($PILOTHOUSE_PROFILE) stopped" ;;
  reset) stop_bg alertmanager; rm -rf "$DIR" "$ENV_FILE"; log "Alertmanager state of $PILOTHOUSE_PROFILE removed" ;;
  status) if running && ready; then echo "alertmanager $URL running"; else echo "alertmanager not running"; fi ;;
  *) echo "usage: $0 start | stop | reset | status" >&2; exit 2 ;;
esac
