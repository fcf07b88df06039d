#!/usr/bin/env bash
# Builds the local platform's service binaries from the Go module proxy (today: the S3 server,
# VersityGW, github.com/versity/versitygw, Apache-2.0, and Prometheus Alertmanager,
# github.com/prometheus/alertmanager, Apache-2.0), one small Go module per service under
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
# One build per output folder at a time: several platforms (profiles) may start services at once;
# the others wait here and then find the binaries built.
exec 9>"$out/.lock"
flock 9

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
# Alertmanager's module zip lacks the web UI bundle that ui/web.go embeds (ui/app/dist, built by
# npm in its release pipeline), and the Go toolchain cannot overlay files in the module cache. The
# platform uses only its HTTP API, so it is built from a writable copy of the module with a
# placeholder page, through a -modfile that replaces the module with that copy.
alertmanager_source() {
  local module=github.com/prometheus/alertmanager src="$out/alertmanager-src" dir
  dir="$(cd "$modules/alertmanager" && go mod download -json "$module" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$dir" ]] || die "could not download $module"
  rm -rf "$src" && cp -r "$dir" "$src" && chmod -R u+w "$src"
  mkdir -p "$src/ui/app/dist/elm" "$src/ui/app/dist/mantine"
  echo '<!doctype html><title>Alertmanager</title><p>Web UI not built; use the API (/api/v2).' |
    tee "$src/ui/app/dist/elm/index.html" >"$src/ui/app/dist/mantine/index.html"
  cp "$modules/alertmanager/go.mod" "$out/alertmanager.mod"
  cp "$modules/alertmanager/go.sum" "$out/alertmanager.sum"
  (cd "$modules/alertmanager" && go mod edit -modfile "$out/alertmanager.mod" -replace "$module=$src")
}
alertmanager_version="$(module_version alertmanager github.com/prometheus/alertmanager)"
[[ -x "$out/alertmanager" ]] || alertmanager_source
GOFLAGS="-modfile=$out/alertmanager.mod" build alertmanager \
  github.com/prometheus/alertmanager/cmd/alertmanager alertmanager \
  "-X github.com/prometheus/common/version.Version=${alertmanager_version#v} \
   -X github.com/prometheus/common/version.Branch=go-module-proxy"
rm -rf "$out/alertmanager-src" "$out/alertmanager.mod" "$out/alertmanager.sum"
ln -sfn "$out" "$PILOTHOUSE_CACHE/services/current"
log "service binaries ready in $out"
echo "$out"
