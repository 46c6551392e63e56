// Tenants on one pool: fair queueing across tenants, per-tenant caps, and one-off runs kept off workers that hold
// another tenant's sessions (a watchdog kill there would lose them).
import { afterEach, describe, expect, it } from "vitest";
import { BusyError, createSandbox, InvalidOptionError, type Sandbox } from "../src/index.js";
import { WorkerPool } from "../src/pool/index.js";

const HANG = "while (true) {}";
/** A native operation the engine cannot interrupt: only the pool's watchdog ends it. */
const NATIVE_HANG = "new Array(1e9) + ''";

let pool: WorkerPool | undefined;
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await pool?.dispose();
  sandbox?.dispose();
  pool = undefined;
  sandbox = undefined;
});

/** Brings both workers of a two-worker pool up: two runs that each wait until the other has started. */
async function warmBoth(run: (code: string, options: object) => Promise<unknown>): Promise<void> {
  let arrived = 0;
  let release: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  const barrier = () => {
    arrived += 1;
    if (arrived === 2) release();
    return all;
  };
  await Promise.all([0, 1].map(() => run("await barrier()", { globals: { barrier } })));
}

/** Runs the promises, recording the order in which they settle by label. */
function order(runs: Record<string, Promise<unknown>>): Promise<string[]> {
  const settled: string[] = [];
  return Promise.all(
    Object.entries(runs).map(([label, run]) =>
      run.then(
        () => settled.push(label),
        () => settled.push(label),
      ),
    ),
  ).then(() => settled);
}

describe("fair queueing", () => {
  it("runs another tenant's first run before a backlogged tenant's next ones", async () => {
    pool = new WorkerPool({ workers: 2 });
    await warmBoth((code, options) => pool!.run(code, options));
    const runs: Record<string, Promise<unknown>> = {};
    for (let i = 1; i <= 6; i++) runs[`a${i}`] = pool.run(HANG, { tenant: "a", timeoutMs: 300 });
    runs.b = pool.run("export default 'b'", { tenant: "b" });
    const settled = await order(runs);
    // a1 and a2 hold both workers; the first worker to free up takes b, not a3.
    expect(settled.indexOf("b")).toBeLessThan(settled.indexOf("a3"));
    expect(await runs.b).toMatchObject({ ok: true, value: "b" });
  });

  it("without tenants, runs keep their order (first come, first served)", async () => {
    pool = new WorkerPool({ workers: 1 });
    const runs: Record<string, Promise<unknown>> = {};
    for (let i = 1; i <= 4; i++) runs[`r${i}`] = pool.run(`export default ${i}`);
    expect(await order(runs)).toEqual(["r1", "r2", "r3", "r4"]);
  });

  it("serves tenants in turn when both have a backlog", async () => {
    pool = new WorkerPool({ workers: 1 });
    const runs: Record<string, Promise<unknown>> = {};
    for (let i = 1; i <= 3; i++) runs[`a${i}`] = pool.run(`export default ${i}`, { tenant: "a" });
    for (let i = 1; i <= 3; i++) runs[`b${i}`] = pool.run(`export default ${i}`, { tenant: "b" });
    // a1 takes the starting worker first; then the oldest run of a tenant with nothing in progress, in turn.
    expect(await order(runs)).toEqual(["a1", "a2", "b1", "a3", "b2", "b3"].sort(byTurn));
  });
});

/** The order the turn-taking gives: a1, then b1 (oldest of a tenant with none running)... see the test above. */
function byTurn(x: string, y: string): number {
  const turn = ["a1", "b1", "a2", "b2", "a3", "b3"];
  return turn.indexOf(x) - turn.indexOf(y);
}

describe("per-tenant caps", () => {
  it("maxRunning leaves a worker for other tenants", async () => {
    pool = new WorkerPool({ workers: 2, perTenant: { maxRunning: 1 } });
    await warmBoth((code, options) => pool!.run(code, options));
    const runs: Record<string, Promise<unknown>> = {};
    for (let i = 1; i <= 3; i++) runs[`a${i}`] = pool.run(HANG, { tenant: "a", timeoutMs: 300 });
    runs.b = pool.run("export default 'b'", { tenant: "b" });
    const settled = await order(runs);
    expect(settled[0]).toBe("b");
    expect(settled.slice(1)).toEqual(["a1", "a2", "a3"]);
  });

  it("maxQueued refuses a tenant's run past its cap with BusyError, not another tenant's", async () => {
    pool = new WorkerPool({ workers: 1, perTenant: { maxRunning: 1, maxQueued: 2 } });
    await pool.run("0");
    const running = [pool.run(HANG, { tenant: "a", timeoutMs: 200 })];
    running.push(pool.run("1", { tenant: "a" }), pool.run("2", { tenant: "a" }));
    const refused = pool.run("3", { tenant: "a" });
    await expect(refused).rejects.toBeInstanceOf(BusyError);
    await expect(refused).rejects.toThrow(/tenant "a" is at its cap of 2 runs waiting.*perTenant\.maxQueued/);
    const other = pool.run("export default 'b'", { tenant: "b" });
    expect(await other).toMatchObject({ ok: true, value: "b" });
    expect((await Promise.all(running)).map((r) => r.ok)).toEqual([false, true, true]);
  });

  it("a sandbox's perTenant caps apply to runs and sessions, in both isolations", async () => {
    for (const isolation of ["inline", "worker"] as const) {
      sandbox = await createSandbox({ isolation, perTenant: { maxRunning: 1, maxSessions: 1 } });
      const first = sandbox.run("await new Promise((r) => setTimeout(r, 100)); 1", { tenant: "a" });
      if (isolation === "inline") {
        await expect(sandbox.run("2", { tenant: "a" })).rejects.toThrow(/perTenant\.maxRunning/);
      } else {
        // On workers the second run waits for the first rather than failing.
        expect(await sandbox.run("export default 2", { tenant: "a" })).toMatchObject({ value: 2 });
      }
      expect(await sandbox.run("export default 3", { tenant: "b" })).toMatchObject({ value: 3 });
      expect(await first).toMatchObject({ ok: true, value: 1 });
      const session = sandbox.createSession({ tenant: "a" });
      expect(session.tenant).toBe("a");
      expect(() => sandbox?.createSession({ tenant: "a" })).toThrow(BusyError);
      expect(() => sandbox?.createSession({ tenant: "a" })).toThrow(/perTenant\.maxSessions/);
      expect(sandbox.createSession({ tenant: "b" }).tenant).toBe("b");
      session.dispose();
      expect(sandbox.createSession({ tenant: "a" }).tenant).toBe("a");
      sandbox.dispose();
    }
  });

  it("refuses bad tenant keys and caps with InvalidOptionError", async () => {
    pool = new WorkerPool({ workers: 1 });
    for (const tenant of ["", 42, "x".repeat(257)]) {
      await expect(pool.run("1", { tenant: tenant as string })).rejects.toBeInstanceOf(InvalidOptionError);
    }
    await expect(pool.run("1", { tenant: "" })).rejects.toThrow(/tenant.*non-empty string/);
    expect(() => new WorkerPool({ perTenant: { maxRunning: 0 } })).toThrow(/perTenant\.maxRunning/);
    expect(() => new WorkerPool({ perTenant: { maxQueue: 1 } as never })).toThrow(/perTenant\.maxQueue/);
    await expect(createSandbox({ perTenant: { maxSessions: -1 } })).rejects.toThrow(/perTenant\.maxSessions/);
    sandbox = await createSandbox({ isolation: "inline" });
    const session = sandbox.createSession({ tenant: "a" });
    await expect(session.run("1", { tenant: "b" })).rejects.toThrow(
      /tenant.*fixed when the session is created/,
    );
  });
});

describe("one-off runs and other tenants' sessions", () => {
  for (const warm of [false, true]) {
    it(`a watchdog kill of one tenant's run leaves another tenant's session alone${warm ? " (both workers up)" : ""}`, async () => {
      sandbox = await createSandbox({ workerPool: { workers: 2 } });
      if (warm) await warmBoth((code, options) => sandbox!.run(code, options));
      const session = sandbox.createSession({ tenant: "b" });
      expect(await session.run("globalThis.kept = 'state'; 1")).toMatchObject({ ok: true });
      const hang = await sandbox.run(NATIVE_HANG, { tenant: "a", timeoutMs: 300 });
      expect(hang).toMatchObject({ ok: false, error: { name: "TimeoutError" } });
      expect(await session.run("kept")).toMatchObject({ ok: true, value: "state" });
    });
  }

  it("keeps a worker free of a tenant's sessions for other tenants' runs", async () => {
    sandbox = await createSandbox({ workerPool: { workers: 2 } });
    const sessions = [1, 2, 3].map(() => sandbox!.createSession({ tenant: "a" }));
    for (const [i, s] of sessions.entries()) {
      expect(await s.run(`globalThis.n = ${i}; n`)).toMatchObject({ ok: true, value: i });
    }
    const hang = await sandbox.run(NATIVE_HANG, { tenant: "b", timeoutMs: 300 });
    expect(hang.error?.name).toBe("TimeoutError");
    for (const [i, s] of sessions.entries()) expect(await s.run("n")).toMatchObject({ ok: true, value: i });
  });
});
