// Escapes: reaching the host, or cordon's own machinery, from guest code. Nothing internal is reachable (no
// `__cordon_*` names, no engine or bridge objects, no internal modules), the classic tricks give the guest's own
// objects, and built-ins the sandbox does not provide fail with an error naming them.
import { beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/index.js";
import { attackOn, ISOLATIONS, sandboxFor, SECRET } from "./harness.js";

const files = {
  "lib.cjs": "exports.answer = 42;",
  "esm.mjs": "export const names = Object.getOwnPropertyNames(globalThis);",
};

/** Guest code walking every global value, its prototype chain and their own names, collecting suspicious names. */
const WALK = `
  const seen = new Set(); const found = [];
  const visit = (value, where, depth) => {
    if (depth > 4 || value === null || (typeof value !== "object" && typeof value !== "function") || seen.has(value)) return;
    seen.add(value);
    for (const key of Reflect.ownKeys(value)) {
      const name = String(key);
      if (/cordon|^__(?!proto__|defineGetter__|defineSetter__|lookupGetter__|lookupSetter__|return$|filename$|dirname$)/i.test(name)) found.push(where + "." + name);
      let inner; try { inner = Object.getOwnPropertyDescriptor(value, key)?.value } catch { continue }
      visit(inner, where + "." + name, depth + 1);
    }
    visit(Object.getPrototypeOf(value), where + ".[[proto]]", depth + 1);
  };`;

describe.each(ISOLATIONS)("escapes (%s)", (isolation) => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await sandboxFor(isolation);
  });
  const go = (code: string, name: string, options: Parameters<Sandbox["run"]>[1] = {}, message?: RegExp) =>
    attackOn(box, isolation, code, { timeoutMs: 5000, ...options }, { name, message });

  it("no internal name is reachable from globalThis, its values or their prototypes, before or after imports", async () => {
    const r = await go(
      `${WALK}
       visit(globalThis, "globalThis", 0);
       require("path"); require("./lib.cjs"); await import("node:path"); await import("./esm.mjs"); console.log(1);
       visit(globalThis, "globalThis", 0);
       found`,
      "ok",
      { files, modules: ["path"] },
    );
    expect(r.value).toEqual([]);
  });

  it.each([
    ["__cordon_builtin", `__cordon_builtin("fs")`, "ReferenceError"],
    ["globalThis.__cordon_builtin", `globalThis.__cordon_builtin("fs")`, "TypeError"],
    ["Function('return this')", `Function("return this")().__cordon_require("/lib.cjs")`, "TypeError"],
    ["the Function constructor's scope", `Function("return __cordon_builtin")()("fs")`, "ReferenceError"],
  ])("modules: ['path'] keeps fs out of reach through %s", async (_how, code, name) => {
    await go(`await import("node:path"); await import("./lib.cjs"); ${code}`, name, {
      files,
      modules: ["path"],
    });
  });

  it.each([
    `require("internal:inspect")`,
    `require("node:internal:inspect")`,
    `await import("internal:inspect")`,
    `await import("cordon:facade:node:fs")`,
    `require("cordon:helpers")`,
  ])("internal modules cannot be loaded: %s", async (code) => {
    await go(code, "Error", {}, /Cannot find (module|package)|not available in the sandbox/);
  });

  it("constructor.constructor('return process')() is the guest's virtual process", async () => {
    const r = await go(
      `const p = ({}).constructor.constructor("return process")();
       [p === process, Object.keys(p.env), typeof p.binding, typeof p.dlopen, typeof p.mainModule,
        typeof p.kill, p.platform, JSON.stringify(p.env).includes("CORDON")]`,
      "ok",
      { env: { ONLY: "this" } },
    );
    expect(r.value).toEqual([
      true,
      ["ONLY"],
      "undefined",
      "undefined",
      "undefined",
      "undefined",
      "linux",
      false,
    ]);
  });

  it("Function('return this')() is the guest's own global, without host objects", async () => {
    const r = await go(
      `const g = Function("return this")();
       const h = (0, eval)("this");
       [g === globalThis, h === globalThis, typeof g.WebAssembly, typeof g.Atomics,
        typeof g.process?.binding, typeof g.Deno, typeof g.Bun, typeof g.global?.process?.binding]`,
      "ok",
    );
    expect(r.value).toEqual([
      true,
      true,
      "undefined",
      "undefined",
      "undefined",
      "undefined",
      "undefined",
      "undefined",
    ]);
  });

  it.each([
    `await import("node:child_process")`,
    `require("child_process").execSync("id")`,
    `await import("node:vm")`,
    `require("worker_threads")`,
    `await import("node:net")`,
    `require("node:http")`,
  ])("a built-in the sandbox does not provide fails, naming it: %s", async (code) => {
    await go(code, "Error", {}, /is not available in the sandbox/);
  });

  it("data:, https: and file: URLs outside the tree do not load", async () => {
    const r = await go(
      `const out = [];
       for (const spec of ["data:text/javascript,export default globalThis", "https://example.com/x.js",
                           "file:///etc/passwd", "file://" + ${JSON.stringify(SECRET)}]) {
         try { await import(spec); out.push("loaded " + spec) } catch (e) { out.push(e.message.slice(0, 40)) }
       }
       out`,
      "ok",
    );
    expect((r.value as string[]).filter((m) => m.startsWith("loaded"))).toEqual([]);
  });

  it("SharedArrayBuffer without Atomics cannot block, and WebAssembly is absent", async () => {
    const r = await go(
      `const sab = new SharedArrayBuffer(8);
       [typeof WebAssembly, typeof Atomics, typeof globalThis.Atomics?.wait, new Int32Array(sab).length]`,
      "ok",
    );
    expect(r.value).toEqual(["undefined", "undefined", "undefined", 2]);
  });

  it("Error.prepareStackTrace call sites give no frame's function: the host-operation function stays out of reach", async () => {
    const r = await go(
      `let leaked = []; const ids = []; const files = new Set(); const stacks = [];
       Error.prepareStackTrace = (e, sites) => {
         for (const s of sites) {
           files.add(String(s.getFileName()));
           for (const f of [s.getFunction?.(), s.getThis?.()]) if (f !== undefined) leaked.push(typeof f);
         }
         return "custom";
       };
       const attempts = [() => require("fs").readFileSync("/nope"),
         () => { for (let i = 0; i < 1100; i++) ids.push(setTimeout(() => {}, 1e6)) },
         () => require("module").createRequire("/x.js")("fs"), () => structuredClone(() => 1),
         () => new EventTarget().dispatchEvent(Object.assign(new Event("x"))),
         () => { const t = new EventTarget(); t.addEventListener("x", () => { stacks.push(new Error("in listener").stack) }); t.dispatchEvent(new Event("x")) }];
       for (const f of attempts) { try { f() } catch (e) { stacks.push(e.stack) } }
       ids.forEach(clearTimeout);
       const d = Object.getOwnPropertyDescriptor(Error, "prepareStackTrace");
       [leaked, [...files].filter((f) => f.startsWith("cordon")), stacks.every((s) => s === "custom"),
        typeof d.get, typeof d.set, d.set === Object.getOwnPropertyDescriptor(Error, "prepareStackTrace").set]`,
      "ok",
      { modules: ["path", "module"], mounts: [] },
    );
    expect(r.value).toEqual([[], [], true, "function", "function", true]);
  });

  it("a program cannot reach host frames or host objects through Error.captureStackTrace", async () => {
    const r = await go(
      `const o = {}; Error.captureStackTrace?.(o);
       const e = new Error("x");
       [typeof o.stack, String(o.stack ?? "").includes("node:"), e.stack.includes("node:internal")]`,
      "ok",
    );
    expect(r.value).toEqual(["string", false, false]);
  });
});
