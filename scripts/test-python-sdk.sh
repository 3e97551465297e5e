#!/usr/bin/env bash
# Runs the Python bot SDK's tests (sdk/python, pytest) against a real coordinator started here for them: the jars
# already built (./mvnw install -DskipTests, or scripts/test.sh's build), with its own embedded PostgreSQL and
# Redis on free ports and its data in target/python-sdk-test (fresh each run; the coordinator's log is there).
# Needs a python3 with websockets (>= 10.4) and pytest: Debian's python3-websockets and python3-pytest
# (PYTHON=... picks the interpreter). Extra arguments go to pytest (e.g. -k reconnect).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh

python=""
for candidate in ${PYTHON:-} /usr/bin/python3 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "import websockets, pytest" 2>/dev/null; then
        python=$candidate
        break
    fi
done
if [ -z "$python" ]; then
    echo "No python3 with websockets and pytest: install Debian's python3-websockets and python3-pytest" >&2
    exit 1
fi

app=bootstrap/target/quarkus-app/quarkus-run.jar
launcher=embedded-services/target/embedded-services-0.1.0-SNAPSHOT.jar
if [ ! -f "$app" ] || [ ! -f "$launcher" ]; then
    echo "No built coordinator: run ./mvnw install -DskipTests first" >&2
    exit 1
fi
data=target/python-sdk-test
rm -rf "$data"
mkdir -p "$data"
free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
http=$(free_port)
management=$(free_port)
env -u DATABASE_URL -u REDIS_URL CLAWBOT_DATA_DIR="$data" CLAWBOT_EMBEDDED_PG_PORT="$(free_port)" \
    CLAWBOT_EMBEDDED_REDIS_PORT="$(free_port)" QUARKUS_HTTP_PORT="$http" QUARKUS_MANAGEMENT_PORT="$management" \
    java -cp "$launcher:embedded-services/target/lib/*" io.clawbot.coordinator.embedded.LocalCoordinator "$app" \
    >"$data/coordinator.log" 2>&1 &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$management/q/health/ready" >/dev/null 2>&1 && [ -s "$data/admin-key" ] && break
    kill -0 "$pid" 2>/dev/null || { tail -50 "$data/coordinator.log"; echo "the coordinator exited" >&2; exit 1; }
    sleep 1
done
[ -s "$data/admin-key" ] || { tail -50 "$data/coordinator.log"; echo "the coordinator did not start" >&2; exit 1; }
echo "Python SDK tests ($("$python" --version), websockets $("$python" -c 'import websockets; print(websockets.__version__)')) against http://127.0.0.1:$http"
CLAWBOT_URL="http://127.0.0.1:$http" CLAWBOT_KEY="$(cat "$data/admin-key")" \
    "$python" -m pytest -q -p no:cacheprovider sdk/python/tests "$@"
