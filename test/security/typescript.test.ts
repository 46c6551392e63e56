// TypeScript: the transform runs on the host, but under the run's limits (a file whose parse would take exponential
// time ends as a TimeoutError by the deadline; a file over 1 MiB, even one the program wrote, is a SyntaxError), its
// cache is per sandbox and bounded (a hit would tell one tenant what another's files hold), and a worker stopped by
// the watchdog leaves no esbuild process behind.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { transformCount } from "../../src/capabilities/modules/typescript.js";
import { createSandbox, type RunOptions, type RunResult, type Sandbox } from "../../src/index.js";
import { attack, attackOn, hostDir, ISOLATIONS, MiB, sandboxFor } from "./harness.js";

/** Nested type assertions: the transformer's parse time doubles with each level (21 levels: many seconds). */
const NESTED = `const x = ${"<any>(".repeat(21)}1${")".repeat(21)};\nexport default x;`;

describe.each(ISOLATIONS)("typescript (%s)", (isolation) => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await sandboxFor(isolation);
  });
  const go = (code: string, name: string, options: RunOptions = {}) =>
    attackOn(box, isolation, code, { timeoutMs: 5000, ...options }, { name });

  it("21 nested <any>( in the entry end as a TimeoutError by the deadline", async () => {
    await go(NESTED, "TimeoutError", { filename: "main.ts", timeoutMs: 800 });
  });

  it("21 nested <any>( in an imported file end as a TimeoutError even when the import is caught", async () => {
    await go(`try { await import("./deep.ts") } catch {} export default "went on";`, "TimeoutError", {
      filename: "main.mjs",
      timeoutMs: 800,
      files: { "deep.ts": NESTED },
    });
  });

  it("an 8 MiB .ts file the program wrote is a SyntaxError naming the cap, which it can catch", async () => {
    const r = await go(
      `import { writeFileSync } from "node:fs";
       writeFileSync("/big.ts", "var n: number = 1;\\n".repeat(8 * 1024 * 1024 / 19));
       let message = "imported";
       try { await import("/big.ts") } catch (error) { message = error.name + ": " + error.message }
       export default message;`,
      "ok",
      { filename: "main.mjs", memoryLimitBytes: 128 * MiB },
    );
    expect(r.value).toMatch(/^SyntaxError: .*\/big\.ts.*1 MiB/);
  });

  it("hundreds of distinct files keep the sandbox's cache and the host's memory bounded", async () => {
    const line = (i: number, j: number) =>
      `export const v${j}: string = ${JSON.stringify(`${i}`.repeat(2000))};`;
    const files = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [
        `m${i}.ts`,
        Array.from({ length: 20 }, (_, j) => line(i, j)).join("\n"),
      ]),
    );

    const r = await attackOn(
      box,
      isolation,
      `let n = 0; for (let i = 0; i < 60; i++) { await import("./m" + i + ".ts"); n++ } export default n;`,
      { timeoutMs: 30_000, filename: "main.mjs", files },
      { name: "ok" },
      { rssBound: 250 * MiB },
    );
    expect(r.value).toBe(60);
  });
});

describe("typescript: the transform cache between tenants", () => {
  const secret = (guess: string) => ({
    src: { "lib.ts": `export const secret: string = ${JSON.stringify(guess)};\n` },
  });
  const code = `import { secret } from "./src/lib.ts"; export default secret;`;

  it("two sandboxes never share a transform, though they transform the same file at the same path", async () => {
    const a = await createSandbox({ isolation: "inline" });
    const b = await createSandbox({ isolation: "inline" });
    try {
      const counts: number[] = [];
      const counted = async (box: Sandbox): Promise<RunResult> => {
        const before = transformCount();
        const r = await box.run(code, { files: secret("hunter2") });
        counts.push(transformCount() - before);
        return r;
      };
      await attack({
        isolation: "inline",
        timeoutMs: 5000,
        expected: { name: "ok" },
        sandbox: b,
        run: async () => {
          await counted(a);
          await counted(a);
          return counted(b);
        },
        nextValue: 42,
      });
      expect(counts).toEqual([1, 0, 1]);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

// Run from dist in a process of its own: workers started from the sources load them through tsx, whose own esbuild
// process would be left behind by the watchdog too. Prints the esbuild children never reaped (state Z).
const POOL = new URL("../../dist/pool/index.js", import.meta.url).href;
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
const namespace = "namespace Geometry { export const unit = 10; }\\nexport default Geometry.unit;";
const first = await pool.run(namespace, { filename: "main.ts" });
const hung = await pool.run("new Array(1e9) + ''", { timeoutMs: 200 });
const again = await pool.run(namespace, { filename: "main.ts" });
let left = [];
for (let i = 0; i < 20 && left.length === 0; i++) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  left = zombies();
}
await pool.dispose();
console.log(JSON.stringify({ first: first.value, hung: hung.error?.name, again: again.value, zombies: left }));
process.exit(0);
`;

describe("typescript: esbuild and the watchdog", () => {
  it("a worker stopped by the watchdog after an esbuild transform leaves no esbuild process behind", async () => {
    const file = join(hostDir("esbuild"), "scenario.mjs");
    writeFileSync(file, SCRIPT);
    let printed: unknown;
    await attack({
      isolation: "worker",
      timeoutMs: 30_000,
      expected: { name: "ok" },
      run: async () => {
        printed = await new Promise((resolve, reject) => {
          execFile(process.execPath, [file], { timeout: 60_000 }, (error, stdout, stderr) => {
            if (error) reject(new Error(`${error.message}\n${stderr}`));
            else resolve(JSON.parse(stdout));
          });
        });
        return { ok: true, stdout: "", stderr: "", exitCode: 0 } as RunResult;
      },
      next: async () => (await sandboxFor("inline")).run("export default 6 * 7"),
    });
    expect(printed).toEqual({ first: 10, hung: "TimeoutError", again: 10, zombies: [] });
  });
});
