// The built package (dist/, made by `npm test`) as a Node project loads it: by import and by require(); and what
// `npm pack` puts in the tarball.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { command } from "./helpers/npm.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function node(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

const PROGRAM = `c.run("export default 6 * 7", { isolation: "inline" }).then((r) => {
  console.log(JSON.stringify([r.value, typeof c.createSandbox, typeof c.formatError, typeof c.CordonError]));
  process.exit(0);
});`;

describe("the package", () => {
  it("loads with require('cordon') from CommonJS", async () => {
    const r = await node(["-e", `const c = require("cordon");\n${PROGRAM}`]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe('[42,"function","function","function"]');
  });

  it("runs on worker threads from a host started as node --input-type=module -e (workers do not inherit it)", async () => {
    const code = `import { run } from "cordon";
const r = await run("export default (6 * 7) as number", { filename: "/m.ts" });
console.log(JSON.stringify([r.ok, r.value]));
process.exit(0);`;
    const r = await node(["--input-type=module", "-e", code]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("[true,42]");
  });

  it("loads with import from an ES module", async () => {
    const r = await node(["--input-type=module", "-e", `import * as c from "cordon";\n${PROGRAM}`]);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe('[42,"function","function","function"]');
  });
});

let packed: Promise<string[]> | undefined;
const packedFiles = (): Promise<string[]> => (packed ??= pack());

async function pack(): Promise<string[]> {
  const r = await command("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], ROOT);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
}

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: unknown;
  files: string[];
};

/** Every file path named in an exports map (conditions nested to any depth). */
function exportTargets(node: unknown): string[] {
  if (typeof node === "string") return [node];
  if (node && typeof node === "object") return Object.values(node).flatMap(exportTargets);
  return [];
}

describe("npm pack", () => {
  it("packs what an install needs and nothing of the tests, sources, maps, fixtures, bench or fuzz", async () => {
    const files = await packedFiles();
    for (const needed of [
      "package.json",
      "README.md",
      "LICENSE",
      "index.d.cts",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/cli/main.js",
      "dist/pool/pool-worker.js",
      "dist/pool/process-child.js",
      "dist/generated/guest-bundles.js",
      "schema/cordon.schema.json",
    ]) {
      expect(files, needed).toContain(needed);
    }
    const unwanted = files.filter(
      (f) =>
        /(^|\/)(tests?|fixtures?|bench|fuzz|src|scripts|examples|node_modules|\.ci)\//.test(f) ||
        /\.test\.|\.map$|\.tsbuildinfo$|(^|\/)\.|\.log$/.test(f),
    );
    expect(unwanted).toEqual([]);
    // Only dist/ and the top-level files: nothing else from the repository slips in.
    expect(files.filter((f) => !f.startsWith("dist/")).sort()).toEqual(
      ["LICENSE", "README.md", "index.d.cts", "package.json", "schema/cordon.schema.json"].sort(),
    );
    expect(files.filter((f) => f.startsWith("dist/") && !/\.(js|d\.ts)$/.test(f))).toEqual([]);
  });

  it("packs every file that main, types, bin and exports name", async () => {
    const files = await packedFiles();
    const named = [pkg.main, pkg.types, ...Object.values(pkg.bin), ...exportTargets(pkg.exports)].map((f) =>
      f.replace(/^\.\//, ""),
    );
    expect(named.length).toBeGreaterThan(5);
    for (const file of named) expect(files, file).toContain(file);
  });

  it("lists types first in every condition of exports", () => {
    const check = (node: unknown, where: string): void => {
      if (!node || typeof node !== "object") return;
      const keys = Object.keys(node);
      if (keys.includes("types")) expect(keys[0], where).toBe("types");
      for (const [key, value] of Object.entries(node)) check(value, `${where}.${key}`);
    };
    check(pkg.exports, "exports");
  });
});

describe("the require() types (index.d.cts)", () => {
  const text = readFileSync(join(ROOT, "index.d.cts"), "utf8");
  const declared = [...text.matchAll(/^export declare const (\w+): typeof cordon\.(\w+);$/gm)];
  const aliases = new Set([...text.matchAll(/^export type (\w+) = cordon\.(\w+);$/gm)].map((m) => m[1]));

  it("declare exactly the values the package exports, each under its own name, classes also as types", async () => {
    const module = (await import(pathToFileURL(join(ROOT, "dist", "index.js")).href)) as Record<
      string,
      unknown
    >;
    expect(declared.map((m) => m[1]).sort()).toEqual(Object.keys(module).sort());
    for (const m of declared) expect(m[2]).toBe(m[1]);
    const classes = Object.keys(module).filter((name) => /^class\b/.test(String(module[name])));
    expect(classes).toContain("CordonError");
    expect([...aliases].sort()).toEqual(classes.sort());
  });

  it("re-export every type of the ES declarations", () => {
    expect(text).toContain('export type * from "./dist/index.js" with { "resolution-mode": "import" };');
  });
});
