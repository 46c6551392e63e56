// TypeScript in pool workers: a transform that would not end in time ends as a TimeoutError while the caller's
// event loop goes on, and a worker stopped by the watchdog leaves no transformer process behind.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkerPool } from "../src/pool/index.js";

const NESTED = `const x = ${"<any>(".repeat(21)}1${")".repeat(21)};\nexport default x;`;
const NAMESPACE = `namespace Geometry { export const unit = 10; }\nexport default Geometry.unit;`;

const pool = new WorkerPool({ workers: 1 });
beforeAll(async () => {
  await pool.run("0"); // the worker is up before anything is timed
});
afterAll(() => pool.dispose());

// Run in a process of its own, from dist (built by `npm test`): workers started from the sources load them through
// tsx, whose own esbuild process would be left behind by the watchdog too. Prints what happened and the process's
// children named esbuild that exited and were never reaped (state Z), polled for up to 3 s after the kill.
const POOL = new URL("../dist/pool/index.js", import.meta.url).href;
const SCRIPT = `
import { readdirSync, readFileSync } from "node:fs";
const { WorkerPool } = await import(${JSON.stringify(POOL)});
const zombies = () => readdirSync("/proc").filter((entry) => {
  try {
    const match = /^\\d+ \\((.*)\\) (\\S) (\\d+)/.exec(readFileSync("/proc/" + entry + "/stat", "utf8"));
    return match?.[1] === "esbuild" && match[2] === "Z" && Number(match[3]) === process.pid;
  } catch { return false; }
});
const pool = new WorkerPool({ workers: 1 });
const namespace = ${JSON.stringify(NAMESPACE)};
const first = await pool.run(namespace, { filename: "main.ts" });
const hung = await pool.run("new Array(1e9) + ''", { timeoutMs: 200 });
const again = await pool.run(namespace, { filename: "main.ts" });
let left = [];
for (let i = 0; i < 30 && left.length === 0; i++) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  left = zombies();
}
await pool.dispose();
console.log(JSON.stringify({ first: first.value, hung: hung.error?.name, again: again.value, zombies: left }));
process.exit(0);
`;

async function runScript(): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), "cordon-esbuild-"));
  const file = join(dir, "scenario.mjs");
  writeFileSync(file, SCRIPT);
  try {
    return await new Promise((resolve, reject) => {
      execFile(process.execPath, [file], { timeout: 60_000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("TypeScript on pool workers", () => {
  it("ends a transform that would not end in time as a TimeoutError; the caller's loop runs and the pool serves on", async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = performance.now();
    const r = await pool.run(NESTED, { filename: "main.ts", timeoutMs: 1000 });
    clearInterval(ticker);
    expect(r).toMatchObject({ ok: false, error: { name: "TimeoutError" } });
    expect(performance.now() - started).toBeLessThan(1000 + 2000);
    expect(ticks).toBeGreaterThan(10);
    const next = await pool.run("const n: number = 41; export default n + 1;", { filename: "main.ts" });
    expect(next).toMatchObject({ ok: true, value: 42 });
  });

  it("leaves no esbuild process behind when the watchdog stops a worker that transformed a namespace", async () => {
    expect(await runScript()).toEqual({ first: 10, hung: "TimeoutError", again: 10, zombies: [] });
  });
});
