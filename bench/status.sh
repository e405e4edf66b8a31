#!/usr/bin/env bash
# What a key check costs: the status route's throughput beside /healthz, in one run, as a ratio (wrk, 32 connections).
# Usage: bench/status.sh [seconds-per-round]   (default 10; installs Debian's wrk if it is missing; about a minute)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk > /dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q wrk > /dev/null; else sudo apt-get install -y -q wrk > /dev/null; fi
fi
bash ./kino build
JAVA_HOME="$(bash ./kino java-home)"
mkdir -p server/target/bench && "$JAVA_HOME/bin/javac" -nowarn -d server/target/bench -cp "server/target/kino.jar:server/target/lib/*" bench/BenchServer.java bench/StatusBench.java
exec "$JAVA_HOME/bin/java" -cp "server/target/bench:server/target/kino.jar:server/target/lib/*" StatusBench "$@"
