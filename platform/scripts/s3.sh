#!/usr/bin/env bash
# A real S3-compatible server on loopback: VersityGW (Apache-2.0) with its posix backend, built
# from the Go module proxy by build-services.sh. Buckets are folders under $STATE/s3/data;
# accounts other than the root one (created through VersityGW's admin API) under $STATE/s3/iam.
# Endpoint, region and the root access key are in $STATE/s3.env; path-style addressing.
# Usage: s3.sh start | stop | reset | status
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=platform/scripts/common.sh
source "$here/scripts/common.sh"
DIR="$STATE/s3"
ENV_FILE="$STATE/s3.env"
REGION=us-east-1

# credentials: generated once per profile and kept, so objects written before a restart stay
# readable with the same key.
credentials() {
  mkdir -p "$STATE"
  [[ -f "$ENV_FILE" ]] && return 0
  (umask 077 && printf 'S3_ACCESS_KEY_ID=%s\nS3_SECRET_ACCESS_KEY=%s\n' \
    "pilothouse$(openssl rand -hex 6)" "$(openssl rand -hex 20)" >"$ENV_FILE")
}

ready() { curl -sf "http://127.0.0.1:$S3_PORT/health" >/dev/null; }

running() { [[ -f "$STATE/pids/s3.pid" ]] && kill -0 "$(cat "$STATE/pids/s3.pid")" 2>/dev/null; }

start() {
  local bin_dir
  bin_dir="$("$here/scripts/build-services.sh")"
  if running && ready; then
    log "S3 ($PILOTHOUSE_PROFILE) already running on http://127.0.0.1:$S3_PORT"
    return 0
  fi
  stop_bg s3
  credentials
  # shellcheck disable=SC1090
  source "$ENV_FILE"
  mkdir -p "$DIR/data" "$DIR/iam"
  log "starting VersityGW on http://127.0.0.1:$S3_PORT (data in $DIR/data)"
  # The keys go through the environment, not argv, so `ps` does not show the secret.
  ROOT_ACCESS_KEY_ID="$S3_ACCESS_KEY_ID" ROOT_SECRET_ACCESS_KEY="$S3_SECRET_ACCESS_KEY" \
    start_bg s3 "$bin_dir/versitygw" --port "127.0.0.1:$S3_PORT" --region "$REGION" \
    --iam-dir "$DIR/iam" --health /health --quiet \
    posix "$DIR/data"
  wait_for "the S3 server" 30 ready
  write_env
  log "S3 ready: endpoint http://127.0.0.1:$S3_PORT, region $REGION, keys in $ENV_FILE"
}

# write_env: what tests read; keeps the generated keys, adds where and how to reach the server.
write_env() {
  (umask 077 && cat >"$ENV_FILE" <<ENV
S3_ACCESS_KEY_ID=$S3_ACCESS_KEY_ID
S3_SECRET_ACCESS_KEY=$S3_SECRET_ACCESS_KEY
S3_ENDPOINT=http://127.0.0.1:$S3_PORT
S3_REGION=$REGION
S3_FORCE_PATH_STYLE=true
ENV
  )
}

case "${1:-}" in
  start) start ;;
  stop) stop_bg s3; log "S3 ($PILOTHOUSE_PROFILE) stopped" ;;
  reset) stop_bg s3; rm -rf "$DIR" "$ENV_FILE"; log "S3 data of $PILOTHOUSE_PROFILE removed" ;;
  status) if running && ready; then echo "s3 http://127.0.0.1:$S3_PORT running"; else echo "s3 not running"; fi ;;
  *) echo "usage: $0 start | stop | reset | status" >&2; exit 2 ;;
esac
