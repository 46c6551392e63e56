// Tenants sharing one pool: one tenant's one-off runs must not hold up, nor take down, another tenant's session. A
// session lives on one worker; a one-off run that hangs there delays every run of the session until the hang's
// deadline, and the watchdog stopping that worker loses the session.
import { describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/index.js";
import { attack } from "./harness.js";

const NATIVE_HANG = "new Array(1e9) + ''";

/** Two runs that each wait until the other has started: both workers of the pool are up. */
async function bothWorkersUp(box: Sandbox): Promise<void> {
  let arrived = 0;
  let release = () => {};
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  const barrier = () => {
    arrived += 1;
    if (arrived === 2) release();
    return all;
  };
  await Promise.all([0, 1].map(() => box.run("await barrier()", { globals: { barrier } })));
}

describe("tenants on one pool", () => {
  it("a one-off run that hangs is not parked on the worker holding another tenant's session", async () => {
    const box = await createSandbox({ isolation: "worker", workerPool: { workers: 2 } });
    try {
      await bothWorkersUp(box);
      const session = box.createSession({ tenant: "b" });
      await session.run("globalThis.count = 0");
      let hangs: Promise<unknown>[] = [];
      await attack({
        isolation: "worker",
        timeoutMs: 3000,
        expected: { name: "ok" },
        run: async () => {
          // Another tenant's hanging runs: they wait for the worker holding no sessions, never the session's.
          hangs = [1, 2, 3].map(() => box.run("while (true) {}", { timeoutMs: 3000, tenant: "a" }));
          await new Promise((resolve) => setTimeout(resolve, 100));
          const started = performance.now();
          const r = await session.run("++count");
          // The session's run waits for no hang.
          expect(performance.now() - started).toBeLessThan(1500);
          return r;
        },
        next: () => session.run("count + 41"),
      });
      expect((await Promise.all(hangs)).map((r) => (r as { error?: { name: string } }).error?.name)).toEqual([
        "TimeoutError",
        "TimeoutError",
        "TimeoutError",
      ]);
    } finally {
      box.dispose();
    }
  }, 60_000);

  it("the watchdog stopping a one-off run does not destroy another tenant's session", async () => {
    const box = await createSandbox({ isolation: "worker", workerPool: { workers: 2 } });
    try {
      await bothWorkersUp(box);
      const session = box.createSession({ tenant: "b" });
      await session.run("globalThis.kept = 41");
      await attack({
        isolation: "worker",
        // Four runs ended by the watchdog, one after another on the worker holding no sessions.
        timeoutMs: 4 * 500,
        expected: { name: "TimeoutError" },
        run: async () => {
          const hangs = await Promise.all(
            [1, 2, 3, 4].map(() => box.run(NATIVE_HANG, { timeoutMs: 500, tenant: "a" })),
          );
          return hangs[0]!;
        },
        next: () => session.run("kept + 1"),
      });
    } finally {
      box.dispose();
    }
  }, 60_000);
});
