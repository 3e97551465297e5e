#!/usr/bin/env bash
# Shows that data survives a restart of the coordinator: starts it (scripts/run.sh, so embedded servers
# unless DATABASE_URL / REDIS_URL are set), registers a bot and two every-minute schedules (misfire policies
# skip and fire_once), stops it across a minute boundary, starts it again and checks that the bot and the
# schedules are back and that the missed occurrence was handled by each policy: none for skip, exactly one task
# for fire_once. Takes about two minutes. Needs curl and free ports 8080 and 9000; the
# API key comes from CLAWBOT_KEY, else from the data folder's admin-key file. Exits non-zero on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."
name="restart-check-$(date +%s)-$$"
log=$(mktemp)

start() {
    # A one-second misfire threshold, so that one missed minute already counts as downtime.
    COORDINATOR_SCHEDULES_MISFIRE_THRESHOLD=1s scripts/run.sh >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do
        curl -sf http://localhost:9000/q/health/ready >/dev/null 2>&1 && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "coordinator exited" >&2; exit 1; }
        sleep 1
    done
    cat "$log"; echo "coordinator did not become ready" >&2; exit 1
}

stop() {
    kill -TERM "$pid"
    wait "$pid" || true
    pid=
}

pid=
# Whatever happens, do not leave a coordinator running.
trap 'if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi; true' EXIT

api=http://localhost:8080/api/v1

schedule() { # name, misfire policy, task type -> schedule id
    curl -sf -H "Authorization: Bearer $key" -X POST "$api/schedules" -H 'Content-Type: application/json' -d "{\"name\": \"$1\", \
\"cron\": \"* * * * *\", \"misfire_policy\": \"$2\", \"template\": {\"type\": \"$3\"}}" \
        | sed -E 's/.*"id":"([^"]+)".*/\1/'
}

count_tasks() { # task type -> number of tasks
    curl -sf -H "Authorization: Bearer $key" "$api/tasks?type=$1&limit=500" | { grep -o '"id":' || true; } | wc -l | tr -d ' '
}

fail() {
    stop
    echo "$1" >&2
    exit 1
}

start
# The API key: CLAWBOT_KEY, else the admin key the first start wrote to the data folder.
key=${CLAWBOT_KEY:-$(cat "${CLAWBOT_DATA_DIR:-.clawbot-data}/admin-key" 2>/dev/null || true)}
[ -n "$key" ] || fail "no API key: set CLAWBOT_KEY (the coordinator's database already had keys)"
# Create and stop between two minute boundaries, and stay down across the next one.
while [ "$(date +%S)" -ge 45 ] || [ "$(date +%S)" -lt 3 ]; do sleep 1; done
id=$(curl -sf -H "Authorization: Bearer $key" -X POST "$api/bots" -H 'Content-Type: application/json' \
    -d "{\"name\": \"$name\", \"capabilities\": [\"check\"]}" | sed -E 's/.*"id":"([^"]+)".*/\1/')
skip_id=$(schedule "$name-skip" skip "$name-skip")
once_id=$(schedule "$name-once" fire_once "$name-once")
echo "registered bot $name ($id) and schedules $skip_id (skip), $once_id (fire_once); restarting"
stop
sleep $((62 - 10#$(date +%S)))
start
sleep 3
curl -sf -H "Authorization: Bearer $key" "$api/bots/$id" | grep -q "\"name\":\"$name\"" || fail "bot $name is gone after the restart"
echo "bot $name is still there after the restart"
for s in "$skip_id" "$once_id"; do
    curl -sf -H "Authorization: Bearer $key" "$api/schedules/$s" | grep -q '"enabled":true' || fail "schedule $s is gone after the restart"
done
echo "both schedules are still there after the restart"
skipped=$(count_tasks "$name-skip"); once=$(count_tasks "$name-once")
echo "tasks created for the occurrence missed while down: skip $skipped, fire_once $once"
[ "$skipped" -eq 0 ] && [ "$once" -eq 1 ] || fail "expected none for skip and exactly one for fire_once"
for s in "$skip_id" "$once_id"; do curl -sf -H "Authorization: Bearer $key" -X DELETE "$api/schedules/$s" >/dev/null; done
curl -sf -H "Authorization: Bearer $key" -X DELETE "$api/bots/$id" >/dev/null
stop
echo "restart check passed"
