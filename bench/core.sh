#!/usr/bin/env bash
# Core latency benchmark: submit/status latency with 10,000 stored jobs, submit-to-start, idle RSS.
# Usage: bench/core.sh [stored-jobs]   (prints figures; takes about a minute)
set -euo pipefail
cd "$(dirname "$0")/.."
bash ./kino build
JAVA_HOME="$(bash ./kino java-home)"
mkdir -p server/target/bench && "$JAVA_HOME/bin/javac" -nowarn -d server/target/bench -cp "server/target/kino.jar:server/target/lib/*" bench/BenchServer.java bench/CoreBench.java
exec "$JAVA_HOME/bin/java" -cp "server/target/bench:server/target/kino.jar:server/target/lib/*" CoreBench "$@"
