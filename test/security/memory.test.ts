// Memory: a program that allocates without bound ends as a MemoryLimitError (or the engine's own RangeError for a
// size no engine allows) at its cap, even when it catches its out-of-memory errors; the host's RSS grows by a bounded
// amount, and nested input deeper than the stack allows is a RangeError value, not a host crash.
import { beforeAll, describe, expect, it } from "vitest";
import type { RunOptions, Sandbox } from "../../src/index.js";
import { attackOn, ISOLATIONS, MiB, sandboxFor } from "./harness.js";

const LIMIT = 16 * MiB;

describe.each(ISOLATIONS)("memory (%s)", (isolation) => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await sandboxFor(isolation);
  });
  const go = (code: string, name: string, options: RunOptions = {}) =>
    attackOn(
      box,
      isolation,
      code,
      { timeoutMs: 5000, memoryLimitBytes: LIMIT, ...options },
      { name },
      { rssBound: 200 * MiB },
    );

  it.each([
    ["an array bomb", "const a = []; while (true) a.push(new Array(1e5).fill(1))", "MemoryLimitError"],
    ["a string repeat bomb", `"x".repeat(2 ** 28).length`, "MemoryLimitError"],
    ["a string repeat past the engine's maximum", `"x".repeat(2 ** 30).length`, "RangeError"],
    [
      "many distinct strings",
      `const p = []; for (let i = 0; ; i++) p.push("x".repeat(1 << 16) + i)`,
      "MemoryLimitError",
    ],
    ["a Map bomb", "const m = new Map(); for (let i = 0; ; i++) m.set(i, { i })", "MemoryLimitError"],
    ["an ArrayBuffer over the cap", "new ArrayBuffer(64 * 1024 * 1024).byteLength", "MemoryLimitError"],
    ["a typed array past the engine's maximum", "new Uint8Array(2 ** 31).length", "RangeError"],
    [
      "JSON.parse of arrays nested a million deep",
      `JSON.parse("[".repeat(1e6) + "]".repeat(1e6))`,
      "RangeError",
    ],
    [
      "JSON.parse of objects nested 100,000 deep",
      `JSON.parse('{"a":'.repeat(1e5) + "1" + "}".repeat(1e5))`,
      "RangeError",
    ],
    [
      "a structure built 1,000,000 deep and stringified",
      "const o = {}; let c = o; for (let i = 0; i < 1e6; i++) c = c.a = {}; JSON.stringify(o).length",
      "MemoryLimitError",
    ],
  ])("%s ends at the cap", async (_what, code, name) => {
    await go(code, name);
  });

  it("a program that catches every out-of-memory error still ends as a MemoryLimitError", async () => {
    const r = await go(
      "const a = []; let n = 0; for (;;) { try { a.push({ n: n++ }) } catch {} }",
      "MemoryLimitError",
    );
    expect(r.exitCode).toBe(137);
  });

  it("a string-doubling bomb (ropes) ends as a failure value", async () => {
    const r = await go(`let s = "x"; for (;;) s += s`, "InternalError");
    expect(r.error?.message).toMatch(/string too long/);
  });

  it("four bombs in a row leave the host's RSS bounded", async () => {
    await attackOn(
      box,
      isolation,
      "0",
      { timeoutMs: 60_000 },
      { name: "ok" },
      {
        rssBound: 250 * MiB,
        run: async () => {
          for (let i = 0; i < 4; i++) {
            const r = await box.run(`const p = []; for (let i = 0; ; i++) p.push("y".repeat(1 << 16) + i)`, {
              memoryLimitBytes: LIMIT,
            });
            expect(r.error?.name).toBe("MemoryLimitError");
          }
          return box.run("1");
        },
      },
    );
  });
});
