// Ending a sandbox or a session while one of its runs is in progress (dispose, session expiry): the run ends at once
// with a failure value, no host function runs for it afterwards, and its engine is freed only after it ended (never
// with live objects: the engine would print an assertion failure and abort).
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runChild } from "./helpers/child.js";
import { createSandbox, type Isolation, type RunResult } from "../src/index.js";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Host functions: `started` (the run is under way: `started` resolves), one that settles after `ms`, and one that
 * counts its calls.
 */
function hostGlobals(ms: number) {
  const calls = { after: 0 };
  let begun!: () => void;
  const started = new Promise<void>((resolve) => {
    begun = resolve;
  });
  const env = {
    started: () => begun(),
    wait: () => new Promise((resolve) => setTimeout(() => resolve(1), ms)),
    after: () => {
      calls.after += 1;
    },
  };
  return { calls, env, started };
}

const programs = {
  timer: "env.started(); await new Promise((r) => setTimeout(r, 3000)); env.after(); 1",
  hostPromise: "env.started(); await env.wait(); env.after(); 1",
};

describe.each<Isolation>(["inline", "worker"])("sandbox.dispose() during a run (%s)", (isolation) => {
  for (const [what, code] of Object.entries(programs)) {
    it(`ends a run awaiting a ${what} with a failure value; no host call runs after`, async () => {
      const box = await createSandbox({ isolation, workerPool: { workers: 1 } });
      const { calls, env, started } = hostGlobals(1500);
      const pending = box.run(code, { globals: { env }, timeoutMs: 20_000 });
      await started;
      const disposedAt = performance.now();
      setTimeout(() => box.dispose(), 50);
      const r = await pending;
      expect(r).toMatchObject({
        ok: false,
        exitCode: 130,
        error: { name: "DisposedError", message: "the sandbox was disposed while the run was in progress" },
      });
      expect(performance.now() - disposedAt).toBeLessThan(1400);
      await sleep(1700);
      expect(calls.after).toBe(0);
    });
  }
});

describe.each<Isolation>(["inline", "worker"])("a session ended during a run (%s)", (isolation) => {
  it("expiry (ttlMs) ends a run awaiting a host promise with SessionLostError", async () => {
    const box = await createSandbox({ isolation, workerPool: { workers: 1 } });
    try {
      const { calls, env } = hostGlobals(1500);
      const session = box.createSession({ ttlMs: 150, globals: { env } });
      const r = await session.run(programs.hostPromise, { timeoutMs: 20_000 });
      expect(r).toMatchObject({ ok: false, error: { name: "SessionLostError" } });
      expect(r.error?.message).toContain("ttlMs (150 ms)");
      expect((await session.run("1")).error?.name).toBe("SessionLostError");
      await sleep(1600);
      expect(calls.after).toBe(0);
      session.reset();
      expect(await session.run("typeof env.after")).toMatchObject({ ok: true, value: "function" });
      session.dispose();
    } finally {
      box.dispose();
    }
  });

  it("dispose() ends a run awaiting a timer with a failure value", async () => {
    const box = await createSandbox({ isolation, workerPool: { workers: 1 } });
    try {
      const { calls, env, started } = hostGlobals(1500);
      const session = box.createSession({ globals: { env } });
      const pending = session.run(programs.timer, { timeoutMs: 20_000 });
      await started;
      setTimeout(() => session.dispose(), 50);
      const r = await pending;
      expect(r).toMatchObject({
        ok: false,
        error: { name: "DisposedError", message: "the session was disposed while the run was in progress" },
      });
      expect(calls.after).toBe(0);
      await expect(session.run("1")).rejects.toMatchObject({ code: "ERR_CORDON_DISPOSED" });
    } finally {
      box.dispose();
    }
  });
});

describe("the engine is never freed with live objects", () => {
  it("prints no assertion failure or abort for runs ended from outside and for large cells", async () => {
    const entry = fileURLToPath(new URL("../src/index.ts", import.meta.url));
    const script = `
      import { createSandbox } from ${JSON.stringify(entry)};
      const names = [];
      const record = (r) => names.push(r.ok ? "ok" : r.error.name);
      const wait = () => new Promise((resolve) => setTimeout(() => resolve(1), 800));
      let begun;
      const started = () => begun();
      const startedRun = () => new Promise((resolve) => { begun = resolve; });
      for (const isolation of ["inline", "worker"]) {
        const sb = await createSandbox({ isolation, workerPool: { workers: 1 } });
        const expiring = sb.createSession({ ttlMs: 100, globals: { wait } });
        record(await expiring.run("await new Promise((r) => setTimeout(r, 2000)); 1"));
        const disposed = sb.createSession({ globals: { wait, started } });
        let begins = startedRun();
        const pending = disposed.run("started(); await wait(); 1");
        await begins;
        setTimeout(() => disposed.dispose(), 50);
        record(await pending);
        const big = { memoryLimitBytes: 256 * 1024 * 1024 };
        for (let i = 0; i < 2; i++) {
          record(await sb.run("const a = []; for (let i = 0; i < 3e5; i++) a.push({ i }); export default a.length", big));
        }
        const large = sb.createSession(big);
        record(await large.run("globalThis.a = []; for (let i = 0; i < 3e5; i++) a.push({ i }); a.length"));
        large.dispose();
        begins = startedRun();
        const running = sb.run("started(); await wait(); 1", { globals: { wait, started } });
        await begins;
        setTimeout(() => sb.dispose(), 50);
        record(await running);
      }
      console.log(JSON.stringify(names));`;
    const { code, stdout, stderr } = await runChild(script);
    expect(stderr).not.toMatch(/Assertion failed|Aborted\(/);
    expect({ code, stderr }).toMatchObject({ code: 0 });
    const names = JSON.parse(stdout.trim().split("\n").at(-1) ?? "[]") as RunResult[];
    const once = ["SessionLostError", "DisposedError", "ok", "ok", "ok", "DisposedError"];
    expect(names).toEqual([...once, ...once]);
  });
});
