// Output: console and process.stdout/stderr writes are cut at maxOutputBytes, whatever the program prints and
// however fast; printing values the engine holds cheaply (a sparse array of length 2**32 - 1, a huge Map) is prompt;
// inspection runs guest code (Proxy traps, getters) only under the run's limits.
import { beforeAll, describe, expect, it } from "vitest";
import type { RunOptions, Sandbox } from "../../src/index.js";
import { attackOn, ISOLATIONS, MiB, sandboxFor } from "./harness.js";

const KiB = 1024;

describe.each(ISOLATIONS)("output (%s)", (isolation) => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await sandboxFor(isolation);
  });
  const go = (code: string, name: string, options: RunOptions = {}) =>
    attackOn(box, isolation, code, { timeoutMs: 5000, maxOutputBytes: 64 * KiB, ...options }, { name });

  it("a console flood until the deadline keeps stdout and stderr at maxOutputBytes", async () => {
    let streamed = 0;
    const r = await go(
      `for (;;) { console.log("x".repeat(1e4)); console.error("y".repeat(1e4)) }`,
      "TimeoutError",
      {
        timeoutMs: 500,
        onStdout: (chunk) => {
          streamed += chunk.length;
        },
      },
    );
    expect(r.truncated).toEqual({ stdout: true, stderr: true });
    expect(Buffer.byteLength(r.stdout)).toBeLessThan(64 * KiB + 200);
    expect(Buffer.byteLength(r.stderr)).toBeLessThan(64 * KiB + 200);
    expect(streamed).toBeLessThan(64 * KiB + 200);
  });

  it("one 50 MB write is cut at maxOutputBytes, never inside a character", async () => {
    const r = await go(`process.stdout.write("é".repeat(25e6)); "done"`, "ok", {
      memoryLimitBytes: 256 * MiB,
    });
    expect(r.value).toBe("done");
    expect(r.truncated.stdout).toBe(true);
    expect(Buffer.byteLength(r.stdout)).toBeLessThan(64 * KiB + 200);
    expect(r.stdout).not.toContain("\uFFFD");
  });

  it.each([
    ["a sparse array of length 2**32 - 1", "console.log(Array(2 ** 32 - 1)); console.log([, , 1, , ])"],
    ["a sparse array with a far element", "const a = []; a[2 ** 32 - 2] = 1; console.log(a)"],
    ["a Map of 50,000 entries", "console.log(new Map(Array.from({ length: 5e4 }, (_, i) => [i, { i }])))"],
    [
      "a structure 10,000 deep",
      "let o = {}; for (let i = 0; i < 1e4; i++) o = { o }; console.log(o); console.dir(o, { depth: null })",
    ],
    ["a cycle", "const o = { a: [] }; o.a.push(o, o.a); console.log(o); console.table([o])"],
    ["a 10 MB string inside an object", `console.log({ s: "x".repeat(1e7) })`],
    [
      "format specifiers fed huge values",
      `console.log("%s %o %j %d", "x".repeat(1e6), { a: "y".repeat(1e6) }, [1], 2n ** 10000n)`,
    ],
  ])("printing %s is prompt and bounded", async (_what, code) => {
    const r = await go(code, "ok", { timeoutMs: 5000 });
    expect(Buffer.byteLength(r.stdout)).toBeLessThan(64 * KiB + 200);
  });

  it("printing a Proxy whose traps loop ends by the deadline", async () => {
    await go(`console.log(new Proxy({}, { ownKeys() { for (;;) {} } }))`, "TimeoutError", { timeoutMs: 500 });
  });
});
