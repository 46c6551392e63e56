// TypeScript: entries and imported files are transformed on the host (types removed, enums, namespaces and
// parameter properties compiled), errors point at the original source, and the `typescript` option decides.
import { describe, expect, it } from "vitest";
import { type RunOptions, run } from "../src/index.js";

async function value(code: string, options?: RunOptions): Promise<unknown> {
  const r = await run(code, options);
  if (!r.ok) throw new Error(`run failed: ${r.error?.name}: ${r.error?.message}\n${r.error?.stack ?? ""}`);
  return r.value;
}

describe("TypeScript syntax", () => {
  it("runs an entry with types, interfaces, enums, namespaces, parameter properties, generics, as and satisfies", async () => {
    const code = `
import type { Shape } from "./shapes.js";
import { area, Kind } from "./shapes.js";

interface Named { readonly name: string; tags?: string[] }
type Pair<A, B = A> = [first: A, second: B];

enum Direction { Up = 1, Down, Left = "LEFT" }
const enum Flag { On = 1, Off = 0 }
declare const declaredOnly: number;

namespace Geometry {
  export const unit: number = 10;
  export function scale(n: number): number { return n * unit; }
  export namespace Inner { export const deep = "deep"; }
}

abstract class Base<T> {
  protected constructor(protected readonly items: T[]) {}
  abstract first(): T | undefined;
}

class Stack<T> extends Base<T> implements Named {
  readonly name = "stack";
  private count: number = 0;
  #secret = 42;
  constructor(items: T[], public label: string, private readonly limit?: number) {
    super(items);
    this.count = items.length;
  }
  first(): T | undefined { return this.items[0]; }
  get size(): number { return this.count; }
  secret(): number { return this.#secret; }
  static of<U>(...items: U[]): Stack<U> { return new Stack<U>(items, "of"); }
}

function identity<T extends object>(value: T): T { return value; }
function swap<A, B>([a, b]: Pair<A, B>): Pair<B, A> { return [b, a]; }

const config = { retries: 3, mode: "fast" } satisfies Record<string, number | string>;
const unknownValue: unknown = "text";
const length = (unknownValue as string).length;
const nonNull = (null as string | null)!;
const shape: Shape = { kind: Kind.Square, size: 3 };
const s = new Stack<number>([5, 6], "nums", 10);
let optional: number | undefined;
optional ??= 7;

export default {
  enums: [Direction.Up, Direction.Down, Direction[2], Direction.Left, Flag.On],
  namespace: [Geometry.unit, Geometry.scale(2), Geometry.Inner.deep],
  stack: [s.first(), s.size, s.label, s.name, s.secret(), Stack.of("a", "b").first(), s instanceof Base],
  generics: [identity({ ok: true }), swap<number, string>([1, "one"])],
  casts: [config.retries, config.mode, length, nonNull, optional],
  imported: [area(shape), Kind.Circle],
  declared: typeof declaredOnly === "undefined" ? "not emitted" : "emitted",
};
`;
    const v = await value(code, {
      filename: "main.ts",
      files: {
        "shapes.ts": `
export enum Kind { Square = "square", Circle = "circle" }
export interface Shape { kind: Kind; size: number }
export type Area = number;
export function area(shape: Shape): Area {
  return shape.kind === Kind.Square ? shape.size ** 2 : Math.round(Math.PI * shape.size ** 2);
}
`,
      },
    });
    expect(v).toEqual({
      enums: [1, 2, "Down", "LEFT", 1],
      namespace: [10, 20, "deep"],
      stack: [5, 2, "nums", "stack", 42, "a", true],
      generics: [{ ok: true }, ["one", 1]],
      casts: [3, "fast", 4, null, 7],
      imported: [9, "circle"],
      declared: "not emitted",
    });
  });

  it("runs a TypeScript script (no import or export) with the last expression as the value", async () => {
    const v = await value(
      `interface Point { x: number; y: number }
       const p: Point = { x: 3, y: 4 };
       function norm({ x, y }: Point): number { return Math.hypot(x, y); }
       norm(p) as number;`,
      { filename: "script.ts" },
    );
    expect(v).toBe(5);
  });

  it("transforms TypeScript files imported from a JavaScript entry and required from scripts", async () => {
    const files = {
      "util.ts": "export const double = (n: number): number => n * 2;",
      "legacy.cts": "const triple = (n: number): number => n * 3; module.exports = { triple };",
      "modern.mts": "export const quadruple = <T extends number>(n: T): number => n * 4;",
    };
    const imported = await value(
      `import { double } from './util.js'; import { quadruple } from './modern.mjs'; export default [double(2), quadruple(2)];`,
      { files },
    );
    expect(imported).toEqual([4, 8]);
    const required = await value(`[require('./util').double(5), require('./legacy.cjs').triple(5)]`, {
      files,
    });
    expect(required).toEqual([10, 15]);
  });

  it("TSX files have their types removed too", async () => {
    const v = await value(`import { label } from './view.js'; export default label;`, {
      files: {
        "view.tsx":
          "type Props = { name: string };\nexport const label = ((p: Props) => 'hi ' + p.name)({ name: 'x' });",
      },
    });
    expect(v).toBe("hi x");
  });
});

describe("error locations point at the original TypeScript source", () => {
  /**
   * `jsLine` and `tsLine` end with the same text; QuickJS reports some column in the plain JavaScript. The TypeScript
   * location must be the same token: the same distance from the end of its line.
   */
  async function expectSameToken(
    js: { code: string; options?: RunOptions },
    ts: { code: string; options: RunOptions },
  ): Promise<void> {
    const plain = await run(js.code, js.options);
    expect(plain.ok).toBe(false);
    const at = plain.error?.location;
    expect(at).toBeDefined();
    const jsLine = js.code.split("\n")[at!.line - 1]!;
    // The text at the location (the types are gone from the JS version, so only the next few characters compare).
    const token = jsLine.slice(at!.column - 1, at!.column - 1 + 14);
    expect(token.length).toBeGreaterThan(0);

    const typed = await run(ts.code, ts.options);
    expect(typed.ok).toBe(false);
    expect(typed.error?.name).toBe(plain.error?.name);
    expect(typed.error?.message).toBe(plain.error?.message);
    const tsLines = ts.code.split("\n");
    const expectedLine = tsLines.findIndex((line) => line.includes(token) && line.includes("throw")) + 1;
    expect(expectedLine).toBeGreaterThan(0);
    const expectedColumn = tsLines[expectedLine - 1]!.indexOf(token) + 1;
    expect(typed.error?.location).toEqual({
      file: ts.options.filename,
      line: expectedLine,
      column: expectedColumn,
    });
    expect(typed.error?.stack).toContain(`${ts.options.filename}:${expectedLine}:${expectedColumn}`);
  }

  it("in the entry, with types removed before the throw on the same line and lines above", async () => {
    await expectSameToken(
      {
        code: [
          "function check(value) {",
          '  const limit = 1; if (value > limit) throw new RangeError(("too big: ") + tail(value));',
          "  return value;",
          "}",
          "function tail(v) { return String(v); }",
          "check(5);",
        ].join("\n"),
      },
      {
        code: [
          "interface Options {",
          "  limit: number;",
          "}",
          "type Checked<T> = T & { checked: true };",
          "function check<T extends number>(value: T, options?: Options): T {",
          '  const limit: number = options?.limit ?? 1; if ((value as number) > limit) throw new RangeError(("too big: " satisfies string) + tail<T>(value));',
          "  return value;",
          "}",
          "function tail<V>(v: V): string { return String(v); }",
          "check<number>(5);",
        ].join("\n"),
        options: { filename: "main.ts" },
      },
    );
  });

  it("in a module entry with an enum and a namespace (compiled, not only stripped)", async () => {
    await expectSameToken(
      {
        code: [
          "const Color = { Red: 0, Green: 1 };",
          'const Limits = { describe: (v) => "(" + v + ")" };',
          "function check(value) {",
          '  if (value > Color.Green) throw new Error("too big: " + value + " " + Limits.describe(value));',
          "  return value;",
          "}",
          "export default check(5);",
        ].join("\n"),
      },
      {
        code: [
          "enum Color { Red, Green }",
          "namespace Limits {",
          "  export function describe(v: number): string {",
          '    return "(" + v + ")";',
          "  }",
          "}",
          "interface Unused { a: string }",
          "function check(value: number): number {",
          '  if ((value as number) > Color.Green) throw new Error("too big: " + value + " " + Limits.describe(value));',
          "  return value;",
          "}",
          "export default check(5);",
        ].join("\n"),
        options: { filename: "main.ts" },
      },
    );
  });

  it("in an imported TypeScript file, named by its path", async () => {
    const lib = [
      "export interface Input {",
      "  n: number;",
      "}",
      "export function fail({ n }: Input): never {",
      '  throw new TypeError("bad input: " + (n as number));',
      "}",
    ].join("\n");
    const r = await run(`import { fail } from './lib/fail.js';\nfail({ n: 1 });`, {
      filename: "/main.ts",
      files: { lib: { "fail.ts": lib } },
    });
    expect(r.ok).toBe(false);
    expect(r.error?.name).toBe("TypeError");
    expect(r.error?.message).toBe("bad input: 1");
    expect(r.error?.location?.file).toBe("/lib/fail.ts");
    expect(r.error?.location?.line).toBe(5);
    // The same line in plain JavaScript, up to the annotation: QuickJS's column there is the expected one.
    const plain = await run(
      'function fail({ n }) {\n  throw new TypeError("bad input: " + (n));\n}\nfail({ n: 1 });',
    );
    const column = plain.error!.location!.column;
    expect(column).toBeLessThanOrEqual('  throw new TypeError("bad input: " + (n'.length);
    expect(r.error?.location?.column).toBe(column);
  });
});

describe("the typescript option", () => {
  const tsCode = "const n: number = 41;\nexport default (n as number) + 1;";

  it("auto (the default) treats a .ts filename as TypeScript and a .js one as JavaScript", async () => {
    expect(await value(tsCode, { filename: "main.ts" })).toBe(42);
    const js = await run(tsCode, { filename: "main.js" });
    expect(js.ok).toBe(false);
    expect(js.error?.name).toBe("SyntaxError");
    const bare = await run(tsCode);
    expect(bare.ok).toBe(false);
    expect(bare.error?.name).toBe("SyntaxError");
  });

  it("false: TypeScript syntax is a SyntaxError, even in a .ts entry or an imported .ts file", async () => {
    const entry = await run(tsCode, { filename: "main.ts", typescript: false });
    expect(entry.ok).toBe(false);
    expect(entry.error?.name).toBe("SyntaxError");
    const imported = await run(`import { x } from './x.js'; export default x;`, {
      typescript: false,
      files: { "x.ts": "export const x: number = 1;" },
    });
    expect(imported.ok).toBe(false);
    expect(imported.error?.name).toBe("SyntaxError");
  });

  it("false: plain JavaScript in a .ts file still runs", async () => {
    expect(await value("export default 1 + 1;", { filename: "main.ts", typescript: false })).toBe(2);
  });

  it("true: the entry is TypeScript whatever its name", async () => {
    expect(await value(tsCode, { filename: "main.js", typescript: true })).toBe(42);
    expect(await value(tsCode, { typescript: true })).toBe(42);
    expect(await value("enum E { A = 3 }\nE.A", { filename: "script.js", typescript: true })).toBe(3);
  });

  it("an invalid value is a host error naming the option", async () => {
    await expect(run("1", { typescript: "yes" as never })).rejects.toThrow(/typescript/);
  });

  it.each([
    ["the entry", "const x: number = ;\nexport default x;", {}],
    [
      "an entry with a namespace",
      "namespace N { export const a = 1; }\nconst x: number = ;\nexport default x;",
      {},
    ],
    [
      "an imported file",
      "import { x } from './lib/broken.js';\nexport default x;",
      { lib: { "broken.ts": "export const x: number = ;" } },
    ],
    [
      "an imported file with a namespace",
      "import { x } from './lib/broken.js';\nexport default x;",
      { lib: { "broken.ts": "namespace N { export const a = 1; }\nexport const x: number = ;" } },
    ],
    [
      "a required file",
      "export default require('./lib/broken.ts');",
      { lib: { "broken.ts": "export const x: number = ;" } },
    ],
  ])("a TypeScript syntax error in %s is a SyntaxError naming the file", async (_what, code, files) => {
    const entry = "/src/entry.ts";
    const r = await run(code.replace("export default require", "module.exports = require"), {
      filename: entry,
      files: { src: files },
    });
    expect(r.ok).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(r.error?.name).toBe("SyntaxError");
    const file = Object.keys(files).length > 0 ? "/src/lib/broken.ts" : entry;
    expect(JSON.stringify(r.error)).toContain(file);
    // The engine is fine afterwards.
    expect(await value("export default 1 + 1")).toBe(2);
  });
});
