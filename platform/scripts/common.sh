#!/usr/bin/env bash
# Shared settings for the local platform scripts. Sourced, not run.
PILOTHOUSE_CACHE="${PILOTHOUSE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pilothouse}"
PILOTHOUSE_STATE="${PILOTHOUSE_STATE:-$PILOTHOUSE_CACHE/state}"
export PILOTHOUSE_CACHE PILOTHOUSE_STATE
log() { printf '[platform %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
