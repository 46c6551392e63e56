// Host work done for the guest counts toward the run's deadline: a loop of host calls that are cheap for the engine
// (a structuredClone of a big string, a no-op host function) ends at the deadline, and failing with a huge guest
// stack does not make the host parse it for seconds.
import { describe, expect, it } from "vitest";
import { run } from "../src/index.js";

/** Generous: the assertions are about runs that used to take many seconds (or minutes) past their deadline. */
const SLACK_MS = 2000;

describe("host calls count toward the deadline", () => {
  it("a loop of structuredClone on a big string ends as a TimeoutError near its deadline", async () => {
    const started = performance.now();
    const r = await run(`const s = "x".repeat(2e6); for (;;) structuredClone(s)`, {
      isolation: "inline",
      timeoutMs: 300,
    });
    const elapsed = performance.now() - started;
    expect(r.error?.name).toBe("TimeoutError");
    expect(elapsed).toBeLessThan(300 + SLACK_MS);
  });

  it("the guest cannot keep cloning after the deadline by catching the error", async () => {
    const started = performance.now();
    const r = await run(`const s = "x".repeat(2e6); for (;;) { try { structuredClone(s) } catch {} }`, {
      isolation: "inline",
      timeoutMs: 300,
    });
    expect(r.error?.name).toBe("TimeoutError");
    expect(performance.now() - started).toBeLessThan(300 + SLACK_MS);
  });

  for (const isolation of ["inline", "worker"] as const) {
    it(`a loop of cheap host function calls ends at its deadline (${isolation})`, async () => {
      let calls = 0;
      const started = performance.now();
      const r = await run(`for (;;) tick()`, {
        isolation,
        timeoutMs: 300,
        maxHostCalls: Number.MAX_SAFE_INTEGER,
        globals: { tick: () => void calls++ },
      });
      expect(r.error?.name).toBe("TimeoutError");
      expect(calls).toBeGreaterThan(0);
      expect(performance.now() - started).toBeLessThan(300 + SLACK_MS);
    });
  }
});

describe("errors with huge guest strings", () => {
  it("a thrown error with a million-frame stack is reported with a bounded stack", async () => {
    const r = await run(
      `const e = new Error("m"); e.stack = "    at f (main.js:1:1)\\n".repeat(1e6); throw e`,
      { isolation: "inline", timeoutMs: 5000 },
    );
    expect(r.error?.name).toBe("Error");
    expect(r.error?.message).toBe("m");
    expect((r.error?.stack ?? "").length).toBeLessThan(100_000);
  });
});
