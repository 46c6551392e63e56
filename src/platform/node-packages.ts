// Host packages made importable in the guest (the `packages` option): each named package and its dependencies are
// found in the host's node_modules and mounted read-only at /node_modules/<name>. Packages that need native code
// are refused. Lookups are cached per process.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
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

/** Read-only mounts for `names` and everything they depend on, resolved from `fromDir` (default: the cwd). */
export function packageMounts(names: readonly string[], fromDir = process.cwd()): MountSpec[] {
  const key = `${fromDir}\0${names.join("\0")}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const mounts = new Map<string, MountSpec>();
  const visit = (name: string, from: string, requiredBy?: string) => {
    if (mounts.has(name)) return;
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
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown>;
    if (needsNativeCode(dir, pkg)) {
      throw new InvalidOptionError(
        "packages",
        `names ${JSON.stringify(name)}, which needs native code and cannot run in the sandbox`,
      );
    }
    mounts.set(name, { hostPath: dir, guestPath: `/node_modules/${name}`, readOnly: true });
    const deps = { ...(pkg.dependencies as Record<string, string> | undefined) };
    for (const dep of Object.keys(deps)) visit(dep, dir, name);
  };
  for (const name of names) {
    if (typeof name !== "string")
      throw new InvalidOptionError("packages", "must be an array of package names");
    visit(name, fromDir);
  }
  const result = [...mounts.values()];
  cache.set(key, result);
  return result;
}
