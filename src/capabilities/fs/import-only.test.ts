// A mount with importOnly: the module loader reads it, the guest's fs calls on it are refused (EACCES).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../index.js";

const dir = mkdtempSync(join(tmpdir(), "cordon-import-only-"));
mkdirSync(join(dir, "lib"));
writeFileSync(join(dir, "lib/x.js"), "export const x = 41;\n");
writeFileSync(join(dir, "lib/c.cjs"), "module.exports = { c: 1 };\n");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mounts = [{ hostPath: dir, guestPath: "/app", importOnly: true }];

describe("importOnly mounts", () => {
  it.each(["inline", "worker"] as const)("import and require load from it (%s)", async (isolation) => {
    const r = await run(
      'import { x } from "./lib/x.js";\nimport { createRequire } from "node:module";\nexport default x + createRequire(import.meta.url)("./lib/c.cjs").c;',
      { filename: "/app/main.js", mounts, isolation },
    );
    expect(r.ok && r.value).toBe(42);
  });

  it("refuses every fs call on it with EACCES, and existsSync says false", async () => {
    const code = `const fs = require("fs");
const codes = [];
for (const f of [() => fs.readFileSync("/app/lib/x.js"), () => fs.readdirSync("/app"), () => fs.statSync("/app/lib"),
  () => fs.writeFileSync("/app/new.txt", "x"), () => fs.copyFileSync("/app/lib/x.js", "/tmp.js"), () => fs.realpathSync("/app"),
  () => fs.readFileSync("lib/x.js")]) {
  try { f(); codes.push("read"); } catch (e) { codes.push(e.code); }
}
module.exports = { codes, exists: fs.existsSync("/app/lib/x.js"), root: fs.readdirSync("/") };`;
    const r = await run(code, { filename: "/app/main.js", mounts, cwd: "/app", isolation: "inline" });
    expect(r.ok).toBe(true);
    expect(r.value).toEqual({
      codes: ["EACCES", "EACCES", "EACCES", "EACCES", "EACCES", "EACCES", "EACCES"],
      exists: false,
      root: ["app"],
    });
  });

  it("checks the option's type", async () => {
    await expect(
      run("1", { mounts: [{ hostPath: dir, guestPath: "/app", importOnly: "yes" as unknown as boolean }] }),
    ).rejects.toThrow("mounts[0].importOnly");
  });
});

describe("argv and a stdin function", () => {
  it.each(["inline", "worker"] as const)("argv is process.argv.slice(2) (%s)", async (isolation) => {
    const r = await run("process.argv.slice(2)", { argv: ["a", "--b"], isolation });
    expect(r.ok && r.value).toEqual(["a", "--b"]);
  });

  it("a stdin function is called once, only when the guest reads stdin", async () => {
    let calls = 0;
    const stdin = () => {
      calls++;
      return "piped";
    };
    const unread = await run("1", { stdin, isolation: "inline" });
    expect(unread.ok).toBe(true);
    expect(calls).toBe(0);
    const read = await run(
      'const fs = require("fs"); [fs.readFileSync(0, "utf8"), fs.readFileSync(0, "utf8")]',
      {
        stdin,
        isolation: "inline",
      },
    );
    expect(read.ok && read.value).toEqual(["piped", "piped"]);
    expect(calls).toBe(1);
  });

  it("on a worker, a stdin function is called once before the run is sent, and checked", async () => {
    let calls = 0;
    const r = await run('require("fs").readFileSync(0, "utf8")', {
      stdin: () => {
        calls++;
        return "posted";
      },
      isolation: "worker",
    });
    expect(r.ok && r.value).toBe("posted");
    expect(calls).toBe(1);
    await expect(
      run("1", { stdin: (() => 42) as unknown as () => string, isolation: "worker" }),
    ).rejects.toThrow("option `stdin` must be a string, a Uint8Array or a function returning one");
  });

  it("refuses argv that is not an array of strings", async () => {
    await expect(run("1", { argv: [1] as unknown as string[] })).rejects.toThrow(
      "option `argv` must be an array",
    );
  });
});
