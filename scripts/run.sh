#!/usr/bin/env bash
# Runs the coordinator locally on http://localhost:8080.
# Without DATABASE_URL / REDIS_URL it starts a real PostgreSQL (data kept in $CLAWBOT_DATA_DIR, default
# .clawbot-data/) and a real Redis first; with them set it uses those servers.
# Builds the application on first use; `scripts/run.sh --rebuild` rebuilds it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh

app=bootstrap/target/quarkus-app/quarkus-run.jar
launcher=embedded-services/target/embedded-services-0.1.0-SNAPSHOT.jar
if [ "${1:-}" = "--rebuild" ] || [ ! -f "$app" ] || [ ! -f "$launcher" ]; then
    echo "Building the coordinator (first run takes a few minutes: Maven downloads its dependencies)..."
    ./mvnw -B -q install -DskipTests
fi
exec java -cp "$launcher:embedded-services/target/lib/*" io.clawbot.coordinator.embedded.LocalCoordinator "$app"
