#!/usr/bin/env bash
# Submits one task with the Java SDK (client-sdk's SubmitExample), follows its stream and prints its outcome.
#   CLAWBOT_KEY=<api key> scripts/example-client.sh TYPE ['{"json": "payload"}']
# CLAWBOT_URL defaults to http://localhost:8080. Exit code: 0 completed, 1 failed/timed out/cancelled, 2 refused.
# Builds the SDK on first use; `scripts/example-client.sh --rebuild ...` rebuilds it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh

jar=client-sdk/target/client-sdk-0.1.0-SNAPSHOT.jar
if [ "${1:-}" = "--rebuild" ]; then
    shift
    rm -f "$jar"
fi
if [ ! -f "$jar" ] || [ ! -d client-sdk/target/lib ]; then
    echo "Building the client SDK..." >&2
    ./mvnw -B -q install -DskipTests -pl client-sdk -am
fi
exec java -cp "$jar:client-sdk/target/lib/*" io.clawbot.sdk.example.SubmitExample "$@"
