import { describe, expect, it } from "vitest";
import { redactHostPaths } from "../engine/error-shape.js";
import { kindOfBrokenCode, offsetOf, parseSource, positionOf } from "./ast.js";
import { codeFrame } from "./frame.js";
import { looksLikeMarkdown } from "./hints.js";
import { jsonErrorOffset } from "./json.js";
import { refineRuntime } from "./runtime.js";
import { unexpected, v8Syntax } from "./syntax.js";

function syntax(code: string, kind: "module" | "script" = "script") {
  const error = parseSource(code, kind).error;
  if (!error) throw new Error("expected a syntax error");
  const { message, pos } = v8Syntax(code, error, kind);
  return { message, ...positionOf(code, pos) };
}

describe("syntax errors in V8's words at V8's position", () => {
  it.each([
    ["const x = foo(;", "Unexpected token ';'", 1, 15],
    ['console.log("Hello, " name);', "missing ) after argument list", 1, 13],
    ["console.log((a + b);", "missing ) after argument list", 1, 19],
    ["let x = [1, 2;", "Unexpected token ';'", 1, 14],
    ["const o = { a: 1 b: 2 };", "Unexpected identifier 'b'", 1, 18],
    [
      "function f() {\n  const data = await load();\n}",
      "await is only valid in async functions and the top level bodies of modules",
      2,
      16,
    ],
    ["let y = 5\nconst z;", "Missing initializer in const declaration", 2, 7],
    ["const s = 'abc;\n", "Invalid or unexpected token", 1, 11],
    ["let a = 1;\nlet a = 2;", "Identifier 'a' has already been declared", 2, 5],
    ["return 1", "Illegal return statement", 1, 1],
    ["if (x) {\n  foo();\n", "Unexpected end of input", 3, 1],
  ])("%j", (code, message, line, column) => {
    expect(syntax(code)).toEqual({ message, line, column });
  });

  it("words modules' complaints as V8 does", () => {
    expect(syntax("export const a = 1;\nexport { a };", "module").message).toBe("Duplicate export of 'a'");
  });

  it("names the token at a position", () => {
    expect(unexpected("x 'str'", 2)).toBe("Unexpected string");
    expect(unexpected("x 42", 2)).toBe("Unexpected number");
    expect(unexpected("x `t`", 2)).toBe("Unexpected template string");
    expect(unexpected("x if", 2)).toBe("Unexpected token 'if'");
    expect(unexpected("x ===", 2)).toBe("Unexpected token '==='");
    expect(unexpected("x   ", 1)).toBe("Unexpected end of input");
  });

  it("takes broken code for the kind the parser gets further in", () => {
    expect(kindOfBrokenCode('import fs from "node:fs";\nconst x = (() => {\n  return 1;\n)();')).toBe(
      "module",
    );
    expect(kindOfBrokenCode("const x = 1;\nfoo(;")).toBe("script");
  });
});

describe("runtime errors refined from the parsed source", () => {
  const refine = (code: string, line: number, column: number, message: string) => {
    const ast = parseSource(code, "script").ast!;
    const refined = refineRuntime(ast, code, offsetOf(code, line, column), message);
    return refined && { message: refined.message, ...positionOf(code, refined.pos) };
  };

  it("finds the identifier after the position the engine gives (a function's start)", () => {
    expect(
      refine("function f() {\n  const y = 1;\n  return dat.length;\n}", 1, 1, "dat is not defined"),
    ).toEqual({
      message: "dat is not defined",
      line: 3,
      column: 10,
    });
  });

  it("renders callees and accesses as V8 does", () => {
    expect(refine("const r = {};\nr.json();", 2, 3, "not a function")).toEqual({
      message: "r.json is not a function",
      line: 2,
      column: 3,
    });
    expect(refine("let o;\nfoo(1 + o.x);", 2, 1, "cannot read property 'x' of undefined")).toEqual({
      message: "Cannot read properties of undefined (reading 'x')",
      line: 2,
      column: 11,
    });
    expect(refine("const c = 1;\nc += 2;", 2, 1, "'c' is read-only")).toEqual({
      message: "Assignment to constant variable.",
      line: 2,
      column: 3,
    });
    expect(refine("const n = 5;\nfor (const x of n) {}", 2, 1, "value is not iterable")).toEqual({
      message: "n is not iterable",
      line: 2,
      column: 17,
    });
  });

  it("leaves messages it has no rule for", () => {
    expect(refine("x()", 1, 1, "something else")).toBeUndefined();
  });
});

describe("code frames", () => {
  it("shows up to two lines around the line, with a caret under the column", () => {
    expect(codeFrame("a\nb\nconst x = y;\nd\ne\nf", 3, 11)).toBe(
      ["  1 | a", "  2 | b", "> 3 | const x = y;", "    |           ^", "  4 | d", "  5 | e"].join("\n"),
    );
  });

  it("expands tabs before placing the caret", () => {
    expect(codeFrame("\tfoo(bar);", 1, 6)).toBe(["> 1 |   foo(bar);", "    |       ^"].join("\n"));
  });

  it("clips long lines around the column", () => {
    const frame = codeFrame(`${"x".repeat(300)}BAD${"y".repeat(300)}`, 1, 301)!;
    for (const line of frame.split("\n")) expect(line.length).toBeLessThan(120);
    const [text, caret] = frame.split("\n") as [string, string];
    expect(text[caret.indexOf("^")]).toBe("B");
  });

  it("gives nothing for a line outside the source", () => {
    expect(codeFrame("a", 5, 1)).toBeUndefined();
  });
});

describe("the first invalid character of JSON", () => {
  it.each([
    ['{"a": 1}', undefined],
    ['{"a": 1,}', 8],
    ["{'a': 1}", 1],
    ["[1, 2", 5],
    ['"x\\q"', 3],
    ["nul", 0],
    ["1 2", 2],
  ])("%j", (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});

describe("Markdown and host paths", () => {
  it("tells a fenced answer from code", () => {
    expect(looksLikeMarkdown("```js\nx\n```")).toBe(true);
    expect(looksLikeMarkdown("Here it is:\n\n```ts\nlet a = 1\n```\n")).toBe(true);
    expect(looksLikeMarkdown("const s = `template`;")).toBe(false);
  });

  it("replaces host paths and file: URLs, not URL paths or relative paths", () => {
    expect(redactHostPaths("open '/home/app/config.json'")).toBe("open '<host path>'");
    expect(redactHostPaths("at file:///srv/x.js:1:2")).toBe("at <host path>");
    expect(redactHostPaths("see C:\\Users\\me\\a.txt")).toBe("see <host path>");
    expect(redactHostPaths("GET https://a.example/v1/users and src/lib.js")).toBe(
      "GET https://a.example/v1/users and src/lib.js",
    );
  });
});
