#!/usr/bin/env bash
# ./pilothouse up: the whole product on the local platform (or on the cluster named by KUBECONFIG).
set -euo pipefail
source "$ROOT/platform/scripts/common.sh"
source "$ROOT/platform/scripts/deps.sh"
source "$ROOT/platform/scripts/services.sh"
started=$SECONDS
prefix=""
[[ "$PILOTHOUSE_PROFILE" == dev ]] || prefix="PILOTHOUSE_PROFILE=$PILOTHOUSE_PROFILE PILOTHOUSE_PORT_OFFSET=$PORT_OFFSET "
trap 'log "up failed; ${prefix}./pilothouse down stops what was started (logs: $STATE/logs)"' ERR

ensure_toolchains
ensure_node_modules
"$ROOT/platform/scripts/build-binaries.sh"
mkdir -p "$STATE/logs"
if [[ -n "${KUBECONFIG:-}" ]]; then
  log "using the cluster of KUBECONFIG=$KUBECONFIG (no local control plane)"
  ADMIN_KUBECONFIG="$KUBECONFIG"
  export PILOTHOUSE_OPERATOR_DATABASE_CHECKS=enabled
else
  "$ROOT/platform/scripts/control-plane.sh" start
  ADMIN_KUBECONFIG="$STATE/admin.kubeconfig"
fi
unset KUBECONFIG
install_manifests
write_env
start_oidc
kube_auth="${PILOTHOUSE_KUBE_AUTH:-impersonation}"
if [[ "$kube_auth" == passthrough ]]; then start_oidc_https; fi
start_operator
"$ROOT/platform/scripts/alertmanager.sh" start
build_dashboard
start_dashboard
check_running oidc operator dashboard
source "$STATE/env.sh"
if [[ "$kube_auth" == passthrough ]]; then
  check_running oidc-https
  auth_mode="passthrough: users' ID tokens from $OIDC_HTTPS_ISSUER go to the apiserver
               (the login page's certificate is signed by $PILOTHOUSE_CA_FILE)"
else
  auth_mode="impersonation (PILOTHOUSE_KUBE_AUTH=passthrough ./pilothouse up for token passthrough)"
fi

cat <<TXT

Pilothouse is up (in $((SECONDS - started)) s).

  Dashboard:   $NEXTAUTH_URL
  Kube auth:   $auth_mode
  Log in as:   alice@pilothouse.dev / alice-demo   operator in namespace demo
               bob@pilothouse.dev   / bob-demo     viewer in namespace demo
               carol@pilothouse.dev / carol-demo   cluster admin
               dana@pilothouse.dev  / dana-demo    operator in demo through her second group
  kubectl:     source $STATE/env.sh && \$KUBECTL get mysqlclusters -A
  Nodes:       simulated by KWOK unless KUBECONFIG was set: pods run no containers, so the
               operator does not probe database servers there (ReplicationHealthy says so)
  Alerts:      Alertmanager at $PILOTHOUSE_ALERTMANAGER_URL (API only; its alerts show on the alerts page)
  Logs:        $STATE/logs/
  Stop:        ${prefix}./pilothouse down

TXT
