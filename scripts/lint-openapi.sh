#!/usr/bin/env bash
# Lints the committed API document (openapi/openapi.yaml) with Spectral's spectral:oas ruleset and fails on any
# warning. Spectral comes from the npm registry at the version openapi/package-lock.json pins.
set -euo pipefail
cd "$(dirname "$0")/../openapi"
if [ ! -x node_modules/.bin/spectral ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity=hint openapi.yaml
