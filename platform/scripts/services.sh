#!/usr/bin/env bash
# Everything above the control plane: manifests, identities, the OpenID provider, the operator and
# the dashboard. Sourced by ./pilothouse after common.sh.

kubectl_admin() { "$BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" "$@"; }

# install_manifests: CRDs, RBAC and the demo namespace with its bindings.
install_manifests() {
  log "installing CRDs, RBAC and the demo namespace"
  kubectl_admin apply --server-side --force-conflicts -f "$ROOT/deploy/crds" >/dev/null
  kubectl_admin apply -f "$ROOT/deploy/rbac" >/dev/null
  kubectl_admin apply -f "$ROOT/platform/manifests/demo-rbac.yaml" >/dev/null
  kubectl_admin wait --for condition=Established --timeout 60s -f "$ROOT/deploy/crds" >/dev/null
}

# service_account_kubeconfig <name> <file>: a kubeconfig with a fresh token of a ServiceAccount in
# pilothouse-system, for the same server as the admin kubeconfig.
service_account_kubeconfig() {
  local sa="$1" file="$2" server ca token
  server="$(kubectl_admin config view --raw --minify --flatten -o jsonpath='{.clusters[0].cluster.server}')"
  ca="$(kubectl_admin config view --raw --minify --flatten -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')"
  token="$(kubectl_admin create token "$sa" -n pilothouse-system --duration 720h)"
  umask 077
  cat >"$file" <<KC
apiVersion: v1
kind: Config
clusters:
- name: pilothouse
  cluster:
    server: $server
    certificate-authority-data: $ca
users:
- name: $sa
  user:
    token: $token
contexts:
- name: pilothouse
  context: { cluster: pilothouse, user: $sa }
current-context: pilothouse
KC
}

# write_env: secrets (once) and the env file every process and test reads.
write_env() {
  mkdir -p "$STATE"
  if [[ ! -f "$STATE/secrets.env" ]]; then
    umask 077
    printf 'OIDC_CLIENT_SECRET=%s\nNEXTAUTH_SECRET=%s\n' \
      "$(openssl rand -hex 24)" "$(openssl rand -base64 32)" >"$STATE/secrets.env"
  fi
  # shellcheck disable=SC1091
  source "$STATE/secrets.env"
  service_account_kubeconfig pilothouse-operator "$STATE/operator.kubeconfig"
  service_account_kubeconfig pilothouse-dashboard "$STATE/dashboard.kubeconfig"
  # Read-only, no impersonation: the watch hub's upstream in token-passthrough mode.
  service_account_kubeconfig pilothouse-dashboard-watch "$STATE/dashboard-watch.kubeconfig"
  cat >"$STATE/env.sh" <<ENV
# Written by ./pilothouse ($PILOTHOUSE_PROFILE profile). Source it to talk to this platform.
export PILOTHOUSE_PROFILE=$PILOTHOUSE_PROFILE
export PILOTHOUSE_PORT_OFFSET=$PORT_OFFSET
export KUBECONFIG=$ADMIN_KUBECONFIG
export KUBECTL=$BIN/kubectl
export PILOTHOUSE_OPERATOR_KUBECONFIG=$STATE/operator.kubeconfig
export PILOTHOUSE_DASHBOARD_KUBECONFIG=$STATE/dashboard.kubeconfig
export PILOTHOUSE_DEMO_NAMESPACE=demo
export PILOTHOUSE_NAMESPACES=demo,demo-analytics
export OIDC_ISSUER=http://127.0.0.1:$OIDC_PORT
# Token passthrough (PILOTHOUSE_KUBE_AUTH=passthrough): the https issuer the apiserver trusts,
# the CA that signed it, and the watch hub's read-only kubeconfig in that mode.
export OIDC_HTTPS_ISSUER=https://127.0.0.1:$OIDC_HTTPS_PORT
export PILOTHOUSE_CA_FILE=$STATE/pki/ca.crt
export PILOTHOUSE_WATCH_KUBECONFIG=$STATE/dashboard-watch.kubeconfig
export OIDC_CLIENT_ID=pilothouse-dashboard
export OIDC_CLIENT_SECRET=$OIDC_CLIENT_SECRET
export NEXTAUTH_URL=http://localhost:$DASHBOARD_PORT
export NEXTAUTH_SECRET=$NEXTAUTH_SECRET
export PILOTHOUSE_DASHBOARD_URL=http://localhost:$DASHBOARD_PORT
export PILOTHOUSE_OPERATOR_METRICS_PORT=$OPERATOR_METRICS_PORT
# Alertmanager (platform/scripts/alertmanager.sh), whose alerts the dashboard shows.
export PILOTHOUSE_ALERTMANAGER_URL=http://127.0.0.1:$ALERTMANAGER_PORT
export NEXT_TELEMETRY_DISABLED=1
# Token lifetimes of the OpenID provider, in seconds. The test profile uses 60 s access tokens so
# that the whole end-to-end suite runs across token refreshes, and a new refresh token on every
# use (a reuse is refused and ends the grant), so that racing refreshes must be coordinated.
export OIDC_ACCESS_TOKEN_TTL=${OIDC_ACCESS_TOKEN_TTL:-$([[ $PILOTHOUSE_PROFILE == test ]] && echo 60 || echo 900)}
export OIDC_ROTATE_REFRESH_TOKEN=${OIDC_ROTATE_REFRESH_TOKEN:-$([[ $PILOTHOUSE_PROFILE == test ]] && echo always || echo default)}
export OIDC_REFRESH_TOKEN_TTL=${OIDC_REFRESH_TOKEN_TTL:-86400}
ENV
  chmod 600 "$STATE/env.sh"
}

start_oidc() {
  stop_bg oidc
  log "starting the OpenID provider at http://127.0.0.1:$OIDC_PORT"
  (
    source "$STATE/env.sh"
    export OIDC_REDIRECT_URIS="$NEXTAUTH_URL/api/auth/callback/oidc"
    export OIDC_KEYS_FILE="$STATE/oidc-keys.json"
    cd "$ROOT" && start_bg oidc node --import tsx platform/oidc/server.ts
  )
  wait_for "the OpenID provider" 60 curl -sf "http://127.0.0.1:$OIDC_PORT/.well-known/openid-configuration"
}

# start_oidc_https [redirect-uri...]: a second instance of the provider (same users and client) at
# the https issuer the apiserver trusts (certs.sh), for token passthrough; the redirect URIs are
# added to the dashboard's own.
start_oidc_https() {
  stop_bg oidc-https
  log "starting the https OpenID provider at https://127.0.0.1:$OIDC_HTTPS_PORT"
  (
    source "$STATE/env.sh"
    export OIDC_ISSUER="$OIDC_HTTPS_ISSUER" OIDC_KEYS_FILE="$STATE/oidc-https-keys.json"
    export OIDC_REDIRECT_URIS="$(IFS=,; echo "$NEXTAUTH_URL/api/auth/callback/oidc${1:+,$*}")"
    export OIDC_TLS_CERT_FILE="$STATE/pki/oidc.crt" OIDC_TLS_KEY_FILE="$STATE/pki/oidc.key"
    cd "$ROOT" && start_bg oidc-https node --import tsx platform/oidc/server.ts
  )
  wait_for "the https OpenID provider" 60 curl -sf --cacert "$STATE/pki/ca.crt" \
    "https://127.0.0.1:$OIDC_HTTPS_PORT/.well-known/openid-configuration"
}

start_operator() {
  stop_bg operator
  log "starting the operator"
  (
    source "$STATE/env.sh"
    export KUBECONFIG="$PILOTHOUSE_OPERATOR_KUBECONFIG"
    # KWOK's pods run no containers, so no database server exists behind them: the operator must
    # not probe servers there (it says so in each cluster's ReplicationHealthy condition).
    export PILOTHOUSE_OPERATOR_DATABASE_CHECKS="${PILOTHOUSE_OPERATOR_DATABASE_CHECKS:-disabled}"
    cd "$ROOT" && start_bg operator node --conditions=react-server --import tsx server/operator/main.ts
  )
  sleep 2
  kill -0 "$(cat "$STATE/pids/operator.pid")" 2>/dev/null || die "the operator exited: $STATE/logs/operator.log"
}

build_dashboard() {
  log "building the dashboard (next build)"
  (cd "$ROOT" && source "$STATE/env.sh" && npx next build >"$STATE/logs/dashboard-build.log" 2>&1) ||
    die "next build failed: $STATE/logs/dashboard-build.log"
}

start_dashboard() {
  stop_bg dashboard
  log "starting the dashboard at http://localhost:$DASHBOARD_PORT"
  (
    source "$STATE/env.sh"
    # The tests may route the dashboard through a fault proxy (see test.sh).
    export PILOTHOUSE_DASHBOARD_KUBECONFIG="${DASHBOARD_KUBECONFIG_OVERRIDE:-$PILOTHOUSE_DASHBOARD_KUBECONFIG}"
    if [[ "${PILOTHOUSE_KUBE_AUTH:-}" == passthrough ]]; then
      # Users sign in at the issuer the apiserver trusts; their ID tokens go to the apiserver.
      export OIDC_ISSUER="$OIDC_HTTPS_ISSUER" NODE_EXTRA_CA_CERTS="$PILOTHOUSE_CA_FILE"
    fi
    cd "$ROOT" && start_bg dashboard npx next start -p "$DASHBOARD_PORT" -H 127.0.0.1
  )
  wait_for "the dashboard" 90 curl -s -o /dev/null "http://127.0.0.1:$DASHBOARD_PORT/"
}

stop_services() {
  stop_bg dashboard operator oidc oidc-https
}

# check_running <name...>: fails, naming the log, when a started process has exited.
check_running() {
  local name
  for name in "$@"; do
    kill -0 "$(cat "$STATE/pids/$name.pid" 2>/dev/null || echo 0)" 2>/dev/null ||
      die "$name exited; see $STATE/logs/$name.log"
  done
}
