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
  // Checked before the path is split, so a huge one costs nothing more.
  if (utf8Length(path) >= PATH_MAX) throw new FsError("ENAMETOOLONG", syscall, path);
  const resolved = normalizeAbsolute(path.startsWith("/") ? path : `${cwd}/${path}`);
  if (utf8Length(resolved) >= PATH_MAX) throw new FsError("ENAMETOOLONG", syscall, path);
  for (const segment of splitSegments(resolved)) {
    if (segment.length > NAME_MAX / 3 && utf8Length(segment) > NAME_MAX) {
      throw new FsError("ENAMETOOLONG", syscall, path);
    }
  }
  return resolved;
}

/**
 * Linux's limits, which a guest path meets whether it ends up in memory or in a mount: a path of PATH_MAX bytes or
 * more (UTF-8, as given or once resolved against the cwd), or with a segment longer than NAME_MAX bytes, is
 * ENAMETOOLONG. They also bound the depth of any path (at most 2,048 segments), and with it the work of one call.
 */
export const PATH_MAX = 4096;
export const NAME_MAX = 255;

/** Bytes of `text` in UTF-8 (a lone surrogate counts as the 3 bytes of U+FFFD). A text of PATH_MAX code units or
 * more is not counted: its length, which its byte count is at least, stands for it. */
export function utf8Length(text: string): number {
  if (text.length >= PATH_MAX) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
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
