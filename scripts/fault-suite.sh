#!/usr/bin/env bash
# The fault suite: failures a bot fleet meets, each played against three coordinator processes over one
# PostgreSQL and one Redis (started by the suite on free ports, under target/faults, with each replica's log), with
# the scale-out check's invariants and each scenario's own promises checked afterwards. Prints a table (scenario,
# tasks, lost, done twice, violations, recovery time), writes target/fault-report.json, exits non-zero on any
# violation. docs/faults.md says what each scenario proves.
#   scripts/fault-suite.sh                          # every scenario
#   scripts/fault-suite.sh --quick true             # the quick ones (scripts/test.sh runs these)
#   scripts/fault-suite.sh --only silent-bot,poison-task
# --no-build, first, uses the jars a build has just made. The clock-skew scenario (not quick) compiles a small
# LD_PRELOAD library with gcc.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
if [ "${1:-}" = "--no-build" ]; then
    shift
else
    ./mvnw -B -q install -DskipTests -pl bootstrap,benchmark -am
fi
rm -rf target/faults
exec java -cp "benchmark/target/benchmark-0.1.0-SNAPSHOT.jar:benchmark/target/lib/*" \
    io.clawbot.coordinator.benchmark.FaultSuite "$@"
