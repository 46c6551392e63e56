// The built package's types (dist/, made by `npm test`) as TypeScript projects see them: small consumer projects in
// temporary directories, cordon linked in as node_modules/cordon, checked with the real tsc under each `module`
// setting a Node project uses: ESM under nodenext, node16, node20 and bundler, and a CommonJS .cts file (require)
// under nodenext, node16 and node20, which is also compiled and run.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { command } from "./helpers/npm.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

const tsc = (dir: string, ...args: string[]) => command(process.execPath, [TSC, "-p", dir, ...args], dir);

// Uses every exported option type a caller writes by hand, and narrows the result on `ok`.
const USE = `
const files: FileTree = { "data.json": "{}", lib: { "a.bin": new Uint8Array([1, 2]) } };
const mounts: MountSpec[] = [{ hostPath: "/tmp", guestPath: "/host", readOnly: true }];
const network: NetworkOptions = { allow: ["https://example.com"], maxRequests: 3 };
const options: RunOptions = { timeoutMs: 2000, files, mounts, network };
const unmounted: RunOptions = { ...options, mounts: [], network: { allow: [] } };

export function describeResult(r: RunResult): string {
  if (r.ok) return JSON.stringify(r.value);
  return r.error.name + ": " + r.error.message;
}

export function success(r: RunSuccess): unknown {
  return r.value;
}

export function failure(r: RunFailure): string {
  return r.error.message;
}
`;

// Reads r.error without narrowing on r.ok: must not type-check.
const MISUSE = (head: string) => `${head}
export function message(r: RunResult): string {
  return r.error.message;
}
`;

const ESM_IMPORT = `import {
  CordonError,
  type FileTree,
  type MountSpec,
  type NetworkOptions,
  type RunFailure,
  type RunOptions,
  type RunResult,
  type RunSuccess,
  type Sandbox,
  createSandbox,
  formatError,
  run,
} from "cordon";
`;

const ESM_MAIN = `${ESM_IMPORT}${USE}
export async function main(): Promise<string> {
  const r = await run("export default 1 + 1", { ...options, isolation: "inline" });
  const sandbox: Sandbox = await createSandbox({ isolation: "inline" });
  sandbox.dispose();
  const text = r.ok ? describeResult(r) : formatError(r);
  void unmounted;
  return text + (new CordonError("ERR_CORDON_INTERNAL", "x") instanceof Error ? "" : "?");
}
`;

const CTS_IMPORT = `import cordon = require("cordon");
import { InvalidOptionError } from "cordon";
import type { FileTree, MountSpec, NetworkOptions, RunFailure, RunOptions, RunResult, RunSuccess } from "cordon";
`;

const CTS_MAIN = `${CTS_IMPORT}${USE}
async function main(): Promise<void> {
  const r = await cordon.run("1 + 1", { ...options, isolation: "inline" });
  const text = r.ok ? describeResult(r) : cordon.formatError(r);
  let code = "";
  try {
    await cordon.run(42 as unknown as string);
  } catch (e) {
    if (e instanceof InvalidOptionError) {
      const error: cordon.CordonError = e;
      code = error.code;
    }
  }
  void unmounted;
  process.stdout.write(text + " " + code + " " + typeof cordon.createSandbox + "\\n");
}
void main();
`;

interface Project {
  type: "module" | "commonjs";
  compilerOptions: Record<string, unknown>;
  /** File name to contents. */
  files: Record<string, string>;
}

const BASE = {
  target: "ES2022",
  // DOM for WebAssembly.Memory and the like, named by quickjs-emscripten-core's declarations (and so by cordon's),
  // which @types/node 20 does not declare in full.
  lib: ["ES2023", "DOM"],
  types: ["node"],
  strict: true,
  noUncheckedIndexedAccess: true,
  // Check cordon's own declaration files too: they must hold under each consumer's settings.
  skipLibCheck: false,
  outDir: "out",
};

let scratch = "";

beforeAll(async () => {
  expect(existsSync(join(ROOT, "dist", "index.d.ts")), "dist/ is missing: run `npm run build` first").toBe(
    true,
  );
  scratch = await mkdtemp(join(tmpdir(), "cordon-types-"));
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function project(name: string, p: Project): Promise<string> {
  const dir = join(scratch, name);
  await mkdir(join(dir, "node_modules", "@types"), { recursive: true });
  await symlink(ROOT, join(dir, "node_modules", "cordon"), "dir");
  await symlink(
    join(ROOT, "node_modules", "@types", "node"),
    join(dir, "node_modules", "@types", "node"),
    "dir",
  );
  await writeFile(join(dir, "package.json"), JSON.stringify({ name, private: true, type: p.type }));
  const tsconfig = { compilerOptions: { ...BASE, ...p.compilerOptions }, include: Object.keys(p.files) };
  await writeFile(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  for (const [file, text] of Object.entries(p.files)) await writeFile(join(dir, file), text);
  return dir;
}

const ESM_SETTINGS: [string, Record<string, unknown>][] = [
  ["nodenext", { module: "nodenext" }],
  ["node16", { module: "node16" }],
  ["node20", { module: "node20" }],
  ["bundler with esnext", { module: "esnext", moduleResolution: "bundler" }],
  ["bundler with preserve", { module: "preserve", moduleResolution: "bundler" }],
];

// Each test runs tsc (and sometimes node) once or twice: allow for a busy machine.
describe("the package's types", { timeout: 90_000 }, () => {
  it("come from the TypeScript that this repository builds with", async () => {
    const r = await command(process.execPath, [TSC, "-v"], ROOT);
    expect(r.stdout).toMatch(/^Version \d+\.\d+/);
  });

  for (const [label, settings] of ESM_SETTINGS) {
    describe(`an ES module project, module ${label}`, () => {
      it("type-checks an import of cordon using the option types and narrowing RunResult on ok", async () => {
        const dir = await project(`esm-${label.replace(/ /g, "-")}`, {
          type: "module",
          compilerOptions: { ...settings, noEmit: true },
          files: { "main.ts": ESM_MAIN },
        });
        const r = await tsc(dir, "--listFiles");
        expect(r.stdout.split("\n").filter((line) => /error TS\d+/.test(line))).toEqual([]);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain(join(ROOT, "dist", "index.d.ts"));
      });

      it("rejects reading r.error without narrowing on ok", async () => {
        const dir = await project(`esm-misuse-${label.replace(/ /g, "-")}`, {
          type: "module",
          compilerOptions: { ...settings, noEmit: true },
          files: { "misuse.ts": MISUSE(ESM_IMPORT) },
        });
        const r = await tsc(dir);
        expect(r.code).not.toBe(0);
        expect(r.stdout).toMatch(/misuse\.ts\(\d+,\d+\): error TS18048: 'r\.error' is possibly 'undefined'/);
        // That is the only complaint: the import itself resolved.
        expect(r.stdout.match(/error TS/g)).toHaveLength(1);
      });
    });
  }

  it("an ES module project under nodenext compiles and runs against the package", async () => {
    const dir = await project("esm-run", {
      type: "module",
      compilerOptions: { module: "nodenext" },
      files: { "main.ts": `${ESM_MAIN}\nprocess.stdout.write((await main()) + "\\n");\n` },
    });
    const built = await tsc(dir);
    expect(built.stdout).toBe("");
    expect(built.code).toBe(0);
    const ran = await command(process.execPath, [join(dir, "out", "main.js")], dir);
    expect(ran.stderr).toBe("");
    expect(ran.stdout).toBe("2\n");
  });

  for (const module of ["nodenext", "node16", "node20"]) {
    describe(`a CommonJS .cts file, module ${module}`, () => {
      it("type-checks require('cordon') through the require types, compiles, and runs", async () => {
        const dir = await project(`cts-${module}`, {
          type: "commonjs",
          compilerOptions: { module },
          files: { "main.cts": CTS_MAIN },
        });
        const r = await tsc(dir, "--listFiles");
        expect(r.stdout.split("\n").filter((line) => /error TS\d+/.test(line))).toEqual([]);
        expect(r.code).toBe(0);
        // The `require` condition's types, which re-export the same declarations import sees.
        expect(r.stdout).toContain(join(ROOT, "index.d.cts"));
        expect(r.stdout).toContain(join(ROOT, "dist", "index.d.ts"));
        const ran = await command(process.execPath, [join(dir, "out", "main.cjs")], dir);
        expect(ran.stderr).toBe("");
        expect(ran.stdout).toBe("2 ERR_CORDON_INVALID_OPTION function\n");
      });

      it("rejects reading r.error without narrowing on ok", async () => {
        const dir = await project(`cts-misuse-${module}`, {
          type: "commonjs",
          compilerOptions: { module, noEmit: true },
          files: { "misuse.cts": MISUSE(`import type { RunResult } from "cordon";`) },
        });
        const r = await tsc(dir);
        expect(r.code).not.toBe(0);
        expect(r.stdout).toMatch(/misuse\.cts\(\d+,\d+\): error TS18048: 'r\.error' is possibly 'undefined'/);
        expect(r.stdout.match(/error TS/g)).toHaveLength(1);
      });
    });
  }
});
