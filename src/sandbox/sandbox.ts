// run() and createSandbox(): turn options into a run inside a cell from a pool, and give back a RunResult.
import { VirtualFs } from "../capabilities/fs/vfs.js";
import { TypeScriptHost } from "../capabilities/modules/typescript.js";
import { createFetcher } from "../capabilities/net/transport.js";
import { CellPool } from "../engine/cell-pool.js";
import { memoizedModule } from "../engine/wasm-module.js";
import { DisposedError } from "../errors.js";
import { loadWasmBytes, nodeCrypto } from "../platform/node.js";
import { nodeHostDirectory } from "../platform/node-fs.js";
import { packageMounts } from "../platform/node-packages.js";
import { nodeConnector, nodeResolver } from "../platform/node-net.js";
import type { Cell } from "../engine/cell.js";
import { Environment } from "./environment.js";
import { Execution } from "./execution.js";
import { type ResolvedOptions, type RunOptions, resolveOptions } from "./options.js";
import { detectKind } from "./program.js";
import type { RunResult } from "./result.js";

/**
 * A run on the caller's thread shares that thread's native stack with the engine. Deep guest recursion must hit the
 * engine's own stack check before the host's, so inline runs cap the engine stack at this size.
 */
export const INLINE_MAX_STACK_BYTES = 256 * 1024;

const wasmModule = memoizedModule(loadWasmBytes);

export interface SandboxOptions extends RunOptions {
  /** Ready engine cells kept per memory limit. Default 4. */
  maxIdleCells?: number;
}

export interface Sandbox {
  run(code: string, options?: RunOptions): Promise<RunResult>;
  dispose(): void;
  [Symbol.dispose](): void;
}

function checkCode(code: unknown): asserts code is string {
  if (typeof code !== "string") {
    throw new TypeError(`cordon: code must be a string; got ${code === null ? "null" : typeof code}`);
  }
}

/** What a caller on another thread (a pool worker) may add to a run. Not part of the public API. */
export interface InternalRunOptions {
  /** Engine stack cap (default: what the main thread's native stack carries). */
  maxStackBytes?: number;
  /** Shared flag: non-zero stops the run at the engine's next check (AbortError). */
  interruptFlag?: Int32Array;
}

/** The filesystem a run (or a session) sees: seeded files, mounts, host packages. */
export function newVirtualFs(options: ResolvedOptions): VirtualFs {
  const mounts =
    options.packages.length > 0
      ? [...(options.mounts ?? []), ...packageMounts(options.packages)]
      : options.mounts;
  return new VirtualFs(
    {
      files: options.files,
      mounts,
      cwd: options.cwd,
      maxFsBytes: options.maxFsBytes,
      maxFiles: options.maxFiles,
    },
    nodeHostDirectory,
  );
}

export function newFetcher(options: ResolvedOptions) {
  return createFetcher(options.network, { resolve: nodeResolver, connect: nodeConnector });
}

/** An environment in `cell` for `options` (the caller disposes it). */
export function newEnvironment(
  cell: Cell,
  options: ResolvedOptions,
  vfs: VirtualFs,
  mode: "run" | "session",
  internal: InternalRunOptions = {},
): Environment {
  return new Environment({
    cell,
    options,
    stackSizeBytes: Math.min(options.stackSizeBytes, internal.maxStackBytes ?? INLINE_MAX_STACK_BYTES),
    vfs,
    typescript: new TypeScriptHost(),
    crypto: nodeCrypto,
    interruptFlag: internal.interruptFlag,
    mode,
  });
}

async function execute(
  pool: CellPool,
  code: string,
  options: ResolvedOptions,
  internal: InternalRunOptions = {},
): Promise<RunResult> {
  const vfs = newVirtualFs(options);
  const fetcher = newFetcher(options);
  const kind = await detectKind(code);
  const cell = await pool.acquire(options.memoryLimitBytes);
  let env: Environment | undefined;
  try {
    env = newEnvironment(cell, options, vfs, "run", internal);
    return await new Execution(env, { code, kind, filename: options.filename, options, fetcher }).run();
  } finally {
    if (env) env.dispose();
    else cell.broken = true;
    cell.runs += 1;
    pool.release(cell, options.memoryLimitBytes);
  }
}

const sharedPool = new CellPool(wasmModule);

/** Runs `code` in a fresh sandbox (a new runtime and context) and returns its result. Guest failures are values. */
export async function run(code: string, options?: RunOptions): Promise<RunResult> {
  checkCode(code);
  return execute(sharedPool, code, resolveOptions(undefined, options));
}

/** A run on this thread with internal additions (used by pool workers). */
export async function runInline(
  code: string,
  options: RunOptions | undefined,
  internal: InternalRunOptions,
): Promise<RunResult> {
  checkCode(code);
  return execute(sharedPool, code, resolveOptions(undefined, options), internal);
}

/** A sandbox holding its own engine cells; every run still gets a fresh runtime and context. */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const { maxIdleCells, ...runDefaults } = options;
  if (maxIdleCells !== undefined && (!Number.isInteger(maxIdleCells) || maxIdleCells < 0)) {
    throw new TypeError(
      `cordon: option \`maxIdleCells\` must be a non-negative integer; got ${String(maxIdleCells)}`,
    );
  }
  // Validate the defaults now, so misuse surfaces at createSandbox() rather than at the first run.
  const { memoryLimitBytes } = resolveOptions(runDefaults, undefined);
  const pool = new CellPool(wasmModule, { maxIdlePerLimit: maxIdleCells ?? 4 });
  // Warm one cell so the first run does not pay for instantiation.
  pool.release(await pool.acquire(memoryLimitBytes), memoryLimitBytes);
  let disposed = false;
  const dispose = () => {
    disposed = true;
    pool.dispose();
  };
  return {
    async run(code: string, runOptions?: RunOptions) {
      if (disposed)
        throw new DisposedError("cordon: this sandbox was disposed; create a new one with createSandbox()");
      checkCode(code);
      return execute(pool, code, resolveOptions(runDefaults, runOptions));
    },
    dispose,
    [Symbol.dispose]: dispose,
  };
}
