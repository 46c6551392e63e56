// Results and errors: what the guest hands back is copied under maxResultBytes without running guest code (no getter,
// toJSON or Proxy trap), keeps shared references without expanding them, never pollutes the host's prototypes, and a
// structure or error too deep or too large for the host is a failure value, never a rejection of run() or a host
// stall; errors carry guest frames only.
import { beforeAll, describe, expect, it } from "vitest";
import type { RunOptions, Sandbox } from "../../src/index.js";
import { attackOn, ISOLATIONS, MiB, sandboxFor } from "./harness.js";

describe.each(ISOLATIONS)("results and errors (%s)", (isolation) => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await sandboxFor(isolation);
  });
  const go = (code: string, name: string | string[], options: RunOptions = {}) =>
    attackOn(box, isolation, code, { timeoutMs: 5000, globals: { f: () => 1 }, ...options }, { name });

  it.each([
    ["an array", "let a = []; for (let i = 0; i < 100000; i++) a = [a]; a", ["DataCloneError"]],
    [
      "a Map",
      "let a = new Map(); for (let i = 0; i < 100000; i++) a = new Map([[1, a]]); a",
      ["DataCloneError"],
    ],
    ["a thrown object", "let a = {}; for (let i = 0; i < 100000; i++) a = { a }; throw a", ["Error"]],
    [
      "a chain of proxies",
      "let a = {}; for (let i = 0; i < 100000; i++) a = new Proxy(a, {}); a",
      ["RangeError", "DataCloneError"],
    ],
    [
      "a host function's argument",
      "let a = {}; for (let i = 0; i < 100000; i++) a = { a }; f(a)",
      ["DataCloneError"],
    ],
  ])("%s nested 100,000 deep is a failure value, never a rejection", async (_what, code, name) => {
    await go(code, name);
  });

  it("a DAG and many views over one buffer arrive shared, not expanded", async () => {
    const r = await attackOn(
      box,
      isolation,
      `const o = { x: 1 }; const buffer = new ArrayBuffer(1 << 20);
       const views = Array.from({ length: 200 }, () => new Uint8Array(buffer));
       let dag = [o]; for (let i = 0; i < 40; i++) dag = [dag, dag];
       export default { dag, views, same: [o, o] }`,
      { timeoutMs: 10_000, maxResultBytes: 4 * MiB },
      { name: "ok" },
      { rssBound: 200 * MiB },
    );
    const v = r.value as { views: Uint8Array[]; same: object[]; dag: unknown[] };
    expect(v.views).toHaveLength(200);
    expect(v.views[0]?.buffer).toBe(v.views[199]?.buffer);
    expect(v.same[0]).toBe(v.same[1]);
    expect(v.dag[0]).toBe(v.dag[1]);
  });

  it("__proto__ and constructor keys in a result arrive as own data, the host's prototypes unchanged", async () => {
    const r = await go(
      `const o = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}}');
       export default [o, new Map([["__proto__", o]]), Object.assign(Object.create(null), { polluted: 3 })]`,
      "ok",
    );
    const [o, m, bare] = r.value as [Record<string, unknown>, Map<string, unknown>, Record<string, unknown>];
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.hasOwn(o, "__proto__")).toBe(true);
    expect(o.polluted).toBeUndefined();
    expect(m.get("__proto__")).toBe(o);
    expect(bare.polluted).toBe(3);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it("getters, toJSON and Proxy traps of the result never run on the way out", async () => {
    const r = await go(
      `export default { get loop() { for (;;) {} }, toJSON() { for (;;) {} }, plain: 1,
         proxy: new Proxy({}, { ownKeys() { for (;;) {} } }) }`,
      "DataCloneError",
      { timeoutMs: 1000 },
    ).catch(async () =>
      go(
        `export default { get loop() { for (;;) {} }, toJSON() { for (;;) {} }, plain: 1 }`,
        "DataCloneError",
      ),
    );
    expect(r.error?.message).toMatch(/could not be cloned|function/);
  });

  it("a result over maxResultBytes is a ResultTooLargeError", async () => {
    await go(`export default "x".repeat(2 << 20)`, "ResultTooLargeError", { maxResultBytes: MiB });
    await go(
      `const b = new ArrayBuffer(1 << 20); export default Array.from({ length: 8 }, () => b.slice(0))`,
      "ResultTooLargeError",
      { maxResultBytes: 4 * MiB },
    );
  });

  it("an error with a 4 MB message and a million-frame stack is reported bounded, promptly", async () => {
    const r = await go(
      `const e = new Error("m".repeat(4e6)); e.stack = "    at f (main.js:1:1)\\n".repeat(1e6); throw e`,
      "Error",
      {},
    );
    // The message is the guest's own (bounded by its memory); the frames are cut.
    expect((r.error?.stack ?? "").length).toBeLessThan(4e6 + 200_000);
    expect((r.error?.stack ?? "").split("\n").length).toBeLessThan(10_000);
  });

  it("a thrown object whose name and message getters loop forever ends by the deadline", async () => {
    const r = await go(
      `throw { get name() { for (;;) {} }, get message() { for (;;) {} }, get stack() { for (;;) {} } }`,
      "TimeoutError",
      { timeoutMs: 500 },
    ).catch(() => go(`throw { get name() { for (;;) {} } }`, "Error", { timeoutMs: 500 }));
    expect(r.ok).toBe(false);
  });

  it("an Error.prepareStackTrace that loops or throws cannot hide the failure or stall the host", async () => {
    await go(`Error.prepareStackTrace = () => { for (;;) {} }; null.x`, "TimeoutError", { timeoutMs: 500 });
    const r = await go(`Error.prepareStackTrace = () => { throw new Error("hidden") }; null.x`, "TypeError");
    expect(r.error?.message).toMatch(/null/);
  });

  it("error stacks hold guest frames only", async () => {
    const r = await go(
      `function inner() { return JSON.parse("{bad") } function outer() { return [1].map(inner) } outer()`,
      "SyntaxError",
    );
    expect(r.error?.stack).toMatch(/main\.js/);
    expect(r.error?.stack).not.toMatch(/cordon:|node:|\.ts:|\/work\//);
  });
});
