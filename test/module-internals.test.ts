// What the module machinery leaves in reach of guest code: nothing. The ES module facades of built-ins and CommonJS
// files get their objects without any global, so a program that the `modules` option denies `fs` cannot reach it by
// a name it can enumerate or guess, nor through import.meta, the Function constructor or a CommonJS file's require.
import { describe, expect, it } from "vitest";
import { type RunOptions, run } from "../src/index.js";

async function value(code: string, options?: RunOptions): Promise<unknown> {
  const r = await run(code, options);
  if (!r.ok) throw new Error(`run failed: ${r.error?.name}: ${r.error?.message}\n${r.error?.stack ?? ""}`);
  return r.value;
}

const files = {
  "lib.cjs":
    "exports.answer = 42;\nexports.fs = (() => { try { return typeof require('fs').readFileSync } catch (e) { return e.code } })();",
  "esm.mjs": "export const names = Object.getOwnPropertyNames(globalThis);",
};

/** Node's own globals, which the sandbox installs when code first names them (importing may do so). */
const NODE_GLOBALS = new Set([
  "process",
  "Buffer",
  "require",
  "module",
  "exports",
  "__filename",
  "__dirname",
]);

/** The names `after` adds to `before`, apart from Node's own globals. */
const added = (before: unknown, after: unknown) =>
  (after as string[]).filter((name) => !(before as string[]).includes(name) && !NODE_GLOBALS.has(name));

/** Guest code collecting the global object's own names and symbols (as strings). */
const GLOBALS = `() => [...Object.getOwnPropertyNames(globalThis), ...Object.getOwnPropertySymbols(globalThis).map(String)]`;

describe("module internals are out of the guest's reach", () => {
  it("a module run: no internal global before or after importing a built-in and a CommonJS file", async () => {
    const v = (await value(
      `const globals = ${GLOBALS};
       const before = globals();
       const path = await import('node:path');
       const lib = await import('./lib.cjs');
       const { names } = await import('./esm.mjs');
       const after = globals();
       export default { before, after, names, meta: Object.getOwnPropertyNames(import.meta),
         joined: path.join('a', 'b'), answer: lib.answer, fs: lib.fs };`,
      { files, modules: ["path"] },
    )) as Record<string, unknown>;
    for (const key of ["before", "after", "names"] as const) {
      expect((v[key] as string[]).filter((name) => /cordon/i.test(name))).toEqual([]);
    }
    expect(added(v.before, v.after)).toEqual([]);
    expect(v.meta).toEqual(["url"]);
    expect([v.joined, v.answer, v.fs]).toEqual(["a/b", 42, "ERR_ACCESS_DENIED"]);
  });

  it("a script run: no internal global before or after requiring and importing", async () => {
    const v = (await value(
      `const globals = ${GLOBALS};
       const before = globals();
       require('path');
       const lib = require('./lib.cjs');
       await import('node:path');
       await import('./lib.cjs');
       const after = globals();
       ({ before, after, fs: lib.fs })`,
      { files, modules: ["path"] },
    )) as Record<string, unknown>;
    expect((v.after as string[]).filter((name) => /cordon/i.test(name))).toEqual([]);
    expect(added(v.before, v.after)).toEqual([]);
    expect(v.fs).toBe("ERR_ACCESS_DENIED");
  });

  it.each([
    ["the old internal names", `__cordon_builtin("fs").readFileSync("/x")`],
    ["globalThis", `globalThis.__cordon_builtin("fs")`],
    ["the Function constructor", `Function("return __cordon_builtin")()("fs")`],
    ["the Function constructor's global", `Function("return this")().__cordon_require("/lib.cjs")`],
  ])("modules: ['path'] denies fs by %s", async (_how, code) => {
    const r = await run(`await import('node:path'); await import('./lib.cjs'); ${code}`, {
      files,
      modules: ["path"],
    });
    expect(r.ok).toBe(false);
    expect(["ReferenceError", "TypeError"]).toContain(r.error?.name);
    expect(r.error?.message).toMatch(/is not (defined|a function)/);
  });

  it("modules: ['path'] denies fs through every global function a facade could have used", async () => {
    const v = await value(
      `await import('node:path'); await import('./lib.cjs');
       const found = [];
       for (const key of [...Object.getOwnPropertyNames(globalThis), ...Object.getOwnPropertySymbols(globalThis)]) {
         const value = globalThis[key];
         if (typeof value === 'function' && /builtin|requireFile|cordon/i.test(value.name)) found.push(String(key));
       }
       found`,
      { files, modules: ["path"] },
    );
    expect(v).toEqual([]);
  });

  it("the facades' own modules cannot be imported by a program", async () => {
    const r = await run(
      `await import('node:path');
       const seen = [];
       for (const name of ['cordon:facade:node:path', 'cordon:facade:node:fs', 'cordon:facade:/lib.cjs']) {
         try { seen.push(Object.keys(await import(name))); } catch (e) { seen.push(e.message); }
       }
       seen`,
      { files, modules: ["path"] },
    );
    expect(r.ok).toBe(true);
    for (const item of r.value as unknown[]) expect(typeof item).toBe("string");
  });

  it("createRequire checks the modules option", async () => {
    const v = await value(
      `const { createRequire } = require('module');
       try { createRequire('/x.js')('fs'); 'reached' } catch (e) { e.code }`,
      { modules: ["path", "module"] },
    );
    expect(v).toBe("ERR_ACCESS_DENIED");
  });

  it.each([
    `require("internal:inspect")`,
    `require("node:internal:inspect")`,
    `await import("internal:inspect")`,
  ])("internal helper modules cannot be loaded: %s", async (code) => {
    const r = await run(code);
    expect(r.ok).toBe(false);
    expect(r.error?.message).toMatch(/Cannot find (module|package)|not available in the sandbox/);
  });
});
