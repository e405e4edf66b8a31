#!/usr/bin/env bash
# ComfyUI engine overhead: Kino against 4 instant fake ComfyUI servers, side by side with a bare client driving
# the same fakes with no queue (the floor): submit-to-completed p50/p99 one job at a time, jobs per second.
# Usage: bench/comfyui.sh [latency-jobs] [throughput-jobs]   (prints figures; takes about a minute)
set -euo pipefail
cd "$(dirname "$0")/.."
bash ./kino build
JAVA_HOME="$(bash ./kino java-home)"
export PATH="$JAVA_HOME/bin:$PATH"
# The fake ComfyUI servers are the test suite's (server/src/test): compile them too.
(bash ./mvnw -q -B -ntp -DskipTests -Dspotless.check.skip=true -pl server -am test-compile) 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' >&2
cp="server/target/kino.jar:server/target/lib/*:server/target/test-classes"
mkdir -p server/target/bench && javac -nowarn -d server/target/bench -cp "$cp" bench/BenchServer.java bench/ComfyBench.java
exec java -Xmx1g --enable-native-access=ALL-UNNAMED -cp "server/target/bench:$cp" ComfyBench "$@"
