#!/usr/bin/env bash
# Starts or stops the real local Kubernetes control plane of one profile:
#   etcd 3.6, kube-apiserver (RBAC), kube-controller-manager (with the in-tree hostPath
#   provisioner, so PVCs bind for real), kube-scheduler, and KWOK with fake nodes.
#   The apiserver also trusts ID tokens of the https OpenID issuer (token passthrough, see
#   write_authentication_config in certs.sh); it starts whether or not that issuer is up yet.
# Usage: control-plane.sh start|stop|status
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/common.sh"
source "$here/scripts/certs.sh"
COMPONENTS=(kwok kube-scheduler kube-controller-manager kube-apiserver etcd)
NODES="${PILOTHOUSE_NODES:-2}"

kubectl_admin() { "$BIN/kubectl" --kubeconfig "$STATE/admin.kubeconfig" "$@"; }

apiserver_ready() {
  curl -sf --cacert "$STATE/pki/ca.crt" --cert "$STATE/pki/admin.crt" --key "$STATE/pki/admin.key" \
    "https://127.0.0.1:$APISERVER_PORT/readyz"
}

start() {
  [[ -x "$BIN/kube-apiserver" ]] || die "binaries missing in $BIN: run platform/scripts/build-binaries.sh"
  if apiserver_ready >/dev/null 2>&1; then
    log "control plane ($PILOTHOUSE_PROFILE) already running on port $APISERVER_PORT"
    return 0
  fi
  stop_all quiet
  mkdir -p "$STATE"
  make_pki
  make_oidc_serving_cert
  local pki="$STATE/pki"
  write_authentication_config "$STATE/authentication-config.yaml"
  write_kubeconfig "$STATE/admin.kubeconfig" pilothouse-admin admin
  write_kubeconfig "$STATE/controller-manager.kubeconfig" system:kube-controller-manager controller-manager
  write_kubeconfig "$STATE/scheduler.kubeconfig" system:kube-scheduler scheduler

  log "starting etcd on 127.0.0.1:$ETCD_CLIENT_PORT"
  start_bg etcd "$BIN/etcd" --name pilothouse --data-dir "$STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "pilothouse=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync --quota-backend-bytes 4294967296
  wait_for etcd 30 curl -sf "http://127.0.0.1:$ETCD_CLIENT_PORT/health"

  log "starting kube-apiserver on https://127.0.0.1:$APISERVER_PORT"
  start_bg kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --authentication-config "$STATE/authentication-config.yaml" \
    --authorization-mode Node,RBAC \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 \
    --endpoint-reconciler-type none \
    --allow-privileged=true --profiling=false ${PILOTHOUSE_APISERVER_EXTRA_FLAGS:-}
  wait_for kube-apiserver 90 apiserver_ready

  log "starting kube-controller-manager and kube-scheduler"
  start_bg kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$STATE/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$STATE/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$STATE/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$CONTROLLER_MANAGER_PORT" \
    --leader-elect=false --use-service-account-credentials \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --enable-hostpath-provisioner --cluster-name pilothouse
  start_bg kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig "$STATE/scheduler.kubeconfig" \
    --authentication-kubeconfig "$STATE/scheduler.kubeconfig" \
    --authorization-kubeconfig "$STATE/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$SCHEDULER_PORT" --leader-elect=false

  log "starting KWOK with $NODES fake nodes"
  start_bg kwok "$BIN/kwok" --kubeconfig "$STATE/admin.kubeconfig" \
    --config "$BIN/kwok-stages.yaml" --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --cidr 10.244.0.0/16 --node-ip 127.0.0.1 \
    --server-address "127.0.0.1:$KWOK_PORT" --node-lease-duration-seconds 40
  wait_for "the default ServiceAccount" 60 kubectl_admin get serviceaccount default -n default
  for i in $(seq 0 $((NODES - 1))); do
    sed "s/NODE_NAME/kwok-node-$i/g" "$here/manifests/kwok-node.yaml" | kubectl_admin apply -f - >/dev/null
  done
  kubectl_admin apply -f "$here/manifests/storage-class.yaml" >/dev/null
  wait_for "KWOK nodes" 60 nodes_ready
  log "control plane ready: KUBECONFIG=$STATE/admin.kubeconfig"
}

nodes_ready() {
  [[ "$(kubectl_admin get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True)" -ge "$NODES" ]]
}

stop_all() {
  stop_bg "${COMPONENTS[@]}"
  [[ "${1:-}" == quiet ]] || log "control plane ($PILOTHOUSE_PROFILE) stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop_all ;;
  reset) stop_all; rm -rf "$STATE/etcd"; log "etcd data of $PILOTHOUSE_PROFILE removed" ;;
  status) apiserver_ready && echo && kubectl_admin get nodes ;;
  *) echo "usage: $0 start|stop|reset|status" >&2; exit 2 ;;
esac
