#!/usr/bin/env bash
# A peer on the same machine for comparison: runs graphile-worker with the worker settings of its own perfTest
# (perfTest/graphile.config.js and perfTest/run.js in github.com/graphile/worker: 4 worker processes, 24 concurrent
# jobs each, a pool of 25 connections each, local queue of 500 with a 10 ms refetch delay, completions and
# failures batched with a 0 ms delay) over --jobs no-op jobs, and prints its enqueue and burn-down rates. With
# --with-service it first runs the coordinator's own burn-down over the same number of tasks (scripts/benchmark.sh
# --mode burn-down; start the coordinator first with scripts/run.sh) and prints the ratio of the two; with
# --service-report FILE it takes the coordinator's figures from an earlier burn-down report instead.
#
# graphile-worker and pg come from the npm registry at the versions pinned below, installed on first use into
# target/peer/graphile-worker/ (git-ignored). The runner is scripts/peer/graphile-worker-bench.mjs. Needs Node.js
# 18.14 or later and npm.
#
# graphile-worker's run: the database --database (graphile_bench) on the server of --db-url (default: the embedded
# PostgreSQL that scripts/run.sh starts, postgresql://postgres@127.0.0.1:15432/postgres, trust authentication) is
# dropped and created again, graphile-worker's schema installed, the jobs added with graphile_worker.add_jobs in
# batches of 1,000, four calls in flight (as the coordinator's burn-down benchmark enqueues), then the workers
# started; the burn-down rate is the jobs over the time from the workers' start to the last completion committed.
# Writes target/peer/graphile-worker-report.json (--report), with the coordinator's figures and the ratios when it
# has them.
#
# Options: --with-service, --service-report FILE, --db-url URL, --database NAME (graphile_bench), --jobs N (20000),
# --processes N (4), --concurrency N (24, per process), --max-pool-size N (concurrency + 1), --local-queue N (500;
# 0 turns the local queue off), --refetch-delay-ms N (10), --complete-batch-delay-ms N (0; -1 turns batching off),
# --fail-batch-delay-ms N (0), --batch N (1000), --batches-in-flight N (4), --timeout-seconds N (300), --report FILE.
# Arguments after -- go to scripts/benchmark.sh for the coordinator's run (e.g. -- --bots 10 --slots 4 --label x).
#
# Example: scripts/run.sh in one terminal, then scripts/peer-graphile-worker.sh --with-service in another.
set -euo pipefail
cd "$(dirname "$0")/.."

graphile_worker_version=0.17.3
pg_version=8.23.1
install_dir=target/peer/graphile-worker

with_service=false
service_report=
jobs=20000
runner_args=()
service_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --with-service) with_service=true; shift ;;
        --service-report) service_report="$2"; shift 2 ;;
        --jobs) jobs="$2"; runner_args+=(--jobs "$2"); shift 2 ;;
        --db-url|--database|--processes|--concurrency|--max-pool-size|--local-queue|--refetch-delay-ms| \
        --complete-batch-delay-ms|--fail-batch-delay-ms|--batch|--batches-in-flight|--timeout-seconds|--report)
            [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; }
            runner_args+=("$1" "$2"); shift 2 ;;
        --) shift; service_args=("$@"); break ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
    esac
done

command -v node >/dev/null && command -v npm >/dev/null || { echo "Node.js and npm are needed" >&2; exit 1; }

installed() { # package name -> installed version, or nothing
    node -e 'try { process.stdout.write(require(process.argv[1]).version) } catch (e) {}' \
        "$PWD/$install_dir/node_modules/$1/package.json"
}
if [ "$(installed graphile-worker)" != "$graphile_worker_version" ] || [ "$(installed pg)" != "$pg_version" ]; then
    echo "Installing graphile-worker $graphile_worker_version and pg $pg_version into $install_dir"
    mkdir -p "$install_dir"
    printf '{\n  "name": "peer-graphile-worker",\n  "private": true\n}\n' >"$install_dir/package.json"
    (cd "$install_dir" && npm install --no-audit --no-fund --loglevel=error --save-exact \
        "graphile-worker@$graphile_worker_version" "pg@$pg_version")
fi

if $with_service; then
    service_report=${service_report:-target/peer/service-burn-down.json}
    echo "The coordinator's burn-down of $jobs tasks (scripts/benchmark.sh --mode burn-down)"
    scripts/benchmark.sh --mode burn-down --tasks "$jobs" --report "$service_report" ${service_args[@]+"${service_args[@]}"}
    echo
elif [ ${#service_args[@]} -gt 0 ]; then
    echo "arguments after -- are for the coordinator's run: add --with-service" >&2
    exit 2
fi
if [ -n "$service_report" ]; then
    [ -f "$service_report" ] || { echo "no report at $service_report" >&2; exit 1; }
    runner_args+=(--service-report "$service_report")
fi

exec node scripts/peer/graphile-worker-bench.mjs --modules "$install_dir" ${runner_args[@]+"${runner_args[@]}"}
