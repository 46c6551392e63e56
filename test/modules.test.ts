// Modules: import and require over the run's files (relative paths, extensions, TypeScript, JSON, CommonJS and ES
// module interop, node_modules packages), dynamic import, createRequire, and what is refused: missing files, built-ins
// the sandbox does not provide or the `modules` option leaves out, and remote or data: imports.
import dns from "node:dns";
import * as fs from "node:fs";
import net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type RunOptions, run } from "../src/index.js";

type FileTree = NonNullable<RunOptions["files"]>;

async function value(code: string, options?: RunOptions): Promise<unknown> {
  const r = await run(code, options);
  if (!r.ok) throw new Error(`run failed: ${r.error?.name}: ${r.error?.message}\n${r.error?.stack ?? ""}`);
  return r.value;
}

const HOUR = 60 * 60 * 1000;

/** The alerting example: logs on disk, TypeScript helpers, a host function pair holding the last alert time. */
function alertFiles(): FileTree {
  return {
    "log.jsonl": `${JSON.stringify({ level: "info", msg: "started" })}\n${JSON.stringify({ level: "error", msg: "disk full" })}\n`,
    src: {
      "types.ts": [
        "export interface Log {",
        '  level: "debug" | "info" | "warn" | "error";',
        "  msg: string;",
        "}",
        "export type Millis = number;",
        "",
      ].join("\n"),
      "custom.ts": [
        "import type { Log, Millis } from './types.js';",
        "",
        "const HOUR: Millis = 60 * 60 * 1000;",
        "",
        "export function shouldAlert(logs: Log[], last: Millis | null): boolean {",
        '  const hasError = logs.some((log: Log) => log.level === "error");',
        "  return hasError && (last === null || Date.now() - last > HOUR);",
        "}",
        "",
      ].join("\n"),
    },
  };
}

function alertEntry(logPath: string): string {
  return [
    "import { shouldAlert } from './custom.js';",
    "import { readFileSync } from 'node:fs';",
    "import type { Log } from './types.js';",
    "",
    `const logs: Log[] = readFileSync(${JSON.stringify(logPath)}, 'utf8')`,
    "  .split('\\n')",
    "  .filter((line: string) => line.trim() !== '')",
    "  .map((line: string) => JSON.parse(line) as Log);",
    "const last: number | null = env.getLastAlert();",
    "const alert = shouldAlert(logs, last);",
    "if (alert) env.setLastAlert(Date.now());",
    "export default alert;",
    "",
  ].join("\n");
}

function alertHost(last: number | null) {
  const calls: number[] = [];
  return {
    calls,
    globals: {
      env: {
        getLastAlert: () => last,
        setLastAlert: (t: number) => {
          calls.push(t);
        },
      },
    },
  };
}

describe("the alerting scenario", () => {
  it("runs a TypeScript entry importing TypeScript files, node:fs and host functions", async () => {
    const host = alertHost(Date.now() - 2 * HOUR);
    const before = Date.now();
    const r = await run(alertEntry("/log.jsonl"), {
      files: alertFiles(),
      filename: "/src/index.ts",
      globals: host.globals,
    });
    expect(r.error).toBeUndefined();
    expect(r).toMatchObject({ ok: true, value: true, exitCode: 0 });
    expect(host.calls).toHaveLength(1);
    expect(host.calls[0]).toBeGreaterThanOrEqual(before - 1000);
    expect(host.calls[0]).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it("does not alert when the last alert is recent, or when there is no error", async () => {
    const recent = alertHost(Date.now() - 10 * 60 * 1000);
    const r = await run(alertEntry("/log.jsonl"), {
      files: alertFiles(),
      filename: "/src/index.ts",
      globals: recent.globals,
    });
    expect(r).toMatchObject({ ok: true, value: false });
    expect(recent.calls).toEqual([]);

    const files = alertFiles();
    files["log.jsonl"] = `${JSON.stringify({ level: "info", msg: "fine" })}\n`;
    const never = alertHost(null);
    const quiet = await run(alertEntry("/log.jsonl"), {
      files,
      filename: "/src/index.ts",
      globals: never.globals,
    });
    expect(quiet).toMatchObject({ ok: true, value: false });
    expect(never.calls).toEqual([]);
  });

  describe("with the files mounted from a host directory", () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "cordon-modules-"));
      const write = (tree: FileTree, at: string) => {
        for (const [name, entry] of Object.entries(tree)) {
          const p = path.join(at, name);
          if (typeof entry === "string" || entry instanceof Uint8Array) fs.writeFileSync(p, entry);
          else {
            fs.mkdirSync(p);
            write(entry, p);
          }
        }
      };
      write(alertFiles(), dir);
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("runs the same program from a read-only mount at /work", async () => {
      const host = alertHost(null);
      const r = await run(alertEntry("/work/log.jsonl"), {
        mounts: [{ hostPath: dir, guestPath: "/work" }],
        filename: "/work/src/index.ts",
        globals: host.globals,
      });
      expect(r.error).toBeUndefined();
      expect(r).toMatchObject({ ok: true, value: true });
      expect(host.calls).toHaveLength(1);
      expect(JSON.stringify(r)).not.toContain(dir);
    });

    it("a mount at '/' is refused", async () => {
      await expect(run("export default 1", { mounts: [{ hostPath: dir, guestPath: "/" }] })).rejects.toThrow(
        /guestPath/,
      );
    });
  });
});

describe("relative imports", () => {
  const files: FileTree = {
    "index.ts": "export const root = 'root index.ts';",
    lib: {
      "a.ts": "export const a = 'a.ts';",
      "b.js": "export const b = 'b.js';",
      "c.mjs": "export const c = 'c.mjs';",
      "d.tsx": "export const d = 'd.tsx';",
      "e.mts": "export const e = 'e.mts';",
      dir: { "index.js": "export const idx = 'dir/index.js';" },
      tsdir: { "index.ts": "export const tsIdx = 'tsdir/index.ts';" },
      "up.ts": "export { a } from './a.js'; export { root } from '../index.js';",
    },
  };

  it("resolves extensions, ./x.js to x.ts, directories to index files, and absolute paths", async () => {
    const v = await value(
      `import { a } from './lib/a.js';
       import { a as a2 } from './lib/a';
       import { a as a3 } from './lib/a.ts';
       import { b } from './lib/b';
       import { c } from './lib/c.mjs';
       import { d } from './lib/d.js';
       import { e } from './lib/e.mjs';
       import { idx } from './lib/dir';
       import { tsIdx } from './lib/tsdir/index.js';
       import { root } from '/index';
       import { root as root2 } from '/index.ts';
       import { a as upA, root as upRoot } from './lib/up.js';
       export default [a, a2, a3, b, c, d, e, idx, tsIdx, root, root2, upA, upRoot];`,
      { files },
    );
    expect(v).toEqual([
      "a.ts",
      "a.ts",
      "a.ts",
      "b.js",
      "c.mjs",
      "d.tsx",
      "e.mts",
      "dir/index.js",
      "tsdir/index.ts",
      "root index.ts",
      "root index.ts",
      "a.ts",
      "root index.ts",
    ]);
  });

  it("resolves from the entry's directory given by filename", async () => {
    const v = await value(
      `import { a } from './a.js'; import { root } from '../index.js'; export default a + '|' + root;`,
      {
        files,
        filename: "/lib/main.ts",
      },
    );
    expect(v).toBe("a.ts|root index.ts");
  });

  it("a bare entry filename resolves from cwd", async () => {
    const v = await value(`import { a } from './a.js'; export default a;`, { files, cwd: "/lib" });
    expect(v).toBe("a.ts");
  });

  it("a module is evaluated once however it is reached", async () => {
    const v = await value(
      `import { n as first } from './counter.js';
       import { n as second } from '/counter';
       const third = (await import('./counter.js')).n;
       export default [first, second, third, globalThis.loads];`,
      {
        files: {
          "counter.js": "globalThis.loads = (globalThis.loads ?? 0) + 1; export const n = globalThis.loads;",
        },
      },
    );
    expect(v).toEqual([1, 1, 1, 1]);
  });
});

describe("JSON", () => {
  const files: FileTree = {
    data: { "config.json": JSON.stringify({ name: "cfg", list: [1, 2, 3], nested: { ok: true } }) },
  };

  it("imports JSON as the default export", async () => {
    const v = await value(
      `import config from './data/config.json'; export default [config.name, config.list, config.nested.ok];`,
      {
        files,
      },
    );
    expect(v).toEqual(["cfg", [1, 2, 3], true]);
  });

  it("requires JSON, with or without the extension", async () => {
    const v = await value(`[require('./data/config.json').name, require('./data/config').list.length]`, {
      files,
    });
    expect(v).toEqual(["cfg", 3]);
  });

  it("invalid JSON fails the import", async () => {
    const r = await run(`import x from './bad.json'; export default x;`, {
      files: { "bad.json": "{ not json" },
    });
    expect(r.ok).toBe(false);
    expect(r.error?.name).toBe("SyntaxError");
  });
});

describe("CommonJS and ES module interop", () => {
  const files: FileTree = {
    lib: {
      "obj.cjs": "exports.named = 'named'; exports.count = 2; module.exports.fn = () => 'fn';",
      "whole.js": "module.exports = { x: 1, y: 2 };",
      "func.cjs": "module.exports = function greet(name) { return 'hi ' + name; };",
      "esm.mjs": "export const e = 'esm'; export default 'default export';",
      "esm-only.js": "export const viaSyntax = 'detected as ESM';",
      "uses-require.cjs": "const { e } = require('./esm.mjs'); module.exports = e + '!';",
      "meta.cjs": "module.exports = [__filename, __dirname, module.id, typeof require];",
    },
  };

  it("imports a CommonJS module with default and named imports", async () => {
    const v = await value(
      `import obj, { named, count, fn } from './lib/obj.cjs';
       import whole from './lib/whole.js';
       import greet from './lib/func.cjs';
       export default [named, count, fn(), obj.named, whole, greet('you')];`,
      { files },
    );
    expect(v).toEqual(["named", 2, "fn", "named", { x: 1, y: 2 }, "hi you"]);
  });

  it("requires an ES module file from a script", async () => {
    const v = await value(
      `const m = require('./lib/esm.mjs'); const s = require('./lib/esm-only.js');
       [m.e, m.default, s.viaSyntax, require('./lib/uses-require.cjs')]`,
      { files },
    );
    expect(v).toEqual(["esm", "default export", "detected as ESM", "esm!"]);
  });

  it("gives CommonJS modules __filename, __dirname, module and require", async () => {
    const v = await value(`require('./lib/meta.cjs')`, { files });
    expect(v).toEqual(["/lib/meta.cjs", "/lib", "/lib/meta.cjs", "function"]);
  });

  it("caches required modules and handles cycles like Node", async () => {
    const v = await value(
      `const a = require('./a.js'); const again = require('/a');
       [a.done, a.bSawADone, a === again, require('./b.js').bDone]`,
      {
        files: {
          "a.js":
            "exports.done = false; const b = require('./b.js'); exports.bSawADone = b.sawADone; exports.done = true;",
          "b.js": "const a = require('./a.js'); exports.sawADone = a.done; exports.bDone = true;",
        },
      },
    );
    expect(v).toEqual([true, false, true, true]);
  });

  it.each([
    ["throws while running", "broken.js", "exports.partial = 1; throw new Error('boom');", "Error"],
    ["has a syntax error", "broken.js", "export const x = ;", "SyntaxError"],
    ["is TypeScript with a syntax error", "broken.ts", "export const x: number = ;", "SyntaxError"],
  ])(
    "a required file that %s is not cached: requiring it again fails again",
    async (_what, file, source, name) => {
      const v = await value(
        `const attempt = () => { try { return ["loaded", require('./${file}')] } catch (e) { return ["threw", e.name] } };
       [attempt(), attempt()]`,
        { files: { [file]: source } },
      );
      expect(v).toEqual([
        ["threw", name],
        ["threw", name],
      ]);
    },
  );

  it("a script's require resolves from the entry's directory", async () => {
    const v = await value(`require('./whole.js').y`, { files, filename: "/lib/main.js" });
    expect(v).toBe(2);
  });
});

describe("packages in node_modules", () => {
  const files: FileTree = {
    node_modules: {
      cond: {
        "package.json": JSON.stringify({
          name: "cond",
          exports: {
            ".": { import: "./esm.mjs", require: "./cjs.cjs" },
            "./sub": "./sub.js",
            "./features/*": "./features/*.js",
          },
        }),
        "esm.mjs": "export const kind = 'import';",
        "cjs.cjs": "exports.kind = 'require';",
        "sub.js": "module.exports = 'sub';",
        "hidden.js": "module.exports = 'hidden';",
        features: { "one.js": "module.exports = 'feature one';" },
      },
      mainpkg: {
        "package.json": JSON.stringify({ name: "mainpkg", main: "lib/main.js" }),
        lib: { "main.js": "module.exports = { from: 'main' };" },
      },
      modpkg: {
        "package.json": JSON.stringify({ name: "modpkg", main: "main.js", module: "mod.js" }),
        "main.js": "module.exports = { from: 'main' };",
        "mod.js": "export const from = 'module';",
      },
      typemod: {
        "package.json": JSON.stringify({ name: "typemod", type: "module", main: "index.js" }),
        "index.js": "export default function hello() { return 'typemod'; }\nexport const version = 1;",
      },
      noentry: { "index.js": "module.exports = 'index fallback';" },
      "@scope": {
        pkg: {
          "package.json": JSON.stringify({ name: "@scope/pkg", exports: "./dist/index.js" }),
          dist: { "index.js": "exports.scoped = true;" },
        },
      },
    },
    app: {
      node_modules: { local: { "index.js": "module.exports = 'nearest node_modules';" } },
      deep: { "main.js": "module.exports = [require('local'), require('mainpkg').from];" },
    },
  };

  it("import picks the import condition of exports, main, module and type: module", async () => {
    const v = await value(
      `import { kind } from 'cond';
       import sub from 'cond/sub';
       import one from 'cond/features/one';
       import main from 'mainpkg';
       import { from } from 'modpkg';
       import hello, { version } from 'typemod';
       import fallback from 'noentry';
       import scoped from '@scope/pkg';
       export default [kind, sub, one, main.from, from, hello(), version, fallback, scoped.scoped];`,
      { files },
    );
    expect(v).toEqual([
      "import",
      "sub",
      "feature one",
      "main",
      "module",
      "typemod",
      1,
      "index fallback",
      true,
    ]);
  });

  it("require picks the require condition and main", async () => {
    const v = await value(
      `[require('cond').kind, require('cond/sub'), require('mainpkg').from, require('modpkg').from,
        require('typemod').version, require('@scope/pkg').scoped, require('/app/deep/main.js')]`,
      { files },
    );
    expect(v).toEqual(["require", "sub", "main", "main", 1, true, ["nearest node_modules", "main"]]);
  });

  it("a subpath the exports map does not list is refused", async () => {
    const r = await run(`require('cond/hidden.js')`, { files });
    expect(r.ok).toBe(false);
    expect(r.error?.message).toContain("cond");
    expect(r.error?.message).toContain("hidden.js");
  });
});

describe("dynamic import and createRequire", () => {
  const files: FileTree = {
    lib: {
      "a.ts": "export const a: string = 'a';",
      "data.json": '{"n": 42}',
      "c.cjs": "exports.c = 'cjs';",
    },
  };

  it("import() loads ES modules, TypeScript, JSON and CommonJS", async () => {
    const v = await value(
      `const m = await import('./lib/a.js');
       const j = await import('./lib/data.json');
       const c = await import('./lib/c.cjs');
       const specifier = './lib/' + 'a.ts';
       export default [m.a, j.default.n, c.default.c, c.c, (await import(specifier)).a];`,
      { files },
    );
    expect(v).toEqual(["a", 42, "cjs", "cjs", "a"]);
  });

  it("import() works from a script and rejects for a missing module", async () => {
    const v = await value(
      `const m = await import('./lib/a.ts');
       const missing = await import('./lib/nope.js').then(() => 'loaded', (e) => e.message);
       [m.a, missing]`,
      { files },
    );
    expect((v as string[])[0]).toBe("a");
    expect((v as string[])[1]).toContain("./lib/nope.js");
  });

  it("createRequire makes a require that resolves from the given file", async () => {
    const v = await value(
      `import { createRequire, builtinModules, isBuiltin } from 'node:module';
       const require = createRequire('/lib/entry.js');
       const fromUrl = createRequire(new URL('file:///lib/other.js'));
       export default [require('./c.cjs').c, require('./data.json').n, fromUrl('./c.cjs').c, require('node:path').join('a', 'b'),
         builtinModules.includes('fs'), isBuiltin('node:fs'), isBuiltin('nope')];`,
      { files },
    );
    expect(v).toEqual(["cjs", 42, "cjs", "a/b", true, true, false]);
  });

  it("createRequire(import.meta.url) resolves from the importing file", async () => {
    const v = await value(
      `import { createRequire } from 'node:module';
       const require = createRequire(import.meta.url);
       export default [import.meta.url, require('./c.cjs').c];`,
      { files, filename: "/lib/entry.js" },
    );
    expect(v).toEqual(["file:///lib/entry.js", "cjs"]);
  });

  it("file: URLs inside the tree can be imported", async () => {
    const v = await value(
      `import { a } from 'file:///lib/a.ts';
       const j = await import('file:///lib/data.json');
       export default [a, j.default.n];`,
      { files },
    );
    expect(v).toEqual(["a", 42]);
  });
});

describe("refusals", () => {
  it("a missing module names the specifier, for import and require", async () => {
    const imported = await run(`import x from './nope.js'; export default x;`);
    expect(imported.ok).toBe(false);
    expect(imported.error?.message).toContain("'./nope.js'");

    const required = await run(`require('./missing/thing')`);
    expect(required.ok).toBe(false);
    expect(required.error?.message).toContain("'./missing/thing'");

    const pkg = await run(`require('left-pad')`);
    expect(pkg.ok).toBe(false);
    expect(pkg.error?.message).toContain("'left-pad'");
  });

  it("a missing module can be caught by the guest, with MODULE_NOT_FOUND", async () => {
    const v = await value(`try { require('./nope') } catch (e) { [e.code, e instanceof Error] }`);
    expect(v).toEqual(["MODULE_NOT_FOUND", true]);
  });

  it.each([
    ["child_process", `import cp from 'child_process'; export default cp;`],
    ["child_process", `import { exec } from 'node:child_process'; export default typeof exec;`],
    ["child_process", `require('child_process')`],
    ["net", `require('node:net')`],
    ["http", `import http from 'node:http'; export default 1;`],
    ["vm", `require('vm')`],
    ["worker_threads", `require('worker_threads')`],
    ["child_process", `export default await import('child_process');`],
    ["constructor", `await import('node:constructor');`],
    ["__proto__", `require('node:__proto__')`],
    ["toString", `import x from 'node:toString'; export default x;`],
  ])("built-in %s is not available: %s", async (name, code) => {
    const r = await run(code);
    expect(r.ok).toBe(false);
    expect(r.error?.message).toContain(`'${name}'`);
    expect(r.error?.message).toContain("not available in the sandbox");
  });

  it("the modules option allows only the listed built-ins", async () => {
    const v = await value(
      `const path = require('path');
       let refused; try { require('fs') } catch (e) { refused = e.message }
       [path.join('a', 'b'), refused]`,
      { modules: ["path"] },
    );
    const [joined, refused] = v as [string, string];
    expect(joined).toBe("a/b");
    expect(refused).toContain("'fs'");
    expect(refused).toContain("modules");

    const imported = await run(`import { readFileSync } from 'node:fs'; export default 1;`, {
      modules: ["path"],
    });
    expect(imported.ok).toBe(false);
    expect(imported.error?.message).toContain("'fs'");
    expect(imported.error?.message).toContain("modules");

    const ok = await value(`import { join } from 'node:path'; export default join('/x', '..', 'y');`, {
      modules: ["node:path"],
    });
    expect(ok).toBe("/y");
  });

  it("an unknown name in the modules option is a host error", async () => {
    await expect(run("1", { modules: ["child_process"] })).rejects.toThrow(/modules/);
  });

  it.each([
    `import x from "https://example.com/x.js"; export default x;`,
    `import x from "data:text/javascript,export default 1"; export default x;`,
    `export default await import("https://example.com/x.js");`,
    `export default await import("data:text/javascript,export default 1");`,
  ])("remote and data: imports are refused without any network: %s", async (code) => {
    // Any attempt to resolve a name or open a socket fails the test (and is stopped before it happens).
    const lookup = vi.spyOn(dns.promises, "lookup").mockImplementation(() => {
      throw new Error("unexpected DNS lookup");
    });
    const connect = vi.spyOn(net.Socket.prototype, "connect").mockImplementation(() => {
      throw new Error("unexpected connection");
    });
    try {
      const started = performance.now();
      const r = await run(code, { network: { allow: [], timeoutMs: 1 } });
      expect(r.ok).toBe(false);
      expect(r.error?.message).toMatch(/not allowed in the sandbox/);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(lookup).not.toHaveBeenCalled();
      expect(connect).not.toHaveBeenCalled();
    } finally {
      lookup.mockRestore();
      connect.mockRestore();
    }
  });

  it("require of a URL is refused too", async () => {
    const r = await run(`require("https://example.com/x.js")`);
    expect(r.ok).toBe(false);
    expect(r.error?.message).toContain("https://example.com/x.js");
  });

  it("imports cannot reach outside the virtual tree", async () => {
    const r = await run(`import x from '/etc/passwd'; export default x;`);
    expect(r.ok).toBe(false);
    expect(r.error?.message).toContain("'/etc/passwd'");
    const up = await run(`import x from '../../../../etc/hostname'; export default x;`, {
      filename: "/a/b/main.js",
    });
    expect(up.ok).toBe(false);
    expect(up.error?.message).toContain("etc/hostname");
  });
});
