// Whole programs from the grammar: a script, an ES module, CommonJS, or a program that calls __return(), in
// JavaScript or (sometimes) TypeScript, ending with a value that may be odd (cyclic, deep, a function, a symbol...).
import { Ctx, expr, oddObject, oneOf } from "./gen-expr.js";
import { block } from "./gen-stmt.js";
import type { Rng } from "./prng.js";

export type ProgramKind = "script" | "module" | "commonjs" | "return";

export interface GeneratedProgram {
  code: string;
  filename: string;
  kind: ProgramKind;
}

/** The program's value: plain expressions most of the time, odd values often. */
function resultValue(c: Ctx, hasInput: boolean): string {
  const r = c.rng;
  return r.weighted<() => string>([
    [6, () => expr(c)],
    [1, () => oddObject(c)],
    [1, () => "(() => { const o = { list: [] }; o.list.push(o, new Map([[o, o]])); return o; })()"],
    [
      1,
      () =>
        `(() => { let d = [1]; for (let i = 0; i < ${r.pick(["100", "5000", "100000"])}; i++) d = [d]; return d; })()`,
    ],
    [1, () => `new Map([[1, new Set([${expr(c)}])], ["k", new Map()]])`],
    [
      1,
      () =>
        `Object.defineProperty(new TypeError("t"), "name", { get() { throw new Error("name getter"); } })`,
    ],
    [
      1,
      () =>
        r.pick(["() => 1", "Symbol('value')", "class {}", "Math.max", "async () => 2", "function* () {}"]),
    ],
    [1, () => r.pick(["new Array(2 ** 32 - 1)", "'x'.repeat(1 << 20)", "new Uint8Array(1 << 20)", "[,,1]"])],
    [1, () => `Promise.reject(${expr(c)})`],
    [1, () => "new Promise(() => {})"],
    [1, () => `({ get a() { throw new Error("getter"); }, b: 1 })`],
    [
      hasInput ? 4 : 0,
      () =>
        `(${c.ts ? "x: any" : "x"}) => ${c.rng.pick(["x", "[x, x]", "host.echo(x)", "x.length", "Promise.resolve(x)"])}`,
    ],
  ])();
}

/** Static imports at the top of a module: allowed and refused built-ins, files, unknown packages. */
function staticImports(r: Rng): string {
  const lines: string[] = [];
  const n = r.int(0, 2);
  for (let i = 0; i < n; i++) {
    lines.push(
      oneOf(r, [
        () => `import fs${i} from "node:fs";`,
        () => `import { join as join${i} } from "${r.pick(["node:path", "path"])}";`,
        () => `import * as util${i} from "node:util";`,
        () => `import { Buffer as B${i} } from "node:buffer";`,
        () => `import data${i} from "./dir/a.json"${r.chance(0.5) ? ' with { type: "json" }' : ""};`,
        () => `import m${i} from "./mod.js";`,
        () => `import d${i}, { named as n${i} } from "./esm.mjs";`,
        () => `import cp${i} from "node:child_process";`,
        () =>
          `import x${i} from "${r.pick(["lodash", "https://example.com/x.js", "data:text/javascript,export default 1", "/nope.js"])}";`,
      ]),
    );
  }
  return lines.join("\n");
}

const TS_PRELUDE = [
  "interface Shape { kind: string; size?: number }",
  "type Pair<T> = [T, T];",
  "enum Color { Red, Green = 'g' }",
  "const shape: Shape = { kind: 'sq' };",
  "function id<T>(x: T): T { return x; }",
  "namespace NS { export const v = 1; }",
  "declare const maybe: number | undefined;",
  "abstract class Base { abstract area(): number; constructor(protected readonly w: number) {} }",
];

export function generateProgram(r: Rng, hasInput: boolean): GeneratedProgram {
  const ts = r.chance(0.2);
  const kind = r.pick<ProgramKind>(["script", "script", "module", "module", "commonjs", "return"]);
  const c = new Ctx(r, ts);
  c.inAsync = kind !== "commonjs";
  const parts: string[] = [];
  if (kind === "module") {
    const imports = staticImports(r);
    if (imports) parts.push(imports);
  }
  if (ts) {
    const n = r.int(1, 3);
    for (let i = 0; i < n; i++) parts.push(r.pick(TS_PRELUDE));
  }
  parts.push(block(c, 2, 8));
  // block() restores the scope it opened; the last value may read names from the top level only by chance.
  const value = resultValue(c, hasInput);
  switch (kind) {
    case "script":
      parts.push(`(${value});`);
      break;
    case "module":
      parts.push(`export default ${value};`);
      if (r.chance(0.3)) parts.push(`export const extra = ${expr(c)};`);
      break;
    case "commonjs":
      parts.push(`module.exports = ${value};`);
      if (r.chance(0.3)) parts.push(`exports.extra = ${expr(c)};`);
      break;
    case "return":
      parts.push(`globalThis.__return(${value});`);
      break;
  }
  const filename = ts
    ? r.pick(["/main.ts", "/main.ts", "/main.mts"])
    : kind === "module"
      ? r.pick(["/main.js", "/main.mjs"])
      : "/main.js";
  return { code: `${parts.join("\n")}\n`, filename, kind };
}
