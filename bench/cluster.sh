#!/usr/bin/env bash
# Cluster benchmark: claims per second with 3 nodes x 16 workers on one PostgreSQL against no-op jobs, and submit
# latency under that load. Starts a throwaway PostgreSQL from Debian's packages (installs them if missing).
# Usage: bench/cluster.sh [jobs]   (prints figures; takes a minute or two)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
PG_DIR="$(mktemp -d /tmp/kino-bench-pg-XXXXXX)"
PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
as_pg "$PG_BIN/initdb" -D "$PG_DIR" --auth=trust -U kino -E UTF8 >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200" -w start >/dev/null
trap 'as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -m immediate stop >/dev/null 2>&1 || true' EXIT
as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U kino -d postgres -qc "CREATE DATABASE kino_bench" >/dev/null

bash ./kino build
JAVA_HOME="$(bash ./kino java-home)"
mkdir -p server/target/bench && "$JAVA_HOME/bin/javac" -nowarn -d server/target/bench -cp "server/target/kino.jar:server/target/lib/*" bench/BenchServer.java bench/ClusterBench.java
"$JAVA_HOME/bin/java" -cp "server/target/bench:server/target/kino.jar:server/target/lib/*" ClusterBench "postgresql://kino@127.0.0.1:$PG_PORT/kino_bench" "$@"
