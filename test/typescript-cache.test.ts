// The TypeScript transform cache is shared only by the runs and sessions of one sandbox: another sandbox, or a
// top-level run(), never gets a hit for a file this sandbox transformed (a hit is measurably faster, so sharing it
// would tell a tenant what another tenant's files hold).
import { describe, expect, it } from "vitest";
import { transformCount } from "../src/capabilities/modules/typescript.js";
import { createSandbox, type RunOptions, run } from "../src/index.js";

const secret = (guess: string) => ({
  src: { "lib.ts": `export const secret: string = ${JSON.stringify(guess)};\n` },
});
const code = `import { secret } from "./src/lib.ts"; export default secret;`;

/** The transforms a run made (the counter is process-wide; inline runs happen on this thread). */
async function transformsOf(runIt: () => Promise<{ ok: boolean; value?: unknown }>): Promise<number> {
  const before = transformCount();
  const r = await runIt();
  expect(r.ok).toBe(true);
  return transformCount() - before;
}

describe("the TypeScript transform cache", () => {
  it("is shared by the runs and sessions of one sandbox, and not with another sandbox", async () => {
    const options: RunOptions = { files: secret("hunter2") };
    const a = await createSandbox({ isolation: "inline" });
    const b = await createSandbox({ isolation: "inline" });
    try {
      expect(await transformsOf(() => a.run(code, options))).toBe(1);
      expect(await transformsOf(() => a.run(code, options))).toBe(0);
      // A session's module code becomes CommonJS: its files are transformed once for all sessions of the sandbox.
      const first = a.createSession(options);
      expect(await transformsOf(() => first.run(code))).toBe(2);
      const second = a.createSession(options);
      expect(await transformsOf(() => second.run(code))).toBe(0);
      first.dispose();
      second.dispose();
      // Sandbox B writes the same file at the same path: it must transform it itself.
      expect(await transformsOf(() => b.run(code, options))).toBe(1);
      expect(await transformsOf(() => b.run(code, options))).toBe(0);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it("is not shared by top-level runs", async () => {
    const options = { files: secret("swordfish"), isolation: "inline" } as const;
    expect(await transformsOf(() => run(code, options))).toBe(1);
    expect(await transformsOf(() => run(code, options))).toBe(1);
  });
});
