// The tarball as a user gets it: `npm pack` of the built package (dist/, made by `npm test`), installed into an empty
// project with `npm install <tarball>` (dependencies from the registry), then used through the `cordon` command,
// require() and import. One install serves every test.
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { command } from "./helpers/npm.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

let scratch = "";
let project = "";

beforeAll(async () => {
  expect(existsSync(join(ROOT, "dist", "index.js")), "dist/ is missing: run `npm run build` first").toBe(
    true,
  );
  scratch = await mkdtemp(join(tmpdir(), "cordon-install-"));
  // dist/ is built already: --ignore-scripts keeps `prepare` from building it again.
  const packed = await command(
    "npm",
    ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch],
    ROOT,
  );
  expect(packed.code, packed.stderr).toBe(0);
  const tarball = join(scratch, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
  expect(existsSync(tarball)).toBe(true);

  project = join(scratch, "app");
  await mkdir(project);
  const init = await command("npm", ["init", "-y"], project);
  expect(init.code, init.stderr).toBe(0);
  const install = await command(
    "npm",
    ["install", tarball, "--no-audit", "--no-fund", "--prefer-offline", "--no-package-lock"],
    project,
    170_000,
  );
  expect(install.code, install.stderr).toBe(0);
  await writeFile(join(project, "prog.js"), "1+1\n");
  await writeFile(join(project, "prog.ts"), "const n: number = 1 + 1;\nexport default n;\n");
}, 180_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

// --no: never fetch a package of that name from the registry when the local one is missing; --: the rest is the
// command's own arguments, not npx's.
const npx = (...args: string[]) => command("npx", ["--no", "--", ...args], project);
const node = (...args: string[]) => command(process.execPath, args, project);

describe("cordon installed from its tarball", { timeout: 60_000 }, () => {
  it("installs as a dependency, with its files and no tests", () => {
    const installed = join(project, "node_modules", "cordon");
    expect(existsSync(join(installed, "dist", "index.js"))).toBe(true);
    expect(existsSync(join(installed, "index.d.cts"))).toBe(true);
    expect(existsSync(join(installed, "test"))).toBe(false);
    expect(existsSync(join(installed, "src"))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies.cordon).toMatch(/^file:/);
  });

  it("npx cordon run prog.js prints the value", async () => {
    const r = await npx("cordon", "run", "prog.js");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("2\n");
    expect(r.code).toBe(0);
  });

  it("npx cordon run prog.ts runs TypeScript with the installed transform", async () => {
    const r = await npx("cordon", "run", "prog.ts");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("2\n");
    expect(r.code).toBe(0);
  });

  it("npx cordon run -e '1+1' prints the value", async () => {
    const r = await npx("cordon", "run", "-e", "1+1");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("2\n");
    expect(r.code).toBe(0);
  });

  it("npx cordon --version prints the package's version", async () => {
    const r = await npx("cordon", "--version");
    expect(r.stdout).toBe(`${VERSION}\n`);
    expect(r.code).toBe(0);
  });

  it("loads with require('cordon') and runs a program in a worker and in a child process", async () => {
    const r = await node(
      "-e",
      `const { run, CordonError } = require("cordon");
      (async () => {
        const a = await run("6 * 7");
        const b = await run("export default 6 * 7", { isolation: "process" });
        console.log(JSON.stringify([a.value, b.value, typeof CordonError]));
        process.exit(0);
      })();`,
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe('[42,42,"function"]\n');
  });

  it("loads with import from an ES module", async () => {
    const r = await node(
      "--input-type=module",
      "-e",
      `import { run, createSandbox } from "cordon";
      const r = await run("1 + 1", { isolation: "inline" });
      console.log(JSON.stringify([r.ok, r.value, typeof createSandbox]));`,
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe('[true,2,"function"]\n');
  });
});
