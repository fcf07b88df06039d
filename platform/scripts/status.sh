#!/usr/bin/env bash
# ./pilothouse status: which processes of each profile are running.
set -euo pipefail
for profile in dev test; do
  PILOTHOUSE_PROFILE=$profile
  source "$ROOT/platform/scripts/common.sh"
  [[ -d "$STATE/pids" ]] || continue
  echo "profile $profile ($STATE):"
  for pidfile in "$STATE"/pids/*.pid; do
    [[ -e "$pidfile" ]] || continue
    name="$(basename "$pidfile" .pid)"
    if kill -0 "$(cat "$pidfile")" 2>/dev/null; then echo "  $name: running"; else echo "  $name: stopped"; fi
  done
done
