// Pooled runs: a fresh run of `export default 1+1` on a worker thread (or, with isolation "process", on a worker
// thread inside a child process). Measures the median round trip of one caller (run() to result, the worker already
// started) and the throughput of 64 concurrent callers for 1 and 2 workers. Prints nothing; the caller reports the
// numbers.
import { ProcessPool, WorkerPool } from "../src/pool/index.js";
import { ADD_CODE, ADD_VALUE } from "./cases.js";

export interface PoolBenchOptions {
  /** Sequential round trips measured (after warmUp). Default 2000. */
  roundTrips?: number;
  /** Runs per throughput measurement. Default 4000. */
  throughputRuns?: number;
  /** Concurrent callers in the throughput measurement. Default 64. */
  concurrency?: number;
  /** Worker counts measured for throughput. Default [1, 2]. */
  workerCounts?: number[];
  /** Runs before anything is measured, per pool. Default 500. */
  warmUp?: number;
  /** Worker threads of this process (default), or each inside a child process. */
  isolation?: "worker" | "process";
}

export interface PoolBenchResult {
  roundTrip: { n: number; medianMs: number; p95Ms: number; meanMs: number };
  throughput: { workers: number; concurrency: number; runs: number; runsPerSec: number }[];
}

async function once(pool: WorkerPool): Promise<void> {
  const r = await pool.run(ADD_CODE);
  if (!r.ok || r.value !== ADD_VALUE) throw new Error(`unexpected result: ${JSON.stringify(r)}`);
}

/** `runs` runs by `concurrency` callers, each starting its next run when the last one returns. */
async function drive(pool: WorkerPool, runs: number, concurrency: number): Promise<void> {
  let left = runs;
  const caller = async () => {
    while (left > 0) {
      left -= 1;
      await once(pool);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

export async function benchPool(options: PoolBenchOptions = {}): Promise<PoolBenchResult> {
  const roundTrips = options.roundTrips ?? 2000;
  const throughputRuns = options.throughputRuns ?? 4000;
  const concurrency = options.concurrency ?? 64;
  const warmUp = options.warmUp ?? 500;
  const makePool = (workers: number, maxQueue?: number): WorkerPool =>
    options.isolation === "process"
      ? new ProcessPool({ processes: workers, maxQueue })
      : new WorkerPool({ workers, maxQueue });

  const single = makePool(1);
  const times: number[] = [];
  try {
    for (let i = 0; i < warmUp; i++) await once(single);
    for (let i = 0; i < roundTrips; i++) {
      const t0 = performance.now();
      await once(single);
      times.push(performance.now() - t0);
    }
  } finally {
    await single.dispose();
  }
  times.sort((a, b) => a - b);
  const roundTrip = {
    n: times.length,
    medianMs: quantile(times, 0.5),
    p95Ms: quantile(times, 0.95),
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
  };

  const throughput: PoolBenchResult["throughput"] = [];
  for (const workers of options.workerCounts ?? [1, 2]) {
    const pool = makePool(workers, concurrency);
    try {
      await drive(pool, Math.max(warmUp, workers * 100), concurrency);
      const t0 = performance.now();
      await drive(pool, throughputRuns, concurrency);
      const elapsed = performance.now() - t0;
      throughput.push({
        workers,
        concurrency,
        runs: throughputRuns,
        runsPerSec: (throughputRuns / elapsed) * 1000,
      });
    } finally {
      await pool.dispose();
    }
  }
  return { roundTrip, throughput };
}
