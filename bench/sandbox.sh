#!/usr/bin/env bash
# Sandbox speed: sandbox vs the ffmpeg command line on the same clip, fps at 720p/1080p, peak heap for 15 s 1080p.
# Usage: bench/sandbox.sh [runs]   (installs Debian's ffmpeg for the comparison if it is missing)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v ffmpeg >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq ffmpeg >/dev/null
fi
bash ./kino build
JAVA_HOME="$(bash ./kino java-home)"
exec "$JAVA_HOME/bin/java" -Xmx1g -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true \
  -cp "server/target/kino.jar:server/target/lib/*" bench/SandboxBench.java "$@"
