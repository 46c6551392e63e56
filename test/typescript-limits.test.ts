// TypeScript is transformed on the host, but under the run's limits: a file whose transform would take too long ends
// the run as a timeout by its deadline, and a file too large for the transformer fails as a SyntaxError naming the
// cap, whether it is the entry, a seeded file, or a file the guest wrote itself.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run as runAnywhere, type TopLevelRunOptions } from "../src/index.js";

// Inline: the transform runs on this thread, the case the pool's watchdog does not cover (see typescript-pool.test.ts).
const run = (code: string, options: TopLevelRunOptions = {}) =>
  runAnywhere(code, { isolation: "inline", ...options });

/** Nested type assertions: the transformer's parse time doubles with each level (21 levels: many seconds). */
const NESTED = `const x = ${"<any>(".repeat(21)}1${")".repeat(21)};\nexport default x;`;
/** More than the 1 MiB the transformer accepts. */
const LARGE = "var n: number = 1;\n".repeat(60_000);

describe("a TypeScript transform that would not end in time", () => {
  for (const isolation of ["worker", "inline"] as const) {
    it(`ends an entry as a TimeoutError by the deadline, with nothing of the host in it (${isolation})`, async () => {
      const started = performance.now();
      const r = await run(NESTED, { filename: "main.ts", timeoutMs: 1000, isolation });
      expect(r).toMatchObject({ ok: false, exitCode: 124, error: { name: "TimeoutError" } });
      expect(r.error?.message).toMatch(/timeoutMs/);
      expect(performance.now() - started).toBeLessThan(1000 + 2000);
      const root = fileURLToPath(new URL("..", import.meta.url));
      expect(JSON.stringify(r)).not.toContain(root.replace(/\/$/, ""));
      expect(JSON.stringify(r)).not.toMatch(/transform-thread/);
    });
  }

  it("ends an imported file as a TimeoutError by the deadline, even when the guest catches the import", async () => {
    const started = performance.now();
    const r = await run(`try { await import("./deep.ts"); } catch {} export default "went on";`, {
      filename: "main.mjs",
      timeoutMs: 1000,
      files: { "deep.ts": NESTED },
    });
    expect(r).toMatchObject({ ok: false, error: { name: "TimeoutError" } });
    expect(performance.now() - started).toBeLessThan(1000 + 2000);
  });

  it("transforms TypeScript again in the next run", async () => {
    await run(NESTED, { filename: "main.ts", timeoutMs: 200 });
    const r = await run("const n: number = 41; export default n + 1;", { filename: "main.ts" });
    expect(r).toMatchObject({ ok: true, value: 42 });
  });
});

describe("TypeScript larger than the transformer accepts", () => {
  it("fails an entry as a SyntaxError naming the cap", async () => {
    const r = await run(LARGE, { filename: "main.ts" });
    expect(r).toMatchObject({ ok: false, error: { name: "SyntaxError" } });
    expect(r.error?.message).toMatch(/main\.ts.*1 MiB/);
  });

  it("fails an import of a file the guest wrote as a SyntaxError the guest can catch", async () => {
    const code = `
import { writeFileSync } from "node:fs";
writeFileSync("/big.ts", ${JSON.stringify("var n: number = 1;\n")}.repeat(60_000));
let message = "imported";
try { await import("/big.ts"); } catch (error) { message = error.name + ": " + error.message; }
export default message;
`;
    const r = await run(code, { filename: "main.mjs" });
    expect(r.ok).toBe(true);
    expect(r.value).toMatch(/^SyntaxError: .*\/big\.ts.*1 MiB/);
  });

  it("still transforms a file just under the cap", async () => {
    const body = "var n: number = 1;\n".repeat(50_000);
    const r = await run(`${body}export default n;`, { filename: "main.ts", timeoutMs: 20_000 });
    expect(r).toMatchObject({ ok: true, value: 1 });
  });
});
