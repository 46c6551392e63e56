// What a mount needs from the host: operations on paths relative to one host directory (the mount root). The
// virtual filesystem hands over normalized relative paths, but an implementation must not trust them: it checks
// every call itself (escapes, symlinks leading out of the root, NUL bytes, read-only) and throws FsError naming the
// guest path, never a host path.

export type EntryType = "file" | "directory" | "symlink";

export interface StatInfo {
  type: EntryType;
  size: number;
  mode: number;
  mtimeMs: number;
  atimeMs: number;
  ctimeMs: number;
  birthtimeMs: number;
  ino: number;
  nlink: number;
  uid: number;
  gid: number;
}

export interface DirEntry {
  name: string;
  type: EntryType;
}

/** A path inside a mount: `rel` is relative to the mount root ("" is the root, "/" separates segments); `guest` is
 * the path as the guest wrote it, for error messages. */
export interface MountPath {
  readonly rel: string;
  readonly guest: string;
}

export interface WriteOptions {
  /** Add to the end of the file instead of replacing it. */
  append?: boolean;
  /** Fail with EEXIST when the path exists (Node's flag "wx"). */
  exclusive?: boolean;
}

/**
 * Every method throws FsError (./errors.ts). Methods that follow symbolic links (stat, readFile, writeFile, readdir,
 * realpath) refuse, with EACCES, a link that leads outside the root; lstat, mkdir, unlink, rmdir and rename act on
 * the last path segment itself and follow only the links before it. Writes on a read-only directory throw EROFS.
 */
export interface HostDirectory {
  readonly readOnly: boolean;
  /** Follows symbolic links. `syscall` names the call in errors (default "stat"). */
  stat(path: MountPath, syscall?: string): StatInfo;
  /** Does not follow a symbolic link in the last segment. `syscall` defaults to "lstat". */
  lstat(path: MountPath, syscall?: string): StatInfo;
  /** With `maxBytes`, a file larger than that is EFBIG, found without reading it. */
  readFile(path: MountPath, options?: { maxBytes?: number }): Uint8Array;
  /** Creates the file when missing (its directory must exist). */
  writeFile(path: MountPath, data: Uint8Array, options?: WriteOptions): void;
  /** Entries of other kinds (sockets, FIFOs, devices) are left out. */
  readdir(path: MountPath): DirEntry[];
  /** Creates one directory; its parent must exist. */
  mkdir(path: MountPath): void;
  /** Removes a file or a symbolic link (never what it points to); a directory is EISDIR. */
  unlink(path: MountPath): void;
  /** Removes a directory: an empty one, or with `recursive` everything in it (links are removed, not followed). */
  rmdir(path: MountPath, options?: { recursive?: boolean }): void;
  rename(from: MountPath, to: MountPath): void;
  /** The canonical path relative to the root, symbolic links resolved ("" for the root itself). */
  realpath(path: MountPath): string;
}

export interface HostDirectoryOptions {
  /**
   * A writable directory refuses (EACCES) to read or write a regular file with more than one hard link, as such a
   * file may be shared with one outside the root; true allows them. A read-only directory always reads them.
   */
  allowHardLinks?: boolean;
}

/** Opens a host directory `root` (an absolute host path) for a mount. Throws TypeError when it cannot. */
export type HostDirectoryFactory = (
  root: string,
  readOnly: boolean,
  options?: HostDirectoryOptions,
) => HostDirectory;
