#!/usr/bin/env bash
# ./pilothouse test: installs and starts what the tests need on the `test` profile (its own ports
# and state, started fresh), runs every suite, stops everything, and prints one closing line.
set -euo pipefail
source "$ROOT/platform/scripts/common.sh"
source "$ROOT/platform/scripts/deps.sh"
source "$ROOT/platform/scripts/services.sh"
RESULTS="$ROOT/.cache/test-results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
failed_steps=()
started=$SECONDS

cleanup() {
  stop_services
  stop_bg apiserver-fault-proxy
  "$ROOT/platform/scripts/mariadb.sh" stop >/dev/null 2>&1 || true
  "$ROOT/platform/scripts/s3.sh" stop >/dev/null 2>&1 || true
  "$ROOT/platform/scripts/alertmanager.sh" stop >/dev/null 2>&1 || true
  "$ROOT/platform/scripts/control-plane.sh" stop || true
}
trap cleanup EXIT

# step <name> <command...>: runs one suite, records its outcome, never stops the run.
step() {
  local name="$1"; shift
  log "── $name"
  local t=$SECONDS
  if (cd "$ROOT" && "$@"); then
    log "── $name passed ($((SECONDS - t)) s)"
  else
    log "── $name FAILED ($((SECONDS - t)) s)"
    failed_steps+=("$name")
  fi
}

ensure_toolchains
ensure_node_modules
ensure_apt chromium chromium
"$ROOT/platform/scripts/build-binaries.sh"
"$ROOT/platform/scripts/build-services.sh" >/dev/null
# Fresh state for every run: the suites start MariaDB and S3 themselves when they need them.
"$ROOT/platform/scripts/mariadb.sh" reset >/dev/null 2>&1 || true
"$ROOT/platform/scripts/s3.sh" reset >/dev/null 2>&1 || true
"$ROOT/platform/scripts/alertmanager.sh" reset >/dev/null 2>&1 || true
"$ROOT/platform/scripts/control-plane.sh" reset
"$ROOT/platform/scripts/control-plane.sh" start
ADMIN_KUBECONFIG="$STATE/admin.kubeconfig"
install_manifests
write_env
start_oidc
# The https issuer of token passthrough (integration tests and e2e/passthrough.spec.ts, whose
# passthrough dashboard listens on the dashboard port + 12).
start_oidc_https "http://localhost:$((DASHBOARD_PORT + 12))/api/auth/callback/oidc"
# Alertmanager: the dashboard's alerts come from it too (integration and e2e alerts tests).
"$ROOT/platform/scripts/alertmanager.sh" start
source "$STATE/env.sh"

step "lint" npm run --silent lint
step "typecheck" npm run --silent typecheck
step "generated CRDs are current" npm run --silent generate:check
step "format" npm run --silent format:check
step "unit tests" npx vitest run --project unit --reporter=default \
  --reporter=json --outputFile.json="$RESULTS/unit.json"
step "integration tests" npx vitest run --project integration --reporter=default \
  --reporter=json --outputFile.json="$RESULTS/integration.json"

start_operator
# The dashboard reaches the apiserver through a TCP proxy that the e2e suite can cut and restore
# (SIGUSR1 / SIGUSR2), to check what the UI says while Kubernetes cannot be reached.
fault_proxy_port=$((6490 + PORT_OFFSET))
(cd "$ROOT" && start_bg apiserver-fault-proxy node --import tsx e2e/support/apiserver-fault-proxy.ts \
  "$fault_proxy_port" "127.0.0.1:$APISERVER_PORT")
sed "s|https://127.0.0.1:$APISERVER_PORT|https://127.0.0.1:$fault_proxy_port|" \
  "$STATE/dashboard.kubeconfig" >"$STATE/dashboard-via-proxy.kubeconfig"
export DASHBOARD_KUBECONFIG_OVERRIDE="$STATE/dashboard-via-proxy.kubeconfig"
PILOTHOUSE_E2E_FAULT_PROXY_PID="$(cat "$STATE/pids/apiserver-fault-proxy.pid")"
export PILOTHOUSE_E2E_FAULT_PROXY_PID
build_dashboard
start_dashboard
step "end-to-end tests" env PLAYWRIGHT_JSON_OUTPUT_NAME="$RESULTS/e2e.json" \
  npx playwright test --reporter=list,json

log "test run took $((SECONDS - started)) s"
node "$ROOT/platform/scripts/summarize-tests.mjs" "$RESULTS" "${failed_steps[@]}"
