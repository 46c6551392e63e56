import { describe, expect, it } from "vitest";
import { TransformCache } from "./transform-cache.js";
import { TypeScriptHost, transformCount } from "./typescript.js";

/** A TypeScript file of about `lines` lines, different for each `n`. */
function bigFile(n: number, lines: number): string {
  let text = "";
  for (let i = 0; i < lines; i++)
    text += `export function f${n}_${i}(a: number, b: string): string { return b + a * ${i}; }\n`;
  return text;
}

describe("TransformCache", () => {
  it("holds at most its byte bound, counting sources, output and source maps", () => {
    const cache = new TransformCache(1024 * 1024);
    const host = new TypeScriptHost(cache);
    const source = bigFile(0, 400);
    const code = host.transpile(source, "/src/f0.ts", "esm");
    // One entry: the key (with the source), the output and the map, at two bytes a character.
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBeGreaterThan(2 * (source.length + code.length) + 2 * 10_000);
    for (let n = 1; n < 40; n++) {
      host.transpile(bigFile(n, 400), `/src/f${n}.ts`, "esm");
      expect(cache.bytes).toBeLessThanOrEqual(cache.maxBytes);
    }
    expect(cache.size).toBeLessThan(40);
    expect(cache.size).toBeGreaterThan(1);
  });

  it("evicts the least recently used entry first", () => {
    const host = new TypeScriptHost(new TransformCache(1024 * 1024));
    const first = bigFile(0, 400);
    host.transpile(first, "/src/f0.ts", "esm");
    for (let n = 1; n < 40; n++) {
      host.transpile(first, "/src/f0.ts", "esm"); // used again: stays
      host.transpile(bigFile(n, 400), `/src/f${n}.ts`, "esm");
    }
    const before = transformCount();
    host.transpile(first, "/src/f0.ts", "esm");
    expect(transformCount()).toBe(before);
    host.transpile(bigFile(1, 400), "/src/f1.ts", "esm");
    expect(transformCount()).toBe(before + 1);
  });

  it("does not keep an entry larger than a quarter of its bound", () => {
    const cache = new TransformCache(64 * 1024);
    new TypeScriptHost(cache).transpile(bigFile(0, 400), "/src/big.ts", "esm");
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it("maps positions back from the map text it keeps", () => {
    const host = new TypeScriptHost();
    host.transpile(
      "const a: number = 1;\nfunction f(x: string): void { throw new Error(x); }\n",
      "/a.ts",
      "esm",
    );
    expect(host.originalPosition("/a.ts", 2, 1)).toEqual({ line: 2, column: 1 });
  });
});
