#!/usr/bin/env bash
# Fair queueing benchmark: key A queues N jobs, then key B queues 5, on one worker; first-come (fifo) against fair.
# Usage: bench/fairness.sh [N]   (default 100; prints B's wait in job starts and seconds; the fifo run takes a minute)
set -euo pipefail
cd "$(dirname "$0")/.."
bash ./kino build
JAVA_HOME="$(bash ./kino java-home)"
mkdir -p server/target/bench && "$JAVA_HOME/bin/javac" -nowarn -d server/target/bench -cp "server/target/kino.jar:server/target/lib/*" bench/BenchServer.java bench/FairnessBench.java
exec "$JAVA_HOME/bin/java" -cp "server/target/bench:server/target/kino.jar:server/target/lib/*" FairnessBench "$@"
