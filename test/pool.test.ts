import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { expectPromptExit } from "./helpers/child.js";
import { InvalidOptionError, type RunOptions, type RunResult, run } from "../src/index.js";
import { BusyError, mergeRunOptions, WorkerPool } from "../src/pool/index.js";

const pool = new WorkerPool({ workers: 2 });
afterAll(() => pool.dispose());

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A result without what legitimately differs between two runs of the same program (time, cell size). */
function comparable(result: RunResult): unknown {
  return { ...result, stats: { hostCalls: result.stats.hostCalls } };
}

describe("the same results as inline", () => {
  const programs: [string, string, RunOptions?][] = [
    ["an ES module's default export", "export default [1, 2, 3].map((x) => x * 2)"],
    ["CommonJS module.exports", "module.exports = { a: 1, b: [true, null] }"],
    ["a script's last value, awaited", "await new Promise((r) => setTimeout(r, 5)); 'later'"],
    ["__return", "__return({ n: 1 }); 2"],
    ["an exported function called with input", "module.exports = (s) => s.length", { input: "hello" }],
    [
      "structured-clone values",
      "export default [new Map([[1, 'a']]), new Set([2]), new Date(5), 10n, /x/g, new Uint8Array([1, 2]), NaN, -0, undefined, (() => { const o = { k: 1 }; o.self = o; return o })()]",
    ],
    ["an Error value with a custom name", "const e = new Error('m'); e.name = 'MyError'; export default e"],
    ["console output", "console.log('a', { b: [1, 2] }, new Map([['k', 1]])); console.error('err %d', 5); 7"],
    [
      "an uncaught error with its location",
      "const x = 1;\nfunction f() { throw new TypeError('bad ' + x) }\nf()",
    ],
    ["a rejected top-level promise", "export default Promise.reject(new RangeError('no'))"],
    ["process.exit(3)", "console.log('before'); process.exit(3); console.log('after')"],
    ["process.exitCode", "process.exitCode = 4; 'v'"],
    ["an unsettled program", "await new Promise(() => {})"],
    ["a timeout", "console.log('spin'); while (true) {}", { timeoutMs: 200 }],
    [
      "a memory bomb",
      "const a = []; while (true) a.push(new Array(1e5).fill(1))",
      { memoryLimitBytes: 16 * 1024 * 1024 },
    ],
    ["a function value without input", "module.exports = () => 1"],
    ["a result over maxResultBytes", "export default 'x'.repeat(1000)", { maxResultBytes: 100 }],
    ["truncated output", "for (let i = 0; i < 100; i++) console.log('line ' + i)", { maxOutputBytes: 64 }],
    ["env and filename", "throw new Error(process.env.WHO)", { env: { WHO: "me" }, filename: "job.js" }],
    [
      "files and returnFiles",
      "const fs = require('fs'); fs.writeFileSync('/out.txt', fs.readFileSync('/in.txt', 'utf8').toUpperCase()); 1",
      { files: { "in.txt": "abc" }, returnFiles: true },
    ],
    ["TypeScript", "const n: number = 41; export default n + 1", { filename: "main.ts" }],
  ];

  for (const [label, code, options] of programs) {
    it(label, async () => {
      const [inline, pooled] = await Promise.all([run(code, options), pool.run(code, options)]);
      expect(comparable(pooled)).toEqual(comparable(inline));
      expect(Object.keys(pooled)).toEqual(Object.keys(inline));
    });
  }

  it("rejects misuse the same way (an InvalidOptionError naming the option)", async () => {
    await expect(pool.run("1", { timeoutMs: -1 })).rejects.toMatchObject({
      name: "InvalidOptionError",
      code: "ERR_CORDON_INVALID_OPTION",
    });
    await expect(pool.run("1", { nope: 1 } as RunOptions)).rejects.toThrow(/nope/);
    await expect(pool.run(1 as unknown as string)).rejects.toThrow(InvalidOptionError);
  });

  it("carries the full default engine stack: deep recursion is a catchable RangeError", async () => {
    const module =
      "let d = 0; function f() { d++; f() } let r; try { f() } catch (e) { r = [e.name, d] } export default r";
    const [pooled, inline] = await Promise.all([pool.run(module), run(module, { isolation: "inline" })]);
    expect((pooled.value as [string, number])[0]).toBe("RangeError");
    // The worker's stack carries the full 512 KiB default; the caller's thread caps the engine at 256 KiB.
    expect((pooled.value as [string, number])[1]).toBeGreaterThan(
      1.5 * (inline.value as [string, number])[1],
    );
    const nasty = "function f(){return `$" + "{{toString(){return f()}}}`}; f()";
    const r = await pool.run(nasty);
    expect(r.error?.name).toBe("RangeError");
    expect(r.error?.message).toBe("Maximum call stack size exceeded");
    expect((await pool.run("export default 20 + 22")).value).toBe(42);
  });
});

describe("host functions across the thread boundary", () => {
  it("calls sync and async functions, in nested namespaces, with errors reduced to name and message", async () => {
    const calls: unknown[][] = [];
    const globals = {
      limit: 10,
      add: (a: number, b: number) => {
        calls.push([a, b]);
        return a + b;
      },
      api: {
        version: "1.2",
        math: {
          twice: async (x: number) => x * 2,
          fail: async () => Promise.reject(new RangeError("async no")),
        },
        boom: () => {
          const error = new TypeError("sync no") as TypeError & { code: string };
          error.code = "E_BOOM";
          throw error;
        },
        echo: (value: unknown) => value,
      },
    };
    const code = `
      const out = { sum: add(2, 3), limit, version: api.version, twice: await api.math.twice(21) };
      try { api.boom() } catch (e) { out.sync = [e instanceof Error, e.name, e.message, e.code, String(e.stack).includes('pool')] }
      try { await api.math.fail() } catch (e) { out.async = [e.name, e.message] }
      out.echo = api.echo({ m: new Map([[1, { d: new Date(3) }]]), big: 2n ** 70n });
      export default out`;
    const r = await pool.run(code, { globals });
    const inline = await run(code, { globals });
    expect(r.ok).toBe(true);
    expect(r.value).toEqual({
      sum: 5,
      limit: 10,
      version: "1.2",
      twice: 42,
      sync: [true, "TypeError", "sync no", "E_BOOM", false],
      async: ["RangeError", "async no"],
      echo: { m: new Map([[1, { d: new Date(3) }]]), big: 2n ** 70n },
    });
    expect(r.stats.hostCalls).toBe(5);
    expect(calls).toEqual([
      [2, 3],
      [2, 3],
    ]);
    expect(comparable(r)).toEqual(comparable(inline));
  });

  it("gives the inline DataCloneError for a result that cannot be copied, sync and async", async () => {
    const globals = { fn: () => () => 1, later: async () => Symbol("s") };
    const code =
      "const out = []; try { fn() } catch (e) { out.push(e.name, e.message) } try { await later() } catch (e) { out.push(e.name, e.message) } export default out";
    const [pooled, inline] = await Promise.all([pool.run(code, { globals }), run(code, { globals })]);
    expect(pooled.value).toEqual(inline.value);
    expect((pooled.value as string[])[0]).toBe("DataCloneError");
    expect((pooled.value as string[])[1]).toContain("the result of fn() could not be copied");
  });

  it("does not run getters of host data globals", async () => {
    let called = 0;
    const cfg = {
      plain: 1,
      get secret() {
        called++;
        return "s";
      },
    };
    const r = await pool.run("[cfg.plain, 'secret' in cfg]", { globals: { cfg, f: () => 1 } });
    expect(r.value).toEqual([1, false]);
    expect(called).toBe(0);
  });

  it("keeps a cyclic namespace's shape", async () => {
    const ns: Record<string, unknown> = { f: () => "f" };
    ns.self = ns;
    const code = "[ns.f(), ns.self.f(), typeof ns.self.self.f]";
    const [pooled, inline] = await Promise.all([
      pool.run(code, { globals: { ns } }),
      run(code, { globals: { ns } }),
    ]);
    expect(pooled.value).toEqual(inline.value);
  });

  it("enforces maxHostCalls inside the run", async () => {
    const ok = await pool.run(
      "let n = 0; let name; try { for (;;) { f(); n++ } } catch (e) { name = e.name } [n, name]",
      {
        globals: { f: () => 0 },
        maxHostCalls: 5,
      },
    );
    expect(ok.value).toEqual([5, "RangeError"]);
    expect(ok.stats.hostCalls).toBe(5);
  });

  it("ends a run waiting on a slow async host function at its deadline", async () => {
    const started = performance.now();
    const r = await pool.run("await env.slow(); 'finished'", {
      timeoutMs: 300,
      globals: { env: { slow: () => new Promise((resolve) => setTimeout(resolve, 5000)) } },
    });
    expect(r).toMatchObject({ ok: false, exitCode: 124, error: { name: "TimeoutError" } });
    expect(performance.now() - started).toBeLessThan(600);
  });
});

describe("streamed output", () => {
  it("delivers chunks while the run is still running", async () => {
    const chunks: string[] = [];
    let release: (() => void) | undefined;
    let sawChunkBeforeRelease = false;
    const gate = () =>
      new Promise<string>((resolve) => {
        release = () => resolve("go");
      });
    const running = pool.run(
      "console.log('first'); const v = await gate(); console.error('second', v); 'done'",
      {
        globals: { gate },
        onStdout: (chunk) => chunks.push(`out:${chunk}`),
        onStderr: (chunk) => chunks.push(`err:${chunk}`),
      },
    );
    for (let i = 0; i < 200 && (chunks.length === 0 || !release); i++) await sleep(10);
    sawChunkBeforeRelease = chunks.join("") === "out:first\n";
    release?.();
    const r = await running;
    expect(sawChunkBeforeRelease).toBe(true);
    expect(chunks).toEqual(["out:first\n", "err:second go\n"]);
    expect(r).toMatchObject({ ok: true, value: "done", stdout: "first\n", stderr: "second go\n" });
  });

  it("delivers output written before a host call before the host function runs", async () => {
    const events: string[] = [];
    const r = await pool.run(
      "console.log('a'); note('b'); console.log('c'); await later('d'); console.log('e')",
      {
        globals: {
          note: (s: string) => events.push(`call:${s}`),
          later: async (s: string) => events.push(`call:${s}`),
        },
        onStdout: (chunk) => events.push(`out:${chunk.trim()}`),
      },
    );
    expect(r.ok).toBe(true);
    expect(events).toEqual(["out:a", "call:b", "out:c", "call:d", "out:e"]);
  });

  it("rejects run() with the error a throwing callback threw, after the run", async () => {
    const failure = new Error("callback failed");
    await expect(
      pool.run("console.log('x'); 1", {
        onStdout: () => {
          throw failure;
        },
      }),
    ).rejects.toBe(failure);
    expect((await pool.run("2")).value).toBe(2);
  });
});

describe("AbortSignal", () => {
  it("ends a run aborted before it starts without starting it", async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await pool.run("1", { signal: controller.signal });
    expect(r).toMatchObject({ ok: false, exitCode: 130, error: { name: "AbortError" } });
  });

  it("removes an aborted queued run from the queue; it never starts", async () => {
    const one = new WorkerPool({ workers: 1 });
    try {
      let started = false;
      await one.run("0"); // the worker is up: the next run starts at once and the one after it queues
      const busy = one.run("while (true) {}", { timeoutMs: 400 });
      const controller = new AbortController();
      const queued = one.run("mark(); 1", {
        signal: controller.signal,
        globals: { mark: () => (started = true) },
      });
      await sleep(20);
      expect(one.queued).toBe(1);
      controller.abort();
      expect(one.queued).toBe(0);
      const r = await queued;
      expect(r).toMatchObject({ ok: false, exitCode: 130, error: { name: "AbortError" }, stdout: "" });
      expect((await busy).error?.name).toBe("TimeoutError");
      expect(started).toBe(false);
    } finally {
      await one.dispose();
    }
  });

  it("stops a running run: a loop at the engine's next check, a native operation by ending its worker", async () => {
    for (const code of ["console.log('spinning'); while (true) {}", "new Array(1e9) + ''"]) {
      const controller = new AbortController();
      const started = performance.now();
      const running = pool.run(code, { signal: controller.signal, timeoutMs: 10_000 });
      await sleep(200);
      controller.abort();
      const r = await running;
      expect(r).toMatchObject({ ok: false, exitCode: 130, error: { name: "AbortError" } });
      expect(performance.now() - started).toBeLessThan(800);
      if (code.startsWith("console")) expect(r.stdout).toBe("spinning\n");
    }
    expect((await pool.run("export default 'alive'")).value).toBe("alive");
  });

  it("wakes a run blocked waiting on an async host call", async () => {
    const controller = new AbortController();
    const running = pool.run("await never(); 1", {
      signal: controller.signal,
      globals: { never: () => new Promise(() => {}) },
    });
    await sleep(100);
    const aborted = performance.now();
    controller.abort();
    expect((await running).error?.name).toBe("AbortError");
    expect(performance.now() - aborted).toBeLessThan(100);
  });
});

describe("the queue", () => {
  it("rejects at once with BusyError when every worker is busy and the queue is full", async () => {
    const small = new WorkerPool({ workers: 1, maxQueue: 1 });
    try {
      const first = small.run("while (true) {}", { timeoutMs: 300 });
      const second = small.run("'queued'");
      const started = performance.now();
      const third = small.run("'rejected'");
      await expect(third).rejects.toBeInstanceOf(BusyError);
      await expect(third).rejects.toMatchObject({ code: "ERR_CORDON_BUSY", name: "BusyError" });
      expect(performance.now() - started).toBeLessThan(50);
      expect((await first).error?.name).toBe("TimeoutError");
      expect((await second).value).toBe("queued");
    } finally {
      await small.dispose();
    }
  });

  it("runs queued work in order on every worker", async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => pool.run(`export default ${i} * 2`)),
    );
    expect(results.map((r) => r.value)).toEqual(Array.from({ length: 40 }, (_, i) => i * 2));
    expect(pool.size).toBe(2);
    expect(pool.queued).toBe(0);
  });
});

describe("sandbox defaults", () => {
  it("merges defaults and per-run options as a sandbox does (globals and env by key)", async () => {
    const defaults: RunOptions = {
      timeoutMs: 1000,
      env: { A: "1", B: "2" },
      globals: { f: () => "f", n: 1 },
    };
    const merged = mergeRunOptions(defaults, { env: { B: "3" }, globals: { n: 2 }, filename: "x.js" });
    const r = await pool.run("[process.env.A, process.env.B, f(), n]", merged);
    expect(r.value).toEqual(["1", "3", "f", 2]);
    expect(merged).toMatchObject({ timeoutMs: 1000, filename: "x.js" });
    expect(() => mergeRunOptions({ nope: 1 } as RunOptions, {})).toThrow(/nope/);
  });
});

describe("worker lifecycle", () => {
  it("recycles workers after maxRunsPerWorker runs and over the memory budget", async () => {
    for (const options of [{ maxRunsPerWorker: 2 }, { maxWorkerMemoryBytes: 1 }]) {
      const recycling = new WorkerPool({ workers: 1, ...options });
      try {
        const values = [];
        for (let i = 0; i < 5; i++) values.push((await recycling.run(`export default ${i}`)).value);
        expect(values).toEqual([0, 1, 2, 3, 4]);
      } finally {
        await recycling.dispose();
      }
    }
  });

  it("settles the run of a worker that dies as InternalError and replaces the worker", async () => {
    const fragile = new WorkerPool({ workers: 1 });
    try {
      await fragile.run("0");
      const running = fragile.run("console.log('working'); while (true) {}", { timeoutMs: 5000 });
      await sleep(100);
      const internals = fragile as unknown as { workers: Set<{ link: { terminate(): void } }> };
      for (const worker of internals.workers) worker.link.terminate();
      const r = await running;
      expect(r).toMatchObject({
        ok: false,
        exitCode: 1,
        error: { name: "InternalError" },
        stdout: "working\n",
      });
      expect((await fragile.run("export default 'replaced'")).value).toBe("replaced");
    } finally {
      await fragile.dispose();
    }
  });

  it("rejects runs with InternalError when workers cannot start, instead of retrying forever", async () => {
    const starved = new WorkerPool({
      workers: 2,
      resourceLimits: { maxOldGenerationSizeMb: 2, maxYoungGenerationSizeMb: 1 },
    });
    try {
      const outcomes = await Promise.allSettled([starved.run("1"), starved.run("2")]);
      for (const outcome of outcomes) {
        expect(outcome).toMatchObject({
          status: "rejected",
          reason: { name: "InternalError", message: "cordon: could not start a pool worker" },
        });
      }
    } finally {
      await starved.dispose();
    }
  });

  it("rejects a run whose options cannot be sent to a worker, and the worker serves on", async () => {
    const files = { "a.txt": (() => "x") as unknown as string };
    await expect(pool.run("1", { files })).rejects.toMatchObject({
      name: "InvalidOptionError",
      code: "ERR_CORDON_INVALID_OPTION",
    });
    expect((await pool.run("export default 'still here'")).value).toBe("still here");
  });

  it("dispose() ends running runs as DisposedError failures, rejects queued and later runs", async () => {
    const doomed = new WorkerPool({ workers: 1 });
    let started!: () => void;
    const begun = new Promise<void>((resolve) => {
      started = resolve;
    });
    const running = doomed.run("started(); while (true) {}", { timeoutMs: 10_000, globals: { started } });
    const queued = doomed.run("1");
    const outcomes = Promise.allSettled([running, queued]);
    await begun;
    await doomed.dispose();
    const [first, second] = await outcomes;
    expect(first).toMatchObject({
      status: "fulfilled",
      value: {
        ok: false,
        exitCode: 130,
        error: {
          name: "DisposedError",
          message: "the worker pool was disposed while the run was in progress",
        },
      },
    });
    expect(second).toMatchObject({
      status: "rejected",
      reason: { name: "DisposedError", code: "ERR_CORDON_DISPOSED" },
    });
    await expect(doomed.run("1")).rejects.toMatchObject({ name: "DisposedError" });
    await doomed.dispose();
  });

  it("leaves nothing that keeps the process alive, after dispose() and with idle workers", async () => {
    const entry = fileURLToPath(new URL("../src/pool/index.ts", import.meta.url));
    const script = (dispose: boolean) => `
      import { WorkerPool } from ${JSON.stringify(entry)};
      const pool = new WorkerPool({ workers: 2 });
      const results = await Promise.all([
        pool.run("export default 1 + 1"),
        pool.run("new Array(1e9) + ''", { timeoutMs: 200 }),
        pool.run("await f(); 2", { globals: { f: async () => 1 }, onStdout: () => {} }),
      ]);
      ${dispose ? "await pool.dispose();" : ""}
      console.log(JSON.stringify(results.map((r) => r.error?.name ?? r.value)));
      console.log("done " + Date.now());`;
    for (const dispose of [true, false]) await expectPromptExit(script(dispose), '[2,"TimeoutError",2]');
  });
});
