// The guest's filesystem on the host: an in-memory tree with host directories mounted into it. Every operation
// resolves the guest path (against the current directory, never above "/"), picks the in-memory tree or the mount
// owning the path by whole segments, and is checked there. Errors are FsError in Node's shape, naming guest paths.
//
// Decisions:
// - "/" is always the in-memory tree: a mount at "/" is refused (TypeError), as are overlapping mounts. Mount points
//   appear as directories in their parent; they (and directories holding one) cannot be removed or renamed: EBUSY.
// - rename between the in-memory tree and a mount, or between two mounts, is EXDEV (as across real devices);
//   copyFile works everywhere.
// - maxFiles counts entries of the in-memory tree, files and directories alike (seeded ones included; the root, mount
//   points and directories created only to hold them are not). maxFsBytes counts every byte written by writeFile (append
//   included) and copyFile, in memory or in a mount, over the object's lifetime. Over either: ENOSPC, nothing written.
// - Reads (readFile, copyFile) stop at maxReadBytes: a larger file is FileTooLargeError (Node's RangeError
//   ERR_FS_FILE_TOO_LARGE), found from its size before a byte is read. Paths are bounded as on Linux (see paths.ts).
// - rm on a directory without `recursive` is EISDIR (Node's own error there is ERR_FS_EISDIR). mkdir with
//   `recursive` returns the first directory created as an absolute guest path. A trailing slash on a file's path is
//   ignored. In-memory entries have mode 0o644 (files) / 0o755 (directories), uid and gid 0.
// - changedFiles: files of the in-memory tree created, changed or moved by the run, and files of writable mounts the
//   run wrote bytes to (writeFile, appendFile, copyFile), followed when it renames them. A host file the run only
//   renamed or moved is not a change. Reading stops at a byte budget: past it, ChangedFilesTooLarge, and no mount
//   file larger than what is left is read at all.
import { InvalidOptionError } from "../../errors.js";
import { FileTooLargeError, FsError, type FsErrorCode, isFsError } from "./errors.js";
import type {
  DirEntry,
  EntryType,
  HostDirectory,
  HostDirectoryFactory,
  MountPath,
  StatInfo,
} from "./host-directory.js";
import {
  findMount,
  globToRegExp,
  isWithin,
  joinGuest,
  normalizeAbsolute,
  resolveGuestPath,
  splitSegments,
} from "./paths.js";

export type { DirEntry, StatInfo } from "./host-directory.js";

export type FileTree = { [name: string]: string | Uint8Array | FileTree };
export interface MountSpec {
  hostPath: string;
  guestPath: string;
  /** Default true. */
  readOnly?: boolean;
  /**
   * Default false: in a writable mount, a regular file with more than one hard link is refused (EACCES) for reading
   * and writing, as the other link may be a file outside the mount. Read-only mounts are not affected.
   */
  allowHardLinks?: boolean;
  /**
   * Default false: the guest may import and require modules from the mount, but its fs calls on it fail with
   * EACCES (the module loader reads it; the program cannot read it as data). Such a mount is read-only.
   */
  importOnly?: boolean;
}
export interface VfsOptions {
  files?: FileTree;
  mounts?: MountSpec[];
  /** Absolute guest path; created in the in-memory tree when missing. Default "/". */
  cwd?: string;
  /** Default 64 MiB. */
  maxFsBytes?: number;
  /** Default 10,000. */
  maxFiles?: number;
  /**
   * The largest file readFile and copyFile read (the run's memoryLimitBytes: a larger file could not be held by the
   * guest anyway). A larger one is FileTooLargeError, found without reading it. Default 64 MiB.
   */
  maxReadBytes?: number;
  /** The clock for the times of in-memory entries (milliseconds since the epoch). Default Date.now. */
  now?: () => number;
}

interface Times {
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
  birthtimeMs: number;
}
interface MemFile extends Times {
  kind: "file";
  ino: number;
  data: Uint8Array;
  changed: boolean;
}
interface MemDir extends Times {
  kind: "dir";
  ino: number;
  children: Map<string, MemNode>;
}
type MemNode = MemFile | MemDir;
interface Mount {
  guestPath: string;
  readOnly: boolean;
  importOnly: boolean;
  dir: HostDirectory;
}
type Target =
  | { kind: "memory"; path: string; raw: string }
  | { kind: "mount"; path: string; raw: string; mount: Mount; at: MountPath };
interface Label {
  syscall: string;
  path?: string;
  dest?: string;
}

const fail = (code: FsErrorCode, l: Label) => new FsError(code, l.syscall, l.path, l.dest);
const encoder = new TextEncoder();
const isTree = (v: unknown): v is FileTree =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
const countNodes = (node: MemNode): number =>
  node.kind === "file" ? 1 : [...node.children.values()].reduce((n, child) => n + countNodes(child), 1);

function relabel<T>(l: Label, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw isFsError(error) ? error.as(l.syscall, l.path, l.dest) : error;
  }
}

function limit(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new InvalidOptionError(option, "must be a non-negative integer");
  }
  return value as number;
}

/** changedFiles found more bytes than its budget allows. */
export class ChangedFilesTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`the changed files are larger than ${maxBytes} bytes`);
    this.name = "ChangedFilesTooLarge";
  }
}

export class VirtualFs {
  readonly #root: MemDir;
  readonly #mounts: Mount[];
  readonly #maxBytes: number;
  readonly #maxFiles: number;
  readonly #maxReadBytes: number;
  readonly #initialCwd: string;
  readonly #now: () => number;
  readonly #changedInMounts = new Set<string>();
  #cwd = "/";
  #ino = 1;
  #bytesWritten = 0;
  #fileCount = 0;

  constructor(options: VfsOptions = {}, host?: HostDirectoryFactory) {
    if (!isTree(options)) throw new InvalidOptionError("fs", "must be an object");
    this.#maxBytes = limit(options.maxFsBytes, "maxFsBytes", 64 * 1024 * 1024);
    this.#maxFiles = limit(options.maxFiles, "maxFiles", 10_000);
    this.#maxReadBytes = limit(options.maxReadBytes, "maxReadBytes", 64 * 1024 * 1024);
    const now: unknown = options.now;
    this.#now = typeof now === "function" ? (now as () => number) : Date.now;
    this.#root = this.#newDir(this.#now());
    if (options.files !== undefined) {
      if (!isTree(options.files))
        throw new InvalidOptionError("files", "must be an object of files and directories");
      this.#seed(options.files, this.#root, "");
      if (this.#fileCount > this.#maxFiles) {
        throw new InvalidOptionError(
          "files",
          `has ${this.#fileCount} entries, more than maxFiles (${this.#maxFiles})`,
        );
      }
    }
    this.#mounts = this.#openMounts(options.mounts, host);
    const cwd = options.cwd ?? "/";
    if (typeof cwd !== "string" || !cwd.startsWith("/") || cwd.includes("\0")) {
      throw new InvalidOptionError("cwd", "must be an absolute guest path");
    }
    try {
      if (!findMount(normalizeAbsolute(cwd), this.#mounts)) this.mkdir(cwd, { recursive: true });
      this.chdir(cwd);
    } catch (error) {
      throw new InvalidOptionError("cwd", `cannot be used: ${(error as Error).message}`);
    }
    this.#initialCwd = this.#cwd;
  }

  get cwd(): string {
    return this.#cwd;
  }
  get bytesWritten(): number {
    return this.#bytesWritten;
  }
  get fileCount(): number {
    return this.#fileCount;
  }

  chdir(path: string): void {
    const t = this.#target(path, "chdir");
    if (this.#stat(t, "chdir", true).type !== "directory") throw fail("ENOTDIR", { syscall: "chdir", path });
    this.#cwd = t.path;
  }

  /** Refuses (EACCES) a guest fs call on a path inside an import-only mount; the module loader does not call this. */
  checkGuestAccess(path: string, syscall: string): void {
    const hit = findMount(resolveGuestPath(path, this.#cwd, syscall), this.#mounts);
    if (hit?.mount.importOnly) throw fail("EACCES", { syscall, path });
  }

  readFile(path: string): Uint8Array {
    return this.#read(this.#target(path, "open"));
  }

  writeFile(path: string, data: Uint8Array, options: { append?: boolean; exclusive?: boolean } = {}): void {
    this.#write(this.#target(path, "open"), data, options);
  }

  readdir(path: string): DirEntry[] {
    const t = this.#target(path, "scandir");
    let entries: DirEntry[];
    if (t.kind === "mount") entries = t.mount.dir.readdir(t.at);
    else {
      const node = this.#existing(t, { syscall: "scandir", path });
      if (node.kind !== "dir") throw fail("ENOTDIR", { syscall: "scandir", path });
      entries = [...node.children].map(([name, n]) => ({
        name,
        type: n.kind === "dir" ? "directory" : "file",
      }));
    }
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  stat(path: string): StatInfo {
    return this.#stat(this.#target(path, "stat"), "stat", true);
  }

  lstat(path: string): StatInfo {
    return this.#stat(this.#target(path, "lstat"), "lstat", false);
  }

  exists(path: string): boolean {
    try {
      this.stat(path);
      return true;
    } catch {
      return false;
    }
  }

  /** `mode` is F_OK (0) or any of R_OK (4), W_OK (2), X_OK (1); W_OK in a read-only mount is EROFS. */
  access(path: string, mode = 0): void {
    const t = this.#target(path, "access");
    const st = this.#stat(t, "access", true);
    if (mode & 2 && t.kind === "mount" && t.mount.readOnly) throw fail("EROFS", { syscall: "access", path });
    if (mode & 7 & ~((st.mode >> 6) & 7)) throw fail("EACCES", { syscall: "access", path });
  }

  /**
   * With `recursive`, creates the missing directories of `path` top-down, each in one step from its parent (the
   * in-memory tree is walked once). `check` runs before each level and may throw to stop there (the run is over).
   */
  mkdir(path: string, options: { recursive?: boolean; check?: () => void } = {}): string | undefined {
    const t = this.#target(path, "mkdir");
    const l = { syscall: "mkdir", path };
    if (!options.recursive) return void this.#mkdirOne(t, l);
    const segments = splitSegments(t.path);
    let first: string | undefined;
    let dir = this.#root;
    let prefix = "";
    for (const [i, segment] of segments.entries()) {
      options.check?.();
      prefix += `/${segment}`;
      const last = i === segments.length - 1;
      const step = this.#targetOf(prefix, path);
      if (step.kind === "memory") {
        // Mounts lie below in-memory directories only, so up to here every step was in memory too.
        const child = dir.children.get(segment);
        if (child?.kind === "dir") {
          dir = child;
          continue;
        }
        if (child) throw fail(last ? "EEXIST" : "ENOTDIR", l);
        this.#count(l);
        const now = this.#now();
        const made = this.#newDir(now);
        dir.children.set(segment, made);
        Object.assign(dir, { mtimeMs: now, ctimeMs: now });
        dir = made;
        first ??= prefix;
        continue;
      }
      // Below a directory this call created, nothing exists yet: no need to look first.
      let type: EntryType | undefined;
      if (first === undefined) {
        try {
          type = this.#stat(step, "mkdir", true).type;
        } catch (error) {
          if (!isFsError(error, "ENOENT")) throw error;
        }
      }
      if (type === "directory") continue;
      if (type !== undefined) throw fail(last ? "EEXIST" : "ENOTDIR", l);
      this.#mkdirOne(step, l);
      first ??= step.path;
    }
    return first;
  }

  rm(path: string, options: { recursive?: boolean; force?: boolean } = {}): void {
    const t = this.#target(path, "rm");
    const l = { syscall: "rm", path };
    let type: EntryType;
    try {
      type = this.#stat(t, "rm", false).type;
    } catch (error) {
      if (options.force && isFsError(error, "ENOENT")) return;
      throw error;
    }
    if (type !== "directory") this.#unlink(t, l);
    else if (!options.recursive) throw fail("EISDIR", l);
    else this.#removeDir(t, true, l);
  }

  rmdir(path: string, options: { recursive?: boolean } = {}): void {
    this.#removeDir(this.#target(path, "rmdir"), options.recursive === true, { syscall: "rmdir", path });
  }

  unlink(path: string): void {
    this.#unlink(this.#target(path, "unlink"), { syscall: "unlink", path });
  }

  rename(from: string, to: string): void {
    const l = { syscall: "rename", path: from, dest: to };
    relabel(l, () => {
      const a = this.#target(from, "rename");
      const b = this.#target(to, "rename");
      this.#stat(a, "rename", false);
      if (a.path === b.path) return;
      if (this.#busy(a) || this.#busy(b)) throw fail("EBUSY", l);
      if (a.kind === "memory" && b.kind === "memory") return this.#memRename(a.path, b.path, l);
      if (a.kind !== "mount" || b.kind !== "mount" || a.mount !== b.mount) throw fail("EXDEV", l);
      if (a.mount.readOnly) throw fail("EROFS", l);
      a.mount.dir.rename(a.at, b.at);
      this.#forget(b.path);
      // Records move with what they name; a host file the run never wrote does not become one.
      for (const p of [...this.#changedInMounts].filter((p) => isWithin(a.path, p))) {
        this.#changedInMounts.delete(p);
        this.#changedInMounts.add(b.path + p.slice(a.path.length));
      }
    });
  }

  copyFile(from: string, to: string, options: { exclusive?: boolean } = {}): void {
    relabel({ syscall: "copyfile", path: from, dest: to }, () => {
      const data = this.#read(this.#target(from, "copyfile"));
      this.#write(this.#target(to, "copyfile"), data, { exclusive: options.exclusive === true });
    });
  }

  realpath(path: string): string {
    const t = this.#target(path, "realpath");
    if (t.kind === "memory") {
      this.#existing(t, { syscall: "realpath", path });
      return t.path;
    }
    const rel = t.mount.dir.realpath(t.at);
    return rel === "" ? t.mount.guestPath : joinGuest(t.mount.guestPath, rel);
  }

  /**
   * Files created or changed since construction, by guest path (sorted), with their current content. `patterns`
   * are globs ("**", "*", "?") over absolute guest paths; a relative pattern is taken from the initial cwd. Throws
   * ChangedFilesTooLarge when the files picked hold more than `maxBytes` together, before reading past it.
   */
  changedFiles(patterns?: string[], maxBytes = Number.POSITIVE_INFINITY): Map<string, Uint8Array> {
    if (patterns !== undefined && (!Array.isArray(patterns) || patterns.some((p) => typeof p !== "string"))) {
      throw new TypeError("changedFiles: patterns must be an array of strings");
    }
    const found = new Map<string, () => Uint8Array>();
    const walk = (dir: MemDir, prefix: string) => {
      for (const [name, node] of dir.children) {
        const p = joinGuest(prefix, name);
        if (node.kind === "dir") walk(node, p);
        else if (node.changed) found.set(p, () => node.data);
      }
    };
    walk(this.#root, "/");
    let left = maxBytes;
    for (const p of this.#changedInMounts) {
      const hit = findMount(p, this.#mounts);
      if (hit) found.set(p, () => hit.mount.dir.readFile({ rel: hit.rel, guest: p }, { maxBytes: left }));
    }
    const globs = patterns?.map((p) => globToRegExp(p.startsWith("/") ? p : joinGuest(this.#initialCwd, p)));
    const picked = [...found.keys()].filter((p) => !globs || globs.some((g) => g.test(p))).sort();
    const out = new Map<string, Uint8Array>();
    for (const p of picked) {
      let data: Uint8Array;
      try {
        data = found.get(p)!();
      } catch (error) {
        if (isFsError(error, "EFBIG")) throw new ChangedFilesTooLarge(maxBytes);
        continue; // gone, or no longer a readable file
      }
      if (data.length > left) throw new ChangedFilesTooLarge(maxBytes);
      left -= data.length;
      out.set(p, data.slice());
    }
    return out;
  }

  #target(path: string, syscall: string): Target {
    return this.#targetOf(resolveGuestPath(path, this.#cwd, syscall), path);
  }

  #targetOf(path: string, raw: string): Target {
    const hit = findMount(path, this.#mounts);
    if (!hit) return { kind: "memory", path, raw };
    return { kind: "mount", path, raw, mount: hit.mount, at: { rel: hit.rel, guest: raw } };
  }

  /** A root or mount point, or a directory holding a mount point: cannot be removed or renamed. */
  #busy(t: Target): boolean {
    if (t.path === "/" || (t.kind === "mount" && t.at.rel === "")) return true;
    return this.#mounts.some((m) => isWithin(t.path, m.guestPath));
  }

  #lookup(path: string, l: Label): { parent?: MemDir; node?: MemNode; name: string } {
    const segments = splitSegments(path);
    const name = segments.pop();
    if (name === undefined) return { node: this.#root, name: "" };
    let dir = this.#root;
    for (const segment of segments) {
      const child = dir.children.get(segment);
      if (!child) return { name };
      if (child.kind !== "dir") throw fail("ENOTDIR", l);
      dir = child;
    }
    return { parent: dir, node: dir.children.get(name), name };
  }

  #existing(t: Target, l: Label): MemNode {
    const { node } = this.#lookup(t.path, l);
    if (!node) throw fail("ENOENT", l);
    return node;
  }

  #stat(t: Target, syscall: string, follow: boolean): StatInfo {
    if (t.kind === "mount")
      return follow ? t.mount.dir.stat(t.at, syscall) : t.mount.dir.lstat(t.at, syscall);
    const node = this.#existing(t, { syscall, path: t.raw });
    const dir = node.kind === "dir";
    const { atimeMs, mtimeMs, ctimeMs, birthtimeMs, ino } = node;
    const type = dir ? "directory" : "file";
    const size = dir ? 4096 : node.data.length;
    const mode = dir ? 0o40755 : 0o100644;
    return {
      type,
      size,
      mode,
      mtimeMs,
      atimeMs,
      ctimeMs,
      birthtimeMs,
      ino,
      nlink: dir ? 2 : 1,
      uid: 0,
      gid: 0,
    };
  }

  /** The file's bytes; a file over maxReadBytes is FileTooLargeError, and none of it is read. */
  #read(t: Target): Uint8Array {
    const max = this.#maxReadBytes;
    if (t.kind === "mount") {
      try {
        return t.mount.dir.readFile(t.at, { maxBytes: max });
      } catch (error) {
        if (!isFsError(error, "EFBIG")) throw error;
        let size: number | undefined;
        try {
          size = t.mount.dir.stat(t.at).size;
        } catch {
          // gone meanwhile: the error just names no size
        }
        throw new FileTooLargeError(size !== undefined && size > max ? size : undefined, max);
      }
    }
    const node = this.#existing(t, { syscall: "open", path: t.raw });
    if (node.kind === "dir") throw fail("EISDIR", { syscall: "read" });
    if (node.data.length > max) throw new FileTooLargeError(node.data.length, max);
    return node.data.slice();
  }

  #write(t: Target, data: Uint8Array, options: { append?: boolean; exclusive?: boolean }): void {
    if (!(data instanceof Uint8Array)) throw new TypeError("writeFile: data must be a Uint8Array");
    const l = { syscall: "open", path: t.raw };
    const charge = () => {
      if (this.#bytesWritten + data.length > this.#maxBytes)
        throw fail("ENOSPC", { syscall: "write", path: t.raw });
    };
    if (t.kind === "mount") {
      if (t.mount.readOnly) throw fail("EROFS", l);
      charge();
      t.mount.dir.writeFile(t.at, data, options);
      this.#changedInMounts.add(t.path);
    } else {
      const { parent, node, name } = this.#lookup(t.path, l);
      if (node?.kind === "dir") throw fail("EISDIR", l);
      if (!parent) throw fail("ENOENT", l);
      if (node && options.exclusive) throw fail("EEXIST", l);
      charge();
      const now = this.#now();
      if (node) {
        node.data = options.append ? concat(node.data, data) : data.slice();
        Object.assign(node, { changed: true, mtimeMs: now, ctimeMs: now });
      } else {
        this.#count(l);
        parent.children.set(name, {
          kind: "file",
          ino: this.#ino++,
          data: data.slice(),
          changed: true,
          ...times(now),
        });
        Object.assign(parent, { mtimeMs: now, ctimeMs: now });
      }
    }
    this.#bytesWritten += data.length;
  }

  #count(l: Label): void {
    if (this.#fileCount >= this.#maxFiles) throw fail("ENOSPC", l);
    this.#fileCount++;
  }

  #mkdirOne(t: Target, l: Label): void {
    if (t.kind === "mount") {
      if (t.mount.readOnly) throw fail("EROFS", l);
      t.mount.dir.mkdir(t.at);
      return;
    }
    const { parent, node, name } = this.#lookup(t.path, l);
    if (node) throw fail("EEXIST", l);
    if (!parent) throw fail("ENOENT", l);
    this.#count(l);
    const now = this.#now();
    parent.children.set(name, this.#newDir(now));
    Object.assign(parent, { mtimeMs: now, ctimeMs: now });
  }

  #unlink(t: Target, l: Label): void {
    if (t.kind === "mount") {
      if (t.mount.readOnly) throw fail("EROFS", l);
      relabel(l, () => t.mount.dir.unlink(t.at));
      this.#forget(t.path);
      return;
    }
    const { parent, node, name } = this.#lookup(t.path, l);
    if (!node) throw fail("ENOENT", l);
    if (node.kind === "dir" || !parent) throw fail("EISDIR", l);
    this.#detach(parent, name, node);
  }

  #removeDir(t: Target, recursive: boolean, l: Label): void {
    if (this.#busy(t)) throw fail("EBUSY", l);
    if (t.kind === "mount") {
      if (t.mount.readOnly) throw fail("EROFS", l);
      relabel(l, () => t.mount.dir.rmdir(t.at, { recursive }));
      this.#forget(t.path);
      return;
    }
    const { parent, node, name } = this.#lookup(t.path, l);
    if (!node || !parent) throw fail("ENOENT", l);
    if (node.kind !== "dir") throw fail("ENOTDIR", l);
    if (!recursive && node.children.size > 0) throw fail("ENOTEMPTY", l);
    this.#detach(parent, name, node);
  }

  #detach(parent: MemDir, name: string, node: MemNode): void {
    parent.children.delete(name);
    this.#fileCount -= countNodes(node);
    const now = this.#now();
    Object.assign(parent, { mtimeMs: now, ctimeMs: now });
  }

  #memRename(from: string, to: string, l: Label): void {
    const source = this.#lookup(from, l);
    const target = this.#lookup(to, l);
    const node = source.node!;
    if (!target.parent) throw fail("ENOENT", l);
    if (isWithin(from, to)) throw fail("EINVAL", l);
    const existing = target.node;
    if (existing?.kind === "file" && node.kind === "dir") throw fail("ENOTDIR", l);
    if (existing?.kind === "dir" && node.kind === "file") throw fail("EISDIR", l);
    if (existing?.kind === "dir" && existing.children.size > 0) throw fail("ENOTEMPTY", l);
    if (existing) this.#fileCount--;
    source.parent!.children.delete(source.name);
    target.parent.children.set(target.name, node);
    const mark = (n: MemNode): void => {
      if (n.kind === "file") n.changed = true;
      else for (const child of n.children.values()) mark(child);
    };
    mark(node);
    const now = this.#now();
    for (const dir of [source.parent!, target.parent]) Object.assign(dir, { mtimeMs: now, ctimeMs: now });
    node.ctimeMs = now;
  }

  /** Drops change records at or under `path` in a mount. */
  #forget(path: string): void {
    for (const p of this.#changedInMounts) if (isWithin(path, p)) this.#changedInMounts.delete(p);
  }

  #newDir(now: number): MemDir {
    return { kind: "dir", ino: this.#ino++, children: new Map(), ...times(now) };
  }

  #seed(tree: FileTree, dir: MemDir, prefix: string): void {
    const now = this.#now();
    for (const [key, value] of Object.entries(tree)) {
      const where = `${prefix}/${key}`;
      const segments = key.split("/").filter((s) => s !== "");
      const name = segments.pop();
      if (
        name === undefined ||
        [...segments, name].some((s) => s === "." || s === ".." || s.includes("\0"))
      ) {
        throw new InvalidOptionError("files", `has an invalid name ${JSON.stringify(where)}`);
      }
      let parent = dir;
      for (const segment of segments) parent = this.#seedDir(parent, segment, where, now);
      if (typeof value === "string" || value instanceof Uint8Array) {
        if (parent.children.has(name))
          throw new InvalidOptionError("files", `names ${JSON.stringify(where)} twice`);
        const data = typeof value === "string" ? encoder.encode(value) : value.slice();
        parent.children.set(name, { kind: "file", ino: this.#ino++, data, changed: false, ...times(now) });
        this.#fileCount++;
      } else if (isTree(value)) {
        this.#seed(value, this.#seedDir(parent, name, where, now), where);
      } else {
        throw new InvalidOptionError(
          "files",
          `entry ${JSON.stringify(where)} must be a string, Uint8Array or object`,
        );
      }
    }
  }

  #seedDir(parent: MemDir, name: string, where: string, now: number): MemDir {
    const existing = parent.children.get(name);
    if (existing?.kind === "file")
      throw new InvalidOptionError("files", `names ${JSON.stringify(where)} twice`);
    if (existing) return existing;
    const dir = this.#newDir(now);
    parent.children.set(name, dir);
    this.#fileCount++;
    return dir;
  }

  #openMounts(specs: unknown, host: HostDirectoryFactory | undefined): Mount[] {
    if (specs === undefined) return [];
    if (!Array.isArray(specs)) throw new InvalidOptionError("mounts", "must be an array");
    const mounts: Mount[] = [];
    specs.forEach((spec: Partial<MountSpec>, i) => {
      const option = `mounts[${i}]`;
      if (!isTree(spec)) throw new InvalidOptionError(option, "must be an object");
      const { hostPath, allowHardLinks = false, importOnly = false } = spec;
      if (typeof importOnly !== "boolean")
        throw new InvalidOptionError(`${option}.importOnly`, "must be a boolean");
      const readOnly = importOnly ? true : (spec.readOnly ?? true);
      if (
        typeof spec.guestPath !== "string" ||
        !spec.guestPath.startsWith("/") ||
        spec.guestPath.includes("\0")
      ) {
        throw new InvalidOptionError(`${option}.guestPath`, "must be an absolute guest path");
      }
      const guestPath = normalizeAbsolute(spec.guestPath);
      if (guestPath === "/") {
        throw new InvalidOptionError(
          `${option}.guestPath`,
          'cannot be "/": mount at a directory below the root',
        );
      }
      const other = mounts.findIndex(
        (m) => isWithin(m.guestPath, guestPath) || isWithin(guestPath, m.guestPath),
      );
      if (other >= 0)
        throw new InvalidOptionError(`${option}.guestPath`, `overlaps mounts[${other}].guestPath`);
      if (typeof hostPath !== "string" || hostPath === "") {
        throw new InvalidOptionError(`${option}.hostPath`, "must be a non-empty string");
      }
      if (typeof readOnly !== "boolean")
        throw new InvalidOptionError(`${option}.readOnly`, "must be a boolean");
      if (typeof allowHardLinks !== "boolean")
        throw new InvalidOptionError(`${option}.allowHardLinks`, "must be a boolean");
      if (!host) throw new InvalidOptionError("mounts", "need a host directory factory (nodeHostDirectory)");
      let dir: HostDirectory;
      try {
        dir = host(hostPath, readOnly, { allowHardLinks });
      } catch (error) {
        throw new InvalidOptionError(
          `${option}.hostPath`,
          error instanceof Error ? error.message : "cannot be opened",
        );
      }
      this.#placeMountPoint(guestPath, option);
      mounts.push({ guestPath, readOnly, importOnly, dir });
    });
    return mounts;
  }

  /** Makes the mount point a directory of the in-memory tree (with its parents), not counted in maxFiles. */
  #placeMountPoint(guestPath: string, option: string): void {
    let dir = this.#root;
    const segments = splitSegments(guestPath);
    segments.forEach((segment, i) => {
      const existing = dir.children.get(segment);
      const last = i === segments.length - 1;
      if (existing && (existing.kind === "file" || (last && existing.children.size > 0))) {
        throw new InvalidOptionError(`${option}.guestPath`, "overlaps an entry of files");
      }
      if (existing && last) this.#fileCount--;
      const next = existing ?? this.#newDir(this.#now());
      dir.children.set(segment, next);
      dir = next as MemDir;
    });
  }
}

function times(now: number): Times {
  return { atimeMs: now, mtimeMs: now, ctimeMs: now, birthtimeMs: now };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
