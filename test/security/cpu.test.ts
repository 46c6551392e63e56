// CPU: a program that would run forever ends as a TimeoutError by its deadline (plus grace), whatever it loops on:
// bytecode, microtasks, timers, a backtracking regex, cheap native calls it catches the errors of, eval recursion.
// On a worker even one native operation the engine cannot interrupt ends, by the watchdog.
import { beforeAll, describe, expect, it } from "vitest";
import type { RunOptions, Sandbox } from "../../src/index.js";
import { attackOn, ISOLATIONS, sandboxFor } from "./harness.js";

const TIMEOUT = 400;

describe.each(ISOLATIONS)("cpu (%s)", (isolation) => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await sandboxFor(isolation);
  });
  const go = (code: string, name: string, options: RunOptions = {}) =>
    attackOn(box, isolation, code, { timeoutMs: TIMEOUT, ...options }, { name });

  it.each([
    ["a bytecode loop", "while (true) {}"],
    ["a microtask loop", "function f() { Promise.resolve().then(f) } f()"],
    ["a timer loop", "setInterval(() => { for (let i = 0; i < 1e5; i++); }, 0)"],
    ["a backtracking regex", `/(a+)+$/.test("a".repeat(40) + "!")`],
    ["a backtracking replace", `"a".repeat(30000).replace(/(a|aa)*b/g, "")`],
    [
      "a structuredClone loop catching errors",
      `const s = "x".repeat(2e6); for (;;) { try { structuredClone(s) } catch {} }`,
    ],
    ["a console loop", `for (;;) console.log("x".repeat(100))`],
    ["a finally that loops", "try { while (true) {} } finally { while (true) {} }"],
  ])("%s ends as a TimeoutError", async (_what, code) => {
    const r = await go(code, "TimeoutError");
    expect(r.exitCode).toBe(124);
  });

  it("a cheap host function called in a loop that catches every error ends at the deadline", async () => {
    let calls = 0;
    let late = 0;
    let over = false;
    const r = await go(`for (;;) { try { tick() } catch {} }`, "TimeoutError", {
      maxHostCalls: Number.MAX_SAFE_INTEGER,
      globals: {
        tick: () => {
          calls += 1;
          if (over) late += 1;
        },
      },
    });
    over = true;
    expect(calls).toBeGreaterThan(0);
    expect(r.stats.hostCalls).toBeLessThanOrEqual(calls);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(late).toBe(0);
  });

  it("eval recursion is a RangeError, and catching it at every level still ends", async () => {
    await go(`function f() { return eval("f()") } f()`, "RangeError", { timeoutMs: 5000 });
    const r = await go(`let n = 0; function f() { n++; try { eval("f()") } catch {} } f(); n`, "ok", {
      timeoutMs: 5000,
    });
    expect(r.value).toBeGreaterThan(10);
  });
});

describe("cpu: native operations the engine cannot interrupt (worker: the watchdog)", () => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await sandboxFor("worker");
  });
  it.each([
    ["a billion-element join", "new Array(1e9) + ''"],
    ["indexOf over Array(2**32-1)", "Array(2 ** 32 - 1).indexOf(1)"],
  ])("%s ends as a TimeoutError", async (_what, code) => {
    // Bound: deadline + the watchdog's grace + starting the replacement worker on a busy machine (the next run).
    const r = await attackOn(box, "worker", code, { timeoutMs: TIMEOUT }, { name: "TimeoutError" });
    expect(r.exitCode).toBe(124);
  });
});
