// run() and createSandbox(): turn options into a run inside a cell from a pool, and give back a RunResult.
import { CellPool } from "../engine/cell-pool.js";
import { memoizedModule } from "../engine/wasm-module.js";
import { BusyError, codeNotString, DisposedError, InvalidOptionError } from "../errors.js";
import { loadWasmBytes } from "../platform/node.js";
import { TransformCache } from "../capabilities/modules/transform-cache.js";
import { mergeRunOptions, WorkerPool, type WorkerPoolOptions } from "../pool/pool.js";
import { InlineSession, type Session, type SessionOptions } from "../session/session.js";
import { WorkerSession } from "../session/worker-session.js";
import type { Environment } from "./environment.js";
import { Execution } from "./execution.js";
import { disposedWhileRunning, InFlight } from "./in-flight.js";
import { type ResolvedOptions, type RunOptions, resolveOptions } from "./options.js";
import { detectKind } from "./program.js";
import { EXIT, type RunResult } from "./result.js";
import { type InternalRunOptions, newEnvironment, newFetcher, newVirtualFs } from "./setup.js";

const wasmModule = memoizedModule(loadWasmBytes);

/** Where runs execute: "worker" (default) on worker threads, "inline" on the caller's thread. */
export type Isolation = "worker" | "inline";

/** Options of the top-level run(): run options plus where it runs. */
export interface TopLevelRunOptions extends RunOptions {
  isolation?: Isolation;
}

function checkIsolation(value: unknown): Isolation {
  if (value === undefined) return "worker";
  if (value === "worker" || value === "inline") return value;
  const got = typeof value === "string" ? JSON.stringify(value) : typeof value;
  throw new InvalidOptionError("isolation", `must be "worker" or "inline"; got ${got}`);
}

export interface SandboxOptions extends RunOptions {
  /** Where this sandbox's runs execute. Default "worker". */
  isolation?: Isolation;
  /** With isolation "worker": the pool's settings (workers, maxQueue, resourceLimits...). */
  workerPool?: WorkerPoolOptions;
  /** Ready engine cells kept per memory limit. Default 4. */
  maxIdleCells?: number;
  /** Sessions open at once. Default 1,000; beyond it createSession() throws BusyError. */
  maxSessions?: number;
}

export interface Sandbox {
  run(code: string, options?: RunOptions): Promise<RunResult>;
  /** A session: state that lives across its runs (see Session). Takes run defaults plus ttlMs and idleTimeoutMs. */
  createSession(options?: SessionOptions): Session;
  getSession(id: string): Session | undefined;
  listSessions(): Session[];
  dispose(): void;
  [Symbol.dispose](): void;
}

function checkCode(code: unknown): asserts code is string {
  if (typeof code !== "string") {
    throw codeNotString(code);
  }
}

async function execute(
  pool: CellPool,
  code: string,
  options: ResolvedOptions,
  internal: InternalRunOptions = {},
  inFlight?: InFlight,
): Promise<RunResult> {
  const vfs = newVirtualFs(options);
  const fetcher = newFetcher(options);
  const kind = await detectKind(code);
  const cell = await pool.acquire(options.memoryLimitBytes);
  let env: Environment | undefined;
  let execution: Execution | undefined;
  try {
    env = newEnvironment(cell, options, vfs, "run", internal, kind);
    execution = new Execution(env, { code, kind, filename: options.filename, options, fetcher });
    inFlight?.add(execution);
    const result = await execution.run();
    // A run stopped by its deadline or an abort while the engine evaluated an ES module graph (an import of a
    // built-in) or one of the sandbox's lazily installed capability bundles can leave objects the engine's runtime
    // teardown asserts on. Its cell is dropped whole instead of torn down: a fresh cell (about 8 ms) costs little
    // next to a run that went to its deadline.
    if (result.exitCode === EXIT.timeout || result.exitCode === EXIT.aborted) cell.broken = true;
    return result;
  } finally {
    if (execution) inFlight?.delete(execution);
    if (env) env.dispose();
    else cell.broken = true;
    cell.runs += 1;
    pool.release(cell, options.memoryLimitBytes);
  }
}

const sharedPool = new CellPool(wasmModule);

/** The pool behind run(): made on first use; idle workers never keep the process alive. */
let sharedWorkers: WorkerPool | undefined;

/**
 * Runs `code` in a fresh sandbox (a new runtime and context) and returns its result. Guest failures are values.
 * Runs on a worker thread unless `isolation: "inline"`.
 */
export async function run(code: string, options?: TopLevelRunOptions): Promise<RunResult> {
  checkCode(code);
  let runOptions: RunOptions | undefined = options;
  let isolation: Isolation = "worker";
  if (options !== null && typeof options === "object") {
    const { isolation: requested, ...rest } = options;
    isolation = checkIsolation(requested);
    runOptions = rest;
  }
  if (isolation === "inline") return execute(sharedPool, code, resolveOptions(undefined, runOptions));
  sharedWorkers ??= new WorkerPool();
  return sharedWorkers.run(code, runOptions);
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
  const { maxIdleCells, maxSessions = 1000, isolation, workerPool, ...runDefaults } = options;
  for (const [name, value] of [
    ["maxIdleCells", maxIdleCells],
    ["maxSessions", maxSessions],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new InvalidOptionError(name, `must be a non-negative integer; got ${String(value)}`);
    }
  }
  // Validate the defaults now, so misuse surfaces at createSandbox() rather than at the first run: the options, and
  // what the host must find for them (mount directories, packages, the network policy).
  const defaults = resolveOptions(runDefaults, undefined);
  newVirtualFs(defaults);
  newFetcher(defaults);
  const { memoryLimitBytes } = defaults;
  const pool = new CellPool(wasmModule, { maxIdlePerLimit: maxIdleCells ?? 4 });
  // Warm one cell so the first run does not pay for instantiation.
  pool.release(await pool.acquire(memoryLimitBytes), memoryLimitBytes);
  // The sandbox's runs and sessions share TypeScript transforms, with no other sandbox (see transform-cache.ts): its
  // worker threads keep one cache each; inline, this one.
  const workers =
    checkIsolation(isolation) === "worker"
      ? new WorkerPool(workerPool, { shareTransforms: true })
      : undefined;
  const internal = { transforms: new TransformCache() };
  const sessions = new Map<string, InlineSession | WorkerSession>();
  const inFlight = new InFlight();
  let disposed = false;
  const alive = () => {
    if (disposed)
      throw new DisposedError("cordon: this sandbox was disposed; create a new one with createSandbox()");
  };
  // Runs in progress end at once, as failures; each frees its engine as it ends.
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    const ended = disposedWhileRunning("sandbox");
    inFlight.close(ended);
    for (const session of [...sessions.values()]) session.dispose(ended);
    pool.dispose();
    void workers?.close(ended);
  };
  return {
    async run(code: string, runOptions?: RunOptions) {
      alive();
      checkCode(code);
      if (workers) return workers.run(code, mergeRunOptions(runDefaults, runOptions));
      return execute(pool, code, resolveOptions(runDefaults, runOptions), internal, inFlight);
    },
    createSession(sessionOptions: SessionOptions = {}) {
      alive();
      if (sessions.size >= maxSessions) {
        throw new BusyError(`cordon: this sandbox already has ${maxSessions} sessions (option maxSessions)`);
      }
      // With isolation "worker" the session's state lives on one worker of the pool; else on this thread.
      const onEnd = (session: Session) => sessions.delete(session.id);
      const merged = { ...runDefaults, ...sessionOptions };
      const session = workers
        ? new WorkerSession(workers, merged, onEnd)
        : new InlineSession(pool, merged, onEnd, internal);
      sessions.set(session.id, session);
      return session;
    },
    getSession: (id: string) => sessions.get(id),
    listSessions: () => [...sessions.values()],
    dispose,
    [Symbol.dispose]: dispose,
  };
}
