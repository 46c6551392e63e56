// isolation: "process": runs in child processes give the same results, host calls, output and aborts as inline and
// worker runs, through createSandbox(), run() and ProcessPool.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createSandbox,
  InvalidOptionError,
  ProcessPool,
  type RunOptions,
  type RunResult,
  run,
  type Sandbox,
} from "../src/index.js";

let sb: Sandbox;
beforeAll(async () => {
  sb = await createSandbox({ isolation: "process", processPool: { processes: 2 } });
});
afterAll(() => sb.dispose());

/** A result without what legitimately differs between two runs of the same program (time, cell size). */
function comparable(result: RunResult): unknown {
  return { ...result, stats: { hostCalls: result.stats.hostCalls } };
}

describe("the same results as inline", () => {
  const programs: [string, string, RunOptions?][] = [
    ["an ES module's default export", "export default [1, 2, 3].map((x) => x * 2)"],
    ["an exported function called with input", "module.exports = (s) => s.length", { input: "hello" }],
    [
      "structured-clone values",
      "export default [new Map([[1, 'a']]), new Set([2]), 10n, new Uint8Array([1, 2]), NaN, -0, undefined, (() => { const o = { k: 1 }; o.self = o; return o })()]",
    ],
    [
      "an uncaught error with its location",
      "const x = 1;\nfunction f() { throw new TypeError('bad ' + x) }\nf()",
    ],
    ["console output", "console.log('a', { b: [1, 2] }); console.error('err %d', 5); 7"],
    ["process.exit(3)", "console.log('before'); process.exit(3); console.log('after')"],
    ["a timeout", "console.log('spin'); while (true) {}", { timeoutMs: 200 }],
    [
      "a memory bomb",
      "const a = []; while (true) a.push(new Array(1e5).fill(1))",
      { memoryLimitBytes: 16 * 1024 * 1024 },
    ],
    ["env and filename", "throw new Error(process.env.WHO)", { env: { WHO: "me" }, filename: "job.js" }],
    [
      "files and returnFiles",
      "const fs = require('fs'); fs.writeFileSync('/out.txt', fs.readFileSync('/in.txt', 'utf8').toUpperCase()); 1",
      { files: { "in.txt": "abc" }, returnFiles: true },
    ],
    ["TypeScript", "const n: number = 41; export default n + 1", { filename: "main.ts" }],
    [
      "a host package",
      "const pc = require('picocolors'); module.exports = [typeof pc.red, pc.bold('x').includes('x')]",
      { packages: ["picocolors"] },
    ],
    [
      "a TypeScript namespace (transformed by the host)",
      "namespace N { export const v = 3 }\nexport default N.v",
      {
        filename: "main.ts",
      },
    ],
  ];

  for (const [label, code, options] of programs) {
    it(label, async () => {
      const [inline, pooled] = await Promise.all([
        run(code, { ...options, isolation: "inline" }),
        sb.run(code, options),
      ]);
      expect(comparable(pooled)).toEqual(comparable(inline));
    });
  }
});

describe("host functions", () => {
  it("a synchronous host function stays synchronous; an async one gives a promise", async () => {
    const calls: unknown[] = [];
    const r = await sb.run(
      `const sum = add(2, 3);
       const p = later(4);
       export default [sum, typeof sum, p instanceof Promise, await p, math.twice(21)];`,
      {
        globals: {
          add: (a: number, b: number) => {
            calls.push(["add", a, b]);
            return a + b;
          },
          later: async (x: number) => {
            await new Promise((resolve) => setTimeout(resolve, 20));
            return x * 10;
          },
          math: { twice: (x: number) => x * 2 },
        },
      },
    );
    expect(r).toMatchObject({ ok: true, value: [5, "number", true, 40, 42], stats: { hostCalls: 3 } });
    expect(calls).toEqual([["add", 2, 3]]);
  });

  it("a host function's error reaches the guest as an error it can catch, its host paths redacted", async () => {
    const r = await sb.run(
      `const out = [];
       try { check(1) } catch (e) { out.push(e.name, e.message, e instanceof Error) }
       try { await fail() } catch (e) { out.push(e.message) }
       export default out;`,
      {
        globals: {
          check: () => {
            throw new RangeError(`no good: ${process.cwd()}/secret.txt`);
          },
          fail: async () => {
            throw new Error("async failure");
          },
        },
      },
    );
    expect(r).toMatchObject({
      ok: true,
      value: ["RangeError", "no good: <host path>", true, "async failure"],
    });
  });

  it("many synchronous calls in a loop, each a round trip through the child", async () => {
    let n = 0;
    const r = await sb.run("let s = 0; for (let i = 0; i < 200; i++) s += next(); export default s", {
      globals: { next: () => ++n },
    });
    expect(r).toMatchObject({ ok: true, value: (200 * 201) / 2, stats: { hostCalls: 200 } });
  });
});

describe("output, aborts, options", () => {
  it("streams output chunk by chunk while the run goes on", async () => {
    const seen: string[] = [];
    const r = await sb.run(
      "console.log('one'); const s = seenSoFar(); console.log('two'); export default s",
      {
        onStdout: (chunk) => seen.push(chunk),
        globals: { seenSoFar: () => seen.join("") },
      },
    );
    expect(r).toMatchObject({ ok: true, value: "one\n", stdout: "one\ntwo\n" });
    expect(seen).toEqual(["one\n", "two\n"]);
  });

  it("an abort ends the run as AbortError with the output so far", async () => {
    const controller = new AbortController();
    const r = await sb.run("console.log('started'); started(); while (true) {}", {
      signal: controller.signal,
      timeoutMs: 10_000,
      globals: {
        started: () => {
          setTimeout(() => controller.abort(), 50);
        },
      },
    });
    expect(r).toMatchObject({ ok: false, exitCode: 130, error: { name: "AbortError" }, stdout: "started\n" });
  });

  it("fetch reaches an allowed server on 127.0.0.1", async () => {
    const server = http.createServer((_req, res) => res.end("pong"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const r = await sb.run(
        `const res = await fetch(${JSON.stringify(`${base}/ping`)}); export default await res.text()`,
        {
          network: { allow: [base] },
        },
      );
      expect(r).toMatchObject({ ok: true, value: "pong" });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("rejects a run whose options cannot cross to the child, and the child serves on", async () => {
    const files = { "a.txt": (() => "x") as unknown as string };
    await expect(sb.run("1", { files })).rejects.toMatchObject({
      name: "InvalidOptionError",
      code: "ERR_CORDON_INVALID_OPTION",
      message: expect.stringContaining("cannot be sent to a child process"),
    });
    expect((await sb.run("export default 'still here'")).value).toBe("still here");
  });

  it("run() with isolation: 'process' uses a shared pool", async () => {
    const r = await run("export default typeof process.env.CORDON_TEST_SECRET", { isolation: "process" });
    expect(r).toMatchObject({ ok: true, value: "undefined" });
  });

  it("validates isolation and processPool", async () => {
    await expect(run("1", { isolation: "thread" as never })).rejects.toThrow(
      'option `isolation` must be "worker", "process" or "inline"; got "thread"',
    );
    await expect(createSandbox({ isolation: "process", processPool: { processes: 0 } })).rejects.toThrow(
      InvalidOptionError,
    );
    await expect(
      createSandbox({ isolation: "process", processPool: { workers: 2 } as never }),
    ).rejects.toMatchObject({ option: "processPool.workers" });
    expect(() => new ProcessPool({ graceMs: -1 })).toThrow("option `processPool.graceMs` must be an integer");
  });
});
