#!/usr/bin/env bash
# Private MariaDB servers (Debian's mariadb-server, 10.11) on loopback, for replication, failover
# and backup tests. Instance i (1-based) listens on 127.0.0.1:$((MARIADB_BASE_PORT + i - 1)) with
# server_id i, binary log, GTID strict mode and row-based replication; no replication is set up
# here: configuring it is the operator's job (and the tests'). Each instance has its own datadir,
# socket and my.cnf under $STATE/mariadb/<i>. The root password is in $STATE/mariadb.env.
# Usage: mariadb.sh start [count] | stop [index...] | kill <index> | reset | status
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=platform/scripts/common.sh
source "$here/scripts/common.sh"
# shellcheck source=platform/scripts/deps.sh
source "$here/scripts/deps.sh"
BASE="$STATE/mariadb"
ENV_FILE="$STATE/mariadb.env"

# install_mariadb: Debian's server and client. The package's maintainer script would start a
# system-wide server on port 3306 (data in /var/lib/mysql) that nothing here uses; a policy-rc.d
# that answers 101 ("action forbidden") keeps it from starting.
install_mariadb() {
  command -v mariadb-install-db >/dev/null 2>&1 && command -v mariadb >/dev/null 2>&1 && return 0
  local policy=/usr/sbin/policy-rc.d sudo="" added=""
  [[ "$(id -u)" == 0 ]] || sudo="sudo"
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    added=1
  fi
  ensure_apt mariadb-install-db mariadb-server mariadb-client
  [[ -z "$added" ]] || $sudo rm -f "$policy"
}

# mariadbd lives in /usr/sbin, which is not on every user's PATH.
mariadbd_path() { command -v mariadbd 2>/dev/null || echo /usr/sbin/mariadbd; }

# root_password: generated once per profile, shared by every instance so that a test can talk to
# any of them (and to a promoted replica) with the same credentials.
root_password() {
  mkdir -p "$STATE"
  if [[ ! -f "$ENV_FILE" ]]; then
    (umask 077 && printf 'MARIADB_ROOT_PASSWORD=%s\n' "$(openssl rand -hex 16)" >"$ENV_FILE")
  fi
  sed -n 's/^MARIADB_ROOT_PASSWORD=//p' "$ENV_FILE"
}

port_of() { echo $((MARIADB_BASE_PORT + $1 - 1)); }

# write_cnf <index>: the instance's whole configuration. Every server option is here and the
# server is started with --defaults-file, so Debian's /etc/mysql/*.cnf (datadir /var/lib/mysql,
# socket /run/mysqld) never applies. The [client] section lets `mariadb --defaults-file=...`
# log in as root without typing anything.
write_cnf() {
  local i="$1" dir="$BASE/$1" password="$2"
  (umask 077 && cat >"$dir/my.cnf" <<CNF
[mariadbd]
user = $(id -un)
datadir = $dir/data
socket = $dir/mariadb.sock
pid-file = $dir/mariadbd.pid
port = $(port_of "$i")
bind-address = 127.0.0.1
skip-name-resolve
report-host = 127.0.0.1
report-port = $(port_of "$i")
server-id = $i
# Binary and relay log names follow the instance, not the machine's host name, so a datadir
# keeps working when copied or restored elsewhere.
log-bin = mariadb-$i-bin
relay-log = mariadb-$i-relay-bin
binlog-format = ROW
log-slave-updates = ON
gtid-strict-mode = ON
# Small footprint: several instances share a 2-core machine with everything else.
innodb-buffer-pool-size = 32M
innodb-log-file-size = 16M
max-connections = 100
performance-schema = OFF

[client]
user = root
password = $password
socket = $dir/mariadb.sock
CNF
  )
}

instance_ping() { mariadb-admin --defaults-file="$BASE/$1/my.cnf" --connect-timeout=2 ping; }

# provision <index>: accounts, written with sql_log_bin=0 so that a fresh instance has an empty
# GTID history; otherwise a new replica would replay its primary's CREATE USERs and stop with
# "Operation CREATE USER failed", and its own GTIDs would count as errant transactions.
provision() {
  local dir="$BASE/$1" password="$2" client=(--no-defaults --socket="$BASE/$1/mariadb.sock" -uroot)
  # A provisioning interrupted after the password was set is finished with the password.
  mariadb "${client[@]}" -e 'SELECT 1' >/dev/null 2>&1 || client=(--defaults-file="$dir/my.cnf")
  mariadb "${client[@]}" <<SQL
SET sql_log_bin = 0;
DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host NOT IN ('localhost', '127.0.0.1'));
DELETE FROM mysql.proxies_priv WHERE Host NOT IN ('localhost', '127.0.0.1');
FLUSH PRIVILEGES;
ALTER USER 'root'@'localhost' IDENTIFIED BY '$password';
CREATE OR REPLACE USER 'root'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
DROP DATABASE IF EXISTS test;
SQL
  touch "$dir/provisioned"
}

# start_instance <index>: initialises the datadir on first use, starts the server, provisions it.
start_instance() {
  local i="$1" dir="$BASE/$1" password="$2"
  mkdir -p "$dir"
  write_cnf "$i" "$password"
  if instance_ping "$i" >/dev/null 2>&1; then
    log "mariadb-$i already running on 127.0.0.1:$(port_of "$i")"
    return 0
  fi
  if [[ ! -d "$dir/data/mysql" ]]; then
    log "initialising the datadir of mariadb-$i"
    rm -rf "$dir/data" "$dir/provisioned"
    # "normal" gives root@localhost an empty password instead of unix_socket authentication,
    # which would tie the account to the OS user; provision() sets the password right after.
    mariadb-install-db --defaults-file="$dir/my.cnf" --auth-root-authentication-method=normal \
      --skip-test-db >"$dir/install-db.log" 2>&1 || die "mariadb-install-db failed: $dir/install-db.log"
  fi
  log "starting mariadb-$i on 127.0.0.1:$(port_of "$i")"
  start_bg "mariadb-$i" "$(mariadbd_path)" --defaults-file="$dir/my.cnf"
  # mariadb-admin ping succeeds as soon as the server answers, even with "access denied".
  wait_for "mariadb-$i" 60 instance_ping "$i"
  [[ -f "$dir/provisioned" ]] || provision "$i" "$password"
}

start() {
  local count="${1:-3}" password addresses=()
  [[ "$count" =~ ^[1-9][0-9]?$ ]] || die "count must be between 1 and 99"
  install_mariadb
  password="$(root_password)"
  for i in $(seq 1 "$count"); do
    start_instance "$i" "$password"
    addresses+=("127.0.0.1:$(port_of "$i")")
  done
  write_env "$password" "${addresses[@]}"
  log "MariaDB ($PILOTHOUSE_PROFILE) ready, user root, password in $ENV_FILE"
  printf '%s\n' "${addresses[@]}"
}

# write_env <password> <address...>: what tests read; the addresses of the last `start`.
write_env() {
  local password="$1"; shift
  (umask 077 && cat >"$ENV_FILE" <<ENV
MARIADB_ROOT_PASSWORD=$password
MARIADB_USER=root
MARIADB_ADDRESSES=$(IFS=,; echo "$*")
MARIADB_STATE=$BASE
ENV
  )
}

instances() {
  local f
  for f in "$STATE"/pids/mariadb-*.pid; do
    [[ -e "$f" ]] && basename "$f" .pid | sed 's/^mariadb-//'
  done | sort -n
}

stop() {
  local list=("$@")
  ((${#list[@]})) || mapfile -t list < <(instances)
  # In parallel: each clean shutdown (flushing InnoDB) takes a second or two.
  for i in "${list[@]}"; do
    (stop_bg "mariadb-$i" && log "mariadb-$i stopped") &
  done
  wait
}

# kill_instance <index>: SIGKILL, as a crash would; for failover tests.
kill_instance() {
  local pidfile="$STATE/pids/mariadb-$1.pid"
  [[ -f "$pidfile" ]] || die "mariadb-$1 is not running"
  kill -KILL -- "-$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"
  log "mariadb-$1 killed"
}

status() {
  local i
  for i in $(instances); do
    if instance_ping "$i" >/dev/null 2>&1; then echo "mariadb-$i 127.0.0.1:$(port_of "$i") running"
    else echo "mariadb-$i 127.0.0.1:$(port_of "$i") not answering"; fi
  done
}

case "${1:-}" in
  start) start "${2:-3}" ;;
  stop) shift; stop "$@" ;;
  kill) [[ -n "${2:-}" ]] || die "usage: $0 kill <index>"; kill_instance "$2" ;;
  reset) stop; rm -rf "$BASE" "$ENV_FILE"; log "MariaDB data of $PILOTHOUSE_PROFILE removed" ;;
  status) status ;;
  *) echo "usage: $0 start [count] | stop [index...] | kill <index> | reset | status" >&2; exit 2 ;;
esac
