// What the CLI reads from the host for a run: the program's source, standard input, and --files directories.
import { readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { isatty } from "node:tty";
import type { RunOptions } from "../index.js";
import { UsageError } from "./args.js";

type FileTree = NonNullable<RunOptions["files"]>;

/** The guest may not hold more than this of standard input. */
const MAX_STDIN_BYTES = 64 * 1024 * 1024;

/** All of standard input (for `-` and --call), read before the run. */
export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Standard input read synchronously when the program first asks for it, so a program that never reads it does
 * not wait for a pipe that stays open. A terminal gives what is typed until end of file.
 */
export function lazyStdin(): () => Uint8Array {
  return () => {
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      let n: number;
      try {
        n = readSync(0, buffer, 0, buffer.length, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") {
          // A non-blocking pipe with nothing yet: wait a little (the run's deadline still holds).
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
          continue;
        }
        if (code === "EOF" || code === "EBADF" || code === "EINVAL" || code === "ENXIO") break;
        throw new Error(`standard input could not be read (${code ?? "error"})`);
      }
      if (n === 0) break;
      total += n;
      if (total > MAX_STDIN_BYTES) throw new Error("standard input is larger than 64 MiB");
      chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    return Buffer.concat(chunks);
  };
}

export function stdinIsTerminal(): boolean {
  return isatty(0);
}

export function readProgram(file: string): string {
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new UsageError(`cannot run ${file}: it is a directory`);
    return readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${file}: ${reason(error)}`);
  }
}

/** A host directory as a FileTree for --files, within the filesystem quotas. Symbolic links are skipped. */
export function readTree(dir: string, limits: { maxFiles: number; maxBytes: number }): FileTree {
  let files = 0;
  let bytes = 0;
  const walk = (path: string): FileTree => {
    const tree: FileTree = {};
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch (error) {
      throw new UsageError(`--files ${dir}: cannot read ${path}: ${reason(error)}`);
    }
    for (const entry of entries) {
      if (++files > limits.maxFiles) {
        throw new UsageError(`--files ${dir} holds more than ${limits.maxFiles} files and directories`);
      }
      const full = join(path, entry.name);
      if (entry.isDirectory()) tree[entry.name] = walk(full);
      else if (entry.isFile()) {
        const data = readFileSync(full);
        bytes += data.byteLength;
        if (bytes > limits.maxBytes) {
          throw new UsageError(`--files ${dir} holds more than ${limits.maxBytes / 2 ** 20} MiB`);
        }
        tree[entry.name] = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      }
    }
    return tree;
  };
  let stat: import("node:fs").Stats;
  try {
    stat = statSync(dir);
  } catch (error) {
    throw new UsageError(`--files ${dir}: ${reason(error)}`);
  }
  if (!stat.isDirectory()) throw new UsageError(`--files ${dir}: not a directory`);
  return walk(dir);
}

export function reason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === "ENOENT") return "no such file or directory";
  if (e?.code === "EACCES" || e?.code === "EPERM") return "permission denied";
  if (e?.code === "EISDIR") return "it is a directory";
  if (e?.code === "ENOTDIR") return "not a directory";
  return e?.code ?? (e instanceof Error ? e.message : String(error));
}
