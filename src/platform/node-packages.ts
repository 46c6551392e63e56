// Host packages made importable in the guest (the `packages` option): each named package and its dependencies are
// found in the host's node_modules and mounted read-only at /node_modules/<name>. Packages that need native code
// are refused, and so are dependencies that link out of the node_modules tree (see packageMounts). Lookups are
// cached per process.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import type { MountSpec } from "../capabilities/fs/vfs.js";
import { InvalidOptionError } from "../errors.js";

const NAME = /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i;
const cache = new Map<string, MountSpec[]>();

function findPackageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Whether `name` is installed in the host's node_modules (seen from `fromDir`, default the cwd). */
export function hostHasPackage(name: string, fromDir = process.cwd()): boolean {
  return NAME.test(name) && findPackageDir(name, fromDir) !== undefined;
}

/** True when the package ships or builds native code (it could not run in the sandbox). */
function needsNativeCode(dir: string, pkg: Record<string, unknown>): boolean {
  if (pkg.gypfile === true || pkg.binary !== undefined || existsSync(join(dir, "binding.gyp"))) return true;
  const stack: [string, number][] = [[dir, 0]];
  let seen = 0;
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (++seen > 5_000) return false;
      if (entry.isFile() && entry.name.endsWith(".node")) return true;
      if (entry.isDirectory() && entry.name !== "node_modules" && depth < 6)
        stack.push([join(current, entry.name), depth + 1]);
    }
  }
  return false;
}

/** A package found on the host: where it was found, its real directory and its package.json. */
interface Found {
  dir: string;
  real: string;
  pkg: Record<string, unknown>;
}

/**
 * Read-only mounts for `names` and everything they depend on, resolved from `fromDir` (default: the cwd).
 *
 * Symbolic links (npm link, workspaces, pnpm) are followed as Node follows them: a package's dependencies are looked
 * up from its real directory. A package named in `names` may link anywhere (the operator named it). A dependency must
 * really lie inside a node_modules tree its lookup passed: the node_modules directory it was found in or one above
 * it (so pnpm's store, inside node_modules, is fine). Anything else is refused: a dependency that links out of the
 * tree is not what the operator allowed.
 */
export function packageMounts(names: readonly string[], fromDir = process.cwd()): MountSpec[] {
  const key = `${fromDir}\0${names.join("\0")}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const mounts = new Map<string, MountSpec>();
  const found = (name: string, from: string, requiredBy?: string): Found => {
    if (!NAME.test(name))
      throw new InvalidOptionError("packages", `names an invalid package ${JSON.stringify(name)}`);
    const dir = findPackageDir(name, from);
    if (!dir) {
      const via = requiredBy ? ` (a dependency of ${requiredBy})` : "";
      throw new InvalidOptionError(
        "packages",
        `names ${JSON.stringify(name)}${via}, which is not installed on the host`,
      );
    }
    if (!statSync(dir).isDirectory())
      throw new InvalidOptionError("packages", `${JSON.stringify(name)} is not a directory`);
    const real = realpathSync.native(dir);
    if (requiredBy && !insideLookupTrees(real, dir, name)) {
      throw new InvalidOptionError(
        "packages",
        `names ${JSON.stringify(requiredBy)}, whose dependency ${JSON.stringify(name)} is a symbolic link leading outside the node_modules tree it was found in; install it there, or name it in \`packages\` itself`,
      );
    }
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown>;
    if (needsNativeCode(dir, pkg)) {
      throw new InvalidOptionError(
        "packages",
        `names ${JSON.stringify(name)}, which needs native code and cannot run in the sandbox`,
      );
    }
    mounts.set(name, { hostPath: real, guestPath: `/node_modules/${name}`, readOnly: true });
    return { dir, real, pkg };
  };
  const visitDependencies = (name: string, { real, pkg }: Found) => {
    const deps = { ...(pkg.dependencies as Record<string, string> | undefined) };
    for (const dep of Object.keys(deps)) {
      if (!mounts.has(dep)) visitDependencies(dep, found(dep, real, name));
    }
  };
  const named: [string, Found][] = [];
  for (const name of names) {
    if (typeof name !== "string")
      throw new InvalidOptionError("packages", "must be an array of package names");
    if (!mounts.has(name)) named.push([name, found(name, fromDir)]);
  }
  for (const [name, pkg] of named) visitDependencies(name, pkg);
  const result = [...mounts.values()];
  cache.set(key, result);
  return result;
}

/**
 * Whether `real` lies inside the node_modules directory that holds `dir` (the package `name` as found) or one of the
 * node_modules directories above it, all compared by their real paths.
 */
function insideLookupTrees(real: string, dir: string, name: string): boolean {
  // `dir` is <base>/node_modules/<name>, with a scoped name taking two segments.
  let base = dir;
  for (let i = name.split("/").length + 1; i > 0; i--) base = dirname(base);
  for (let current = base; ; current = dirname(current)) {
    const modules = join(current, "node_modules");
    let tree: string | undefined;
    try {
      tree = realpathSync.native(modules);
    } catch {
      tree = undefined;
    }
    if (tree && (real === tree || real.startsWith(tree.endsWith(sep) ? tree : tree + sep))) return true;
    if (dirname(current) === current) return false;
  }
}
