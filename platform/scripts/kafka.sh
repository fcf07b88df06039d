#!/usr/bin/env bash
# One Apache Kafka 4.x node in KRaft combined mode (broker and controller, node.id 1) on loopback,
# from the jars on Maven Central (platform/kafka/pom.xml), run with the machine's Java 17+.
#   PLAINTEXT        127.0.0.1:$KAFKA_PORT       no authentication, principal User:ANONYMOUS, a
#                                                 super user: the trusted internal listener
#   SASL_PLAINTEXT   127.0.0.1:$KAFKA_SASL_PORT  SCRAM-SHA-512; ACLs apply (StandardAuthorizer)
#   CONTROLLER       127.0.0.1:$KAFKA_CONTROLLER_PORT  the KRaft quorum
#   SASL_SSL         127.0.0.1:$KAFKA_SSL_PORT   only with KAFKA_TLS_DIR: TLS from PEM files there
#                                                 (broker.pem = PKCS#8 key + chain, ca.crt), the
#                                                 settings the operator renders, and SCRAM-SHA-512
# The super user `admin` and its password, the cluster ID and a ready-made client config are in
# $STATE/kafka.env. Data is kept across stop/start; `reset` removes it.
# Usage: kafka.sh start | stop | reset | status | tool <main class> [args...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=platform/scripts/common.sh
source "$here/scripts/common.sh"
# shellcheck source=platform/scripts/deps.sh
source "$here/scripts/deps.sh"
POM="$here/kafka/pom.xml"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")"
LIBS="$PILOTHOUSE_CACHE/kafka/$KAFKA_VERSION/libs"
DIR="$STATE/kafka"
ENV_FILE="$STATE/kafka.env"
# Small on purpose: the machine has two cores and 24 GB shared by every service and test. Serial
# GC and the C1 compiler alone start faster and burn less CPU than the server defaults.
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true}"
# A second node for tests that need two brokers (under-replicated partitions): with
# KAFKA_JOIN=<cluster ID>@<host:controller port> of a running node (and its KAFKA_ADMIN_PASSWORD),
# this node is broker KAFKA_NODE_ID of that cluster, no controller; use its own PILOTHOUSE_STATE.
KAFKA_JOIN="${KAFKA_JOIN:-}"
KAFKA_NODE_ID="${KAFKA_NODE_ID:-1}"
# A TLS listener (SASL_SSL) when set: a folder with broker.pem and ca.crt (tests generate them).
KAFKA_TLS_DIR="${KAFKA_TLS_DIR:-}"
KAFKA_SSL_PORT=$((9095 + PORT_OFFSET))
# Milliseconds between metadata snapshots while the metadata log has new records (see below).
KAFKA_SNAPSHOT_INTERVAL_MS="${KAFKA_SNAPSHOT_INTERVAL_MS:-10000}"

java_bin() { if [[ -n "${JAVA_HOME:-}" ]]; then echo "$JAVA_HOME/bin/java"; else command -v java; fi; }

# ensure_java: Kafka 4 brokers are compiled for Java 17 (class file version 61).
ensure_java() {
  ensure_apt java openjdk-17-jre-headless
  local major
  major="$("$(java_bin)" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java.specification.version = //p')"
  ((${major%%.*} >= 17)) || die "Kafka $KAFKA_VERSION needs Java 17 or later, found $major"
}

# ensure_libs: the broker's runtime class path, copied by Maven once per pom content. Maven's
# own repository lives in the cache too, so a second copy (new pom) downloads only what changed.
ensure_libs() {
  local stamp="$LIBS/.pom.sha256" want
  want="$(sha256sum "$POM" | cut -d' ' -f1)"
  [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && return 0
  ensure_apt mvn maven
  log "resolving Apache Kafka $KAFKA_VERSION from Maven Central into $LIBS"
  local start=$SECONDS
  rm -rf "$LIBS.tmp"
  mkdir -p "$PILOTHOUSE_CACHE/kafka"
  mvn -q -B -f "$POM" -Dmaven.repo.local="$PILOTHOUSE_CACHE/maven" -Dstyle.color=never \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS.tmp" \
    >"$PILOTHOUSE_CACHE/kafka/mvn.log" 2>&1 || die "mvn failed: $PILOTHOUSE_CACHE/kafka/mvn.log"
  echo "$want" >"$LIBS.tmp/.pom.sha256"
  rm -rf "$LIBS"
  mv "$LIBS.tmp" "$LIBS"
  log "Kafka jars ready ($(find "$LIBS" -name '*.jar' | wc -l) jars) in $((SECONDS - start))s"
}

# tool <main class> [args...]: runs one of Kafka's command-line tools from the cached jars (the
# bin/*.sh wrappers come only with the binary distribution, which is not on Maven Central).
tool() {
  local main="$1"; shift
  "$(java_bin)" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$here/kafka/log4j2-tools.properties" -Dlog4j2.shutdownHookEnabled=false \
    -cp "$LIBS/*" "$main" "$@"
}

# write_config: secrets and cluster ID are generated once per profile and kept, like a cluster's.
write_config() {
  mkdir -p "$DIR/data"
  if [[ ! -f "$ENV_FILE" && -n "$KAFKA_JOIN" ]]; then
    (umask 077 && printf 'KAFKA_ADMIN_PASSWORD=%s\nKAFKA_CLUSTER_ID=%s\n' \
      "${KAFKA_ADMIN_PASSWORD:?KAFKA_JOIN needs KAFKA_ADMIN_PASSWORD of the cluster}" \
      "${KAFKA_JOIN%%@*}" >"$ENV_FILE")
  elif [[ ! -f "$ENV_FILE" ]]; then
    (umask 077 && printf 'KAFKA_ADMIN_PASSWORD=%s\nKAFKA_CLUSTER_ID=%s\n' \
      "$(openssl rand -hex 16)" "$(tool kafka.tools.StorageTool random-uuid)" >"$ENV_FILE")
  fi
  # shellcheck disable=SC1090
  source "$ENV_FILE"
  local roles="broker,controller" voters="1@127.0.0.1:$KAFKA_CONTROLLER_PORT"
  local controller_listener=",CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT"
  if [[ -n "$KAFKA_JOIN" ]]; then
    roles="broker" voters="1@${KAFKA_JOIN#*@}" controller_listener=""
  fi
  local tls_listener="" tls_map=""
  if [[ -n "$KAFKA_TLS_DIR" ]]; then
    [[ -f "$KAFKA_TLS_DIR/broker.pem" && -f "$KAFKA_TLS_DIR/ca.crt" ]] ||
      die "KAFKA_TLS_DIR=$KAFKA_TLS_DIR needs broker.pem and ca.crt"
    tls_listener=",SASL_SSL://127.0.0.1:$KAFKA_SSL_PORT" tls_map=",SASL_SSL:SASL_SSL"
  fi
  cat >"$DIR/server.properties" <<PROPS
process.roles=$roles
node.id=$KAFKA_NODE_ID
controller.quorum.voters=$voters
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PORT$tls_listener$controller_listener
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PORT$tls_listener
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT$tls_map
inter.broker.listener.name=PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
# ANONYMOUS is who the PLAINTEXT and CONTROLLER listeners see, the broker itself included.
super.users=User:admin;User:ANONYMOUS
allow.everyone.if.no.acl.found=false
log.dirs=$DIR/data
# The operator creates topics; a typo in a test must not create one silently.
auto.create.topics.enable=false
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
# Kafka 4.4.0 loses every SCRAM credential when it replays, at start, a metadata log holding a
# credential removal with no snapshot holding the credentials before it (ScramDelta.apply drops
# the mechanism when its user map empties mid-iteration; tests/integration/kafka-scram-restart).
# A snapshot soon after changes (default: 1 hour) puts the admin in every replay's first image.
# KRaft writes a no-op record every 500 ms, so that is one snapshot per interval: keep an hour.
metadata.log.max.snapshot.interval.ms=$KAFKA_SNAPSHOT_INTERVAL_MS
metadata.max.retention.ms=3600000
PROPS
  if [[ -n "$KAFKA_TLS_DIR" ]]; then
    # What the operator renders for a TLS listener (kraft-config.ts tlsConfigLines), PEM files.
    cat >>"$DIR/server.properties" <<PROPS
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PEM
ssl.keystore.location=$KAFKA_TLS_DIR/broker.pem
ssl.truststore.type=PEM
ssl.truststore.location=$KAFKA_TLS_DIR/ca.crt
ssl.client.auth=none
PROPS
  fi
  (umask 077 && cat >"$DIR/admin-sasl.properties" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$KAFKA_ADMIN_PASSWORD";
PROPS
  )
}

# format_storage: once, with the admin's SCRAM credential in the first metadata records, so the
# SASL listener accepts it from the very first start (there is no other way in before that).
format_storage() {
  [[ -f "$DIR/data/meta.properties" ]] && return 0
  log "formatting KRaft storage (cluster ID $KAFKA_CLUSTER_ID)"
  # A joining broker gets the credentials from the controller's metadata.
  local scram=(--add-scram "SCRAM-SHA-512=[name=admin,password=$KAFKA_ADMIN_PASSWORD]")
  [[ -z "$KAFKA_JOIN" ]] || scram=()
  tool kafka.tools.StorageTool format --config "$DIR/server.properties" \
    --cluster-id "$KAFKA_CLUSTER_ID" "${scram[@]}" >"$DIR/format.log" 2>&1 ||
    die "formatting failed: $DIR/format.log"
}

# ready: both client listeners accept connections and the broker said it finished starting.
ready() {
  { [[ -z "$KAFKA_TLS_DIR" ]] || (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_SSL_PORT") 2>/dev/null; } &&
    (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_SASL_PORT") 2>/dev/null &&
    (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null &&
    grep -q "Kafka Server started" "$STATE/logs/kafka.log"
}

running() { [[ -f "$STATE/pids/kafka.pid" ]] && kill -0 "$(cat "$STATE/pids/kafka.pid")" 2>/dev/null; }

start() {
  ensure_java
  ensure_libs
  if running && ready; then
    log "Kafka ($PILOTHOUSE_PROFILE) already running on 127.0.0.1:$KAFKA_PORT"
    return 0
  fi
  stop_bg kafka
  write_config
  format_storage
  log "starting Kafka $KAFKA_VERSION (KRaft, node $KAFKA_NODE_ID) on 127.0.0.1:$KAFKA_PORT and :$KAFKA_SASL_PORT"
  local start=$SECONDS
  # shellcheck disable=SC2086 # the option strings are lists of words
  start_bg kafka "$(java_bin)" $KAFKA_HEAP_OPTS $KAFKA_JVM_OPTS \
    -Dlog4j2.configurationFile="$here/kafka/log4j2.properties" \
    -cp "$LIBS/*" kafka.Kafka "$DIR/server.properties"
  wait_for kafka 120 ready
  write_env
  log "Kafka ready in $((SECONDS - start))s: bootstrap 127.0.0.1:$KAFKA_PORT (PLAINTEXT), 127.0.0.1:$KAFKA_SASL_PORT (SCRAM-SHA-512, user admin); see $ENV_FILE"
}

# write_env: what tests read. Keeps the generated secrets, adds the addresses.
write_env() {
  (umask 077 && cat >"$ENV_FILE" <<ENV
KAFKA_ADMIN_PASSWORD=$KAFKA_ADMIN_PASSWORD
KAFKA_CLUSTER_ID=$KAFKA_CLUSTER_ID
KAFKA_VERSION=$KAFKA_VERSION
KAFKA_ADMIN_USER=admin
KAFKA_SASL_MECHANISM=SCRAM-SHA-512
KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT
KAFKA_SASL_BOOTSTRAP=127.0.0.1:$KAFKA_SASL_PORT
KAFKA_ADMIN_CLIENT_CONFIG=$DIR/admin-sasl.properties
KAFKA_LIBS=$LIBS
${KAFKA_TLS_DIR:+KAFKA_SSL_BOOTSTRAP=127.0.0.1:$KAFKA_SSL_PORT}
ENV
  )
}

case "${1:-}" in
  start) start ;;
  stop) stop_bg kafka; log "Kafka ($PILOTHOUSE_PROFILE) stopped" ;;
  reset) stop_bg kafka; rm -rf "$DIR" "$ENV_FILE"; log "Kafka data of $PILOTHOUSE_PROFILE removed" ;;
  status) if running && ready; then echo "kafka 127.0.0.1:$KAFKA_PORT running"; else echo "kafka not running"; fi ;;
  tool) shift; [[ $# -ge 1 ]] || die "usage: $0 tool <main class> [args...]"; ensure_libs; tool "$@" ;;
  *) echo "usage: $0 start | stop | reset | status | tool <main class> [args...]" >&2; exit 2 ;;
esac
