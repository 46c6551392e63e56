// Cases for the guest runtime and sessions: a TypeScript entry that imports node:fs and reads a mounted file, a
// session run of `x += 1`, and the memory that idle sessions hold.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSandbox, type RunResult, type Sandbox } from "../src/index.js";
import type { BenchCase } from "./measure.js";

export const TS_FS_CODE = `import { readFileSync } from "node:fs";
interface Log { level: "error" | "info"; msg: string }
const logs: Log[] = readFileSync("/data/log.jsonl", "utf8").trim().split("\\n").map((line) => JSON.parse(line));
export default logs.filter((log) => log.level === "error").length;
`;

function check(result: RunResult, expected: unknown, what: string): void {
  if (!result.ok || result.value !== expected) {
    throw new Error(
      `${what}: expected ${String(expected)}, got ${JSON.stringify(result.error ?? result.value)}`,
    );
  }
}

export async function runtimeCases(): Promise<{ cases: BenchCase[]; dispose(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "cordon-bench-"));
  writeFileSync(join(dir, "log.jsonl"), '{"level":"error","msg":"disk"}\n{"level":"info","msg":"ok"}\n');
  const sandbox: Sandbox = await createSandbox({
    isolation: "inline",
    mounts: [{ hostPath: dir, guestPath: "/data" }],
  });
  const session = sandbox.createSession();
  check(await session.run("var x = 0; x"), 0, "session setup");
  let expected = 0;
  const workers: Sandbox = await createSandbox();
  const workerSession = workers.createSession();
  check(await workerSession.run("var y = 0; y"), 0, "worker session setup");
  let expectedOnWorker = 0;
  const cases: BenchCase[] = [
    {
      key: "tsFs",
      label: "TS entry + import node:fs + mounted file",
      once: async () => check(await sandbox.run(TS_FS_CODE, { filename: "/main.ts" }), 1, "TS + fs"),
    },
    {
      key: "session",
      label: 'session run("x += 1"), inline',
      once: async () => check(await session.run("x += 1"), ++expected, "session"),
    },
    {
      key: "sessionWorker",
      label: 'session run("x += 1"), on a worker',
      once: async () => check(await workerSession.run("y += 1"), ++expectedOnWorker, "worker session"),
    },
  ];
  return {
    cases,
    dispose() {
      sandbox.dispose();
      workers.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** RSS held by `count` idle sessions (each has run once), in bytes per session. */
export async function idleSessionMemory(
  count: number,
  isolation: "inline" | "worker",
): Promise<{ count: number; totalBytes: number; perSessionBytes: number; rssAfterBytes: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  // Measured from before the sandbox exists: with workers, their own start-up memory counts too.
  const before = process.memoryUsage().rss;
  const sandbox = await createSandbox({ isolation, maxSessions: count });
  for (let i = 0; i < count; i++) {
    const session = sandbox.createSession();
    check(await session.run(`const id = ${i}; id`), i, "idle session");
  }
  gc?.();
  const rssAfterBytes = process.memoryUsage().rss;
  const totalBytes = rssAfterBytes - before;
  sandbox.dispose();
  return { count, totalBytes, perSessionBytes: totalBytes / count, rssAfterBytes };
}
