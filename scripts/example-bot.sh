#!/usr/bin/env bash
# Runs the example bot (bot-client's ExampleBot): it connects to the coordinator's WebSocket and echoes its tasks.
#   BOT_TOKEN=<token from POST /api/v1/bots> scripts/example-bot.sh
# Environment (or KEY=value arguments): COORDINATOR_URL (default ws://localhost:8080/api/v1/ws/control; several replicas comma-separated),
# BOT_TOKEN (required), BOT_SLOTS (default 1). A task payload with "sleep_ms": n takes n ms; "fail": true fails.
# Builds the bot client on first use; `scripts/example-bot.sh --rebuild` rebuilds it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh

jar=bot-client/target/bot-client-0.1.0-SNAPSHOT.jar
if [ "${1:-}" = "--rebuild" ]; then
    shift
    rm -f "$jar"
fi
if [ ! -f "$jar" ] || [ ! -d bot-client/target/lib ]; then
    echo "Building the bot client..."
    ./mvnw -B -q install -DskipTests -pl bot-client -am
fi
exec java -cp "$jar:bot-client/target/lib/*" io.clawbot.coordinator.botclient.example.ExampleBot "$@"
