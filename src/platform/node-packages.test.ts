// Host packages reached through symbolic links (npm link, workspaces, pnpm): a linked package loads when its real
// directory is one the operator allowed, and is refused at createSandbox/run time otherwise.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidOptionError } from "../errors.js";
import { createSandbox, run } from "../index.js";
import { packageMounts } from "./node-packages.js";

let tmp: string;
let app: string;

/** Writes a package `name` in `dir` whose index.js exports its name and its dependencies' exports. */
function writePackage(dir: string, name: string, deps: string[] = []): void {
  fs.mkdirSync(dir, { recursive: true });
  const dependencies = Object.fromEntries(deps.map((dep) => [dep, "1.0.0"]));
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, main: "index.js", dependencies }));
  const requires = deps.map((dep) => `require(${JSON.stringify(dep)})`).join(", ");
  fs.writeFileSync(
    path.join(dir, "index.js"),
    `module.exports = [${JSON.stringify(name)}, ${requires}].flat();`,
  );
}

beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "cordon-packages-")));
  // A workspace: packages/linked depends on "own" (in its own node_modules) and "shared" (hoisted to the root).
  const repo = path.join(tmp, "repo");
  writePackage(path.join(repo, "packages", "linked"), "linked", ["own", "shared"]);
  writePackage(path.join(repo, "packages", "linked", "node_modules", "own"), "own");
  writePackage(path.join(repo, "node_modules", "shared"), "shared");
  // The app links it (npm link), has a pnpm-style package, and a package whose dependency links outside.
  app = path.join(tmp, "app");
  const modules = path.join(app, "node_modules");
  fs.mkdirSync(modules, { recursive: true });
  fs.symlinkSync(path.join(repo, "packages", "linked"), path.join(modules, "linked"));
  const store = path.join(modules, ".pnpm");
  writePackage(path.join(store, "x@1", "node_modules", "x"), "x", ["y"]);
  writePackage(path.join(store, "y@1", "node_modules", "y"), "y");
  fs.symlinkSync(path.join(store, "y@1", "node_modules", "y"), path.join(store, "x@1", "node_modules", "y"));
  fs.symlinkSync(path.join(store, "x@1", "node_modules", "x"), path.join(modules, "x"));
  writePackage(path.join(tmp, "outside", "evil"), "evil");
  fs.symlinkSync(path.join(tmp, "outside", "evil"), path.join(modules, "evil"));
  writePackage(path.join(modules, "usesevil"), "usesevil", ["evil"]);
  fs.symlinkSync("/etc", path.join(modules, "etc"));
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("symlinked host packages", () => {
  it("a linked workspace package loads, with its dependencies found from its real directory", async () => {
    const mounts = packageMounts(["linked"], app);
    expect(mounts.map((m) => m.guestPath).sort()).toEqual([
      "/node_modules/linked",
      "/node_modules/own",
      "/node_modules/shared",
    ]);
    const r = await run(`import linked from "linked"; export default linked;`, {
      mounts,
      isolation: "inline",
    });
    expect(r.error).toBeUndefined();
    expect(r.value).toEqual(["linked", "own", "shared"]);
  });

  it("a pnpm-style package whose dependency links elsewhere in node_modules loads", async () => {
    const mounts = packageMounts(["x"], app);
    const r = await run(`require("x")`, { mounts, isolation: "inline" });
    expect(r.value).toEqual(["x", "y"]);
  });

  it("a package named in packages may link anywhere (the operator named it)", async () => {
    const mounts = packageMounts(["evil"], app);
    const r = await run(`require("evil")`, { mounts, isolation: "inline" });
    expect(r.value).toEqual(["evil"]);
  });

  it("a dependency linking outside the node_modules tree it was found in is refused", () => {
    expect(() => packageMounts(["usesevil"], app)).toThrow(InvalidOptionError);
    expect(() => packageMounts(["usesevil"], app)).toThrow(/`packages`.*"usesevil".*"evil".*outside/);
  });

  it("a link to a directory that is no package is refused", () => {
    expect(() => packageMounts(["etc"], app)).toThrow(/`packages` names "etc", which is not installed/);
  });

  it("the packages option: loads a linked package, refuses at createSandbox and run time", async () => {
    const cwd = process.cwd();
    process.chdir(app);
    try {
      const r = await run(`require("linked")`, { packages: ["linked"], isolation: "inline" });
      expect(r.value).toEqual(["linked", "own", "shared"]);
      await expect(run("1", { packages: ["usesevil"], isolation: "inline" })).rejects.toThrow(
        InvalidOptionError,
      );
      await expect(createSandbox({ packages: ["usesevil"], isolation: "inline" })).rejects.toThrow(
        /packages/,
      );
    } finally {
      process.chdir(cwd);
    }
  });
});
