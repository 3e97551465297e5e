#!/usr/bin/env bash
# Runs every test of every module: unit tests, the architecture test and the end-to-end tests against real
# PostgreSQL and Redis. The servers are the ones DATABASE_URL and REDIS_URL name when set; otherwise the
# tests start embedded ones themselves. Extra arguments go to Maven (e.g. -o for offline).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
echo "Using JDK at $JAVA_HOME"
exec ./mvnw -B verify "$@"
