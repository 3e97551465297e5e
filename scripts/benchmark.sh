#!/usr/bin/env bash
# Benchmarks a running coordinator (start it first with scripts/run.sh): simulated bots over real WebSockets,
# task submissions over HTTP. Prints throughput, dispatch latency and database commits per task, and writes
# target/benchmark-report.json. Options: --url --bots --slots --tasks --concurrency --db --report --mode
# (submit; paced, with --rate: submissions at a fixed rate; burn-down: create the tasks with the batch endpoint
# first, then connect the bots; enqueue: the batch creations only) --batch --batch-concurrency --timeout-seconds
# (see benchmark/src/main/java/io/clawbot/coordinator/benchmark/Benchmark.java).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
jar=benchmark/target/benchmark-0.1.0-SNAPSHOT.jar
# --main <class> runs another benchmark of the module (scripts/claim-latency.sh, scripts/idle-bots.sh).
main=Benchmark
if [ "${1:-}" = "--main" ]; then
    main="$2"
    shift 2
fi
if [ "${1:-}" = "--rebuild" ] || [ ! -f "$jar" ]; then
    [ "${1:-}" = "--rebuild" ] && shift
    ./mvnw -B -q install -DskipTests -pl benchmark -am
fi
exec java -cp "$jar:benchmark/target/lib/*" "io.clawbot.coordinator.benchmark.$main" "$@"
