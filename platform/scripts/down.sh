#!/usr/bin/env bash
# ./pilothouse down [--reset]: stops the services and the control plane; --reset removes state.
set -euo pipefail
source "$ROOT/platform/scripts/common.sh"
source "$ROOT/platform/scripts/services.sh"
stop_services
for service in mariadb s3 kafka alertmanager; do
  "$ROOT/platform/scripts/$service.sh" stop >/dev/null 2>&1 || true
done
"$ROOT/platform/scripts/control-plane.sh" stop
if [[ "${1:-}" == --reset ]]; then
  rm -rf "$STATE"
  log "removed $STATE"
fi
