// Burn-down and enqueue rates of graphile-worker on this machine, for comparison with the coordinator's own
// burn-down (scripts/benchmark.sh --mode burn-down). Run it through scripts/peer-graphile-worker.sh, which
// installs graphile-worker and pg into a git-ignored folder and passes that folder as --modules.
//
// The run: drop and create the database --database on the server of --db-url, install graphile-worker's schema
// (runMigrations), add --jobs no-op jobs of one task identifier with graphile_worker.add_jobs in batches of
// --batch (--batches-in-flight at once), then start --processes worker processes (graphile-worker's `run`,
// each --concurrency jobs at once, with a local queue and batched completions and failures) and time them from
// the start signal to the moment the last job's completion is committed (no job left in the table). Prints the
// figures and writes them as JSON to --report; with --service-report (a report of scripts/benchmark.sh --mode
// burn-down) it adds the coordinator's figures and the ratios.
//
// graphile-worker and pg are CommonJS packages; they are loaded with a require() rooted at --modules, because
// ES module imports would look for them next to this file.

import { fork } from "node:child_process";
import { EventEmitter } from "node:events";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const defaults = {
    modules: "target/peer/graphile-worker",
    "db-url": "postgresql://postgres@127.0.0.1:15432/postgres",
    database: "graphile_bench",
    jobs: "20000",
    // The worker settings of graphile-worker's perfTest (perfTest/graphile.config.js and perfTest/run.js).
    processes: "4",
    concurrency: "24",
    "max-pool-size": "",
    "local-queue": "500",
    "refetch-delay-ms": "10",
    "complete-batch-delay-ms": "0",
    "fail-batch-delay-ms": "0",
    // The enqueue side as the coordinator's burn-down benchmark does it: batches of 1,000, four in flight.
    batch: "1000",
    "batches-in-flight": "4",
    "timeout-seconds": "300",
    report: "target/peer/graphile-worker-report.json",
    "service-report": "",
};

const TASK = "peer_noop";

function options(argv) {
    const out = { ...defaults };
    for (let i = 0; i < argv.length; i++) {
        const name = argv[i].replace(/^--/, "");
        if (!argv[i].startsWith("--") || !(name in defaults) && name !== "child") {
            throw new Error(`unknown option ${argv[i]}; options: ${Object.keys(defaults).map((k) => "--" + k).join(" ")}`);
        }
        if (name === "child") {
            out.child = true;
            continue;
        }
        if (i + 1 >= argv.length) {
            throw new Error(`${argv[i]} needs a value`);
        }
        out[name] = argv[++i];
    }
    return out;
}

function integer(opts, name) {
    const value = Number(opts[name]);
    if (!Number.isInteger(value)) {
        throw new Error(`--${name} must be an integer, got ${opts[name]}`);
    }
    return value;
}

function loader(modules) {
    const root = path.resolve(modules);
    if (!existsSync(path.join(root, "node_modules", "graphile-worker"))) {
        throw new Error(`graphile-worker is not installed in ${root} (scripts/peer-graphile-worker.sh installs it)`);
    }
    const require = createRequire(path.join(root, "package.json"));
    const version = (name) =>
        JSON.parse(readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")).version;
    return { require, version };
}

/** The same server as `url`, database `database`. */
function withDatabase(url, database) {
    const u = new URL(url);
    u.pathname = "/" + encodeURIComponent(database);
    return u.toString();
}

/** `url` without its password, for the report. */
function printable(url) {
    const u = new URL(url);
    if (u.password) {
        u.password = "***";
    }
    return u.toString();
}

function round(x, digits = 2) {
    const f = 10 ** digits;
    return Math.round(x * f) / f;
}

function seconds(fromNs, toNs) {
    return Number(toNs - fromNs) / 1e9;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Logs graphile-worker's warnings and errors only (its info lines would be noise here). */
function quietLogger(require) {
    const { Logger } = require("graphile-worker");
    return new Logger((scope) => (level, message) => {
        if (level === "error" || level === "warning") {
            console.error(`[graphile-worker ${level}] ${message}`);
        }
    });
}

function workerPreset(opts, connectionString) {
    const concurrency = integer(opts, "concurrency");
    const localQueue = integer(opts, "local-queue");
    return {
        worker: {
            connectionString,
            concurrentJobs: concurrency,
            // perfTest: concurrentJobs + 1.
            maxPoolSize: opts["max-pool-size"] === "" ? concurrency + 1 : integer(opts, "max-pool-size"),
            localQueue: localQueue > 0
                ? { size: localQueue, refetchDelay: { durationMs: integer(opts, "refetch-delay-ms") } }
                : { size: -1 },
            completeJobBatchDelay: integer(opts, "complete-batch-delay-ms"),
            failJobBatchDelay: integer(opts, "fail-batch-delay-ms"),
            gracefulShutdownAbortTimeout: 2500,
        },
    };
}

// ---------------------------------------------------------------------------------------------------------------
// A worker process: loads graphile-worker, says it is ready, runs the worker on "go", reports its count of
// succeeded jobs (at most once per turn of the event loop) and stops on "stop".

async function child(opts) {
    const { require } = loader(opts.modules);
    const { run } = require("graphile-worker");
    const connectionString = withDatabase(opts["db-url"], opts.database);
    const events = new EventEmitter();
    let succeeded = 0;
    let failed = 0;
    let reportQueued = false;
    const report = () => {
        reportQueued = false;
        if (process.connected) {
            process.send({ type: "count", succeeded, failed });
        }
    };
    const queueReport = () => {
        if (!reportQueued) {
            reportQueued = true;
            setImmediate(report);
        }
    };
    events.on("job:success", () => {
        succeeded++;
        queueReport();
    });
    events.on("job:error", () => {
        failed++;
        queueReport();
    });
    let runner;
    process.on("message", async (message) => {
        if (message.type === "go") {
            try {
                runner = await run({
                    preset: workerPreset(opts, connectionString),
                    taskList: { [TASK]: async () => {} },
                    events,
                    logger: quietLogger(require),
                    noHandleSignals: true,
                });
            } catch (error) {
                console.error(`a worker process could not start: ${error.message ?? error}`);
                process.exit(1);
            }
        } else if (message.type === "stop") {
            if (runner) {
                await runner.stop();
            }
            report();
            process.disconnect();
        }
    });
    // The parent is gone (interrupted): stop without waiting.
    process.on("disconnect", () => setTimeout(() => process.exit(0), 100).unref());
    process.send({ type: "ready" });
}

// ---------------------------------------------------------------------------------------------------------------
// The benchmark.

async function main(opts) {
    const { require, version } = loader(opts.modules);
    const { Client, Pool } = require("pg");
    const { runMigrations } = require("graphile-worker");
    const jobs = integer(opts, "jobs");
    const processes = integer(opts, "processes");
    const batch = integer(opts, "batch");
    const batchesInFlight = integer(opts, "batches-in-flight");
    const timeoutMs = integer(opts, "timeout-seconds") * 1000;
    if (!/^[a-z_][a-z0-9_]*$/.test(opts.database)) {
        throw new Error(`--database must be a plain lower-case identifier, got ${opts.database}`);
    }
    if (jobs < 1 || processes < 1 || batch < 1 || batchesInFlight < 1) {
        throw new Error("--jobs, --processes, --batch and --batches-in-flight must be at least 1");
    }
    const serviceReport = opts["service-report"] ? JSON.parse(readFileSync(opts["service-report"], "utf8")) : null;
    const startedAt = new Date();
    const versions = {
        graphile_worker: version("graphile-worker"),
        pg: version("pg"),
        node: process.versions.node,
    };
    const preset = workerPreset(opts, "(not printed)").worker;

    // A clean database on the given server.
    const admin = new Client({ connectionString: opts["db-url"] });
    await admin.connect();
    const postgresVersion = (await admin.query("show server_version")).rows[0].server_version;
    await admin.query(`drop database if exists ${opts.database} with (force)`);
    await admin.query(`create database ${opts.database}`);
    await admin.end();
    const url = withDatabase(opts["db-url"], opts.database);

    console.log(`graphile-worker ${versions.graphile_worker} (pg ${versions.pg}, Node ${versions.node}) on ` +
        `PostgreSQL ${postgresVersion}, database ${opts.database}: ${jobs} no-op jobs, ${processes} process(es) x ` +
        `${preset.concurrentJobs} concurrent jobs, local queue ${preset.localQueue.size}, complete/fail batch ` +
        `delay ${preset.completeJobBatchDelay}/${preset.failJobBatchDelay} ms`);
    await runMigrations({ connectionString: url, logger: quietLogger(require) });

    // Enqueue: graphile_worker.add_jobs, `batch` jobs per call, `batchesInFlight` calls at once.
    const pool = new Pool({ connectionString: url, max: batchesInFlight });
    const batches = [];
    for (let first = 0; first < jobs; first += batch) {
        const specs = [];
        for (let i = first; i < Math.min(jobs, first + batch); i++) {
            specs.push({ identifier: TASK, payload: { id: i } });
        }
        batches.push(JSON.stringify(specs));
    }
    const addJobs = "select count(*) from graphile_worker.add_jobs(" +
        "array(select json_populate_recordset(null::graphile_worker.job_spec, $1::json)))";
    // One round trip on every connection first, so that the timing does not include connecting.
    await Promise.all(Array.from({ length: batchesInFlight }, () => pool.query("select 1")));
    const enqueueStart = process.hrtime.bigint();
    let next = 0;
    await Promise.all(Array.from({ length: batchesInFlight }, async () => {
        while (next < batches.length) {
            await pool.query(addJobs, [batches[next++]]);
        }
    }));
    const enqueueEnd = process.hrtime.bigint();
    const queued = Number((await pool.query("select count(*) from graphile_worker._private_jobs")).rows[0].count);
    await pool.end();
    if (queued !== jobs) {
        throw new Error(`expected ${jobs} jobs in the table after the enqueue, found ${queued}`);
    }
    const enqueueSeconds = seconds(enqueueStart, enqueueEnd);
    console.log(`  enqueue: ${jobs} jobs in ${round(enqueueSeconds, 3)} s, ${round(jobs / enqueueSeconds)} jobs/s ` +
        `(batches of ${batch}, ${batchesInFlight} in flight)`);

    // Burn-down: the worker processes load their modules first; the clock starts with the "go".
    const self = fileURLToPath(import.meta.url);
    const childArgs = ["--child"];
    for (const name of Object.keys(defaults)) {
        childArgs.push("--" + name, String(opts[name]));
    }
    const counts = new Array(processes).fill(null).map(() => ({ succeeded: 0, failed: 0 }));
    const children = [];
    const exited = [];
    for (let p = 0; p < processes; p++) {
        const worker = fork(self, childArgs, { env: { ...process.env, NO_LOG_SUCCESS: "1" } });
        children.push(worker);
        exited.push(new Promise((resolve) => worker.on("exit", resolve)));
    }
    await Promise.all(children.map((worker) => new Promise((resolve, reject) => {
        worker.once("error", reject);
        worker.once("exit", (code) => reject(new Error(`a worker process exited early (code ${code})`)));
        worker.on("message", (message) => message.type === "ready" && resolve());
    })));
    const poller = new Client({ connectionString: url });
    await poller.connect();
    let lastRun = null;
    const allRun = new Promise((resolve) => {
        children.forEach((worker, p) => worker.on("message", (message) => {
            if (message.type === "count") {
                counts[p] = message;
                const total = counts.reduce((sum, c) => sum + c.succeeded + c.failed, 0);
                if (total >= jobs && lastRun === null) {
                    lastRun = process.hrtime.bigint();
                    resolve();
                }
            }
        }));
    });
    // A worker process that exits before the end ends the run.
    const crashed = Promise.race(exited).then(() => false);
    const start = process.hrtime.bigint();
    children.forEach((worker) => worker.send({ type: "go" }));
    const finished = await Promise.race([allRun.then(() => true), sleep(timeoutMs).then(() => false), crashed]);
    // The last completions are committed in a batch after the last job has run: wait until the table is empty.
    let end = null;
    while (finished) {
        const left = (await poller.query("select exists(select 1 from graphile_worker._private_jobs) as left"))
            .rows[0].left;
        if (!left) {
            end = process.hrtime.bigint();
            break;
        }
        if (seconds(start, process.hrtime.bigint()) * 1000 > timeoutMs) {
            break;
        }
        await sleep(1);
    }
    children.forEach((worker) => worker.connected && worker.send({ type: "stop" }));
    await Promise.race([Promise.all(exited), sleep(10000)]);
    children.forEach((worker) => worker.exitCode === null && worker.kill());
    const remaining = Number((await poller.query("select count(*) from graphile_worker._private_jobs")).rows[0].count);
    await poller.end();

    const succeeded = counts.reduce((sum, c) => sum + c.succeeded, 0);
    const failed = counts.reduce((sum, c) => sum + c.failed, 0);
    const burnDownSeconds = end === null ? null : seconds(start, end);
    const result = {
        tool: "graphile-worker",
        versions,
        postgresql_version: postgresVersion,
        database: printable(url),
        started_at: startedAt.toISOString(),
        machine: {
            nproc: os.availableParallelism(),
            cpu_model: os.cpus()[0]?.model ?? null,
            os: `${os.type()} ${os.release()} ${os.arch()}`,
            load_average_1m_at_start: round(os.loadavg()[0]),
        },
        jobs,
        task: `${TASK}: a no-op, payload {"id": i}`,
        settings: {
            processes,
            concurrent_jobs_per_process: preset.concurrentJobs,
            max_pool_size_per_process: preset.maxPoolSize,
            local_queue_size: preset.localQueue.size,
            local_queue_refetch_delay_ms: preset.localQueue.refetchDelay?.durationMs ?? null,
            complete_job_batch_delay_ms: preset.completeJobBatchDelay,
            fail_job_batch_delay_ms: preset.failJobBatchDelay,
            enqueue: `graphile_worker.add_jobs, ${batch} jobs per call, ${batchesInFlight} calls in flight`,
        },
        enqueue_seconds: round(enqueueSeconds, 3),
        enqueue_jobs_per_second: round(jobs / enqueueSeconds),
        finished: end !== null,
        succeeded,
        failed,
        jobs_left: remaining,
        last_job_run_seconds: lastRun === null ? null : round(seconds(start, lastRun), 3),
        burn_down_seconds: burnDownSeconds === null ? null : round(burnDownSeconds, 3),
        burn_down_jobs_per_second: burnDownSeconds === null ? null : round(jobs / burnDownSeconds),
    };
    console.log(`  burn-down: ${succeeded} succeeded, ${failed} failed, ${remaining} left; ` +
        (burnDownSeconds === null
            ? `not finished within ${timeoutMs / 1000} s`
            : `${round(burnDownSeconds, 3)} s to the last committed completion (last job run at ` +
              `${result.last_job_run_seconds} s), ${result.burn_down_jobs_per_second} jobs/s`));

    if (serviceReport) {
        const service = {
            report: opts["service-report"],
            version: serviceReport.version ?? null,
            started_at: serviceReport.started_at ?? null,
            mode: serviceReport.mode ?? null,
            tasks: serviceReport.tasks ?? null,
            bots: serviceReport.bots ?? null,
            slots_per_bot: serviceReport.slots_per_bot ?? null,
            finished: serviceReport.finished ?? null,
            burn_down_tasks_per_second: serviceReport.throughput_tasks_per_second ?? null,
            enqueue_tasks_per_second: serviceReport.enqueue_tasks_per_second ?? null,
        };
        result.service = service;
        const ratio = (a, b) => (a == null || !b ? null : round(a / b, 4));
        result.ratio_service_to_graphile_worker = {
            burn_down: ratio(service.burn_down_tasks_per_second, result.burn_down_jobs_per_second),
            enqueue: ratio(service.enqueue_tasks_per_second, result.enqueue_jobs_per_second),
        };
        if (service.mode !== "burn-down") {
            console.log(`  note: ${opts["service-report"]} is a ${service.mode} run, not a burn-down`);
        }
        console.log(`  coordinator burn-down ${service.burn_down_tasks_per_second} tasks/s against graphile-worker ` +
            `${result.burn_down_jobs_per_second} jobs/s: ratio ${result.ratio_service_to_graphile_worker.burn_down}`);
        console.log(`  coordinator enqueue ${service.enqueue_tasks_per_second} tasks/s against graphile-worker ` +
            `${result.enqueue_jobs_per_second} jobs/s: ratio ${result.ratio_service_to_graphile_worker.enqueue}`);
    }
    mkdirSync(path.dirname(path.resolve(opts.report)), { recursive: true });
    writeFileSync(opts.report, JSON.stringify(result, null, 2) + "\n");
    console.log(`report written to ${path.resolve(opts.report)}`);
    return result.finished && failed === 0 && remaining === 0;
}

const opts = options(process.argv.slice(2));
if (opts.child) {
    child(opts).catch((error) => {
        console.error(error);
        process.exit(1);
    });
} else {
    main(opts).then((ok) => process.exit(ok ? 0 : 1), (error) => {
        console.error(error.message ?? error);
        process.exit(1);
    });
}
