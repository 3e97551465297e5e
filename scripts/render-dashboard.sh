#!/usr/bin/env bash
# Draws docs/dashboard.svg: deploy/'s Grafana dashboard during a benchmark run. Starts the coordinator on embedded
# PostgreSQL and Redis (scripts/run.sh, with fresh data), a Prometheus server (Debian package prometheus) scraping
# it every 2 s, runs the benchmark (saturated, then paced), and renders every panel's queries over the run with
# scripts/render-dashboard.py. Needs the built jars (./mvnw install -DskipTests) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
work=target/dashboard-render
rm -rf "$work" .clawbot-data
mkdir -p "$work"
command -v prometheus >/dev/null || { echo "prometheus is not installed (Debian package prometheus)" >&2; exit 1; }

cat > "$work/prometheus.yml" <<YAML
global:
  scrape_interval: 2s
scrape_configs:
  - job_name: clawbot/clawbot-coordinator
    metrics_path: /q/metrics
    static_configs:
      - targets: ["127.0.0.1:9000"]
        labels:
          pod: clawbot-coordinator-0
YAML

cleanup() {
    [ -n "${coordinator:-}" ] && kill "$coordinator" 2>/dev/null || true
    [ -n "${prom:-}" ] && kill "$prom" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT

COORDINATOR_METRICS_QUEUE_INTERVAL=2s scripts/run.sh > "$work/coordinator.log" 2>&1 &
coordinator=$!
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
    --web.listen-address=127.0.0.1:9091 > "$work/prometheus.log" 2>&1 &
prom=$!
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:9000/q/health/ready >/dev/null && break; sleep 1; done
sleep 10
start=$(date +%s)
scripts/benchmark.sh --bots 10 --slots 4 --tasks 20000 --report "$work/saturated.json"
sleep 10
scripts/benchmark.sh --bots 10 --slots 4 --tasks 3000 --concurrency 1 --report "$work/paced.json"
sleep 15
end=$(date +%s)
python3 scripts/render-dashboard.py --prometheus http://127.0.0.1:9091 --start "$start" --end "$end" --step 4 \
    --out docs/dashboard.svg \
    --caption "ClawBot Coordinator dashboard (deploy/kubernetes/monitoring/dashboard.json) over a benchmark run on one replica: 20,000 tasks saturated, then 3,000 paced; rendered by scripts/render-dashboard.sh on $(date -u +%Y-%m-%d)"
