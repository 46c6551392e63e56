// Filesystem errors shaped like Node's: `code`, `errno`, `syscall`, `path` (and `dest` for two-path calls), with the
// message Node prints, e.g. "ENOENT: no such file or directory, open '/x/y'". `path` and `dest` are always the paths
// the guest used; a host path never appears in an FsError. errno values are Node's on Linux. A `detail` in
// parentheses may follow Node's message, saying why cordon refused (never naming a host path either).

const CODES = {
  EPERM: [-1, "operation not permitted"],
  ENOENT: [-2, "no such file or directory"],
  EIO: [-5, "i/o error"],
  EBADF: [-9, "bad file descriptor"],
  EACCES: [-13, "permission denied"],
  EBUSY: [-16, "resource busy or locked"],
  EEXIST: [-17, "file already exists"],
  EXDEV: [-18, "cross-device link not permitted"],
  ENOTDIR: [-20, "not a directory"],
  EISDIR: [-21, "illegal operation on a directory"],
  EINVAL: [-22, "invalid argument"],
  EFBIG: [-27, "file too large"],
  ENOSPC: [-28, "no space left on device"],
  EROFS: [-30, "read-only file system"],
  ENAMETOOLONG: [-36, "name too long"],
  ENOTEMPTY: [-39, "directory not empty"],
  ELOOP: [-40, "too many symbolic links encountered"],
} as const satisfies Record<string, readonly [number, string]>;

export type FsErrorCode = keyof typeof CODES;

export function isFsErrorCode(code: unknown): code is FsErrorCode {
  return typeof code === "string" && Object.hasOwn(CODES, code);
}

export class FsError extends Error {
  readonly code: FsErrorCode;
  readonly errno: number;
  readonly syscall: string;
  readonly path?: string;
  readonly dest?: string;
  readonly #detail: string | undefined;

  constructor(code: FsErrorCode, syscall: string, path?: string, dest?: string, detail?: string) {
    const [errno, description] = CODES[code];
    let message = `${code}: ${description}, ${syscall}`;
    if (path !== undefined) message += ` '${path}'`;
    if (path !== undefined && dest !== undefined) message += ` -> '${dest}'`;
    if (detail !== undefined) message += ` (${detail})`;
    super(message);
    this.#detail = detail;
    this.name = "Error";
    this.code = code;
    this.errno = errno;
    this.syscall = syscall;
    if (path !== undefined) this.path = path;
    if (path !== undefined && dest !== undefined) this.dest = dest;
  }

  /** The same error reported for another call, e.g. a failed read inside copyFile. */
  as(syscall: string, path?: string, dest?: string): FsError {
    return new FsError(this.code, syscall, path, dest, this.#detail);
  }
}

/**
 * Reading a file larger than the run could hold: Node's RangeError for a file over 2 GiB (ERR_FS_FILE_TOO_LARGE),
 * with the run's memory limit in place of 2 GiB. Such a file is refused before any of it is read.
 */
export class FileTooLargeError extends RangeError {
  readonly code = "ERR_FS_FILE_TOO_LARGE";
  constructor(size: number | undefined, maxBytes: number) {
    super(
      `File size${size === undefined ? "" : ` (${size})`} is greater than memoryLimitBytes (${maxBytes} bytes): ` +
        "a file larger than the run's memory is not read",
    );
  }
}

export function isFsError(error: unknown, code?: FsErrorCode): error is FsError {
  return error instanceof FsError && (code === undefined || error.code === code);
}

/**
 * An FsError for an error code from the host (e.g. a Node system error's `code`). Codes outside the table become
 * EIO. Only the code is taken: the host's message, which names host paths, is dropped.
 */
export function fsErrorFromCode(code: unknown, syscall: string, path?: string, dest?: string): FsError {
  return new FsError(isFsErrorCode(code) ? code : "EIO", syscall, path, dest);
}

export const enoent = (syscall: string, path?: string, dest?: string) =>
  new FsError("ENOENT", syscall, path, dest);
export const eexist = (syscall: string, path?: string, dest?: string) =>
  new FsError("EEXIST", syscall, path, dest);
export const enotdir = (syscall: string, path?: string, dest?: string) =>
  new FsError("ENOTDIR", syscall, path, dest);
