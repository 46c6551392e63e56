// A mount backed by a real directory, through node:fs's synchronous API. Every call is checked, not only the first:
// the relative path is joined to the root (resolved once, with realpath, at construction) and then the realpath of
// the result — or, for a path that does not exist yet, of its nearest existing ancestor — must be the root or lie
// inside it by whole segments. Anything else is EACCES: absolute paths, ".." leading out, and symbolic links that
// lead out, wherever they sit in the path. A dangling link is never followed (EACCES), so a write cannot create a
// file outside through it. Files are opened by their resolved path with O_NOFOLLOW (and O_NONBLOCK, so a FIFO cannot
// block the host); only regular files are read or written. In a writable directory a regular file with more than one
// hard link is refused (checked on the open descriptor, before any truncation) unless allowHardLinks is set: its
// other link may be outside the root. Read-only directories read them (no write can reach the other name).
//
// Another process may change the directory between that check and the use (swap a checked directory for a link to
// one outside, say). On Linux every use therefore goes through a descriptor whose real path, read back from
// /proc/self/fd, must again lie inside the root: files are opened and then checked before a byte moves (truncation
// included); stat is an fstat of such a descriptor (O_PATH); readdir lists a checked directory descriptor; entries
// are created, removed, renamed and lstat-ed through /proc/self/fd/<checked parent>/<name>, so the kernel never walks
// the path again. Without /proc (other systems) the check-then-use above is all there is. Not defended either way:
// rm -r of a directory whose insides another process is swapping at that moment (node:fs's own walk).
import * as fs from "node:fs";
import * as path from "node:path";
import { FsError, type FsErrorCode, fsErrorFromCode, isFsError } from "../capabilities/fs/errors.js";
import type {
  DirEntry,
  EntryType,
  HostDirectory,
  HostDirectoryFactory,
  HostDirectoryOptions,
  MountPath,
  StatInfo,
  WriteOptions,
} from "../capabilities/fs/host-directory.js";

const C = fs.constants;
const O_NOFOLLOW = C.O_NOFOLLOW ?? 0;
const O_NONBLOCK = C.O_NONBLOCK ?? 0;
/** Where Linux shows each open descriptor as a link to its file; undefined elsewhere. */
const PROC_FD = process.platform === "linux" && fs.existsSync("/proc/self/fd") ? "/proc/self/fd" : undefined;
/** Linux's O_PATH (not in fs.constants): a descriptor that only names a file, for fstat and /proc lookups. */
const O_PATH = 0o10000000;

function within(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

function errorCode(error: unknown): unknown {
  return typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
}

function typeOf(st: fs.Stats | fs.Dirent): EntryType | undefined {
  if (st.isFile()) return "file";
  if (st.isDirectory()) return "directory";
  if (st.isSymbolicLink()) return "symlink";
  return undefined;
}

/** What errors name: the call and the guest path(s). */
interface Label {
  syscall: string;
  path: string;
  dest?: string;
}

const label = (syscall: string, p: MountPath, dest?: MountPath): Label => ({
  syscall,
  path: p.guest,
  dest: dest?.guest,
});
const fail = (code: FsErrorCode, l: Label, detail?: string) =>
  new FsError(code, l.syscall, l.path, l.dest, detail);
const HARD_LINKED =
  "a file with more than one hard link is refused in a writable mount; the mount option allowHardLinks allows it";

/** Runs a node:fs call, turning its error into an FsError that names the guest path(s) and nothing else. */
function attempt<T>(fn: () => T, l: Label): T {
  try {
    return fn();
  } catch (error) {
    if (isFsError(error)) throw error;
    throw fsErrorFromCode(errorCode(error), l.syscall, l.path, l.dest);
  }
}

/** NodeHostDirectory's options; `afterCheck` is for tests only (not reachable from MountSpec). */
export interface NodeHostDirectoryOptions extends HostDirectoryOptions {
  /** Runs after a path was checked, before it is opened: where a test plays the other process. */
  afterCheck?: () => void;
}

export class NodeHostDirectory implements HostDirectory {
  readonly readOnly: boolean;
  readonly #root: string;
  readonly #allowHardLinks: boolean;
  readonly #afterCheck: (() => void) | undefined;

  /** Throws TypeError when `root` is not an absolute path to an existing directory. */
  constructor(root: string, readOnly: boolean, options: NodeHostDirectoryOptions = {}) {
    if (typeof root !== "string" || root.includes("\0") || !path.isAbsolute(root)) {
      throw new TypeError("must be an absolute host path");
    }
    let real: string;
    try {
      real = fs.realpathSync.native(root);
    } catch {
      throw new TypeError("does not exist or cannot be resolved");
    }
    if (!fs.statSync(real).isDirectory()) throw new TypeError("is not a directory");
    this.#root = real;
    this.readOnly = readOnly;
    this.#allowHardLinks = options.allowHardLinks === true;
    this.#afterCheck = options.afterCheck;
  }

  stat(p: MountPath, syscall = "stat"): StatInfo {
    const l = label(syscall, p);
    const real = this.#existing(p.rel, l);
    if (!PROC_FD)
      return this.#info(
        attempt(() => fs.lstatSync(real), l),
        l,
      );
    return this.#withFd(real, O_PATH, l, (fd) => {
      const st = attempt(() => fs.fstatSync(fd), l);
      if (st.isSymbolicLink()) throw fail("EACCES", l); // put there after the check
      return this.#info(st, l);
    });
  }

  lstat(p: MountPath, syscall = "lstat"): StatInfo {
    const l = label(syscall, p);
    return this.#atEntry(p.rel, l, (entry) =>
      this.#info(
        attempt(() => fs.lstatSync(entry), l),
        l,
      ),
    );
  }

  readFile(p: MountPath, options: { maxBytes?: number } = {}): Uint8Array {
    const l = label("open", p);
    const real = this.#existing(p.rel, l);
    return this.#withFd(real, C.O_RDONLY, l, (fd) => {
      const read = label("read", p);
      const { size } = this.#info(
        attempt(() => fs.fstatSync(fd), read),
        read,
        true,
      );
      const max = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
      if (size > max) throw fail("EFBIG", read);
      return readAtMost(fd, size, max, read);
    });
  }

  writeFile(p: MountPath, data: Uint8Array, options: WriteOptions = {}): void {
    const l = label("open", p);
    const { real, exists } = this.#resolve(p.rel, l);
    this.#writable(l);
    const flags = C.O_WRONLY | (options.append ? C.O_APPEND : 0);
    const write = label("write", p);
    const fill = (fd: number) => {
      this.#info(
        attempt(() => fs.fstatSync(fd), write),
        write,
        true,
      );
      // Truncated only now that the open file itself was checked.
      if (exists && !options.append) attempt(() => fs.ftruncateSync(fd, 0), write);
      for (let done = 0; done < data.length; ) {
        done += attempt(() => fs.writeSync(fd, data, done, data.length - done), write);
      }
    };
    if (exists) {
      if (options.exclusive) throw fail("EEXIST", l);
      this.#info(
        attempt(() => fs.lstatSync(real), l),
        l,
        true,
      );
      this.#withFd(real, flags, l, fill);
      return;
    }
    // Created through the checked parent, so the new file cannot land outside.
    this.#inDir(path.dirname(real), l, (dir) =>
      this.#withFd(`${dir}/${path.basename(real)}`, flags | C.O_CREAT | C.O_EXCL, l, fill),
    );
  }

  readdir(p: MountPath): DirEntry[] {
    const l = label("scandir", p);
    const real = this.#existing(p.rel, l);
    const out: DirEntry[] = [];
    const entries = this.#inDir(real, l, (dir) =>
      attempt(() => fs.readdirSync(dir, { withFileTypes: true }), l),
    );
    for (const entry of entries) {
      const type = typeOf(entry);
      if (type) out.push({ name: entry.name, type });
    }
    return out;
  }

  mkdir(p: MountPath): void {
    const l = label("mkdir", p);
    this.#writable(l);
    this.#atEntry(p.rel, l, (entry) => attempt(() => fs.mkdirSync(entry), l));
  }

  unlink(p: MountPath): void {
    const l = label("unlink", p);
    this.#writable(l);
    this.#atEntry(p.rel, l, (entry) => {
      if (attempt(() => fs.lstatSync(entry), l).isDirectory()) throw fail("EISDIR", l);
      attempt(() => fs.unlinkSync(entry), l);
    });
  }

  rmdir(p: MountPath, options: { recursive?: boolean } = {}): void {
    const l = label("rmdir", p);
    this.#writable(l);
    if (this.#join(p.rel, l) === this.#root) throw fail("EBUSY", l);
    this.#atEntry(p.rel, l, (entry) => {
      if (!attempt(() => fs.lstatSync(entry), l).isDirectory()) throw fail("ENOTDIR", l);
      if (options.recursive) attempt(() => fs.rmSync(entry, { recursive: true }), l);
      else attempt(() => fs.rmdirSync(entry), l);
    });
  }

  rename(from: MountPath, to: MountPath): void {
    const l = label("rename", from, to);
    this.#writable(l);
    if (this.#join(from.rel, l) === this.#root || this.#join(to.rel, l) === this.#root)
      throw fail("EBUSY", l);
    this.#atEntry(from.rel, l, (source) =>
      this.#atEntry(to.rel, l, (target) => attempt(() => fs.renameSync(source, target), l)),
    );
  }

  realpath(p: MountPath): string {
    const real = this.#existing(p.rel, label("realpath", p));
    return path.relative(this.#root, real).split(path.sep).join("/");
  }

  #writable(l: Label): void {
    if (this.readOnly) throw fail("EROFS", l);
  }

  /** Stat fields for the guest: only files, directories and links are visible; host uid/gid are not shown. */
  #info(st: fs.Stats, l: Label, fileOnly = false): StatInfo {
    const type = typeOf(st);
    if (type === undefined) throw fail("EACCES", l);
    if (fileOnly && type === "directory") throw fail("EISDIR", l);
    if (fileOnly && type !== "file") throw fail("EACCES", l);
    // A second link may be a file outside the root: writable directories refuse such files unless allowed.
    if (fileOnly && st.nlink > 1 && !this.readOnly && !this.#allowHardLinks) {
      throw fail("EACCES", { ...l, syscall: "open" }, HARD_LINKED);
    }
    return {
      type,
      size: st.size,
      mode: this.readOnly ? st.mode & ~0o222 : st.mode,
      mtimeMs: st.mtimeMs,
      atimeMs: st.atimeMs,
      ctimeMs: st.ctimeMs,
      birthtimeMs: st.birthtimeMs,
      ino: st.ino,
      nlink: st.nlink,
      uid: 0,
      gid: 0,
    };
  }

  /**
   * Opens `hostPath` (checked already; its last segment is never followed), checks where the descriptor really
   * leads, runs `use` with it and closes it.
   */
  #withFd<T>(hostPath: string, flags: number, l: Label, use: (fd: number) => T): T {
    this.#afterCheck?.();
    const fd = attempt(() => fs.openSync(hostPath, flags | O_NOFOLLOW | O_NONBLOCK, 0o666), l);
    try {
      if (PROC_FD) {
        const where = attempt(() => fs.readlinkSync(`${PROC_FD}/${fd}`), l);
        if (!within(this.#root, where)) throw fail("EACCES", l);
      }
      return use(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Runs `use` with a host path naming directory `dir` (checked already) that no later change can redirect: on
   * Linux, /proc/self/fd/<fd> of a checked descriptor of it. A link found there now is EACCES. */
  #inDir<T>(dir: string, l: Label, use: (dir: string) => T): T {
    if (!PROC_FD) return use(dir);
    return this.#withFd(dir, O_PATH, l, (fd) => {
      const st = attempt(() => fs.fstatSync(fd), l);
      if (st.isSymbolicLink()) throw fail("EACCES", l);
      if (!st.isDirectory()) throw fail("ENOTDIR", l);
      return use(`${PROC_FD}/${fd}`);
    });
  }

  /** Runs `use` with a host path for the last segment itself (not followed), reached through its checked parent;
   * "." in the root for the root. */
  #atEntry<T>(rel: string, l: Label, use: (entry: string) => T): T {
    const joined = this.#join(rel, l);
    if (joined === this.#root) return this.#inDir(this.#root, l, (dir) => use(`${dir}/.`));
    const parent = this.#resolveHost(path.dirname(joined), l).real;
    return this.#inDir(parent, l, (dir) => use(`${dir}/${path.basename(joined)}`));
  }

  /** The lexical host path for `rel`, which must stay inside the root. */
  #join(rel: string, l: Label): string {
    if (typeof rel !== "string" || rel.includes("\0")) throw fail("EINVAL", l);
    const joined = path.resolve(this.#root, rel);
    if (path.isAbsolute(rel) || !within(this.#root, joined)) throw fail("EACCES", l);
    return joined;
  }

  #resolve(rel: string, l: Label): { real: string; exists: boolean } {
    return this.#resolveHost(this.#join(rel, l), l);
  }

  /** `joined` with every symbolic link resolved; for a missing path, its nearest existing ancestor resolved and the
   * rest appended. Refuses (EACCES) anything that resolves outside the root, and dangling links. */
  #resolveHost(joined: string, l: Label): { real: string; exists: boolean } {
    const tail: string[] = [];
    for (let current = joined; ; current = path.dirname(current)) {
      let real: string;
      try {
        real = realpathOf(current);
      } catch (error) {
        if (errorCode(error) !== "ENOENT" || current === this.#root || !within(this.#root, current)) {
          throw fsErrorFromCode(errorCode(error), l.syscall, l.path, l.dest);
        }
        tail.unshift(path.basename(current));
        continue;
      }
      if (!within(this.#root, real)) throw fail("EACCES", l);
      if (tail.length === 0) return { real, exists: true };
      // `current` resolves but its child does not: if that child exists at all, it is a dangling link.
      const child = path.join(real, tail[0]!);
      if (attempt(() => fs.lstatSync(child, { throwIfNoEntry: false }), l)) throw fail("EACCES", l);
      return { real: path.join(real, ...tail), exists: false };
    }
  }

  #existing(rel: string, l: Label): string {
    const { real, exists } = this.#resolve(rel, l);
    if (!exists) throw fail("ENOENT", l);
    return real;
  }
}

/**
 * The canonical path of `p`. With /proc, the kernel walks the path once (an O_PATH open, which follows links as
 * realpath does) and names what it found: glibc's realpath looks up every prefix of the path again, which makes one
 * call quadratic in the path's depth.
 */
function realpathOf(p: string): string {
  if (!PROC_FD) return fs.realpathSync.native(p);
  const fd = fs.openSync(p, O_PATH);
  try {
    return fs.readlinkSync(`${PROC_FD}/${fd}`);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads `fd`, whose fstat gave `size` (at most `max`), into one buffer sized for that, read in place: at most
 * `max` + 1 bytes are ever read, and a file that grew past `max` since the fstat is EFBIG.
 */
function readAtMost(fd: number, size: number, max: number, l: Label): Uint8Array {
  let buffer = new Uint8Array(Math.min(size, max) + 1); // one more byte than expected, to see growth
  let total = 0;
  for (;;) {
    if (total === buffer.length) {
      if (total > max) throw fail("EFBIG", l);
      const grown = new Uint8Array(Math.min(max + 1, Math.max(2 * total, 64 * 1024)));
      grown.set(buffer);
      buffer = grown;
    }
    const n = attempt(() => fs.readSync(fd, buffer, total, buffer.length - total, null), l);
    if (n === 0) break;
    total += n;
  }
  if (total > max) throw fail("EFBIG", l);
  return buffer.subarray(0, total);
}

export const nodeHostDirectory: HostDirectoryFactory = (root, readOnly, options) =>
  new NodeHostDirectory(root, readOnly, options);
