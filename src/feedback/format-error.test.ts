import { describe, expect, it } from "vitest";
import { type FormattableError, type FormattableResult, formatError } from "./format-error.js";

const FRAME = [
  "  1 | const values = [1, 2, 3];",
  "  2 | let total = 0;",
  "> 3 | total += values.sum();",
  "    |                 ^",
  "  4 | console.log(total);",
  "  5 | export {};",
].join("\n");

const STACK = [
  "TypeError: values.sum is not a function",
  "    at main.js:3:17",
  "    at sumAll (lib.js:10:3)",
  "    at main.js:20:1",
].join("\n");

function failed(error: Partial<FormattableError> = {}): FormattableResult {
  return {
    ok: false,
    exitCode: 1,
    error: { name: "TypeError", message: "values.sum is not a function", ...error },
  };
}

function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** True when the string has no unpaired surrogate, i.e. encodes to UTF-8 without loss. */
function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

const location = { file: "main.js", line: 3, column: 17 };

describe("formatError: layout", () => {
  it("full error: name, location, frame, stack without the location frame, hint", () => {
    const text = formatError(failed({ location, frame: FRAME, stack: STACK, hint: "Arrays have no sum()." }));
    expect(text).toBe(
      [
        "TypeError: values.sum is not a function",
        "    at main.js:3:17",
        "",
        FRAME,
        "",
        "    at sumAll (lib.js:10:3)",
        "    at main.js:20:1",
        "",
        "Hint: Arrays have no sum().",
      ].join("\n"),
    );
  });

  it("location only", () => {
    expect(formatError(failed({ location }))).toBe(
      "TypeError: values.sum is not a function\n    at main.js:3:17",
    );
  });

  it("no location: the stack frames follow the first line", () => {
    const text = formatError(failed({ stack: STACK }));
    expect(text).toBe(
      "TypeError: values.sum is not a function\n    at main.js:3:17\n    at sumAll (lib.js:10:3)\n    at main.js:20:1",
    );
  });

  it("keeps a first stack frame that differs from the location", () => {
    const stack = "E: m\n    at run (main.js:3:17)\n    at main.js:9:1";
    const text = formatError(failed({ location, stack }));
    expect(text.split("\n")).toEqual([
      "TypeError: values.sum is not a function",
      "    at main.js:3:17",
      "    at run (main.js:3:17)",
      "    at main.js:9:1",
    ]);
  });

  it("prints the frame as it is, without its trailing newlines", () => {
    const text = formatError(failed({ location, frame: `${FRAME}\r\n\n`, hint: "h" }));
    expect(text).toBe(`TypeError: values.sum is not a function\n    at main.js:3:17\n\n${FRAME}\n\nHint: h`);
  });

  it("a successful run formats as an empty string", () => {
    expect(formatError({ ok: true, exitCode: 0 })).toBe("");
  });

  it("a failure without an error names the exit code", () => {
    expect(formatError({ ok: false, exitCode: 3, stderr: "" })).toBe(
      "Error: the program failed (exit code 3)",
    );
    expect(formatError({ ok: false })).toBe("Error: the program failed");
  });

  it("keeps at most ten stack frames", () => {
    const stack = Array.from({ length: 30 }, (_, i) => `  at f${i} (main.js:${i + 1}:1)`).join("\n");
    const lines = formatError(failed({ stack })).split("\n");
    expect(lines).toHaveLength(11);
    expect(lines[10]).toBe("    at f9 (main.js:10:1)");
  });

  it("accepts a RunResult-shaped object", () => {
    const result = {
      ok: false,
      value: undefined,
      stdout: "",
      stderr: "boom\n",
      exitCode: 1,
      truncated: { stdout: false, stderr: false },
      stats: { durationMs: 1, memoryBytes: 0, hostCalls: 0 },
      error: { name: "Error", message: "boom", stack: "Error: boom\n    at main.js:1:7", location },
    };
    expect(formatError(result)).toBe("Error: boom\n    at main.js:3:17\n    at main.js:1:7");
  });
});

describe("formatError: size", () => {
  it("a 100 KB message stays within 2048 bytes with its name, location and hint", () => {
    const text = formatError(failed({ message: "x".repeat(100_000), location, frame: FRAME, hint: "Look." }));
    expect(utf8Bytes(text)).toBeLessThanOrEqual(2048);
    expect(text.startsWith("TypeError: xxx")).toBe(true);
    expect(text).toContain("…");
    expect(text).toContain("\n    at main.js:3:17\n");
    expect(text.endsWith("Hint: Look.")).toBe(true);
  });

  it("a huge stack loses frames beyond the third first, then all of them", () => {
    const stack = Array.from(
      { length: 10 },
      (_, i) => `    at f${i} (${"dir/".repeat(40)}main.js:${i}:1)`,
    ).join("\n");
    const text = formatError(failed({ location, stack, hint: "h" }), { maxBytes: 700 });
    expect(utf8Bytes(text)).toBeLessThanOrEqual(700);
    expect(text).toContain("at f2 (");
    expect(text).not.toContain("at f3 (");
    const small = formatError(failed({ location, stack, hint: "h" }), { maxBytes: 200 });
    expect(small).toBe("TypeError: values.sum is not a function\n    at main.js:3:17\n\nHint: h");
  });

  it("huge frame lines: the lines farthest from the caret go first", () => {
    const frame = [
      `  1 | ${"a".repeat(500)}`,
      `  2 | ${"b".repeat(500)}`,
      "> 3 | total += values.sum();",
      "    |                 ^",
      `  4 | ${"c".repeat(500)}`,
      `  5 | ${"d".repeat(5000)}`,
    ].join("\n");
    const text = formatError(failed({ location, frame, stack: STACK, hint: "h" }), { maxBytes: 1200 });
    expect(utf8Bytes(text)).toBeLessThanOrEqual(1200);
    expect(text).toContain("> 3 | total += values.sum();\n    |                 ^");
    expect(text).toContain("  2 | bbb");
    expect(text).not.toContain("  5 |");
    expect(text).not.toContain("  1 |");
    expect(text).not.toContain("at sumAll");
    expect(text).toContain("TypeError: values.sum is not a function\n    at main.js:3:17\n");
  });

  it("a frame of many lines is reduced to the error and caret lines", () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `  ${i + 1} | line(${i});`);
    lines.splice(2500, 0, "> 2501 | boom();", "       |  ^");
    const text = formatError(failed({ location, frame: lines.join("\n") }), { maxBytes: 300 });
    expect(utf8Bytes(text)).toBeLessThanOrEqual(300);
    expect(text).toContain("> 2501 | boom();\n       |  ^");
  });

  it("multi-byte characters with a small maxBytes stay valid UTF-8", () => {
    const message = "😀漢字🎉".repeat(200);
    for (const maxBytes of [64, 65, 66, 67, 70, 99, 100, 101, 150]) {
      const text = formatError(failed({ message, location, hint: "ヒント" }), { maxBytes });
      expect(utf8Bytes(text)).toBeLessThanOrEqual(maxBytes);
      expect(isWellFormed(text)).toBe(true);
      expect(text.startsWith("TypeError: ")).toBe(true);
    }
  });

  it("a lone surrogate in the input does not survive", () => {
    const text = formatError(failed({ message: "bad \uD83D end" }));
    expect(isWellFormed(text)).toBe(true);
    expect(text).toContain("bad \uFFFD end");
  });

  it("custom maxBytes 300", () => {
    const text = formatError(
      failed({ message: "m".repeat(1000), location, frame: FRAME, stack: STACK, hint: "Try again." }),
      { maxBytes: 300 },
    );
    expect(utf8Bytes(text)).toBeLessThanOrEqual(300);
    expect(text).toMatch(/^TypeError: m+…\n {4}at main\.js:3:17\n\nHint: Try again\.$/);
  });

  it("an oversized name, location or hint is cut as a last resort", () => {
    const text = formatError(failed({ name: "E".repeat(500), location, hint: "🎉".repeat(500) }), {
      maxBytes: 100,
    });
    expect(utf8Bytes(text)).toBeLessThanOrEqual(100);
    expect(isWellFormed(text)).toBe(true);
    expect(text.endsWith("…")).toBe(true);
    const hinted = formatError(failed({ location, hint: "🎉".repeat(500) }), { maxBytes: 100 });
    expect(hinted.startsWith("TypeError: …\n    at main.js:3:17\n\nHint: 🎉")).toBe(true);
    expect(utf8Bytes(hinted)).toBeLessThanOrEqual(100);
  });

  it("maxBytes below 64 counts as 64", () => {
    const text = formatError(failed({ message: "z".repeat(500), location }), { maxBytes: 1 });
    expect(utf8Bytes(text)).toBeLessThanOrEqual(64);
    expect(utf8Bytes(text)).toBeGreaterThan(60);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, "100"])(
    "maxBytes %j throws a TypeError",
    (maxBytes) => {
      expect(() => formatError(failed(), { maxBytes: maxBytes as number })).toThrow(TypeError);
      expect(() => formatError(failed(), { maxBytes: maxBytes as number })).toThrow(/maxBytes/);
    },
  );
});
