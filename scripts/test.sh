#!/usr/bin/env bash
# Lints the committed API document, then runs every test of every module: unit tests, the architecture test and
# the end-to-end tests against real PostgreSQL and Redis (and promtool and kubectl for deploy/'s monitoring). The
# servers are the ones DATABASE_URL and REDIS_URL name when set; otherwise the tests start embedded ones
# themselves. Extra arguments go to Maven (e.g. -o for offline). Then the scale-out check (three coordinator
# processes, their own PostgreSQL and Redis) on the jars just built (SCALE_OUT_CHECK=0 leaves it out), the Python
# SDK's tests (scripts/test-python-sdk.sh), the fault suite's quick scenarios (FAULT_SUITE=0 leaves them out), and
# last Quarkus's native build steps.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
echo "Using JDK at $JAVA_HOME"
scripts/lint-openapi.sh
./mvnw -B verify "$@"
if [ "${SCALE_OUT_CHECK:-1}" != "0" ]; then
    scripts/scale-out-check.sh --no-build
fi
if [ "${FAULT_SUITE:-1}" != "0" ]; then
    scripts/fault-suite.sh --no-build --quick true
fi
# The Python bot SDK's tests (pytest) against a coordinator of their own, started from the jars just built.
scripts/test-python-sdk.sh
# Quarkus's native build steps without GraalVM (about a minute): a change that breaks what the native image
# needs (reflection, resources, build-time initialisation) fails here rather than on a machine with GraalVM. Last,
# because it replaces the runnable jar the scale-out check starts.
./mvnw -B -q package -pl bootstrap -am -DskipTests -DskipITs -Dquarkus.native.enabled=true \
    -Dquarkus.native.sources-only=true "$@"
