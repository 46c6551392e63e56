// run() and createSandbox(): turn options into a run inside a cell from a pool, and give back a RunResult.
import { CellPool } from "../engine/cell-pool.js";
import { BusyError, codeNotString, DisposedError, InvalidOptionError } from "../errors.js";
import { engineModule } from "../platform/engine-module.js";
import { TransformCache } from "../capabilities/modules/transform-cache.js";
import { mergeRunOptions, WorkerPool, type WorkerPoolOptions } from "../pool/pool.js";
import { checkTenantLimits, type TenantLimits, tenantName } from "../pool/tenants.js";
import { ProcessPool, type ProcessPoolOptions } from "../pool/process-pool.js";
import { InlineSession, type Session, type SessionOptions } from "../session/session.js";
import { WorkerSession } from "../session/worker-session.js";
import type { Environment } from "./environment.js";
import { Execution } from "./execution.js";
import { disposedWhileRunning, InFlight } from "./in-flight.js";
import { checkTenant, type ResolvedOptions, type RunOptions, resolveOptions } from "./options.js";
import { detectKind } from "./program.js";
import { EXIT, type RunResult } from "./result.js";
import { type InternalRunOptions, newClock, newEnvironment, newFetcher, newVirtualFs } from "./setup.js";

/**
 * Where runs execute: "worker" (default) on worker threads, "process" on worker threads each inside a child process
 * of its own, "inline" on the caller's thread.
 */
export type Isolation = "worker" | "process" | "inline";

/** Options of the top-level run(): run options plus where it runs. */
export interface TopLevelRunOptions extends RunOptions {
  isolation?: Isolation;
}

function checkIsolation(value: unknown): Isolation {
  if (value === undefined) return "worker";
  if (value === "worker" || value === "process" || value === "inline") return value;
  const got = typeof value === "string" ? JSON.stringify(value) : typeof value;
  throw new InvalidOptionError("isolation", `must be "worker", "process" or "inline"; got ${got}`);
}

export interface SandboxOptions extends RunOptions {
  /** Where this sandbox's runs execute. Default "worker". */
  isolation?: Isolation;
  /** With isolation "worker": the pool's settings (workers, maxQueue, resourceLimits...). */
  workerPool?: WorkerPoolOptions;
  /** With isolation "process": the pool's settings (processes, maxQueue, graceMs...). */
  processPool?: ProcessPoolOptions;
  /** Ready engine cells kept per memory limit. Default 4. */
  maxIdleCells?: number;
  /** Sessions open at once. Default 1,000; beyond it createSession() throws BusyError. */
  maxSessions?: number;
  /**
   * Caps per tenant (the `tenant` run option): runs in progress, runs waiting for a worker (worker isolation; inline
   * runs do not wait), sessions open. Past a cap run() or createSession() throws BusyError.
   */
  perTenant?: TenantLimits & { maxSessions?: number };
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
  const clock = newClock(options);
  const vfs = newVirtualFs(options, clock);
  const fetcher = newFetcher(options);
  const kind = await detectKind(code);
  const cell = await pool.acquire(options.memoryLimitBytes);
  let env: Environment | undefined;
  let execution: Execution | undefined;
  try {
    env = newEnvironment(cell, options, vfs, "run", internal, kind, clock);
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

const sharedPool = new CellPool(engineModule);

/** The pools behind run(): made on first use; idle workers and children never keep the process alive. */
let sharedWorkers: WorkerPool | undefined;
let sharedProcesses: ProcessPool | undefined;

/**
 * Runs `code` in a fresh sandbox (a new runtime and context) and returns its result. Guest failures are values.
 * Runs on a worker thread unless `isolation: "process"` (a worker inside a child process) or `"inline"`.
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
  if (isolation === "process") {
    sharedProcesses ??= new ProcessPool();
    return sharedProcesses.run(code, runOptions);
  }
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
  const {
    maxIdleCells,
    maxSessions = 1000,
    isolation,
    workerPool,
    processPool,
    perTenant,
    ...runDefaults
  } = options;
  const where = checkIsolation(isolation);
  const tenantLimits = checkTenantLimits("perTenant", perTenant);
  const maxTenantSessions = perTenant?.maxSessions ?? Number.POSITIVE_INFINITY;
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
  const pool = new CellPool(engineModule, { maxIdlePerLimit: maxIdleCells ?? 4 });
  // Warm one cell so the first run does not pay for instantiation.
  pool.release(await pool.acquire(memoryLimitBytes), memoryLimitBytes);
  // The sandbox's runs and sessions share TypeScript transforms, with no other sandbox (see transform-cache.ts): its
  // worker threads keep one cache each; inline, this one.
  const workers =
    where === "worker"
      ? new WorkerPool(
          { ...workerPool, perTenant: { ...workerPool?.perTenant, ...tenantLimits } },
          { shareTransforms: true },
        )
      : where === "process"
        ? new ProcessPool(
            { ...processPool, perTenant: { ...processPool?.perTenant, ...tenantLimits } },
            { shareTransforms: true },
          )
        : undefined;
  const internal = { transforms: new TransformCache() };
  const sessions = new Map<string, InlineSession | WorkerSession>();
  const inFlight = new InFlight();
  /** Inline runs in progress per tenant (perTenant.maxRunning). */
  const inlineRunning = new Map<string, number>();
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
      const resolved = resolveOptions(runDefaults, runOptions);
      const tenant = resolved.tenant;
      const running = inlineRunning.get(tenant) ?? 0;
      if (running >= (tenantLimits.maxRunning ?? Number.POSITIVE_INFINITY)) {
        throw new BusyError(
          `cordon: ${tenantName(tenant)} is at its cap of ${running} runs in progress (perTenant.maxRunning); try again later`,
        );
      }
      inlineRunning.set(tenant, running + 1);
      try {
        return await execute(pool, code, resolved, internal, inFlight);
      } finally {
        const left = (inlineRunning.get(tenant) ?? 1) - 1;
        if (left > 0) inlineRunning.set(tenant, left);
        else inlineRunning.delete(tenant);
      }
    },
    createSession(sessionOptions: SessionOptions = {}) {
      alive();
      if (sessions.size >= maxSessions) {
        throw new BusyError(`cordon: this sandbox already has ${maxSessions} sessions (option maxSessions)`);
      }
      // With a pool the session's state lives on one of its workers (or children); inline, on this thread.
      const onEnd = (session: Session) => sessions.delete(session.id);
      const merged = { ...runDefaults, ...sessionOptions };
      const tenant = checkTenant(merged.tenant);
      let ofTenant = 0;
      for (const open of sessions.values()) if (open.tenant === tenant) ofTenant += 1;
      if (ofTenant >= maxTenantSessions) {
        throw new BusyError(
          `cordon: ${tenantName(tenant)} is at its cap of ${ofTenant} open sessions (perTenant.maxSessions); dispose one first`,
        );
      }
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
