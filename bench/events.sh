#!/usr/bin/env bash
# Live-status benchmark: 2,000 concurrent SSE streams held (memory per stream), event latency from a state
# change to the client, and the cost of queue_position with 100,000 queued jobs.
# Usage: bench/events.sh [streams] [queued]   (prints figures; takes about two minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
bash ./kino build
JAVA_HOME="$(bash ./kino java-home)"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
mkdir -p server/target/bench && "$JAVA_HOME/bin/javac" -nowarn -d server/target/bench -cp "server/target/kino.jar:server/target/lib/*" bench/BenchServer.java bench/EventsBench.java
exec "$JAVA_HOME/bin/java" -Xmx1g -cp "server/target/bench:server/target/kino.jar:server/target/lib/*" EventsBench "$@"
