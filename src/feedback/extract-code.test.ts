import { describe, expect, it } from "vitest";
import { detectLanguage, extractCode } from "./extract-code.js";

const fence = "```";

describe("extractCode: one fenced block", () => {
  it("takes a js block", () => {
    const text = `Sure! Here you go:\n\n${fence}js\nconsole.log(1 + 1);\n${fence}\n\nThis prints 2.`;
    expect(extractCode(text)).toEqual({
      code: "console.log(1 + 1);",
      language: "javascript",
      fenced: true,
      tag: "js",
    });
  });

  it("takes a ~~~ block", () => {
    const text = "Code:\n~~~javascript\nconst a = 1;\nconsole.log(a);\n~~~\n";
    expect(extractCode(text)).toMatchObject({ code: "const a = 1;\nconsole.log(a);", tag: "javascript" });
  });

  it("does not close a ~~~ block with backticks, nor a long fence with a shorter one", () => {
    const text = `~~~~js\nconst s = "~~~";\n${fence}\nconsole.log(s);\n~~~\nmore();\n~~~~`;
    expect(extractCode(text).code).toBe(`const s = "~~~";\n${fence}\nconsole.log(s);\n~~~\nmore();`);
  });

  it("keeps a ``` line inside a four-backtick fence", () => {
    const text = `\`\`\`\`js\nconst md = \`\n${fence}js\nx\n${fence}\n\`;\nconsole.log(md);\n\`\`\`\``;
    expect(extractCode(text).code).toBe(`const md = \`\n${fence}js\nx\n${fence}\n\`;\nconsole.log(md);`);
  });

  it("strips the indentation of a fence inside a list item", () => {
    const text = [
      "1. Save this as main.js:",
      "",
      `   ${fence}js`,
      "   function add(a, b) {",
      "     return a + b;",
      "   }",
      "   console.log(add(1, 2));",
      `   ${fence}`,
      "2. Run it.",
    ].join("\n");
    expect(extractCode(text).code).toBe("function add(a, b) {\n  return a + b;\n}\nconsole.log(add(1, 2));");
  });

  it("reads a fence indented deeper than three spaces in a nested list", () => {
    const text = `- step\n  - inner\n      ${fence}ts\n      const n: number = 1;\n      ${fence}\n`;
    expect(extractCode(text)).toMatchObject({ code: "const n: number = 1;", language: "typescript" });
  });

  it("takes an unclosed fence to the end of the text", () => {
    const text = `Here:\n${fence}js\nconst x = 1;\nconsole.log(x);\n\n\n`;
    expect(extractCode(text)).toMatchObject({ code: "const x = 1;\nconsole.log(x);", fenced: true });
  });

  it("handles CRLF line endings", () => {
    const text = `Here:\r\n\r\n${fence}js\r\nconst x = 1;\r\nconsole.log(x);\r\n${fence}\r\n`;
    expect(extractCode(text).code).toBe("const x = 1;\nconsole.log(x);");
  });

  it("lowercases the tag and keeps only its first word", () => {
    const text = `${fence}JavaScript title="main.js"\nlet y = 2;\n${fence}`;
    expect(extractCode(text)).toMatchObject({ tag: "javascript", language: "javascript" });
  });
});

describe("extractCode: languages", () => {
  it("typescript tag", () => {
    const text = `${fence}typescript\nconst x = 1;\n${fence}`;
    expect(extractCode(text)).toMatchObject({ language: "typescript", tag: "typescript" });
  });

  it("tsx tag is typescript, jsx and mjs are javascript", () => {
    expect(extractCode(`${fence}tsx\nconst a = 1;\n${fence}`).language).toBe("typescript");
    expect(extractCode(`${fence}jsx\nconst a = 1;\n${fence}`).language).toBe("javascript");
    expect(extractCode(`${fence}mjs\nconst a = 1;\n${fence}`).language).toBe("javascript");
  });

  it("an explicit tag wins over detection", () => {
    const text = `${fence}js\nfunction f(x: number) { return x; }\n${fence}`;
    expect(extractCode(text).language).toBe("javascript");
  });

  it("detects TypeScript in an untagged block", () => {
    const text = `${fence}\ninterface Point { x: number; y: number }\nconst p: Point = { x: 1, y: 2 };\n${fence}`;
    const result = extractCode(text);
    expect(result).toEqual({ code: expect.any(String), language: "typescript", fenced: true });
    expect(result.tag).toBeUndefined();
  });

  it("detects JavaScript in an untagged block", () => {
    const text = `${fence}\nconst o = { a: 1, b: "x: string" };\nconsole.log(o.a ? o : null);\n${fence}`;
    expect(extractCode(text).language).toBe("javascript");
  });

  it.each([
    ["function f(a: string) {}", "typescript"],
    ["const f = (): void => {};", "typescript"],
    ["type Id = string | number;", "typescript"],
    ["const xs = [1, 2] as const;", "typescript"],
    ["function id<T>(x) { return x; }", "typescript"],
    ["const id = <T,>(x) => x;", "typescript"],
    ["function* each<T>(xs) {}", "typescript"],
    ["enum Color { Red, Green }", "typescript"],
    ["class A implements B {}", "typescript"],
    ["class A {\n  private count = 0;\n}", "typescript"],
    ["class A {\n  constructor(readonly name) {}\n}", "typescript"],
    ["const a = { b: 1 };\nif (a.b < 2 && a.b > 0) console.log(a);", "javascript"],
    ["// note: string\nconsole.log('value: number');", "javascript"],
    ["function* gen() {}\nconst f = function  (a, b) { return a < b; };", "javascript"],
  ])("detectLanguage(%j) is %s", (code, language) => {
    expect(detectLanguage(code)).toBe(language);
  });

  it("options.language wins for the returned language", () => {
    const text = `${fence}js\nconsole.log(1);\n${fence}`;
    expect(extractCode(text, { language: "typescript" })).toMatchObject({
      language: "typescript",
      tag: "js",
    });
  });
});

describe("extractCode: several blocks", () => {
  it("prefers the solution over a later usage example", () => {
    const text = [
      "Here is the function:",
      `${fence}js`,
      "function add(a, b) {",
      "  return a + b;",
      "}",
      "console.log(add(2, 3));",
      fence,
      "Example usage:",
      `${fence}js`,
      "add(1, 2); // 3",
      fence,
    ].join("\n");
    expect(extractCode(text).code).toContain("function add");
  });

  it("prefers a later solution over an earlier, shorter usage example", () => {
    const text = [
      "Usage:",
      `${fence}js`,
      "run();",
      fence,
      "Implementation:",
      `${fence}js`,
      "function run() {",
      "  console.log('ok');",
      "}",
      "run();",
      fence,
    ].join("\n");
    expect(extractCode(text).code).toContain("function run");
  });

  it("never chooses a bash block", () => {
    const text = `Install:\n${fence}bash\nnpm install lodash && node main.js --verbose --flag\n${fence}\nThen:\n${fence}js\nconsole.log(1);\n${fence}`;
    expect(extractCode(text)).toMatchObject({ code: "console.log(1);", tag: "js" });
  });

  it("prefers the block announced as the final solution", () => {
    const text = [
      "My first attempt, which has a bug:",
      `${fence}js`,
      "const values = [1, 2, 3];",
      "let total = 0;",
      "for (let i = 0; i <= values.length; i++) total += values[i];",
      "console.log(total);",
      fence,
      "Here is the final solution:",
      "",
      `${fence}js`,
      "console.log([1, 2, 3].reduce((a, b) => a + b, 0));",
      fence,
    ].join("\n");
    expect(extractCode(text).code).toBe("console.log([1, 2, 3].reduce((a, b) => a + b, 0));");
  });

  it("prefers tagged blocks over untagged ones", () => {
    const text = `${fence}\nconst aVeryLongUntaggedBlock = [1, 2, 3, 4, 5, 6, 7, 8, 9];\n${fence}\n${fence}js\nlet b = 1;\n${fence}`;
    expect(extractCode(text).code).toBe("let b = 1;");
  });

  it("takes the longest block, the last one on a tie", () => {
    const longest = `${fence}js\nconst a = 1;\nconsole.log(a);\n${fence}`;
    expect(extractCode(`${longest}\n${fence}js\nb();\n${fence}`).code).toContain("const a");
    expect(extractCode(`${fence}js\nfirst();\n${fence}\n${fence}js\nlater();\n${fence}`).code).toBe(
      "later();",
    );
  });

  it("prefers the requested language", () => {
    const text = `${fence}ts\nconst x: number = 1;\n${fence}\n${fence}js\nconst x = 1;\nconsole.log(x, "longer");\n${fence}`;
    expect(extractCode(text, { language: "typescript" })).toMatchObject({
      tag: "ts",
      language: "typescript",
    });
    expect(extractCode(text)).toMatchObject({ tag: "js", language: "javascript" });
    expect(extractCode(text, { language: "javascript" }).tag).toBe("js");
  });

  it("skips empty blocks", () => {
    expect(extractCode(`${fence}js\n${fence}\n${fence}\nx();\n${fence}`).code).toBe("x();");
  });
});

describe("extractCode: without a fence", () => {
  it("returns code as it is, trimmed", () => {
    expect(extractCode("\n\nconst x = 1;\nconsole.log(x);\n\n")).toEqual({
      code: "const x = 1;\nconsole.log(x);",
      language: "javascript",
      fenced: false,
    });
  });

  it("drops the leading prose", () => {
    const text = "Here is the code:\n\nconst x = 1;\nconsole.log(x)";
    expect(extractCode(text)).toMatchObject({ code: "const x = 1;\nconsole.log(x)", fenced: false });
  });

  it("drops several sentences of prose and detects TypeScript", () => {
    const text =
      "Sure.\nThis program adds two numbers together\n\nfunction add(a: number, b: number) {\n  return a + b;\n}";
    expect(extractCode(text)).toMatchObject({
      code: expect.stringMatching(/^function add/),
      language: "typescript",
    });
  });

  it.each([
    "namespace N { export const a = 1 }\nN.a",
    "declare const x: number;\nconsole.log(1)",
    "module Shapes { export const sides = 3 }\nShapes.sides",
    "abstract class Shape { abstract area(): number }\nconsole.log(1)",
  ])("keeps a first line of TypeScript declarations: %j", (text) => {
    expect(extractCode(text).code).toBe(text);
  });

  it("keeps leading lines that do not look like sentences", () => {
    const text = "x\nconsole.log(1);";
    expect(extractCode(text).code).toBe(text);
  });

  it("returns prose only as trimmed text", () => {
    expect(extractCode("  I cannot help with that.  \n")).toEqual({
      code: "I cannot help with that.",
      language: "javascript",
      fenced: false,
    });
  });

  it("falls back to the whole text when only non-JavaScript blocks exist", () => {
    const text = `Run:\n${fence}sh\nnode main.js\n${fence}`;
    expect(extractCode(text)).toMatchObject({ code: text, fenced: false });
  });

  it("treats a fence tagged with an Object.prototype member name as another language", () => {
    const other = extractCode("```rust\nconst a = 1;\n```");
    for (const tag of ["constructor", "toString", "__proto__"]) {
      const r = extractCode(`\`\`\`${tag}\nconst a = 1;\n\`\`\``);
      expect(r.language).toBe("javascript");
      expect(r.fenced).toBe(other.fenced);
    }
  });

  it("returns an empty result for empty input, and never throws", () => {
    expect(extractCode("")).toEqual({ code: "", language: "javascript", fenced: false });
    expect(extractCode(" \r\n\t\n", { language: "typescript" })).toEqual({
      code: "",
      language: "typescript",
      fenced: false,
    });
    expect(extractCode(undefined as unknown as string).code).toBe("");
  });

  it("stays fast on pathological input", () => {
    const long = 200_000;
    const inputs = [
      `${fence}\nfunction${" ".repeat(long)}x\n${fence}`,
      `a =${" ".repeat(long)}x`,
      `${fence}\n${"\n".repeat(long)}x\n${fence}`,
      `${"a<b".repeat(long / 3)}\n${"(,".repeat(long / 2)}`,
      `${fence}\n${"/* ".repeat(long / 3)}\n${fence}`,
      `${fence}\n${'\\"'.repeat(long / 2)}\n${fence}`,
    ];
    for (const input of inputs) {
      const start = performance.now();
      extractCode(input);
      expect(performance.now() - start).toBeLessThan(3000);
    }
  });
});
