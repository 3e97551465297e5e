#!/usr/bin/env bash
# The scale-out check: three coordinator processes over one PostgreSQL and one Redis (started by the check on free
# ports, under target/scale-out, with each replica's log), bots spread across them, and four phases:
#   1. a probe bot on replica 2 alone: the latency of tasks submitted through replica 2, through replica 1 (Redis
#      work hint) and through replica 1 with Redis stopped (dispatch tick), reported and never asserted; and,
#      while Redis is up, a manual assign and a cancel through replica 1, which must reach the bot by its relay;
#   2. a few thousand tasks while one replica is killed with SIGKILL and restarted, Redis is stopped and started,
#      a bot is moved to another replica, and Redis is emptied (FLUSHALL);
#   3. a second batch during a rolling restart (SIGTERM to each replica in turn), in which no attempt may end by
#      a timeout;
#   4. thirty bots of their own, ten on each replica, racing over the tasks of one concurrency key with a limit of
#      5: the history must show exactly 5 of them held at the most.
# After each batch, invariants over the database and the bots' records. Prints the figures and the wall time,
# writes target/scale-out-report.json, exits non-zero on any violation. Options: --tasks --rolling-tasks
# --keyed-tasks --phases (chaos,keyed) --bots --slots --timeout-seconds --report (see benchmark/src/main/java/io/clawbot/coordinator/benchmark/ScaleOutCheck.java).
# --no-build, first, uses the jars a build has just made (scripts/test.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
if [ "${1:-}" = "--no-build" ]; then
    shift
else
    ./mvnw -B -q install -DskipTests -pl bootstrap,benchmark -am
fi
rm -rf target/scale-out
exec java -cp "benchmark/target/benchmark-0.1.0-SNAPSHOT.jar:benchmark/target/lib/*" \
    io.clawbot.coordinator.benchmark.ScaleOutCheck "$@"
