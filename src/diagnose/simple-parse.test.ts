import { Parser } from "acorn";
import { describe, expect, it } from "vitest";
import { parseSource, type SourceKind } from "./ast.js";
import { parseSimple } from "./simple-parse.js";

/** acorn's tree as text (key order included), or undefined when acorn rejects the program. */
function acorn(code: string, kind: SourceKind): string | undefined {
  try {
    return JSON.stringify(
      Parser.parse(code, {
        ecmaVersion: "latest",
        sourceType: kind,
        allowHashBang: true,
        allowAwaitOutsideFunction: true,
      }),
    );
  } catch {
    return undefined;
  }
}

/** The subset parser either leaves the program to acorn or builds exactly acorn's tree. */
function agrees(code: string, kind: SourceKind): boolean {
  const simple = parseSimple(code, kind);
  if (simple === undefined) return false;
  expect(JSON.stringify(simple), `${kind}: ${JSON.stringify(code)}`).toBe(acorn(code, kind));
  return true;
}

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("parseSimple", () => {
  it.each([
    "export default null.x",
    "export default undefined.y;",
    "export default null.x\n",
    "  export default null . x ;  // done\n",
    "const r = fetch('u')\nexport default r.json()",
    'const a = f(1, "two", null, true, false, this,)\nexport default a[0]["k"](b)(c).d',
    "let x = 1, y = x\nvar z = y.w\nexport const q = z.v\n/* end */",
    "export default obj.class.default.new",
    "f()\ng()\n/* a\ncomment */ h()",
    "export default 0",
    "export default 123456789012345",
    "export default 'a\u2028b'",
    "",
    "// only a comment",
  ])("builds acorn's tree for %j", (code) => {
    expect(agrees(code, "module")).toBe(true);
  });

  it.each(["null.x", "const o = g()\no.k()", "var a = b\nlet c = a.d(e)\nc", "this.x"])(
    "builds acorn's tree for the script %j",
    (code) => {
      expect(agrees(code, "script")).toBe(true);
    },
  );

  it.each([
    ["export default null.x", "script"],
    ["export default 1\nexport default 2", "module"],
    ["const a = 1\nconst a = 2", "module"],
    ["var a = 1\nlet a = 2", "script"],
    ["const a", "module"],
    ["a b", "module"],
    ["f(", "module"],
    ["a.", "module"],
    ["'use strict'\nx.y", "script"],
    ["x?.y", "module"],
    ["f(...a)", "module"],
    ["(a).b", "module"],
    ["a = 1", "module"],
    ["a + b", "module"],
    ["await f()", "module"],
    ["let.x", "script"],
    ["new X()", "module"],
    ["1.5.x", "module"],
    ["1..x", "module"],
    ["010", "module"],
    ["1_000", "module"],
    ["10n", "module"],
    ["'a\\nb'", "module"],
    ["`t`", "module"],
    ["#!/usr/bin/env node\nx", "module"],
    ["a /* open", "module"],
    ["x.y\u2028z", "module"],
    ["caf\u00e9.x", "module"],
    ["function f() {}", "module"],
    ["import x from 'y'\nx.z", "module"],
  ])("leaves %j (%s) to the full parser", (code, kind) => {
    expect(parseSimple(code, kind as SourceKind)).toBeUndefined();
  });

  it("never accepts what acorn rejects, and builds acorn's tree for whatever it accepts (token soup)", () => {
    const next = random(1);
    const pick = <V>(items: readonly V[]): V => items[Math.floor(next() * items.length)]!;
    const tokens = [
      ...["a", "b", "undefined", "null", "true", "this", "class", "await", "let", "of", "yield"],
      ...["export", "default", "const", "var", "new", "typeof"],
      ...["0", "1", "42", "007", "1.5", "1e3", "1_0", "10n", ".5"],
      ...["'s'", '"t"', "'a\\'b'", "`x`"],
      ...[".", ".", "(", ")", "(", ")", "[", "]", ",", ";", "=", "?.", "...", "=>", "==", "+", "{", "}"],
    ];
    const spaces = ["", " ", " ", "\n", "\t", "/* c */", "/*\n*/", "// c\n", "\r\n"];
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const length = 1 + Math.floor(next() * 10);
      let code = "";
      for (let t = 0; t < length; t++) code += pick(spaces) + pick(tokens);
      code += pick(spaces);
      for (const kind of ["module", "script"] as const) if (agrees(code, kind)) accepted += 1;
    }
    expect(accepted).toBeGreaterThan(100);
  });

  it("builds acorn's tree for generated programs of the subset", () => {
    const next = random(2);
    const pick = <V>(items: readonly V[]): V => items[Math.floor(next() * items.length)]!;
    const space = () => pick(["", " ", "  ", "\n", "/* c */", "// c\n", "\t"]);
    const names = ["a", "b", "undefined", "null", "true", "false", "this", "0", "17"];
    const expression = (depth: number, first = [...names, "'s'", '"d q"']): string => {
      let text = pick(first);
      const tails = Math.floor(next() * 4);
      for (let i = 0; i < tails; i++) {
        const kind = depth > 2 ? 0 : Math.floor(next() * 3);
        if (kind === 0) {
          // (`17.x` does not parse; `17 .x` does.)
          const before = /^\d+$/.test(text) ? " " : space();
          text += `${before}.${space()}${pick(["x", "json", "default", "class", "length"])}`;
        } else if (kind === 1) text += `${space()}[${space()}${expression(depth + 1)}${space()}]`;
        else {
          const args = Array.from({ length: Math.floor(next() * 3) }, () => expression(depth + 1));
          const trailing = args.length > 0 ? pick(["", ","]) : "";
          text += `${space()}(${args.join(`${space()},${space()}`)}${trailing})`;
        }
      }
      return text;
    };
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const statements: string[] = [];
      const count = 1 + Math.floor(next() * 4);
      for (let s = 0; s < count; s++) {
        const form = Math.floor(next() * 4);
        if (form === 0) statements.push(`${pick(["const", "let", "var"])} v${s} = ${expression(0)}`);
        else if (form === 1) statements.push(`export const w${s} =${space()}${expression(0)}`);
        else if (form === 2 && s === count - 1) statements.push(`export default ${expression(0)}`);
        // (A statement that starts with a string is a directive candidate: left to acorn.)
        else statements.push(expression(0, names));
      }
      const code = statements.map((s) => s + pick([";", "\n", ";\n", " /*\n*/ "])).join(space());
      if (agrees(code, "module")) accepted += 1;
    }
    expect(accepted).toBe(3000);
  });

  it("is what parseSource returns for a program of the subset", () => {
    const parsed = parseSource("export default null.x", "module");
    expect(JSON.stringify(parsed.ast)).toBe(acorn("export default null.x", "module"));
  });
});
