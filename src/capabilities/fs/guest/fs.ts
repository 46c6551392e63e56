// Guest `node:fs` and `node:fs/promises`: Node's API over the host's virtual filesystem. Every call is one
// synchronous host operation, op("fs", method, ...args), checked on the host; callback and promise forms wrap it.
// Bytes cross as ArrayBuffers and structured answers as JSON text, so no copying code has to load.
// Host errors arrive as Errors carrying Node's code, errno, syscall and path.
import type { Op } from "../../../guest/types.js";
import type { StatInfo } from "../host-directory.js";

type BufferCtor = {
  from(
    data: ArrayBuffer | Uint8Array | string,
    encoding?: string,
  ): Uint8Array & { toString(encoding?: string): string };
  isBuffer(value: unknown): boolean;
};
type Callback = (error: unknown, value?: unknown) => void;
type Options = {
  encoding?: string | null;
  flag?: string;
  recursive?: boolean;
  force?: boolean;
  withFileTypes?: boolean;
};

/** Encodings the host decodes directly (the answer crosses as a string). */
const HOST_ENCODINGS = new Set([
  "utf8",
  "utf-8",
  "latin1",
  "binary",
  "ascii",
  "base64",
  "base64url",
  "hex",
  "ucs2",
  "utf16le",
]);

const constants = {
  F_OK: 0,
  R_OK: 4,
  W_OK: 2,
  X_OK: 1,
  COPYFILE_EXCL: 1,
  COPYFILE_FICLONE: 2,
  COPYFILE_FICLONE_FORCE: 4,
  O_RDONLY: 0,
  O_WRONLY: 1,
  O_RDWR: 2,
  O_CREAT: 64,
  O_EXCL: 128,
  O_TRUNC: 512,
  O_APPEND: 1024,
  S_IFMT: 61440,
  S_IFREG: 32768,
  S_IFDIR: 16384,
  S_IFLNK: 40960,
};

/** The type predicates Stats and Dirent share. */
class EntryKind {
  readonly #type: string;
  constructor(type: string) {
    this.#type = type;
  }
  isFile() {
    return this.#type === "file";
  }
  isDirectory() {
    return this.#type === "directory";
  }
  isSymbolicLink() {
    return this.#type === "symlink";
  }
  isBlockDevice() {
    return false;
  }
  isCharacterDevice() {
    return false;
  }
  isFIFO() {
    return false;
  }
  isSocket() {
    return false;
  }
}

class Stats extends EntryKind {
  dev = 1;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev = 0;
  size: number;
  blksize = 4096;
  blocks: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
  birthtimeMs: number;
  atime: Date;
  mtime: Date;
  ctime: Date;
  birthtime: Date;
  constructor(info: StatInfo) {
    super(info.type);
    this.ino = info.ino;
    this.mode = info.mode;
    this.nlink = info.nlink;
    this.uid = info.uid;
    this.gid = info.gid;
    this.size = info.size;
    this.blocks = Math.ceil(info.size / 512);
    this.atimeMs = info.atimeMs;
    this.mtimeMs = info.mtimeMs;
    this.ctimeMs = info.ctimeMs;
    this.birthtimeMs = info.birthtimeMs;
    this.atime = new Date(info.atimeMs);
    this.mtime = new Date(info.mtimeMs);
    this.ctime = new Date(info.ctimeMs);
    this.birthtime = new Date(info.birthtimeMs);
  }
}

class Dirent extends EntryKind {
  name: string;
  parentPath: string;
  path: string;
  constructor(name: string, type: string, parent: string) {
    super(type);
    this.name = name;
    this.parentPath = parent;
    this.path = parent;
  }
}

function invalidArg(name: string, expected: string, value: unknown): TypeError {
  const error = new TypeError(`The "${name}" argument must be ${expected}. Received ${typeof value}`);
  Object.defineProperty(error, "code", { value: "ERR_INVALID_ARG_TYPE", enumerable: true });
  return error;
}

export function create(op: Op, load: (id: string) => unknown) {
  // Buffer is loaded only when a call needs one: reading text with an encoding is decoded on the host.
  let bufferCtor: BufferCtor | undefined;
  const Buffer = {
    from: (data: ArrayBuffer | Uint8Array | string, encoding?: string) => {
      bufferCtor ??= (load("buffer") as { Buffer: BufferCtor }).Buffer;
      return bufferCtor.from(data, encoding);
    },
  };
  const host = (method: string, ...args: unknown[]) => op("fs", method, ...args);

  const toPath = (path: unknown, name = "path"): string => {
    const text = pathText(path, name);
    if (text.includes("\0")) {
      const error = new TypeError(
        `The argument '${name}' must be a string, Uint8Array, or URL without null bytes. Received ${JSON.stringify(text)}`,
      );
      Object.defineProperty(error, "code", { value: "ERR_INVALID_ARG_VALUE", enumerable: true });
      throw error;
    }
    return text;
  };
  const pathText = (path: unknown, name: string): string => {
    if (typeof path === "string") return path;
    if (path instanceof Uint8Array) return Buffer.from(path).toString();
    if (path !== null && typeof path === "object" && (path as { protocol?: unknown }).protocol === "file:") {
      return decodeURIComponent((path as { pathname: string }).pathname);
    }
    throw invalidArg(name, "of type string or an instance of Buffer or URL", path);
  };
  const optionsOf = (options: unknown): Options =>
    typeof options === "string" ? { encoding: options } : ((options ?? {}) as Options);
  /** Data to write, as an ArrayBuffer of exactly its bytes (a string in UTF-8 crosses as text). */
  const toBytes = (data: unknown, encoding?: string | null): ArrayBuffer | string => {
    if (typeof data === "string") {
      if (!encoding || encoding === "utf8" || encoding === "utf-8") return data;
      data = Buffer.from(data, encoding);
    }
    if (ArrayBuffer.isView(data)) {
      return (data.buffer as ArrayBuffer).slice(data.byteOffset, data.byteOffset + data.byteLength);
    }
    throw invalidArg("data", "of type string or an instance of Buffer, TypedArray, or DataView", data);
  };
  const decodeBytes = (bytes: ArrayBuffer, encoding: string | null | undefined) => {
    const buffer = Buffer.from(bytes);
    return encoding && encoding !== "buffer" ? buffer.toString(encoding) : buffer;
  };
  const json = <T>(text: unknown): T => JSON.parse(text as string) as T;

  const sync = {
    readFileSync(path: unknown, options?: unknown) {
      const { encoding } = optionsOf(options);
      const text = encoding && encoding !== "buffer" && HOST_ENCODINGS.has(encoding.toLowerCase());
      const data =
        path === 0 || path === "/dev/stdin"
          ? op("stdin", text ? encoding : undefined)
          : host("readFile", toPath(path), text ? encoding : undefined);
      return typeof data === "string" ? data : decodeBytes(data as ArrayBuffer, encoding);
    },
    writeFileSync(path: unknown, data: unknown, options?: unknown) {
      const { encoding, flag } = optionsOf(options);
      host(
        "writeFile",
        toPath(path),
        toBytes(data, encoding),
        flag?.startsWith("a") ?? false,
        flag?.includes("x") ?? false,
      );
    },
    appendFileSync(path: unknown, data: unknown, options?: unknown) {
      const { encoding } = optionsOf(options);
      host("writeFile", toPath(path), toBytes(data, encoding), true, false);
    },
    readdirSync(path: unknown, options?: unknown) {
      const dir = toPath(path);
      const { withFileTypes, recursive, encoding } = optionsOf(options);
      const entries: Dirent[] = [];
      const walk = (at: string, prefix: string) => {
        for (const entry of json<{ name: string; type: string }[]>(host("readdir", at))) {
          entries.push(new Dirent(prefix + entry.name, entry.type, at));
          if (recursive && entry.type === "directory")
            walk(`${at.replace(/\/$/, "")}/${entry.name}`, `${prefix}${entry.name}/`);
        }
      };
      walk(dir, "");
      if (withFileTypes) return entries;
      return entries.map((e) => (encoding === "buffer" ? Buffer.from(e.name) : e.name));
    },
    statSync(path: unknown, options?: { throwIfNoEntry?: boolean }) {
      const target = toPath(path);
      if (options?.throwIfNoEntry === false && !host("exists", target)) return undefined;
      return new Stats(json<StatInfo>(host("stat", target)));
    },
    lstatSync(path: unknown, options?: { throwIfNoEntry?: boolean }) {
      const target = toPath(path);
      if (options?.throwIfNoEntry === false && !host("exists", target)) return undefined;
      return new Stats(json<StatInfo>(host("lstat", target)));
    },
    existsSync(path: unknown) {
      try {
        return host("exists", toPath(path)) as boolean;
      } catch {
        return false;
      }
    },
    accessSync(path: unknown, mode?: number) {
      host("access", toPath(path), mode ?? 0);
    },
    mkdirSync(path: unknown, options?: unknown) {
      const opts = typeof options === "number" ? {} : optionsOf(options);
      return host("mkdir", toPath(path), opts.recursive ?? false) as string | undefined;
    },
    rmSync(path: unknown, options?: Options) {
      host("rm", toPath(path), options?.recursive ?? false, options?.force ?? false);
    },
    rmdirSync(path: unknown, options?: Options) {
      host("rmdir", toPath(path), options?.recursive ?? false);
    },
    unlinkSync(path: unknown) {
      host("unlink", toPath(path));
    },
    renameSync(from: unknown, to: unknown) {
      host("rename", toPath(from, "oldPath"), toPath(to, "newPath"));
    },
    copyFileSync(from: unknown, to: unknown, mode?: number) {
      host(
        "copyFile",
        toPath(from, "src"),
        toPath(to, "dest"),
        ((mode ?? 0) & constants.COPYFILE_EXCL) !== 0,
      );
    },
    realpathSync: Object.assign((path: unknown) => host("realpath", toPath(path)) as string, {
      native: (path: unknown) => host("realpath", toPath(path)) as string,
    }),
    mkdtempSync(prefix: string) {
      for (let i = 0; ; i++) {
        const candidate = `${prefix}${Math.random().toString(36).slice(2, 8)}`;
        if (!host("exists", candidate)) {
          host("mkdir", candidate, false);
          return candidate;
        }
        if (i > 100) throw new Error("mkdtemp: could not find a free name");
      }
    },
    chmodSync(path: unknown) {
      host("stat", toPath(path));
    },
    utimesSync(path: unknown) {
      host("stat", toPath(path));
    },
  };

  type SyncName = keyof typeof sync;
  const names = Object.keys(sync) as SyncName[];
  const callbacks: Record<string, Function> = {};
  const promises: Record<string, Function> = {};
  for (const name of names) {
    const base = name.slice(0, -4);
    const fn = sync[name] as (...args: unknown[]) => unknown;
    callbacks[base] = (...args: unknown[]) => {
      const cb = args.pop();
      if (typeof cb !== "function") throw invalidArg("cb", "of type function", cb);
      let result: unknown;
      try {
        result = fn(...args);
      } catch (error) {
        queueMicrotask(() => (cb as Callback)(error));
        return;
      }
      queueMicrotask(() => (cb as Callback)(null, result));
    };
    promises[base] = async (...args: unknown[]) => fn(...args);
  }
  // fs.exists(path, cb) calls back with a boolean and no error, as Node's deprecated API does.
  callbacks.exists = (path: unknown, cb: (exists: boolean) => void) => {
    const exists = sync.existsSync(path);
    queueMicrotask(() => cb(exists));
  };
  delete promises.exists;
  promises.constants = constants as never;

  const fs: Record<string, unknown> = {
    ...sync,
    ...callbacks,
    promises,
    constants,
    Stats,
    Dirent,
    ...constants,
  };
  return fs;
}
