#!/usr/bin/env bash
# How a bot's wait for its next task grows with the backlog, against a running coordinator (start it first with
# scripts/run.sh): for each backlog size it creates that many pending tasks through the batch endpoint and times
# one-slot bots taking tasks one after another. Prints p50 and p99 per backlog and the ratio of the largest to the
# smallest; writes target/claim-latency-report.json. Options: --url --backlogs (1000,1000000) --claims --db
# (the run's tasks are deleted from it at the end) --label (see
# benchmark/src/main/java/io/clawbot/coordinator/benchmark/ClaimLatency.java).
set -euo pipefail
exec "$(dirname "$0")/benchmark.sh" --main ClaimLatency "$@"
