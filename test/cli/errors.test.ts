// The `cordon run` command (built to dist/ by `npm test`): a failing program's error as a person or a model reads it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cordon } from "./spawn.js";

const dir = mkdtempSync(join(tmpdir(), "cordon-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cordon run", () => {
  it("prints a failing program's error with its location, code frame and hint, and exits 1", async () => {
    const file = join(dir, "answer.js");
    writeFileSync(
      file,
      "async function load() {\n  return { items: [] };\n}\nconst r = load();\nconsole.log(r.items.length);\n",
    );
    const { code, stdout, stderr } = await cordon(["run", file]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain("TypeError: Cannot read properties of undefined (reading 'length')");
    expect(stderr).toContain(`at ${file}:5:21`);
    expect(stderr).toContain("> 5 | console.log(r.items.length);");
    expect(stderr).toContain("Hint: `r` holds a Promise: add `await`");
  });

  it("--deterministic[=seed] freezes the clocks and seeds Math.random", async () => {
    const file = join(dir, "random.js");
    writeFileSync(
      file,
      "const t = Date.now(); for (let i = 0; i < 1e6; i++);\nconsole.log(Date.now() - t, t % 1000, Math.random(), Math.random());\n",
    );
    const a = await cordon(["run", file, "--deterministic=7"]);
    const b = await cordon(["run", "--deterministic=7", file]);
    expect(a).toMatchObject({ code: 0, stderr: "" });
    expect(a.stdout).toMatch(/^0 0 0\.\d+ 0\.\d+\n$/);
    expect(b.stdout).toBe(a.stdout);
    const other = await cordon(["run", file, "--deterministic"]);
    expect(other.stdout).toMatch(/^0 0 /);
    expect(other.stdout).not.toBe(a.stdout);
    const plain = await cordon(["run", file]);
    expect(plain.stdout).not.toBe(a.stdout);
    const bad = await cordon(["run", file, "--deterministic=-1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--deterministic takes a seed");
  });
});

describe("cordon run --json", () => {
  it("prints a result with shared references once, and cycles, typed arrays, Maps and BigInts", async () => {
    const file = join(dir, "dag.js");
    // 40 levels, each pointing twice at the next: 2^40 paths if expanded.
    writeFileSync(
      file,
      [
        "let node = { leaf: true };",
        "for (let i = 0; i < 40; i++) node = { a: node, b: node };",
        "const buf = new ArrayBuffer(4);",
        "const cyc = { name: 'c' }; cyc.self = cyc;",
        "export default { node, views: [new Uint8Array(buf), new Uint8Array(buf)], cyc, m: new Map([['k', 1n]]) };",
      ].join("\n"),
    );
    const { code, stdout } = await cordon(["run", "--json", file]);
    expect(code).toBe(0);
    expect(stdout.length).toBeLessThan(20_000);
    const printed = JSON.parse(stdout);
    expect(printed.ok).toBe(true);
    expect(printed.value.node.b).toEqual({ $ref: "$.value.node.a" });
    expect(printed.value.views).toEqual([
      [0, 0, 0, 0],
      { $view: "Uint8Array", buffer: { $ref: "$.value.views[0]" }, byteOffset: 0, length: 4 },
    ]);
    expect(printed.value.cyc).toEqual({ name: "c", self: { $ref: "$.value.cyc" } });
    expect(printed.value.m).toEqual({ $map: [["k", "1n"]] });
  });
});
