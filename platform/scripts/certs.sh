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
