// WorkerPool under hostile guests: native operations the engine cannot interrupt, a caller's event loop that must
// stay responsive, recursion at the pool's stack cap, and a long mixed load that must not lose a benign result.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunOptions, RunResult } from "../src/index.js";
import { WorkerPool } from "../src/pool/index.js";

const pool = new WorkerPool({ workers: 2 });
beforeAll(async () => {
  // Both workers up before anything is timed.
  await Promise.all([pool.run("0"), pool.run("0")]);
});
afterAll(() => pool.dispose());

const NATIVE_HANG = "new Array(1e9) + ''";

describe("what the engine cannot interrupt", () => {
  it("ends a native operation at timeoutMs plus grace while another worker keeps serving", async () => {
    const started = performance.now();
    const hang = pool.run(`console.log('before'); ${NATIVE_HANG}`, { timeoutMs: 1000 }).then((r) => ({
      r,
      at: performance.now() - started,
    }));
    const normal: RunResult[] = [];
    for (let i = 0; i < 20; i++)
      normal.push(await pool.run(`let s = 0; for (let j = 0; j < 1e5; j++) s += j; s + ${i}`));
    const normalDoneAt = performance.now() - started;
    const { r, at } = await hang;
    expect(r).toMatchObject({
      ok: false,
      exitCode: 124,
      error: { name: "TimeoutError" },
      stdout: "before\n",
    });
    expect(at).toBeGreaterThanOrEqual(1000);
    expect(at).toBeLessThan(1500);
    expect(normal.map((n) => n.value)).toEqual(Array.from({ length: 20 }, (_, i) => 4999950000 + i));
    expect(normalDoneAt).toBeLessThan(at);
    expect((await pool.run("export default 'after'")).value).toBe("after");
  });

  // Retried: other processes competing for the CPU can delay a timer by themselves; a thread the pool blocked would
  // fail every attempt.
  it("keeps the caller's event loop responsive while a worker spins", { retry: 4 }, async () => {
    // Both workers up (the one replacing the worker stopped above has started too): only the spinning one works.
    await Promise.all([pool.run("0"), pool.run("0")]);
    const gaps: number[] = [];
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }, 10);
    const r = await pool.run("while (true) {}", { timeoutMs: 1500 });
    clearInterval(ticker);
    expect(r.error?.name).toBe("TimeoutError");
    expect(gaps.length).toBeGreaterThan(100);
    expect(
      Math.max(...gaps),
      `gaps between ticks: ${gaps.map((g) => g.toFixed(1)).join(" ")}`,
    ).toBeLessThanOrEqual(20);
  });
});

describe("recursion at the pool's stack cap", () => {
  const patterns = [
    "function f(){return f()+1}; f()",
    "function f(){return [1].map(()=>f())}; f()",
    "const o={get x(){return this.x}}; o.x",
    "function f(){return JSON.stringify({toJSON(){return f()}})}; f()",
    "function f(){return [2,1].sort(()=>f())}; f()",
    "function f(){return 'a'.replace(/a/, ()=>f())}; f()",
    "function f(){return Reflect.apply(f,null,[])}; f()",
    "const p = new Proxy({}, {get(t,k,r){return r[k]}}); p.x",
    "function f(){return `$" + "{{toString(){return f()}}}`}; f()",
    "function f(){return new (class { constructor(){ f() } })()}; f()",
    "function f(){ return JSON.parse('[1]', () => f()) }; f()",
    "async function f(){ return await f() }; await f()",
    "function* g(){ yield* g() }; [...g()]",
    "function f(){ return eval('f()') }; f()",
    "function f(){return String({toString(){return f()}})}; f()",
    "function f(){return new Proxy(function(){}, {apply(){return f()}})()}; f()",
    "function f(){return Object.keys(new Proxy({}, {ownKeys(){return f()}}))}; f()",
  ];
  it("ends every pattern as the engine's catchable RangeError, and the worker serves on", async () => {
    const results = await Promise.all(
      patterns.map((code) => pool.run(code, { stackSizeBytes: 1024 * 1024 })),
    );
    for (const [i, r] of results.entries()) {
      expect({ code: patterns[i], error: r.error?.name, message: r.error?.message }).toEqual({
        code: patterns[i],
        error: "RangeError",
        message: "Maximum call stack size exceeded",
      });
    }
    expect((await pool.run("export default 20 + 22")).value).toBe(42);
  });
});

describe("a mixed load", () => {
  const hostile: [string, string, RunOptions][] = [
    ["TimeoutError", "while (true) {}", { timeoutMs: 100 }],
    ["TimeoutError", "function f() { Promise.resolve().then(f) } f()", { timeoutMs: 100 }],
    [
      "MemoryLimitError",
      "const a = []; while (true) a.push(new Array(1e5).fill(1))",
      { memoryLimitBytes: 16 << 20 },
    ],
    [
      "MemoryLimitError",
      "const parts = []; for (let i = 0; ; i++) parts.push('x'.repeat(1 << 16) + i)",
      { memoryLimitBytes: 16 << 20 },
    ],
    ["TimeoutError", NATIVE_HANG, { timeoutMs: 100 }],
    ["RangeError", "function f() { return f() + 1 } f()", {}],
    ["TimeoutError", "for (;;) console.log('x'.repeat(1000))", { timeoutMs: 100 }],
  ];

  it("loses no benign result among 500 runs with 10% hostile ones", async () => {
    const started = performance.now();
    const runs = Array.from({ length: 500 }, (_, i) => {
      if (i % 10 === 5) {
        const [expected, code, options] = hostile[Math.floor(i / 10) % hostile.length]!;
        return pool
          .run(code, options)
          .then((r) => ({ i, expected, got: r.error?.name ?? `ok ${String(r.value)}` }));
      }
      const code =
        i % 3 === 0
          ? `console.log('run', ${i}); export default ${i} * 3`
          : i % 3 === 1
            ? `module.exports = async (n) => (await twice(n)) + 1`
            : `const o = { i: ${i}, list: [1, 2, 3] }; o.i * 3`;
      const expectedValue = i % 3 === 1 ? i * 2 + 1 : i * 3;
      const options: RunOptions =
        i % 3 === 1 ? { input: i, globals: { twice: async (n: number) => n * 2 } } : {};
      return pool.run(code, options).then((r) => ({
        i,
        expected: `ok ${expectedValue}`,
        got: r.ok ? `ok ${String(r.value)}` : `${r.error?.name}: ${r.error?.message}`,
        stdout: r.stdout,
      }));
    });
    const outcomes = await Promise.all(runs);
    const wrong = outcomes.filter((o) => o.got !== o.expected);
    expect(wrong).toEqual([]);
    for (const o of outcomes) {
      if (o.i % 10 !== 5 && o.i % 3 === 0) expect(o).toMatchObject({ stdout: `run ${o.i}\n` });
    }
    expect(performance.now() - started).toBeLessThan(60_000);
  });
});
