// Tenants on one pool: how long another tenant's first run waits behind a hostile tenant's burst of hanging runs.
// Two workers; the hostile tenant queues `burst` runs that each spin until their deadline, then the other tenant
// asks for one trivial run. Measured three ways: with tenant keys (fair queueing), with tenant keys and
// perTenant.maxRunning 1, and with no tenant keys at all (one shared first-come-first-served queue, the baseline).
// Prints nothing; the caller reports the numbers.
import { WorkerPool, type WorkerPoolOptions } from "../src/pool/index.js";

export interface FairnessResult {
  burst: number;
  deadlineMs: number;
  /** Median delay (ms) of the other tenant's run, per way. */
  fairMs: number;
  cappedMs: number;
  sharedMs: number;
}

async function delay(options: WorkerPoolOptions, tenants: boolean, burst: number, deadlineMs: number) {
  const pool = new WorkerPool({ workers: 2, ...options });
  try {
    await bothUp(pool);
    const hostile = Array.from({ length: burst }, () =>
      pool.run("while (true) {}", { timeoutMs: deadlineMs, ...(tenants ? { tenant: "hostile" } : {}) }),
    );
    const t0 = performance.now();
    const r = await pool.run("export default 1 + 1", tenants ? { tenant: "other" } : {});
    const ms = performance.now() - t0;
    if (!r.ok || r.value !== 2) throw new Error(`unexpected result: ${JSON.stringify(r)}`);
    await Promise.all(hostile);
    return ms;
  } finally {
    await pool.dispose();
  }
}

/** Two runs that each wait until the other has started: both workers are up. */
async function bothUp(pool: WorkerPool): Promise<void> {
  let arrived = 0;
  let release = () => {};
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  const barrier = () => {
    arrived += 1;
    if (arrived === 2) release();
    return all;
  };
  await Promise.all([0, 1].map(() => pool.run("await barrier()", { globals: { barrier } })));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function benchFairness(burst = 10, deadlineMs = 500, repeats = 3): Promise<FairnessResult> {
  const fair: number[] = [];
  const capped: number[] = [];
  const shared: number[] = [];
  for (let i = 0; i < repeats; i++) {
    fair.push(await delay({}, true, burst, deadlineMs));
    capped.push(await delay({ perTenant: { maxRunning: 1 } }, true, burst, deadlineMs));
    shared.push(await delay({}, false, burst, deadlineMs));
  }
  return { burst, deadlineMs, fairMs: median(fair), cappedMs: median(capped), sharedMs: median(shared) };
}
