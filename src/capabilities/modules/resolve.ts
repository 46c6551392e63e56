// Module resolution over the virtual filesystem, the way Node and TypeScript resolve: relative and absolute paths,
// extensions and /index files, `./x.js` that is `./x.ts` on disk, and packages in node_modules honouring package.json
// `exports`, `module`, `main` and `type`. Pure logic over a small read interface; no host access of its own.

export interface ResolveFs {
  /** "file", "directory", or undefined when nothing is there (or the guest may not see it). */
  kind(path: string): "file" | "directory" | undefined;
  readText(path: string): string;
}

export type ModuleFormat = "esm" | "cjs" | "json";

export class ResolveError extends Error {
  readonly code: string;
  constructor(message: string, code = "ERR_MODULE_NOT_FOUND") {
    super(message);
    this.name = "Error";
    this.code = code;
  }
}

const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".json"];
const TS_FOR_JS: Record<string, string[]> = {
  ".js": [".ts", ".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
  ".jsx": [".tsx"],
};

export function dirname(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}

export function joinPath(base: string, relative: string): string {
  const parts = (relative.startsWith("/") ? relative : `${base}/${relative}`).split("/");
  const out: string[] = [];
  for (const part of parts) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return `/${out.join("/")}`;
}

function extname(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot) : "";
}

function tryFile(fs: ResolveFs, path: string): string | undefined {
  if (fs.kind(path) === "file") return path;
  const ext = extname(path);
  for (const alt of TS_FOR_JS[ext] ?? []) {
    const candidate = path.slice(0, -ext.length) + alt;
    if (fs.kind(candidate) === "file") return candidate;
  }
  for (const ext2 of EXTENSIONS) if (fs.kind(path + ext2) === "file") return path + ext2;
  return undefined;
}

function readPackageJson(fs: ResolveFs, dir: string): Record<string, unknown> | undefined {
  const path = `${dir === "/" ? "" : dir}/package.json`;
  if (fs.kind(path) !== "file") return undefined;
  try {
    const parsed: unknown = JSON.parse(fs.readText(path));
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    throw new ResolveError(`invalid package.json at ${path}`, "ERR_INVALID_PACKAGE_CONFIG");
  }
}

function tryDirectory(fs: ResolveFs, dir: string, preferImport: boolean): string | undefined {
  if (fs.kind(dir) !== "directory") return undefined;
  const pkg = readPackageJson(fs, dir);
  const entry = pkg && (preferImport ? (pkg.module ?? pkg.main) : pkg.main);
  if (typeof entry === "string") {
    const found = tryFile(fs, joinPath(dir, entry)) ?? tryIndex(fs, joinPath(dir, entry));
    if (found) return found;
  }
  return tryIndex(fs, dir);
}

function tryIndex(fs: ResolveFs, dir: string): string | undefined {
  for (const ext of EXTENSIONS) {
    const candidate = `${dir === "/" ? "" : dir}/index${ext}`;
    if (fs.kind(candidate) === "file") return candidate;
  }
  return undefined;
}

/** Picks a target from a package.json "exports" value for `subpath` ("." or "./x"), with the given conditions. */
export function resolveExports(
  exportsField: unknown,
  subpath: string,
  conditions: string[],
): string | undefined {
  let map: unknown = exportsField;
  if (typeof map === "string" || Array.isArray(map)) map = { ".": map };
  if (map === null || typeof map !== "object") return undefined;
  const record = map as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length > 0 && !keys[0]!.startsWith(".")) {
    return subpath === "." ? pickTarget(record, conditions, "") : undefined;
  }
  if (subpath in record) return pickTarget(record[subpath], conditions, "");
  let best: { key: string; star: string } | undefined;
  for (const key of keys) {
    const star = key.indexOf("*");
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1) {
      if (!best || prefix.length > best.key.indexOf("*")) {
        best = { key, star: subpath.slice(prefix.length, subpath.length - suffix.length) };
      }
    }
  }
  return best ? pickTarget(record[best.key], conditions, best.star) : undefined;
}

function pickTarget(target: unknown, conditions: string[], star: string): string | undefined {
  if (typeof target === "string") return target.replaceAll("*", star);
  if (Array.isArray(target)) {
    for (const item of target) {
      const found = pickTarget(item, conditions, star);
      if (found) return found;
    }
    return undefined;
  }
  if (target !== null && typeof target === "object") {
    for (const [condition, value] of Object.entries(target as Record<string, unknown>)) {
      if (condition === "default" || conditions.includes(condition)) {
        const found = pickTarget(value, conditions, star);
        if (found) return found;
      }
    }
  }
  return undefined;
}

function splitPackage(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split("/");
  const count = specifier.startsWith("@") ? 2 : 1;
  const name = parts.slice(0, count).join("/");
  const rest = parts.slice(count).join("/");
  return { name, subpath: rest ? `./${rest}` : "." };
}

function resolvePackage(
  fs: ResolveFs,
  specifier: string,
  fromDir: string,
  preferImport: boolean,
): string | undefined {
  const { name, subpath } = splitPackage(specifier);
  const conditions = preferImport ? ["import", "module", "browser", "node"] : ["require", "node", "browser"];
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const pkgDir = joinPath(dir, `node_modules/${name}`);
    if (fs.kind(pkgDir) === "directory") {
      const pkg = readPackageJson(fs, pkgDir);
      if (pkg && pkg.exports !== undefined) {
        const target = resolveExports(pkg.exports, subpath, conditions);
        if (!target) {
          throw new ResolveError(
            `package '${name}' does not export '${subpath}'`,
            "ERR_PACKAGE_PATH_NOT_EXPORTED",
          );
        }
        const found = tryFile(fs, joinPath(pkgDir, target));
        if (found) return found;
      } else if (subpath === ".") {
        const found = tryDirectory(fs, pkgDir, preferImport);
        if (found) return found;
      } else {
        const path = joinPath(pkgDir, subpath);
        const found = tryFile(fs, path) ?? tryDirectory(fs, path, preferImport);
        if (found) return found;
      }
    }
    if (dir === "/") return undefined;
  }
}

/** Resolves `specifier` imported from the module at `fromPath` (or from the directory `fromDir`). */
export function resolveModule(
  fs: ResolveFs,
  specifier: string,
  fromDir: string,
  mode: "import" | "require",
): string {
  let found: string | undefined;
  if (
    specifier.startsWith("/") ||
    specifier.startsWith("./") ||
    specifier.startsWith("../") ||
    specifier === "." ||
    specifier === ".."
  ) {
    const path = joinPath(fromDir, specifier);
    found = tryFile(fs, path) ?? tryDirectory(fs, path, mode === "import");
  } else {
    found = resolvePackage(fs, specifier, fromDir, mode === "import");
  }
  if (!found) throw new ResolveError(`Cannot find module '${specifier}' imported from ${fromDir}`);
  return found;
}

/** How a resolved file is evaluated: by extension, then by the nearest package.json "type", then by its syntax. */
export function formatOf(fs: ResolveFs, path: string, hasModuleSyntax: () => boolean): ModuleFormat {
  const ext = extname(path);
  if (ext === ".json") return "json";
  if (ext === ".mjs" || ext === ".mts") return "esm";
  if (ext === ".cjs" || ext === ".cts") return "cjs";
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const pkg =
      fs.kind(`${dir === "/" ? "" : dir}/package.json`) === "file" ? readPackageJson(fs, dir) : undefined;
    if (pkg) {
      if (pkg.type === "module") return "esm";
      if (pkg.type === "commonjs") return "cjs";
      break;
    }
    if (dir === "/") break;
  }
  return hasModuleSyntax() ? "esm" : "cjs";
}
