#!/usr/bin/env bash
# Builds the local platform's service binaries from the Go module proxy (today: the S3 server,
# VersityGW, github.com/versity/versitygw, Apache-2.0), one small Go module per service under
# platform/build/services/<name>, each with a `tool` line naming the command to build.
# Outputs go to $PILOTHOUSE_CACHE/services/<key>, where <key> hashes those modules and this
# script, so a second run reuses them. Prints that folder on stdout (progress goes to stderr).
#
# Why not platform/build/<name>: build-binaries.sh keys the control-plane binaries on
# platform/build/*/go.mod, so a service module there would force a 10-25 minute rebuild of
# Kubernetes whenever the service's version changes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=platform/scripts/common.sh
source "$here/scripts/common.sh"
modules="$here/build/services"

key="$(cat "$modules"/*/go.mod "$modules"/*/go.sum "$here/scripts/build-services.sh" | sha256sum | cut -c1-16)"
out="$PILOTHOUSE_CACHE/services/$key"
mkdir -p "$out"

# module_version <module dir> <module path>: the version the build module requires.
module_version() { awk -v m="$2" '$1 == m {print $2} $1 == "require" && $2 == m {print $3}' "$modules/$1/go.mod" | head -1; }

build() { # build <module dir> <package> <output name> [extra ldflags]
  local dir="$1" pkg="$2" name="$3" flags="-s -w ${4:-}"
  if [[ -x "$out/$name" ]]; then
    log "cached: $name"
    return
  fi
  log "building $name from $pkg (a few minutes the first time)"
  local start=$SECONDS
  # nice: the machine's two cores are shared with other builds and test runs.
  (cd "$modules/$dir" && CGO_ENABLED=0 nice -n 10 go build -p 2 -trimpath -ldflags "$flags" \
    -o "$out/$name.tmp" "$pkg")
  mv "$out/$name.tmp" "$out/$name"
  log "built $name in $((SECONDS - start))s"
}

command -v go >/dev/null || die "Go 1.26 is required to build the services"
versity_version="$(module_version s3 github.com/versity/versitygw)"
build s3 github.com/versity/versitygw/cmd/versitygw versitygw \
  "-X main.Version=$versity_version -X main.Build=go-module-proxy"
ln -sfn "$out" "$PILOTHOUSE_CACHE/services/current"
log "service binaries ready in $out"
echo "$out"
