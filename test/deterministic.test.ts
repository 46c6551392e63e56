// The `deterministic` option: frozen clocks within a run, a clock that moves on between a session's runs, a seeded
// Math.random; inline and on worker threads.
import { afterAll, describe, expect, it } from "vitest";
import { CellPool } from "../src/engine/cell-pool.js";
import { MIN_CELL_BYTES } from "../src/engine/cell.js";
import { memoizedModule } from "../src/engine/wasm-module.js";
import { loadWasmBytes } from "../src/platform/node.js";
import { resolveOptions } from "../src/sandbox/options.js";
import { newClock, newEnvironment, newVirtualFs } from "../src/sandbox/setup.js";
import {
  createSandbox,
  InternalError,
  InvalidOptionError,
  type Isolation,
  type RunOptions,
  run,
  type Sandbox,
  type SandboxOptions,
} from "../src/index.js";

const TIME = 1_700_000_000_123;
/** Every clock the guest has, read at once. */
const CLOCKS = `[Date.now(), new Date().getTime(), performance.now(), performance.timeOrigin,
  process.hrtime()[0] * 1e9 + process.hrtime()[1], Number(process.hrtime.bigint()), process.uptime()]`;
const RANDOMS = "Array.from({ length: 5 }, () => Math.random())";
/** Spins for 50 ms of the host's time (the guest's own clocks do not move). */
const BUSY = "{ const t = hostNow(); while (hostNow() - t < 50) for (let i = 0; i < 1e4; i++); }";
const hostNow = () => Date.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sandbox of sandboxes) sandbox.dispose();
});

describe.each<Isolation>(["inline", "worker"])("deterministic, %s", (isolation) => {
  const runIt = (code: string, options: RunOptions = {}) => run(code, { isolation, ...options });
  const sandbox = async (options: SandboxOptions) => {
    const made = await createSandbox({ isolation, workerPool: { workers: 1 }, ...options });
    sandboxes.push(made);
    return made;
  };

  it("gives the same Math.random sequence and time to runs with the same seed", async () => {
    const options = { deterministic: { seed: 42, time: TIME } };
    const a = await runIt(`[Date.now(), ${RANDOMS}]`, options);
    const b = await runIt(`[Date.now(), ${RANDOMS}]`, options);
    expect(a.ok).toBe(true);
    expect(a.value).toEqual(b.value);
    expect((a.value as [number])[0]).toBe(TIME);
    const c = await runIt(RANDOMS, { deterministic: { seed: 43, time: TIME } });
    expect(c.value).not.toEqual((a.value as unknown[])[1]);
    const values = c.value as number[];
    expect(new Set(values).size).toBe(5);
    for (const v of values) expect(v >= 0 && v < 1).toBe(true);
  });

  it("keeps every clock still across a busy loop and an awaited setTimeout", async () => {
    const r = await runIt(
      `const before = ${CLOCKS}; const host0 = hostNow();
       await new Promise((resolve) => setTimeout(resolve, 20));
       const waited = ${CLOCKS};
       console.time("t");
       ${BUSY}
       console.timeEnd("t");
       [before, waited, ${CLOCKS}, hostNow() - host0]`,
      { deterministic: { time: TIME }, globals: { hostNow } },
    );
    expect(r.ok).toBe(true);
    const [before, waited, after, hostElapsed] = r.value as [number[], number[], number[], number];
    expect(hostElapsed).toBeGreaterThanOrEqual(65);
    expect(before).toEqual([TIME, TIME, 0, 0, 0, 0, 0]);
    expect(waited).toEqual(before);
    expect(after).toEqual(before);
    expect(r.stdout).toBe("t: 0ms\n");
  });

  it("with true: seed 0, and the host's time in whole seconds", async () => {
    const from = Math.floor(Date.now() / 1000) * 1000;
    const r = await runIt(`[Date.now(), new Date().getTime(), ${RANDOMS}]`, { deterministic: true });
    const to = Date.now();
    const [now, date, randoms] = r.value as [number, number, number[]];
    expect(now % 1000).toBe(0);
    expect(now).toBeGreaterThanOrEqual(from);
    expect(now).toBeLessThanOrEqual(to);
    expect(date).toBe(now);
    const seeded = await runIt(RANDOMS, { deterministic: { seed: 0 } });
    expect(seeded.value).toEqual(randoms);
  });

  it("dates the in-memory files with the frozen time", async () => {
    const r = await runIt(
      `const fs = require("node:fs"); fs.writeFileSync("/b.txt", "b");
       [fs.statSync("/a.txt").mtimeMs, fs.statSync("/b.txt").mtimeMs, fs.statSync("/").birthtimeMs]`,
      { deterministic: { time: TIME }, files: { "a.txt": "a" } },
    );
    expect(r.value).toEqual([TIME, TIME, TIME]);
  });

  it("keeps crypto random", async () => {
    const code = "[crypto.randomUUID(), Array.from(crypto.getRandomValues(new Uint8Array(16)))]";
    const a = await runIt(code, { deterministic: true });
    const b = await runIt(code, { deterministic: true });
    expect(a.ok).toBe(true);
    expect(a.value).not.toEqual(b.value);
  });

  it("advances a session's clock by a second a run, and continues one random sequence", async () => {
    const sb = await sandbox({ deterministic: { seed: 9, time: TIME } });
    const session = sb.createSession();
    const seen: number[][] = [];
    for (let i = 0; i < 3; i++) {
      const r = await session.run(`[Date.now(), performance.now(), performance.timeOrigin, Math.random()]`);
      expect(r.ok).toBe(true);
      seen.push(r.value as number[]);
    }
    expect(seen.map((v) => v.slice(0, 3))).toEqual([
      [TIME, 0, 0],
      [TIME + 1000, 1000, 0],
      [TIME + 2000, 2000, 0],
    ]);
    const oneRun = await sb.run("[Math.random(), Math.random(), Math.random()]");
    expect(seen.map((v) => v[3])).toEqual(oneRun.value);
    session.reset();
    expect((await session.run("[Date.now(), Math.random()]")).value).toEqual([TIME, seen[0]?.[3]]);
    session.dispose();
  });

  it("moves a session's clock on with the host's, in whole seconds, with true", async () => {
    const sb = await sandbox({ deterministic: true });
    const session = sb.createSession();
    const seen: number[][] = [];
    for (let i = 0; i < 3; i++) {
      if (i === 2) await sleep(1100);
      seen.push((await session.run("[Date.now(), performance.now()]")).value as number[]);
    }
    const [[first, perf0], [second, perf1], [third, perf2]] = seen as [number[], number[], number[]];
    for (const t of [first, second, third, perf0, perf1, perf2]) expect(t! % 1000).toBe(0);
    expect(second).toBeGreaterThanOrEqual(first!);
    expect(third).toBeGreaterThan(second!);
    expect(third! - first!).toBe(perf2! - perf0!);
    expect(third).toBeLessThanOrEqual(Date.now());
    session.dispose();
  });

  it("gives a reused engine cell back its real clocks after a deterministic run", async () => {
    const sb = await sandbox({ maxIdleCells: 1 });
    for (let i = 0; i < 2; i++) {
      expect((await sb.run("Date.now()", { deterministic: { time: 5 } })).value).toBe(5);
      const now = (await sb.run("[Date.now(), new Date(0).getTimezoneOffset()]")).value as number[];
      expect(Math.abs(now[0]! - Date.now())).toBeLessThan(60_000);
      expect(now[1]).toBe(new Date(0).getTimezoneOffset());
    }
  });

  it("without the option, the clocks move and Math.random differs between runs", async () => {
    const code = `const before = [Date.now(), performance.now()]; ${BUSY}; [before, [Date.now(), performance.now()], Math.random()]`;
    const a = await runIt(code, { globals: { hostNow } });
    const b = await runIt(code, { globals: { hostNow } });
    const [before, after, random] = a.value as [number[], number[], number];
    expect(after[0]! - before[0]!).toBeGreaterThanOrEqual(45);
    expect(after[1]! - before[1]!).toBeGreaterThanOrEqual(45);
    expect(random).not.toBe((b.value as unknown[])[2]);
    const off = await runIt(RANDOMS, { deterministic: false });
    const again = await runIt(RANDOMS, { deterministic: false });
    expect(off.value).not.toEqual(again.value);
  });

  it("without the option, performance.timeOrigin is a time, not the age of the host process", async () => {
    const before = Date.now();
    const r = await runIt("[performance.timeOrigin, performance.timeOrigin + performance.now(), Date.now()]");
    const [origin, now, date] = r.value as number[];
    expect(origin).toBeGreaterThanOrEqual(before - 1000);
    expect(origin).toBeLessThanOrEqual(Date.now());
    expect(Math.abs(now! - date!)).toBeLessThan(1000);
  });
});

describe("deterministic, options", () => {
  it.each<[unknown]>([
    ["yes"],
    [1],
    [null],
    [[]],
    [{ seed: -1 }],
    [{ seed: 1.5 }],
    [{ seed: "1" }],
    [{ seed: 2 ** 53 }],
    [{ time: -1 }],
    [{ time: "2024" }],
    [{ time: 9e15 }],
    [{ clock: 1 }],
  ])("refuses %j, naming the option", async (value) => {
    const options = { deterministic: value } as RunOptions;
    for (const isolation of ["inline", "worker"] as const) {
      const failure = await run("1", { ...options, isolation }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(InvalidOptionError);
      expect((failure as InvalidOptionError).option).toBe("deterministic");
      expect((failure as Error).message).toContain("`deterministic`");
    }
    await expect(createSandbox({ ...options, isolation: "inline" })).rejects.toThrow(InvalidOptionError);
  });

  it("is fixed when a session is created", async () => {
    const sb = await createSandbox({ isolation: "inline" });
    const session = sb.createSession();
    await expect(session.run("1", { deterministic: true })).rejects.toThrow(
      /`deterministic` is fixed when the session is created/,
    );
    sb.dispose();
  });

  it("fails, rather than run with real clocks, on an engine build whose clocks it cannot hold", async () => {
    const cells = new CellPool(memoizedModule(loadWasmBytes));
    const cell = await cells.acquire(MIN_CELL_BYTES);
    cell.clock.controlled = false;
    const options = resolveOptions({ deterministic: true }, undefined);
    expect(() =>
      newEnvironment(cell, options, newVirtualFs(options), "run", {}, "script", newClock(options)),
    ).toThrow(InternalError);
  });

  it("makes local time UTC whatever the host's time zone", async () => {
    const previous = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      const code = "[new Date(0).getTimezoneOffset(), new Date(0).getHours()]";
      expect((await run(code, { isolation: "inline" })).value).toEqual([300, 19]);
      expect((await run(code, { isolation: "inline", deterministic: true })).value).toEqual([0, 0]);
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });
});
