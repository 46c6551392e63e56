import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { expectPromptExit } from "./helpers/child.js";
import { BusyError, createSandbox, InvalidOptionError, type Sandbox } from "../src/index.js";
import { WorkerPool } from "../src/pool/index.js";
import { WorkerSession } from "../src/session/worker-session.js";

const sandbox: Sandbox = await createSandbox({ workerPool: { workers: 2 } });
afterAll(() => sandbox.dispose());

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("state that persists across runs", () => {
  it("keeps let, const, function and class declarations, globals and modules", async () => {
    const session = sandbox.createSession();
    try {
      expect((await session.run("let n = 1; const k = 10; function twice(x) { return 2 * x }")).ok).toBe(
        true,
      );
      await session.run("class Box { constructor(v) { this.v = v } }; globalThis.seen = []");
      await session.run("n += k; seen.push(twice(n))");
      const r = await session.run(
        "const path = require('node:path'); [n, new Box(seen).v, path.join('a', 'b')]",
      );
      expect(r).toMatchObject({ ok: true, value: [11, [22], "a/b"], exitCode: 0 });
      expect((await session.run("typeof path.basename")).value).toBe("function");
    } finally {
      session.dispose();
    }
  });

  it("keeps its virtual files: seeded ones and those written by a run", async () => {
    const session = sandbox.createSession({ files: { "in.txt": "abc" } });
    try {
      await session.run(
        "const fs = require('fs'); fs.writeFileSync('/out.txt', fs.readFileSync('/in.txt', 'utf8') + '!')",
      );
      const r = await session.run("fs.readFileSync('/out.txt', 'utf8')", { returnFiles: ["/out.txt"] });
      expect(r.value).toBe("abc!");
      expect(r.files).toEqual({ "/out.txt": "abc!" });
    } finally {
      session.dispose();
    }
  });

  it("runs module code: imports and exports become declarations, the value is the default export", async () => {
    const session = sandbox.createSession();
    try {
      const r = await session.run(
        "import { join } from 'node:path'; export const p = join('a', 'b'); export function up(s) { return s.toUpperCase() } export default 7",
      );
      expect(r).toMatchObject({ ok: true, value: 7 });
      expect((await session.run("up(p)")).value).toBe("A/B");
      expect((await session.run("export default await Promise.resolve(p + '!')")).value).toBe("a/b!");
      expect((await session.run("const n: number = 2; n * 21", { filename: "cell.ts" })).value).toBe(42);
    } finally {
      session.dispose();
    }
  });

  it("reset() drops the state; the session goes on", async () => {
    const session = sandbox.createSession();
    try {
      await session.run("let gone = 1");
      session.reset();
      expect((await session.run("typeof gone")).value).toBe("undefined");
      expect((await session.run("let gone = 2; gone")).value).toBe(2);
    } finally {
      session.dispose();
    }
  });
});

describe("host functions and per-run options", () => {
  it("calls sync and async host functions across runs, with errors reduced to name and message", async () => {
    const calls: number[] = [];
    const session = sandbox.createSession({
      globals: {
        limit: 3,
        add: (a: number, b: number) => {
          calls.push(a + b);
          return a + b;
        },
        api: {
          later: async (x: number) => {
            await sleep(5);
            return { twice: x * 2, at: new Map([[x, "x"]]) };
          },
          fail: async () => Promise.reject(new RangeError("async no")),
          boom: () => {
            throw new TypeError("sync no");
          },
        },
      },
    });
    try {
      const first = await session.run(
        "let total = add(1, limit); const got = await api.later(total); got.twice",
      );
      expect(first).toMatchObject({ ok: true, value: 8 });
      expect(first.stats.hostCalls).toBe(2);
      const second = await session.run(`
        const out = [add(total, 1), got.at.get(4), (await api.later(1)).twice];
        try { api.boom() } catch (e) { out.push(e.name, e.message) }
        try { await api.fail() } catch (e) { out.push(e.name, e.message) }
        out`);
      expect(second.value).toEqual([5, "x", 2, "TypeError", "sync no", "RangeError", "async no"]);
      expect(second.stats.hostCalls).toBe(4);
      expect(calls).toEqual([4, 5]);
    } finally {
      session.dispose();
    }
  });

  it("streams output, passes input, honours timeoutMs and signal per run; state survives an interrupted run", async () => {
    const session = sandbox.createSession();
    try {
      const chunks: string[] = [];
      const r = await session.run("let kept = 'yes'; console.log('hi'); console.error('warn'); 1", {
        onStdout: (chunk) => chunks.push(`out:${chunk}`),
        onStderr: (chunk) => chunks.push(`err:${chunk}`),
      });
      expect(r).toMatchObject({ ok: true, stdout: "hi\n", stderr: "warn\n" });
      expect(chunks).toEqual(["out:hi\n", "err:warn\n"]);
      const called = await session.run("export default (s) => s.length + kept.length", { input: "four" });
      expect(called.value).toBe(7);
      const timedOut = await session.run("while (true) {}", { timeoutMs: 200 });
      expect(timedOut).toMatchObject({ ok: false, exitCode: 124, error: { name: "TimeoutError" } });
      const controller = new AbortController();
      const running = session.run("console.log('spin'); while (true) {}", {
        signal: controller.signal,
        timeoutMs: 10_000,
      });
      await sleep(100);
      controller.abort();
      expect(await running).toMatchObject({ ok: false, exitCode: 130, stdout: "spin\n" });
      expect((await session.run("kept")).value).toBe("yes");
    } finally {
      session.dispose();
    }
  });

  it("rejects options fixed at creation, and bad per-run options", async () => {
    const session = sandbox.createSession();
    try {
      await expect(session.run("1", { globals: {} })).rejects.toMatchObject({
        code: "ERR_CORDON_INVALID_OPTION",
      });
      await expect(session.run("1", { timeoutMs: -1 })).rejects.toMatchObject({ name: "InvalidOptionError" });
      await expect(session.run(1 as unknown as string)).rejects.toThrow(InvalidOptionError);
      expect((await session.run("'fine'")).value).toBe("fine");
    } finally {
      session.dispose();
    }
  });
});

describe("isolation", () => {
  it("sessions never see each other's state, nor one-off runs' state, nor do one-off runs see theirs", async () => {
    const a = sandbox.createSession();
    const b = sandbox.createSession();
    try {
      await a.run("var secret = 'a'; globalThis.mark = 'a'; require('fs').writeFileSync('/a.txt', 'a')");
      await sandbox.run("globalThis.mark = 'one-off'; var secret = 'one-off'");
      const probe = "[typeof secret, typeof mark, require('fs').existsSync('/a.txt')]";
      expect((await b.run(probe)).value).toEqual(["undefined", "undefined", false]);
      expect((await sandbox.run(probe)).value).toEqual(["undefined", "undefined", false]);
      expect((await a.run("[secret, mark]")).value).toEqual(["a", "a"]);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it("lets one-off runs use another worker while a session's run occupies its own", async () => {
    const session = sandbox.createSession();
    try {
      await session.run("0");
      const busy = session.run("while (true) {}", { timeoutMs: 1500 });
      await sleep(50);
      const started = performance.now();
      expect((await sandbox.run("export default 'other worker'")).value).toBe("other worker");
      expect(performance.now() - started).toBeLessThan(1000);
      expect((await busy).error?.name).toBe("TimeoutError");
    } finally {
      session.dispose();
    }
  });
});

describe("expiry", () => {
  it("ends a session after idleTimeoutMs without a run", async () => {
    const session = sandbox.createSession({ idleTimeoutMs: 300 });
    await session.run("let v = 1");
    await sleep(150);
    expect((await session.run("v")).value).toBe(1); // a run restarts the idle time
    await sleep(150);
    expect(sandbox.getSession(session.id)).toBe(session);
    await sleep(300);
    expect(sandbox.getSession(session.id)).toBeUndefined();
    const r = await session.run("v");
    expect(r).toMatchObject({ ok: false, error: { name: "SessionLostError" } });
    expect(r.error?.message).toContain("idleTimeoutMs (300 ms)");
    session.dispose();
  });

  it("ends a session ttlMs after its creation, runs or not", async () => {
    const session = sandbox.createSession({ ttlMs: 400 });
    await session.run("let v = 1");
    for (let i = 0; i < 4; i++) {
      await sleep(50);
      await session.run("v");
    }
    await sleep(300);
    expect(sandbox.listSessions()).not.toContain(session);
    const r = await session.run("v");
    expect(r.error).toMatchObject({ name: "SessionLostError" });
    expect(r.error?.message).toContain("ttlMs (400 ms)");
    session.dispose();
  });
});

describe("lost state", () => {
  it("returns SessionLostError after the session's memory cap was exceeded, until reset()", async () => {
    const session = sandbox.createSession({ memoryLimitBytes: 16 * 1024 * 1024 });
    try {
      await session.run("let before = 1");
      const bomb = await session.run("const a = []; while (true) a.push(new Array(1e5).fill(1))");
      expect(bomb).toMatchObject({ ok: false, exitCode: 137, error: { name: "MemoryLimitError" } });
      for (let i = 0; i < 2; i++) {
        const r = await session.run("before");
        expect(r).toMatchObject({ ok: false, error: { name: "SessionLostError" } });
        expect(r.error?.message).toContain("ran out of memory");
      }
      session.reset();
      expect((await session.run("typeof before")).value).toBe("undefined");
    } finally {
      session.dispose();
    }
  });

  it("loses every session of a worker the watchdog stopped; sessions on another worker go on", async () => {
    const sb = await createSandbox({ workerPool: { workers: 2, graceMs: 100 } });
    try {
      // The first two sessions go to the two workers; the third joins the first's worker (fewest sessions).
      const hung = sb.createSession();
      const other = sb.createSession();
      const neighbour = sb.createSession();
      for (const [session, name] of [
        [hung, "hung"],
        [other, "other"],
        [neighbour, "neighbour"],
      ] as const) {
        await session.run(`const who = '${name}'`);
      }
      const started = performance.now();
      const r = await hung.run("new Array(1e9) + ''", { timeoutMs: 500 });
      expect(r).toMatchObject({ ok: false, exitCode: 124, error: { name: "TimeoutError" } });
      expect(performance.now() - started).toBeLessThan(2000);
      for (const session of [hung, neighbour]) {
        const lost = await session.run("who");
        expect(lost).toMatchObject({ ok: false, error: { name: "SessionLostError" } });
        expect(lost.error?.message).toContain("worker thread was stopped");
        expect(lost.error?.message).toContain("call reset()");
      }
      expect((await other.run("who")).value).toBe("other");
      expect(sb.listSessions()).toHaveLength(3);
      // reset() opens a lost session again, on a live worker.
      hung.reset();
      expect((await hung.run("typeof who")).value).toBe("undefined");
      expect((await hung.run("const who = 'again'; who")).value).toBe("again");
      expect((await sb.run("export default 'one-off'")).value).toBe("one-off");
    } finally {
      sb.dispose();
    }
  });

  it("settles runs queued behind the hung run with SessionLostError", async () => {
    const sb = await createSandbox({ workerPool: { workers: 1, graceMs: 100 } });
    try {
      const session = sb.createSession();
      await session.run("let v = 1");
      const hung = session.run("new Array(1e9) + ''", { timeoutMs: 300 });
      const queued = session.run("v");
      expect((await hung).error?.name).toBe("TimeoutError");
      expect((await queued).error?.name).toBe("SessionLostError");
    } finally {
      sb.dispose();
    }
  });
});

describe("the pool's workers", () => {
  it("loses the sessions of a worker that died, with InternalError for the run it was running", async () => {
    const pool = new WorkerPool({ workers: 1 });
    try {
      const session = new WorkerSession(pool, {}, () => {});
      await session.run("let v = 1");
      const running = session.run("console.log('working'); while (true) {}", { timeoutMs: 5000 });
      await sleep(100);
      const internals = pool as unknown as { workers: Set<{ link: { terminate(): void } }> };
      for (const worker of internals.workers) worker.link.terminate();
      expect(await running).toMatchObject({
        ok: false,
        error: { name: "InternalError" },
        stdout: "working\n",
      });
      const lost = await session.run("v");
      expect(lost.error).toMatchObject({ name: "SessionLostError" });
      expect(lost.error?.message).toContain("worker thread ended unexpectedly");
      session.reset();
      expect((await session.run("let v = 2; v")).value).toBe(2);
    } finally {
      await pool.dispose();
    }
  });

  it("does not recycle a worker that holds a session; replaces it once the session ends", async () => {
    const pool = new WorkerPool({ workers: 1, maxRunsPerWorker: 2 });
    try {
      const session = new WorkerSession(pool, {}, () => {});
      await session.run("let n = 0");
      for (let i = 0; i < 5; i++) {
        await session.run("n += 1");
        expect((await pool.run(`export default ${i}`)).value).toBe(i);
      }
      expect((await session.run("n")).value).toBe(5);
      session.dispose();
      for (let i = 0; i < 3; i++) expect((await pool.run(`export default ${i}`)).value).toBe(i);
      const fresh = new WorkerSession(pool, {}, () => {});
      expect((await fresh.run("typeof n")).value).toBe("undefined");
      fresh.dispose();
    } finally {
      await pool.dispose();
    }
  });

  it("spreads sessions over the workers", async () => {
    const pool = new WorkerPool({ workers: 3 });
    try {
      const sessions = Array.from({ length: 7 }, () => new WorkerSession(pool, {}, () => {}));
      expect(pool.sessionsPerWorker.sort()).toEqual([2, 2, 3]);
      const values = await Promise.all(sessions.map((s, i) => s.run(`let i = ${i}; i * 2`)));
      expect(values.map((r) => r.value)).toEqual([0, 2, 4, 6, 8, 10, 12]);
      for (const session of sessions) session.dispose();
      expect(pool.sessionsPerWorker).toEqual([0, 0, 0]);
    } finally {
      await pool.dispose();
    }
  });

  it('keeps sessions on the caller\'s thread with isolation: "inline"', async () => {
    const sb = await createSandbox({ isolation: "inline" });
    try {
      const session = sb.createSession({ globals: { f: (x: number) => x + 1 } });
      await session.run("let v = f(1)");
      expect((await session.run("v += f(v); v")).value).toBe(5);
      expect(sb.listSessions()).toEqual([session]);
      expect(session.constructor.name).toBe("InlineSession");
    } finally {
      sb.dispose();
    }
  });
});

describe("limits and disposal", () => {
  it("rejects sessions past maxSessions with BusyError", async () => {
    const sb = await createSandbox({ maxSessions: 2, workerPool: { workers: 1 } });
    try {
      const first = sb.createSession();
      sb.createSession();
      expect(() => sb.createSession()).toThrow(BusyError);
      expect(() => sb.createSession()).toThrow(expect.objectContaining({ code: "ERR_CORDON_BUSY" }));
      first.dispose();
      expect(sb.listSessions()).toHaveLength(1);
      const third = sb.createSession();
      expect((await third.run("1 + 1")).value).toBe(2);
    } finally {
      sb.dispose();
    }
  });

  it("dispose() ends every session: its running run fails, queued and later runs reject with DisposedError", async () => {
    const sb = await createSandbox({ workerPool: { workers: 1 } });
    const session = sb.createSession();
    await session.run("let v = 1");
    const running = session.run("while (true) {}", { timeoutMs: 10_000 });
    const queued = session.run("v");
    await sleep(50);
    sb.dispose();
    const [first, second] = await Promise.allSettled([running, queued]);
    expect(first).toMatchObject({
      status: "fulfilled",
      value: {
        ok: false,
        error: { name: "DisposedError", message: expect.stringMatching(/disposed while/) },
      },
    });
    expect(second).toMatchObject({ status: "rejected", reason: { name: "DisposedError" } });
    await expect(session.run("v")).rejects.toMatchObject({ name: "DisposedError" });
    expect(sb.listSessions()).toEqual([]);
    expect(() => sb.createSession()).toThrow(expect.objectContaining({ name: "DisposedError" }));
  });

  it("leaves nothing that keeps the process alive, after dispose() and with idle sessions", async () => {
    const entry = fileURLToPath(new URL("../src/index.ts", import.meta.url));
    const script = (dispose: boolean) => `
      import { createSandbox } from ${JSON.stringify(entry)};
      const sb = await createSandbox({ workerPool: { workers: 2 } });
      const sessions = [sb.createSession({ globals: { f: async () => 1 } }), sb.createSession(), sb.createSession()];
      const results = [];
      for (const s of sessions) results.push(await s.run("let x = 1; await Promise.resolve(x + 1)"));
      results.push(await sessions[0].run("x + await f()"));
      results.push(await sessions[1].run("new Array(1e9) + ''", { timeoutMs: 200 }));
      ${dispose ? "sb.dispose();" : ""}
      console.log(JSON.stringify(results.map((r) => r.error?.name ?? r.value)));
      console.log("done " + Date.now());`;
    for (const dispose of [true, false]) await expectPromptExit(script(dispose), '[2,2,2,2,"TimeoutError"]');
  });
});
