#!/usr/bin/env bash
# Shows that data survives a restart of the coordinator: starts it (scripts/run.sh, so embedded servers
# unless DATABASE_URL / REDIS_URL are set), registers a bot, stops it, starts it again and reads the bot back.
# Needs curl and a free port 8080. Exits non-zero if the bot is gone.
set -euo pipefail
cd "$(dirname "$0")/.."
name="restart-check-$(date +%s)-$$"
log=$(mktemp)

start() {
    scripts/run.sh >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do
        curl -sf http://localhost:8080/q/health/ready >/dev/null 2>&1 && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "coordinator exited" >&2; exit 1; }
        sleep 1
    done
    cat "$log"; echo "coordinator did not become ready" >&2; exit 1
}

stop() {
    kill -TERM "$pid"
    wait "$pid" || true
}

start
id=$(curl -sf -X POST http://localhost:8080/api/v1/bots -H 'Content-Type: application/json' \
    -d "{\"name\": \"$name\", \"capabilities\": [\"check\"]}" | sed -E 's/.*"id":"([^"]+)".*/\1/')
echo "registered bot $name ($id); restarting"
stop
start
if curl -sf "http://localhost:8080/api/v1/bots/$id" | grep -q "\"name\":\"$name\""; then
    echo "bot $name is still there after the restart"
    curl -sf -X DELETE "http://localhost:8080/api/v1/bots/$id" >/dev/null
    stop
else
    stop
    echo "bot $name is gone after the restart" >&2
    exit 1
fi
