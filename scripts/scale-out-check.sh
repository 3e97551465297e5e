#!/usr/bin/env bash
# The scale-out check: three coordinator processes over one PostgreSQL and one Redis (started by the check on free
# ports, under target/scale-out), bots spread across them, a few thousand tasks, one replica killed with SIGKILL
# and restarted, Redis stopped and started, a bot moved to another replica; then invariants over the database
# and the bots' records. Exits non-zero on any violation. Options: --tasks --bots --slots --timeout-seconds
# --report (see benchmark/src/main/java/io/clawbot/coordinator/benchmark/ScaleOutCheck.java).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
./mvnw -B -q install -DskipTests -pl bootstrap,benchmark -am
rm -rf target/scale-out
exec java -cp "benchmark/target/benchmark-0.1.0-SNAPSHOT.jar:benchmark/target/lib/*" \
    io.clawbot.coordinator.benchmark.ScaleOutCheck "$@"
