#!/usr/bin/env bash
# Rebuilds the service, copies the API document its build exports over the committed one (openapi/openapi.yaml),
# regenerates the Java client from it and lints it. Review `git diff openapi/` before committing: the document is
# the contract that generated clients are built from.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
./mvnw -B -q install -DskipTests -DskipITs -pl bootstrap -am "$@"
cp bootstrap/target/openapi/openapi.yaml openapi/openapi.yaml
./mvnw -B -q install -DskipTests -pl api-client "$@"
scripts/lint-openapi.sh
git --no-pager diff --stat -- openapi/openapi.yaml
