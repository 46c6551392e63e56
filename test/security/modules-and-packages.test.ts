// Modules and packages: `modules` narrows the built-ins by every route (import, require, createRequire, the module
// machinery), host packages are read-only and may not reach outside their roots (a symlinked package loads when its
// real path is in an allowed root, and is refused otherwise), and specifiers cannot climb out of the tree.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidOptionError, type RunOptions, type Sandbox } from "../../src/index.js";
import { attack, attackOn, hostDir, ISOLATIONS, SECRET, SECRET_FILE, sandboxFor } from "./harness.js";

/** A package `name` in `dir` exporting its name and its dependencies' exports (or `body` as its index.js). */
function writePackage(dir: string, name: string, requires: string[] = [], body?: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const dependencies = Object.fromEntries(requires.map((dep) => [dep, "1.0.0"]));
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, main: "index.js", dependencies }));
  const deps = requires.map((r) => `require(${JSON.stringify(r)})`).join(", ");
  fs.writeFileSync(
    path.join(dir, "index.js"),
    body ?? `module.exports = [${JSON.stringify(name)}, ${deps}].flat();`,
  );
}

let app: string;
const cwd = process.cwd();
beforeAll(() => {
  const tmp = fs.realpathSync(hostDir("packages"));
  const repo = path.join(tmp, "repo");
  writePackage(path.join(repo, "packages", "linked"), "linked", ["own", "shared"]);
  writePackage(path.join(repo, "packages", "linked", "node_modules", "own"), "own");
  writePackage(path.join(repo, "node_modules", "shared"), "shared");
  app = path.join(tmp, "app");
  const modules = path.join(app, "node_modules");
  fs.mkdirSync(modules, { recursive: true });
  fs.symlinkSync(path.join(repo, "packages", "linked"), path.join(modules, "linked"));
  writePackage(path.join(tmp, "outside", "evil"), "evil");
  fs.symlinkSync(path.join(tmp, "outside", "evil"), path.join(modules, "evil"));
  writePackage(path.join(modules, "usesevil"), "usesevil", ["evil"]);
  const rel = path.relative(path.join(modules, "climber"), SECRET_FILE);
  writePackage(
    path.join(modules, "climber"),
    "climber",
    [],
    `const fs = require("fs"); let read; try { read = fs.readFileSync(${JSON.stringify(rel)}, "utf8") } catch (e) { read = e.code }
     let req; try { req = require(${JSON.stringify(`../${rel}`)}) } catch (e) { req = e.code ?? e.name }
     module.exports = [read, req];`,
  );
  process.chdir(app);
});
afterAll(() => {
  process.chdir(cwd);
});

describe.each(ISOLATIONS)("modules and packages (%s)", (isolation) => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await sandboxFor(isolation);
  });
  const go = (code: string, name: string, options: RunOptions = {}) =>
    attackOn(box, isolation, code, { timeoutMs: 5000, ...options }, { name });

  it("a package linked from a workspace loads, with its dependencies found from its real directory", async () => {
    const r = await go(`require("linked")`, "ok", { packages: ["linked"] });
    expect(r.value).toEqual(["linked", "own", "shared"]);
  });

  it("a package whose dependency links outside its node_modules tree is refused, as misuse", async () => {
    await attack({
      isolation,
      timeoutMs: 5000,
      expected: { name: "ok" },
      sandbox: box,
      run: async () => {
        await expect(box.run(`require("usesevil")`, { packages: ["usesevil"] })).rejects.toThrow(
          InvalidOptionError,
        );
        return box.run("1");
      },
    });
  });

  it("a package cannot climb out of its directory by path or by require", async () => {
    const r = await go(`require("climber")`, "ok", { packages: ["climber"] });
    const [read, req] = r.value as [string, string];
    expect(read).not.toBe(SECRET);
    expect(req).not.toBe(SECRET);
  });

  it("a host package is read-only", async () => {
    const r = await go(
      `const fs = require("fs"); try { fs.writeFileSync("/node_modules/linked/index.js", "x"); "written" } catch (e) { e.code }`,
      "ok",
      { packages: ["linked"] },
    );
    expect(r.value).toBe("EROFS");
  });

  it("modules: ['path'] denies fs by import, require, createRequire and the module machinery", async () => {
    const r = await go(
      `const out = [];
       const attempt = async (f) => { try { const m = await f(); out.push(typeof m?.readFileSync) } catch (e) { out.push(e.code ?? e.message) } };
       await attempt(() => import("node:fs"));
       await attempt(() => import("fs/promises"));
       await attempt(() => require("fs"));
       await attempt(() => require("node:fs"));
       await attempt(() => require("module").createRequire("/x.js")("fs"));
       await attempt(() => module.constructor?._load?.("fs"));
       await attempt(() => process.binding?.("fs"));
       await attempt(() => require.cache && Object.values(require.cache).find((m) => m?.exports?.readFileSync)?.exports);
       out`,
      "ok",
      { modules: ["path", "module"] },
    );
    const out = r.value as string[];
    expect(out.filter((o) => o === "function")).toEqual([]);
    for (const o of out.slice(0, 5)) expect(o).toMatch(/ERR_ACCESS_DENIED|not allowed|modules/);
  });

  it("specifiers and package.json fields cannot climb out of the tree", async () => {
    const r = await go(
      `const out = [];
       for (const spec of ["../../../../etc/passwd", "/../../etc/hostname", "bad", "bad/x"]) {
         try { await import(spec); out.push("loaded " + spec) } catch (e) { out.push(e.message.slice(0, 30)) }
       }
       out`,
      "ok",
      {
        files: {
          node_modules: {
            bad: {
              "package.json": JSON.stringify({
                name: "bad",
                main: "../../../../etc/passwd",
                exports: { "./x": "../../../etc/hostname" },
              }),
            },
          },
        },
      },
    );
    expect((r.value as string[]).filter((o) => o.startsWith("loaded"))).toEqual([]);
  });
});
