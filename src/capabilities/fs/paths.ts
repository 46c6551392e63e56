// Guest paths: POSIX, absolute after resolution, never above "/". Pure string logic, no host path APIs.
import { FsError } from "./errors.js";

/**
 * Resolves `path` against `cwd` (an absolute, normalized guest path) and normalizes it: "." and empty segments are
 * dropped, ".." removes the previous segment and stops at "/". A trailing slash is dropped too.
 *
 * Node rejects a path holding a NUL byte with a TypeError (ERR_INVALID_ARG_VALUE) before any system call; here it is
 * an FsError EINVAL for `syscall`, so every rejection from the filesystem has one shape. A non-string path is EINVAL
 * as well (the guest's `fs` checks argument types before it gets here). The empty path is ENOENT, as in Node.
 */
export function resolveGuestPath(path: string, cwd: string, syscall: string): string {
  if (typeof path !== "string" || path.includes("\0")) throw new FsError("EINVAL", syscall, String(path));
  if (path === "") throw new FsError("ENOENT", syscall, path);
  return normalizeAbsolute(path.startsWith("/") ? path : `${cwd}/${path}`);
}

/** Normalizes a path that starts with "/". */
export function normalizeAbsolute(path: string): string {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  return `/${out.join("/")}`;
}

/** The segments of a normalized absolute path: "/" → [], "/a/b" → ["a", "b"]. */
export function splitSegments(path: string): string[] {
  return path === "/" ? [] : path.slice(1).split("/");
}

export function joinGuest(parent: string, name: string): string {
  return parent === "/" ? `/${name}` : `${parent}/${name}`;
}

/** Whether normalized `path` is `parent` or lies under it, by whole segments ("/mnt" holds "/mnt/x", not "/mntX"). */
export function isWithin(parent: string, path: string): boolean {
  if (parent === "/") return path.startsWith("/");
  return path === parent || path.startsWith(`${parent}/`);
}

/** `path` relative to `parent` ("" when equal); `path` must be within `parent`. */
export function relativeTo(parent: string, path: string): string {
  if (path === parent) return "";
  return path.slice(parent === "/" ? 1 : parent.length + 1);
}

/**
 * The mount owning normalized `path`: the one whose guestPath is the longest that holds `path` by whole segments,
 * with `path` relative to it ("" for the mount point itself).
 */
export function findMount<M extends { readonly guestPath: string }>(
  path: string,
  mounts: readonly M[],
): { mount: M; rel: string } | undefined {
  let best: M | undefined;
  for (const mount of mounts) {
    if (isWithin(mount.guestPath, path) && (!best || mount.guestPath.length > best.guestPath.length))
      best = mount;
  }
  return best && { mount: best, rel: relativeTo(best.guestPath, path) };
}

/**
 * A glob over whole guest paths: "**" matches any number of segments (zero included), "*" any run of characters
 * within a segment, "?" one character within a segment. Everything else matches itself.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      const atStart = i === 0 || pattern[i - 1] === "/";
      const next = pattern[i + 2];
      if (atStart && next === "/") {
        source += "(?:[^/]*/)*";
        i += 2;
      } else if (atStart && next === undefined && source.endsWith("/")) {
        source = `${source.slice(0, -1)}(?:/.*)?`;
        i += 1;
      } else {
        source += ".*";
        i += 1;
      }
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else source += c.replace(/[\\^$.|+()[\]{}]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s");
}

export function matchGlob(pattern: string, path: string): boolean {
  return globToRegExp(pattern).test(path);
}
