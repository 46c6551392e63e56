// Limits: wall-clock time, engine memory, engine stack, and the size and shape of the result.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, InvalidOptionError, type RunResult, run, type Sandbox } from "../src/index.js";

const MiB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

function rss(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().rss;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let sb: Sandbox;
beforeAll(async () => {
  sb = await createSandbox();
});
afterAll(() => sb.dispose());

async function expectHealthy(): Promise<void> {
  const next = await sb.run("export default 20 + 22");
  expect(next).toMatchObject({ ok: true, value: 42, exitCode: 0 });
}

describe("timeouts", () => {
  const loops: Record<string, string> = {
    "a busy loop": "while (true) {}",
    "a microtask loop": "function f() { Promise.resolve().then(f) }\nf()",
    "a zero-delay interval": "setInterval(() => {}, 0)",
  };

  for (const [label, code] of Object.entries(loops)) {
    it(`ends ${label} with TimeoutError near timeoutMs`, async () => {
      const r = await sb.run(code, { timeoutMs: 300 });
      expect(r.ok).toBe(false);
      expect(r.error?.name).toBe("TimeoutError");
      expect(r.exitCode).toBe(124);
      expect(r.stats.durationMs).toBeGreaterThanOrEqual(299);
      expect(r.stats.durationMs).toBeLessThan(350);
      await expectHealthy();
    });
  }

  it("counts time spent waiting on a slow async host function", async () => {
    const slow = () => new Promise((resolve) => setTimeout(resolve, 10_000));
    const started = performance.now();
    const r = await sb.run("await env.slow(); 'finished'", { timeoutMs: 1000, globals: { env: { slow } } });
    const elapsed = performance.now() - started;
    expect(r.ok).toBe(false);
    expect(r.value).toBeUndefined();
    expect(r.error?.name).toBe("TimeoutError");
    expect(r.exitCode).toBe(124);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(elapsed).toBeLessThan(1150);
    await expectHealthy();
  });

  it("a deadline that lands in the import of a built-in leaves no engine assertion", async () => {
    // Deadlines from 2 to 60 ms land at different points of the module graph's evaluation; a run stopped inside it
    // has its cell dropped whole (the setup file fails the test on an engine assertion).
    for (let timeoutMs = 2; timeoutMs <= 60; timeoutMs += 2) {
      const r = await run('import * as util from "node:util"; export default typeof util.inspect;', {
        isolation: "inline",
        timeoutMs,
      });
      if (!r.ok) expect(r.error?.name).toBe("TimeoutError");
    }
    await expectHealthy();
  });

  it("times out run() as well, and the shared pool keeps working", async () => {
    const r = await run("for (;;) {}", { timeoutMs: 100 });
    expect(r).toMatchObject({ ok: false, exitCode: 124, error: { name: "TimeoutError" } });
    expect(await run("'after'")).toMatchObject({ ok: true, value: "after" });
  });
});

describe("memory", () => {
  it("ends an array bomb with MemoryLimitError without growing the host by more than 2x the cap", async () => {
    const before = rss();
    const r = await sb.run("const a = []; while (true) a.push(new Array(1e5).fill(1))");
    const after = rss();
    expect(r.ok).toBe(false);
    expect(r.error?.name).toBe("MemoryLimitError");
    expect(r.error?.message).toContain("memoryLimitBytes");
    expect(r.exitCode).toBe(137);
    expect(r.stats.memoryBytes).toBeLessThanOrEqual(64 * MiB);
    expect(after - before).toBeLessThan(128 * MiB);
    await expectHealthy();
  });

  it("still reports MemoryLimitError when the guest catches its own out-of-memory error", async () => {
    const code = "try { const a = []; while (true) a.push(new Array(1e5).fill(1)) } catch {}\n1";
    for (let i = 0; i < 2; i++) {
      const r = await sb.run(code);
      expect(r).toMatchObject({ ok: false, exitCode: 137, error: { name: "MemoryLimitError" } });
      expect(r.value).toBeUndefined();
    }
    await expectHealthy();
  });

  it("runs out of memory after a top-level await with no engine assertion, and the next run works", async () => {
    // The engine's teardown of a runtime whose allocation failed inside an async function's resumption asserts
    // on objects left alive; such a cell is dropped whole (the setup file fails the test on an assertion).
    const code = "await null; const a = []; while (true) a.push(new Array(1000).fill(a.length));";
    for (let i = 0; i < 3; i++) {
      const r = await run(code, { isolation: "inline", memoryLimitBytes: 24 * MiB, timeoutMs: 5000 });
      expect(r).toMatchObject({ ok: false, exitCode: 137, error: { name: "MemoryLimitError" } });
    }
    await expectHealthy();
  });

  it("ends a string-doubling bomb as a failure", async () => {
    const r = await sb.run("let s = 'x'; while (true) s += s");
    expect(r.ok).toBe(false);
    expect(["MemoryLimitError", "RangeError", "InternalError"]).toContain(r.error?.name);
    expect(r.exitCode === 137 || r.exitCode === 1).toBe(true);
    await expectHealthy();
  });

  it("rejects memoryLimitBytes below 16 MiB with an InvalidOptionError naming the option", async () => {
    await expect(run("1", { memoryLimitBytes: 8 * MiB })).rejects.toThrow(InvalidOptionError);
    await expect(run("1", { memoryLimitBytes: 8 * MiB })).rejects.toThrow(/memoryLimitBytes/);
    await expect(sb.run("1", { memoryLimitBytes: 16 * MiB - 1 })).rejects.toMatchObject({
      name: "InvalidOptionError",
      code: "ERR_CORDON_INVALID_OPTION",
      option: "memoryLimitBytes",
    });
  });

  it("enforces a 32 MiB limit: 20 MB fits, 40 MB does not", async () => {
    const limit = { memoryLimitBytes: 32 * MiB };
    const small = await sb.run(
      "const a = new Uint8Array(20e6); a[19_999_999] = 7; a.length + a[19_999_999]",
      limit,
    );
    expect(small).toMatchObject({ ok: true, value: 20_000_007, exitCode: 0 });
    expect(small.stats.memoryBytes).toBeLessThanOrEqual(32 * MiB);

    const large = await sb.run("const a = new Uint8Array(40e6); a.length", limit);
    expect(large).toMatchObject({ ok: false, exitCode: 137, error: { name: "MemoryLimitError" } });

    const strings = await sb.run(
      "const a = []; for (let i = 0; i < 40; i++) a.push('y'.repeat(1e6) + i); a.length",
      limit,
    );
    expect(strings).toMatchObject({ ok: false, exitCode: 137, error: { name: "MemoryLimitError" } });
    await expectHealthy();
  });
});

describe("stack", () => {
  it("makes unbounded recursion a catchable RangeError", async () => {
    for (let i = 0; i < 3; i++) {
      const r = await sb.run(
        "function f() { return f() + 1 }\ntry { f() } catch (e) { e instanceof RangeError }",
      );
      expect(r).toMatchObject({ ok: true, value: true, exitCode: 0 });
      await expectHealthy();
    }
  });

  it("reports uncaught unbounded recursion as a RangeError result", async () => {
    for (let i = 0; i < 3; i++) {
      const r = await sb.run("function f() { return f() + 1 }\nf()");
      expect(r.ok).toBe(false);
      expect(r.exitCode).toBe(1);
      expect(r.error?.name).toBe("RangeError");
      expect(r.error?.message).toMatch(/call stack/i);
      await expectHealthy();
    }
  });

  it("caps a huge stackSizeBytes so recursion is still a RangeError", async () => {
    const r = await run("function f() { return f() + 1 }\nf()", { stackSizeBytes: 64 * MiB });
    expect(r).toMatchObject({ ok: false, exitCode: 1, error: { name: "RangeError" } });
    expect(await run("1 + 1")).toMatchObject({ ok: true, value: 2 });
  });

  const recursions: Record<string, string> = {
    "Array.prototype.map": "function f() { return [1].map((x) => f()) }",
    "a getter": "const o = { get x() { return o.x } }\nfunction f() { return o.x }",
    "JSON.stringify with toJSON":
      "const o = { toJSON() { return JSON.stringify(o) } }\nfunction f() { return JSON.stringify(o) }",
    "a sort comparator": "function f() { return [3, 1, 2].sort((a, b) => f()) }",
    "a Proxy get trap":
      "const p = new Proxy({}, { get(t, k, r) { return r[k] } })\nfunction f() { return p.x }",
    "toString coercion": "const o = { toString() { return String(o) } }\nfunction f() { return String(o) }",
  };

  // Either the guest catches a RangeError, or the run ends with one; never a host throw, never a dead sandbox.
  function expectRangeError(r: RunResult): void {
    if (r.ok) {
      expect(r.value).toBe("RangeError");
    } else {
      expect(r.error?.name).toBe("RangeError");
      expect(r.exitCode).toBe(1);
    }
  }

  for (const [label, setup] of Object.entries(recursions)) {
    it(`survives recursion through ${label}, caught and uncaught, three times`, async () => {
      for (let i = 0; i < 3; i++) {
        const caught = await sb.run(
          `${setup}\ntry { f(); 'no error' } catch (e) { e instanceof RangeError ? 'RangeError' : String(e) }`,
        );
        expectRangeError(caught);
        await expectHealthy();
        const uncaught = await sb.run(`${setup}\nf()`);
        expect(uncaught.ok).toBe(false);
        expectRangeError(uncaught);
        await expectHealthy();
      }
      const viaRun = await run(`${setup}\nf()`);
      expect(viaRun.ok).toBe(false);
      expectRangeError(viaRun);
      expect(await run("'ok'")).toMatchObject({ ok: true, value: "ok" });
    });
  }
});

describe("results", () => {
  it("copies a cyclic result with its cycle intact", async () => {
    const r = await sb.run("const o = { n: 1 }; o.self = o; o");
    expect(r.ok).toBe(true);
    const value = r.value as { n: number; self: unknown };
    expect(value.n).toBe(1);
    expect(value.self).toBe(value);
  });

  it("does not call a toJSON that loops forever", async () => {
    const opts = { timeoutMs: 1000 };
    const proto = await sb.run("const o = Object.create({ toJSON() { while (true) {} } }); o.a = 1; o", opts);
    expect(proto).toMatchObject({ ok: true, value: { a: 1 } });
    expect(proto.stats.durationMs).toBeLessThan(500);
    const hidden = await sb.run(
      "const o = { a: 1 }; Object.defineProperty(o, 'toJSON', { value() { while (true) {} } }); o",
      opts,
    );
    expect(hidden).toMatchObject({ ok: true, value: { a: 1 } });
    expect(hidden.stats.durationMs).toBeLessThan(500);
  });

  it("does not call a getter on the result that loops forever", async () => {
    const started = performance.now();
    const r = await sb.run("({ a: 1, get b() { while (true) {} } })", { timeoutMs: 1000 });
    expect(performance.now() - started).toBeLessThan(1500);
    if (r.ok) {
      expect((r.value as { a: number }).a).toBe(1);
      expect(r.value).not.toHaveProperty("b");
    } else {
      expect(r.error?.name).not.toBe("TimeoutError");
    }
  });

  it("rejects results over maxResultBytes with ResultTooLargeError", async () => {
    const text = await sb.run("'x'.repeat(5000)", { maxResultBytes: 1000 });
    expect(text).toMatchObject({ ok: false, exitCode: 1, error: { name: "ResultTooLargeError" } });
    expect(text.value).toBeUndefined();
    const object = await sb.run("const o = {}; for (let i = 0; i < 10_000; i++) o['k' + i] = i; o", {
      maxResultBytes: 1000,
    });
    expect(object).toMatchObject({ ok: false, exitCode: 1, error: { name: "ResultTooLargeError" } });
    const fits = await sb.run("'x'.repeat(500)", { maxResultBytes: 1000 });
    expect(fits).toMatchObject({ ok: true, value: "x".repeat(500) });
  });

  it("rejects a function result without input as DataCloneError mentioning input", async () => {
    const r = await sb.run("export default function (x) { return x * 2 }");
    expect(r).toMatchObject({ ok: false, exitCode: 1, error: { name: "DataCloneError" } });
    expect(r.error?.message).toContain("input");
    const called = await sb.run("export default function (x) { return x * 2 }", { input: 21 });
    expect(called).toMatchObject({ ok: true, value: 42 });
  });

  it("leaves nothing running after a timed-out run", async () => {
    const r = await sb.run("setInterval(() => { let i = 0; while (i < 1e5) i++ }, 0)", { timeoutMs: 100 });
    expect(r.error?.name).toBe("TimeoutError");
    await sleep(50);
    await expectHealthy();
  });
});
