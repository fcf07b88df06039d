#!/usr/bin/env bash
# Installs what the project needs from the package registries, idempotently. Sourced.

# ensure_node_modules: `npm ci` when package-lock.json changed since the last install.
ensure_node_modules() {
  local stamp="$ROOT/node_modules/.pilothouse-lock.sha" want
  want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
  log "installing npm packages (npm ci)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

# ensure_apt <command> <package...>: installs Debian packages when a command is missing.
ensure_apt() {
  local cmd="$1"; shift
  command -v "$cmd" >/dev/null 2>&1 && return 0
  log "installing Debian packages: $*"
  local sudo=""
  [[ "$(id -u)" == 0 ]] || sudo="sudo"
  if [[ ! -f /var/lib/apt/.pilothouse-updated ]] || ! apt-cache show "$1" >/dev/null 2>&1; then
    $sudo apt-get update -qq
    $sudo touch /var/lib/apt/.pilothouse-updated
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# ensure_toolchains: Go and Node.js must be on the machine (they are on this kind of machine).
ensure_toolchains() {
  command -v go >/dev/null || die "Go 1.26 is required to build the control plane"
  command -v node >/dev/null || die "Node.js 20.19+ is required"
}
