#!/usr/bin/env bash
# Many idle bots on a running coordinator (start it first with scripts/run.sh): registers N bots, connects them all
# at once over real WebSockets, holds them while they heartbeat, and prints the connect rate, the database commits
# per second and, with --pid (the coordinator's process id), its resident memory and live heap per bot; writes
# target/idle-bots-report.json. Options: --url --bots (1000) --hold-seconds (45) --pid --db --label (see
# benchmark/src/main/java/io/clawbot/coordinator/benchmark/IdleBots.java).
set -euo pipefail
exec "$(dirname "$0")/benchmark.sh" --main IdleBots "$@"
