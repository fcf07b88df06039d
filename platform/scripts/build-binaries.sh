#!/usr/bin/env bash
# Builds the real control-plane binaries from the Go module proxy:
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl (k8s.io/kubernetes v1.36.x),
#   etcd (go.etcd.io/etcd/server/v3 v3.6.x) and kwok (sigs.k8s.io/kwok v0.8.x).
# Outputs go to $PILOTHOUSE_CACHE/bin/<key>, where <key> hashes the build modules, so a second
# run (or a fresh clone on the same machine) reuses them. Prints progress: the first build takes
# 10-25 minutes on two cores.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=platform/scripts/common.sh
source "$here/scripts/common.sh"

key="$(cat "$here"/build/{kubernetes,etcd,kwok}/go.{mod,sum} "$here/scripts/build-binaries.sh" | sha256sum | cut -c1-16)"
out="$PILOTHOUSE_CACHE/bin/$key"
mkdir -p "$out"
ln -sfn "$out" "$PILOTHOUSE_CACHE/bin/current"

k8s_version="$(awk '$1=="require" && $2=="k8s.io/kubernetes" {print $3}' "$here/build/kubernetes/go.mod")"
k8s_minor="$(echo "$k8s_version" | cut -d. -f2)"
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=${k8s_version} \
  -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${k8s_minor} \
  -X k8s.io/component-base/version.gitTreeState=clean \
  -X k8s.io/client-go/pkg/version.gitVersion=${k8s_version} \
  -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=${k8s_minor}"

export CGO_ENABLED=0
build() { # build <module dir> <package> <output name> [ldflags]
  local dir="$1" pkg="$2" name="$3" flags="${4:--s -w}"
  if [[ -x "$out/$name" ]]; then
    log "cached: $name"
    return
  fi
  log "building $name from $pkg (this can take several minutes)"
  local start=$SECONDS
  (cd "$here/build/$dir" && go build -p 2 -trimpath -tags selinux,notest -ldflags "$flags" \
    -o "$out/$name.tmp" "$pkg")
  mv "$out/$name.tmp" "$out/$name"
  log "built $name in $((SECONDS - start))s"
}

build etcd go.etcd.io/etcd/server/v3 etcd
build kwok sigs.k8s.io/kwok/cmd/kwok kwok
for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  build kubernetes "k8s.io/kubernetes/cmd/$cmd" "$cmd" "$ldflags"
done
# KWOK ships its default behaviour (the "stages" kwokctl passes it) as YAML in its module: nodes
# become Ready and keep a Lease, pods become Running/Ready, Job pods Succeeded, deletions finish.
if [[ ! -f "$out/kwok-stages.yaml" ]]; then
  kwok_dir="$(cd "$here/build/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)"
  for f in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
    pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
    printf -- '---\n'
    cat "$kwok_dir/kustomize/stage/$f.yaml"
  done >"$out/kwok-stages.yaml.tmp"
  mv "$out/kwok-stages.yaml.tmp" "$out/kwok-stages.yaml"
fi
log "binaries ready in $out"
