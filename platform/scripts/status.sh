#!/usr/bin/env bash
# ./pilothouse status: which processes of each profile are running.
set -euo pipefail
cache="${PILOTHOUSE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pilothouse}"
for state in "$cache"/state/*/; do
  [[ -d "$state/pids" ]] || continue
  echo "profile $(basename "$state") ($state):"
  for pidfile in "$state"/pids/*.pid; do
    [[ -e "$pidfile" ]] || continue
    name="$(basename "$pidfile" .pid)"
    if kill -0 "$(cat "$pidfile")" 2>/dev/null; then echo "  $name: running"; else echo "  $name: stopped"; fi
  done
done
