#!/usr/bin/env bash
# Creates the PKI of the local control plane under $STATE/pki (once; kept across restarts):
# a cluster CA, the apiserver's serving certificate, client certificates for the admin, the
# controller-manager and the scheduler, and the ServiceAccount token signing key pair.
# Sourced by control-plane.sh.
make_pki() {
  local pki="$STATE/pki"
  [[ -f "$pki/done" ]] && return 0
  mkdir -p "$pki"
  log "creating certificates in $pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
      -subj "/CN=pilothouse-local-ca" 2>/dev/null
    cat >apiserver.ext <<EXT
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth
EXT
    client_ext="extendedKeyUsage=clientAuth"
    sign() { # sign <name> <subject> <extension text>
      openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
      printf '%s\n' "$3" >"$1.ext.tmp"
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
        -extfile "$1.ext.tmp" -out "$1.crt" 2>/dev/null
      rm -f "$1.csr" "$1.ext.tmp"
    }
    sign apiserver "/CN=kube-apiserver" "$(cat apiserver.ext)"
    sign admin "/O=system:masters/CN=pilothouse-admin" "$client_ext"
    sign controller-manager "/CN=system:kube-controller-manager" "$client_ext"
    sign scheduler "/CN=system:kube-scheduler" "$client_ext"
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    chmod 600 ./*.key
    touch done
  )
}

# write_kubeconfig <file> <user> <cert-name>: a kubeconfig for a client certificate.
write_kubeconfig() {
  local file="$1" user="$2" cert="$3" pki="$STATE/pki"
  cat >"$file" <<KC
apiVersion: v1
kind: Config
clusters:
- name: pilothouse
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority: $pki/ca.crt
users:
- name: $user
  user:
    client-certificate: $pki/$cert.crt
    client-key: $pki/$cert.key
contexts:
- name: pilothouse
  context: { cluster: pilothouse, user: $user }
current-context: pilothouse
KC
  chmod 600 "$file"
}

# make_oidc_serving_cert: the serving certificate of the https OpenID issuer (127.0.0.1 and
# localhost), signed by the cluster CA so that the apiserver's JWT authenticator and Node clients
# can verify it with $STATE/pki/ca.crt. Created once, also on a PKI made before it existed.
make_oidc_serving_cert() {
  local pki="$STATE/pki"
  [[ -f "$pki/oidc.crt" && -f "$pki/oidc.key" ]] && return 0
  (
    cd "$pki" || return 1
    openssl req -newkey rsa:2048 -nodes -keyout oidc.key -out oidc.csr -subj "/CN=pilothouse-oidc" 2>/dev/null
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "extendedKeyUsage=serverAuth" >oidc.ext.tmp
    openssl x509 -req -in oidc.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile oidc.ext.tmp -out oidc.crt 2>/dev/null
    rm -f oidc.csr oidc.ext.tmp
    chmod 600 oidc.key
  )
}

# write_authentication_config <file>: the apiserver's structured authentication configuration
# (apiserver.config.k8s.io/v1, --authentication-config). Besides client certificates and
# ServiceAccount tokens, the apiserver then accepts ID tokens of the https OpenID issuer
# (audience: the dashboard's client id) for token passthrough. The claims map to the same
# Kubernetes user the dashboard impersonates (server/auth/identity.ts): the lower-cased `email`
# with no prefix, and the `groups` without the reserved `system:` ones.
# @see https://kubernetes.io/docs/reference/access-authn-authz/authentication/#using-authentication-configuration
write_authentication_config() {
  local file="$1"
  {
    cat <<YAML
apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
jwt:
- issuer:
    url: https://127.0.0.1:$OIDC_HTTPS_PORT
    audiences: [pilothouse-dashboard]
    audienceMatchPolicy: MatchAny
    certificateAuthority: |
YAML
    sed 's/^/      /' "$STATE/pki/ca.crt"
    cat <<'YAML'
  claimValidationRules:
  - expression: "claims.?email_verified.orValue(true) == true"
    message: the email of the user is not verified
  claimMappings:
    username:
      expression: "claims.email.lowerAscii()"
    groups:
      expression: "has(claims.groups) ? dyn(claims.groups).filter(g, !string(g).startsWith('system:')) : []"
    uid:
      claim: sub
  userValidationRules:
  - expression: "!user.username.startsWith('system:')"
    message: the system prefix is reserved for Kubernetes
YAML
  } >"$file"
}
