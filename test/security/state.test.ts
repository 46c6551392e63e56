// State across runs, sessions and sandboxes: nothing a run changes (globals, prototypes, timers, pending host calls)
// reaches a later run; sessions of one sandbox and sandboxes never see each other's state; ending a sandbox or a
// session while a run is in flight (dispose, TTL) ends that run with a failure value, no host function runs for it
// afterwards, and the engine prints no assertion (test/helpers/engine-assertions.ts fails the test if it does).
import { beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/index.js";
import { attack, attackOn, ISOLATIONS, sandboxFor } from "./harness.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(ISOLATIONS)("state (%s)", (isolation) => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await sandboxFor(isolation);
  });

  it("a run's changes to globals and prototypes do not reach the next run", async () => {
    await attackOn(
      box,
      isolation,
      `Object.prototype.polluted = 1; Array.prototype.map = () => "hijacked"; JSON.parse = () => "hijacked";
       globalThis.leak = "left behind"; Function.prototype.call = () => "hijacked"; 1`,
      { timeoutMs: 5000 },
      { name: "ok" },
      {
        next: () =>
          box.run(
            `export default [({}).polluted, [1].map((x) => x + 1), JSON.parse("2"), typeof leak].join() === ",2,2,undefined" ? 42 : 0`,
          ),
      },
    );
  });

  it("a timer of a timed-out run never fires into a later run", async () => {
    await attackOn(
      box,
      isolation,
      `setTimeout(() => { globalThis.fired = true; console.log("late") }, 300); for (;;) {}`,
      { timeoutMs: 200 },
      { name: "TimeoutError" },
      {
        next: async () => {
          const r = await box.run(
            `await new Promise((r) => setTimeout(r, 400)); typeof fired === "undefined" ? 42 : 0`,
          );
          expect(r.stdout).toBe("");
          return r;
        },
      },
    );
  });

  it("a late-settling async host call of an ended run does not reach a later run", async () => {
    let settle: ((v: string) => void) | undefined;
    const slow = () =>
      new Promise<string>((resolve) => {
        settle = resolve;
      });
    await attackOn(
      box,
      isolation,
      `slow().then((v) => { globalThis.got = v; console.log("late", v) }); await new Promise(() => {})`,
      { timeoutMs: 200, globals: { slow } },
      { name: "TimeoutError" },
      {
        next: async () => {
          settle?.("from the past");
          await sleep(50);
          const r = await box.run(
            `await new Promise((r) => setTimeout(r, 50)); typeof got === "undefined" ? 42 : 0`,
          );
          expect(r.stdout).toBe("");
          return r;
        },
      },
    );
  });

  it("sessions of one sandbox, one-off runs and another sandbox never see each other's state", async () => {
    const other = await sandboxFor(isolation);
    const a = box.createSession({ files: { "a.txt": "session a" } });
    const b = box.createSession();
    const c = other.createSession();
    try {
      const r = await attack({
        isolation,
        timeoutMs: 5000,
        expected: { name: "ok" },
        sandbox: box,
        run: async () => {
          await a.run(`globalThis.secret = "a's"; const mine = 1; Object.prototype.fromA = 1`);
          const seen = await Promise.all([
            b.run(`[typeof secret, typeof mine, ({}).fromA, require("fs").existsSync("/a.txt")]`),
            c.run(`[typeof secret, typeof mine, ({}).fromA, require("fs").existsSync("/a.txt")]`),
            box.run(`[typeof secret, typeof mine, ({}).fromA, require("fs").existsSync("/a.txt")]`),
          ]);
          for (const r of seen) expect(r.value).toEqual(["undefined", "undefined", undefined, false]);
          return a.run(`[secret, mine]`);
        },
      });
      expect(r.value).toEqual(["a's", 1]);
    } finally {
      a.dispose();
      b.dispose();
      c.dispose();
    }
  });

  it("sandbox.dispose() ends a run in flight with DisposedError; no host call runs for it afterwards", async () => {
    const doomed = await createSandbox({ isolation, workerPool: { workers: 1 } });
    let after = 0;
    let started!: () => void;
    const begun = new Promise<void>((resolve) => {
      started = resolve;
    });
    const env = {
      started: () => started(),
      wait: () => new Promise((resolve) => setTimeout(() => resolve(1), 800)),
      after: () => void after++,
    };
    const fresh = await sandboxFor(isolation);
    await attack({
      isolation,
      timeoutMs: 1000,
      expected: { name: "DisposedError" },
      run: async () => {
        const pending = doomed.run(
          `env.started(); for (;;) { try { await env.wait(); env.after() } catch {} }`,
          { globals: { env }, timeoutMs: 20_000 },
        );
        await begun;
        setTimeout(() => doomed.dispose(), 50);
        return pending;
      },
      sandbox: fresh,
    });
    await sleep(1000);
    expect(after).toBe(0);
  });

  it("a session expiring (ttlMs) while its run awaits ends it with SessionLostError; reset() opens it again", async () => {
    let after = 0;
    const env = {
      wait: () => new Promise((resolve) => setTimeout(() => resolve(1), 800)),
      after: () => void after++,
    };
    const session = box.createSession({ ttlMs: 150, globals: { env } });
    try {
      const r = await attack({
        isolation,
        timeoutMs: 1000,
        expected: { name: "SessionLostError" },
        run: () => session.run(`await env.wait(); env.after(); 1`, { timeoutMs: 20_000 }),
        next: async () => {
          expect((await session.run("1")).error?.name).toBe("SessionLostError");
          session.reset();
          return session.run("6 * 7");
        },
      });
      expect(r.error?.message).toContain("ttlMs");
      await sleep(900);
      expect(after).toBe(0);
    } finally {
      session.dispose();
    }
  });

  it("a session that ran out of memory is lost, never silently fresh", async () => {
    const session = box.createSession({ memoryLimitBytes: 16 * 1024 * 1024 });
    try {
      await session.run("globalThis.kept = 1");
      await attack({
        isolation,
        timeoutMs: 5000,
        expected: { name: "MemoryLimitError" },
        run: () => session.run("const a = []; for (;;) a.push(new Array(1e5).fill(1))"),
        next: async () => {
          expect((await session.run("kept")).error?.name).toBe("SessionLostError");
          session.reset();
          return session.run("typeof kept === 'undefined' ? 42 : 0");
        },
      });
    } finally {
      session.dispose();
    }
  });
});
