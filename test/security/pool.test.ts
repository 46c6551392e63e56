// The worker pool under hostile runs: a native operation the engine cannot interrupt is ended by the watchdog (the
// worker replaced) while runs on the other worker go on; the queue is bounded (BusyError at once, nothing lost);
// disposal ends every worker and rejects what is pending. Fair sharing between tenants is covered elsewhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BusyError, DisposedError, type RunResult, WorkerPool } from "../../src/index.js";
import { attack } from "./harness.js";

const NATIVE_HANG = "new Array(1e9) + ''";

describe("pool", () => {
  const pool = new WorkerPool({ workers: 2 });
  beforeAll(async () => {
    await Promise.all([pool.run("0"), pool.run("0")]);
  });
  afterAll(() => pool.dispose());
  const next = () => pool.run("export default 6 * 7");

  it("the watchdog ends a native hang at its deadline plus grace while the other worker keeps serving", async () => {
    const normal: unknown[] = [];
    let hangDone = false;
    let servedDuring = 0;
    await attack({
      isolation: "worker",
      timeoutMs: 600,
      expected: { name: "TimeoutError" },
      run: async () => {
        const hang = pool.run(`console.log("before"); ${NATIVE_HANG}`, { timeoutMs: 600 }).finally(() => {
          hangDone = true;
        });
        for (let i = 0; i < 10; i++) {
          const r = await pool.run(`export default ${i} * 2`);
          normal.push(r.value);
          if (!hangDone) servedDuring += 1;
        }
        const r = await hang;
        expect(r.stdout).toBe("before\n");
        return r;
      },
      next,
    });
    expect(normal).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
    expect(servedDuring).toBeGreaterThan(0);
  });

  it("a hanging run does not stop other runs: a flood of hangs on both workers, then everything is served", async () => {
    await attack({
      isolation: "worker",
      timeoutMs: 400,
      expected: { name: "ok" },
      run: async () => {
        const hangs = [0, 1, 2, 3].map(() => pool.run("while (true) {}", { timeoutMs: 400 }));
        const later = Array.from({ length: 20 }, (_, i) => pool.run(`export default ${i}`));
        const done = await Promise.all(later);
        expect(done.map((r) => r.value)).toEqual(Array.from({ length: 20 }, (_, i) => i));
        for (const r of await Promise.all(hangs)) expect(r.error?.name).toBe("TimeoutError");
        return done[0] as RunResult;
      },
      nextValue: 42,
      next,
    });
  }, 60_000);
});

describe("pool: queue bounds and disposal", () => {
  it("a full queue rejects at once with BusyError; the queued runs still complete", async () => {
    const small = new WorkerPool({ workers: 1, maxQueue: 3 });
    try {
      await small.run("0");
      await attack({
        isolation: "worker",
        timeoutMs: 500,
        expected: { name: "TimeoutError" },
        run: async () => {
          const busy = small.run("while (true) {}", { timeoutMs: 500 });
          const queued = [1, 2, 3].map((i) => small.run(`export default ${i}`));
          const refused = await Promise.allSettled(Array.from({ length: 50 }, () => small.run("1")));
          for (const o of refused) {
            expect(o.status).toBe("rejected");
            expect((o as PromiseRejectedResult).reason).toBeInstanceOf(BusyError);
          }
          expect((await Promise.all(queued)).map((r) => r.value)).toEqual([1, 2, 3]);
          return busy;
        },
        next: () => small.run("export default 6 * 7"),
      });
    } finally {
      await small.dispose();
    }
  });

  it("dispose() ends the workers: a hanging run and the queued ones end with DisposedError", async () => {
    const doomed = new WorkerPool({ workers: 1 });
    await doomed.run("0");
    const fresh = new WorkerPool({ workers: 1 });
    try {
      await attack({
        isolation: "worker",
        timeoutMs: 1000,
        expected: { name: "DisposedError" },
        run: async () => {
          const hang = doomed.run(NATIVE_HANG, { timeoutMs: 60_000 });
          const queued = doomed.run("1");
          setTimeout(() => void doomed.dispose(), 100);
          const [r, q] = await Promise.allSettled([hang, queued]);
          const queuedError = q.status === "rejected" ? q.reason : (q.value as RunResult).error;
          expect((queuedError as { name?: string }).name).toBe("DisposedError");
          if (r.status === "rejected") {
            expect(r.reason).toBeInstanceOf(DisposedError);
            return { ok: false, error: { name: "DisposedError", message: "" } } as RunResult;
          }
          return r.value;
        },
        next: () => fresh.run("export default 6 * 7"),
      });
      await expect(doomed.run("1")).rejects.toMatchObject({ code: "ERR_CORDON_DISPOSED" });
    } finally {
      await fresh.dispose();
    }
  });
});
