// isolation: "process", the children's lives: the watchdog kills a child that does not answer, a child killed from
// outside fails its run (not the host), sessions are lost with their child, dispose() leaves no child behind, idle
// children do not keep the host alive, and a child gets none of the host's environment variables.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createSandbox, ProcessPool } from "../src/index.js";
import { childEnv } from "../src/pool/process-link.js";
import { WorkerSession } from "../src/session/worker-session.js";
import { expectPromptExit } from "./helpers/child.js";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (up to 5 s) until `pid` is gone. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(50);
  return !alive(pid);
}

/** A promise resolved when the guest calls the host function it is given as `started`. */
function startSignal(): { started: () => void; begun: Promise<void> } {
  let started!: () => void;
  const begun = new Promise<void>((resolve) => {
    started = resolve;
  });
  return { started, begun };
}

const pool = new ProcessPool({ processes: 1, graceMs: 300 });
afterAll(() => pool.dispose());

describe("children that do not answer or die", () => {
  it("kills a child stuck in a native operation at the deadline plus grace, and replaces it", async () => {
    await pool.run("0");
    const [before] = pool.pids;
    const started = performance.now();
    const r = await pool.run("console.log('going'); new Array(1e9) + ''", { timeoutMs: 200 });
    const took = performance.now() - started;
    expect(r).toMatchObject({ ok: false, exitCode: 124, error: { name: "TimeoutError" }, stdout: "going\n" });
    expect(took).toBeLessThan(200 + 300 + 10_000);
    expect(await gone(before!)).toBe(true);
    expect((await pool.run("export default 'next'")).value).toBe("next");
    expect(pool.pids).not.toContain(before);
  });

  it("a child killed from outside mid-run gives a failed RunResult, and the next run works", async () => {
    const { started, begun } = startSignal();
    const running = pool.run("console.log('working'); started(); while (true) {}", {
      timeoutMs: 10_000,
      globals: { started },
    });
    await begun;
    const [pid] = pool.pids;
    process.kill(pid!, "SIGKILL");
    const r = await running;
    expect(r).toMatchObject({
      ok: false,
      exitCode: 1,
      error: { name: "InternalError" },
      stdout: "working\n",
    });
    expect(r.error?.message).toContain("child process");
    expect(r.error?.message).toContain("SIGKILL");
    expect((await pool.run("export default 'replaced'")).value).toBe("replaced");
  });
});

describe("sessions", () => {
  it("keep their state across runs, with host functions fixed at creation", async () => {
    const sb = await createSandbox({ isolation: "process", processPool: { processes: 1 } });
    try {
      const session = sb.createSession({ globals: { base: () => 100 } });
      await session.run("let n = base()");
      await session.run("n += 1");
      expect((await session.run("n")).value).toBe(101);
      session.reset();
      expect((await session.run("typeof n")).value).toBe("undefined");
    } finally {
      sb.dispose();
    }
  });

  it("are lost when their child dies, until reset()", async () => {
    const { started, begun } = startSignal();
    const session = new WorkerSession(pool, { globals: { started } }, () => {});
    try {
      await session.run("let v = 1");
      const running = session.run("started(); while (true) {}", { timeoutMs: 10_000 });
      await begun;
      for (const pid of pool.pids) process.kill(pid, "SIGKILL");
      expect(await running).toMatchObject({ ok: false, error: { name: "InternalError" } });
      const lost = await session.run("v");
      expect(lost.error).toMatchObject({ name: "SessionLostError" });
      expect(lost.error?.message).toContain("child process ended unexpectedly");
      session.reset();
      expect((await session.run("let v = 2; v")).value).toBe(2);
    } finally {
      session.dispose();
    }
  });
});

describe("the children's lives", () => {
  it("dispose() kills every child", async () => {
    const doomed = new ProcessPool({ processes: 2 });
    const { started, begun } = startSignal();
    const running = doomed.run("started(); while (true) {}", { timeoutMs: 10_000, globals: { started } });
    await Promise.all([doomed.run("1"), begun]);
    const pids = doomed.pids;
    expect(pids).toHaveLength(2);
    expect(pids.every(alive)).toBe(true);
    await doomed.dispose();
    expect(pids.filter(alive)).toEqual([]);
    expect(await running).toMatchObject({ ok: false, error: { name: "DisposedError" } });
    expect(doomed.pids).toEqual([]);
  });

  it("a child gets none of the host's environment variables beyond PATH and the temporary directory", async () => {
    process.env.CORDON_TEST_SECRET = "do-not-leak";
    try {
      expect(childEnv()).not.toHaveProperty("CORDON_TEST_SECRET");
      expect(Object.keys(childEnv({ PATH: "/bin", HOME: "/root", TMPDIR: "/t", SECRET: "x" }))).toEqual([
        "PATH",
        "TMPDIR",
      ]);
      const fresh = new ProcessPool({ processes: 1 });
      try {
        await fresh.run("0");
        const [pid] = fresh.pids;
        const file = `/proc/${pid}/environ`;
        if (existsSync(file)) {
          const names = readFileSync(file, "utf8")
            .split("\0")
            .filter(Boolean)
            .map((entry) => entry.slice(0, entry.indexOf("=")));
          expect(names).not.toContain("CORDON_TEST_SECRET");
          expect(names).toContain("PATH");
        }
        const r = await fresh.run("export default [typeof process.env.CORDON_TEST_SECRET, process.env.PATH]");
        expect(r.value).toEqual(["undefined", undefined]);
      } finally {
        await fresh.dispose();
      }
    } finally {
      delete process.env.CORDON_TEST_SECRET;
    }
  });

  it("leaves nothing that keeps the host alive, after dispose() and with idle children", async () => {
    const entry = fileURLToPath(new URL("../src/index.ts", import.meta.url));
    const script = (dispose: boolean) => `
      import { createSandbox, ProcessPool, run } from ${JSON.stringify(entry)};
      const sb = await createSandbox({ isolation: "process", processPool: { processes: 2 } });
      const pool = new ProcessPool({ processes: 1 });
      const session = sb.createSession({ globals: { f: async () => 1 } });
      const results = await Promise.all([
        sb.run("export default 1 + 1"),
        sb.run("new Array(1e9) + ''", { timeoutMs: 200 }),
        session.run("await f(); 2", { onStdout: () => {} }).then(() => run("2", { isolation: "process" })),
      ]);
      results.push(await pool.run("export default 2"));
      ${dispose ? "sb.dispose(); await pool.dispose();" : ""}
      console.log(JSON.stringify(results.map((r) => r.error?.name ?? r.value)));
      console.log("done " + Date.now());`;
    for (const dispose of [true, false]) await expectPromptExit(script(dispose), '[2,"TimeoutError",2,2]');
  }, 120_000);

  it("a child whose host was killed exits by itself", async () => {
    const entry = fileURLToPath(new URL("../src/pool/index.ts", import.meta.url));
    const script = `
      import { ProcessPool } from ${JSON.stringify(entry)};
      const pool = new ProcessPool({ processes: 1 });
      const running = pool.run("started(); while (true) {}", {
        timeoutMs: 60_000,
        globals: { started: () => console.log(String(pool.pids[0])) },
      });
      await running;`;
    const host = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      stdio: ["ignore", "pipe", "inherit"],
    });
    const pid = await new Promise<number>((resolve) => {
      let out = "";
      host.stdout.on("data", (chunk) => {
        out += chunk;
        if (out.includes("\n")) resolve(Number(out.trim()));
      });
    });
    expect(alive(pid)).toBe(true);
    host.kill("SIGKILL");
    expect(await gone(pid)).toBe(true);
  });
});
