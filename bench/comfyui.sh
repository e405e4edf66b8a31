#!/usr/bin/env bash
# ComfyUI engine overhead: Kino against 4 instant fake ComfyUI servers, side by side with a bare client driving
# the same fakes with no queue (the floor): submit-to-completed p50/p99 one job at a time, jobs per second.
# Then what matters for a GPU: 1-second jobs with a backlog, each server's busy share and the gap between prompts.
# Usage: bench/comfyui.sh [latency-jobs] [throughput-jobs]   (prints figures; takes about a minute and a half)
#        bench/comfyui.sh busy                               (the busy-share run alone)
# KINO_BENCH_COMFYUI_FLAGS adds flags to the busy-share run's `kino serve` (e.g. --comfyui-queue-depth 1).
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
