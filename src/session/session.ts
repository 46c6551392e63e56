// Sessions: state that lives across runs, like a REPL or a notebook. A session holds one cell with one environment;
// top-level declarations, globals, imported modules and its virtual files persist between runs. When its memory
// cap is exceeded or its engine fails, the state is gone and the next run says so (SessionLostError) instead of
// silently starting over. Sessions expire after ttlMs, or idleTimeoutMs without a run.
//
// SessionState is the state itself (environment, files, lost or not) and runs code in it; InlineSession puts it on
// the caller's thread with its lifetime (expiry timers, run order). A pool worker keeps SessionStates for
// WorkerSession (worker-session.ts), which holds the lifetime on the host thread.
import type { CellPool } from "../engine/cell-pool.js";
import { codeNotString, DisposedError, InvalidOptionError } from "../errors.js";
import type { Environment } from "../sandbox/environment.js";
import { Execution } from "../sandbox/execution.js";
import { checkTenant, type ResolvedOptions, type RunOptions, resolveOptions } from "../sandbox/options.js";
import { detectKind } from "../sandbox/program.js";
import { disposedWhileRunning } from "../sandbox/in-flight.js";
import { EXIT, type RunError, type RunResult } from "../sandbox/result.js";
import type { FrozenClock } from "../sandbox/deterministic.js";
import {
  type InternalRunOptions,
  newClock,
  newEnvironment,
  newFetcher,
  newVirtualFs,
} from "../sandbox/setup.js";
import { lostResult, sessionLostError } from "./lost.js";

export { lostResult, sessionLostError } from "./lost.js";

export interface SessionOptions extends RunOptions {
  /** The session ends this long after it was created. Default: no limit. */
  ttlMs?: number;
  /** The session ends after this long without a run. Default 15 minutes. */
  idleTimeoutMs?: number;
}

export interface Session {
  readonly id: string;
  /** The tenant the session is for ("" for none; see the `tenant` option). */
  readonly tenant: string;
  run(code: string, options?: RunOptions): Promise<RunResult>;
  /** Drops all state (a fresh environment and filesystem on the next run). */
  reset(): void;
  dispose(): void;
}

/** Options fixed when a session is created; a run cannot change them. */
export const SESSION_ONLY = [
  "globals",
  "env",
  "files",
  "mounts",
  "cwd",
  "modules",
  "packages",
  "typescript",
  "memoryLimitBytes",
  "stackSizeBytes",
  "maxTimers",
  "maxFsBytes",
  "maxFiles",
  "network",
  "tenant",
  "deterministic",
] as const;

const DEFAULT_IDLE_MS = 15 * 60 * 1000;
/** The longest delay a timer can wait (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
let sessionCount = 0;

/** A new session id: unique in this process, not guessable from another session's. */
export function newSessionId(): string {
  return `s${(++sessionCount).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export interface SessionLifetime {
  ttlMs: number | undefined;
  idleMs: number;
  /** The session's run defaults (session options without ttlMs and idleTimeoutMs). */
  defaults: RunOptions;
}

/** Checks ttlMs and idleTimeoutMs and splits them from the run defaults. */
export function sessionLifetime(sessionOptions: SessionOptions): SessionLifetime {
  const { ttlMs, idleTimeoutMs, ...defaults } = sessionOptions;
  for (const [name, value] of [
    ["ttlMs", ttlMs],
    ["idleTimeoutMs", idleTimeoutMs],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value <= 0 || value > MAX_TIMER_MS)) {
      throw new InvalidOptionError(
        name,
        `must be a positive integer (milliseconds) up to ${MAX_TIMER_MS}; got ${String(value)}`,
      );
    }
  }
  return { ttlMs, idleMs: idleTimeoutMs ?? DEFAULT_IDLE_MS, defaults };
}

/** Why a session's run() cannot take `code` and `runOptions` (undefined when it can). */
export function runMisuse(code: unknown, runOptions: RunOptions | undefined): Error | undefined {
  if (typeof code !== "string") {
    return codeNotString(code);
  }
  for (const name of SESSION_ONLY) {
    if (runOptions && typeof runOptions === "object" && name in runOptions) {
      return new InvalidOptionError(name, "is fixed when the session is created (pass it to createSession)");
    }
  }
  return undefined;
}

/** The ttlMs and idleTimeoutMs timers of a session. They never keep the process alive. */
export class Expiry {
  private ttlTimer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly lifetime: SessionLifetime,
    private readonly onExpire: (reason: string) => void,
  ) {
    const { ttlMs } = lifetime;
    if (ttlMs !== undefined) {
      this.ttlTimer = setTimeout(() => this.onExpire(`it expired after ttlMs (${ttlMs} ms)`), ttlMs);
      this.ttlTimer.unref?.();
    }
    this.touch();
  }

  /** A run ended (or the session was created or reset): the idle time starts again. */
  touch(): void {
    this.hold();
    const idleMs = this.lifetime.idleMs;
    this.idleTimer = setTimeout(
      () => this.onExpire(`it expired after idleTimeoutMs (${idleMs} ms) without a run`),
      idleMs,
    );
    this.idleTimer.unref?.();
  }

  /** A run is under way: the session is not idle. */
  hold(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  clear(): void {
    if (this.ttlTimer) clearTimeout(this.ttlTimer);
    this.ttlTimer = undefined;
    this.hold();
  }
}

/**
 * A session's state: one environment in one cell (made at the first run), its virtual files, and whether it is lost.
 * Runs must not overlap (the owner runs them one after another). An environment dropped while a run uses it (lost,
 * reset, disposed) is freed when that run has ended, never under it.
 */
export class SessionState {
  private readonly options: ResolvedOptions;
  private env: Environment | undefined;
  private vfs: ReturnType<typeof newVirtualFs>;
  /** The `deterministic` option's clock: one for the session's runs, made again by reset(). */
  private clock: FrozenClock | undefined;
  private lostReason: string | undefined;
  /** The run in progress, and the environment it uses. */
  private running: { execution: Execution; env: Environment } | undefined;
  /** Set by close(): no run starts any more. */
  private closedWith: RunError | undefined;

  constructor(
    private readonly pool: CellPool,
    private readonly defaults: RunOptions,
    private readonly internal: InternalRunOptions = {},
  ) {
    this.options = resolveOptions(defaults, undefined);
    this.clock = newClock(this.options);
    this.vfs = newVirtualFs(this.options, this.clock);
  }

  /** Why the state is gone, when it is. */
  get lost(): string | undefined {
    return this.lostReason;
  }

  async run(code: string, runOptions: RunOptions | undefined): Promise<RunResult> {
    if (this.lostReason) return lostResult(this.lostReason);
    const options = resolveOptions(this.defaults, runOptions);
    const kind = await detectKind(code);
    if (!this.env) {
      const cell = await this.pool.acquire(this.options.memoryLimitBytes);
      this.env = newEnvironment(
        cell,
        this.options,
        this.vfs,
        "session",
        this.internal,
        undefined,
        this.clock,
      );
    }
    const env = this.env;
    const filename = options.filename;
    // Module code in a session becomes a script (imports become require calls, exports stay declared), so its
    // bindings stay visible to later runs; its value is the default export.
    const source =
      kind === "module" ? `${env.typescript.transpile(code, filename, "cjs")}\n;exports.default` : code;
    if (kind === "module") defineExports(env);
    const execution = new Execution(env, {
      code: source,
      kind: "script",
      filename,
      options,
      fetcher: newFetcher(options),
      session: true,
    });
    this.running = { execution, env };
    // The session ended while the run was on its way here: it ends before it starts.
    if (this.lostReason) this.lose(this.lostReason);
    else if (this.closedWith) this.close(this.closedWith);
    try {
      return await execution.run();
    } finally {
      this.running = undefined;
      if (this.env !== env) this.free(env);
      else if (env.cell.outOfMemory || env.cell.broken) {
        this.lose(env.cell.outOfMemory ? "it ran out of memory (memoryLimitBytes)" : "its engine failed");
      }
    }
  }

  /** Drops the state; later runs (and the one in progress) return SessionLostError with `reason` until reset(). */
  lose(reason: string): void {
    this.lostReason = reason;
    this.running?.execution.end(sessionLostError(reason), EXIT.error);
    this.dispose();
  }

  /** Ends the session for good: the run in progress ends with `error`, and no run starts any more. */
  close(error: RunError = disposedWhileRunning("session")): void {
    this.closedWith ??= error;
    this.running?.execution.end(error);
    this.dispose();
  }

  /** A fresh environment and filesystem on the next run. */
  reset(): void {
    this.dispose();
    this.lostReason = undefined;
    this.clock = newClock(this.options);
    this.vfs = newVirtualFs(this.options, this.clock);
  }

  /** Frees the environment and gives its cell back to the pool (once the run using it, if any, has ended). */
  dispose(): void {
    const env = this.env;
    this.env = undefined;
    if (env && this.running?.env !== env) this.free(env);
  }

  private free(env: Environment): void {
    env.dispose();
    this.pool.release(env.cell, this.options.memoryLimitBytes);
  }
}

export class InlineSession implements Session {
  readonly id: string;
  readonly tenant: string;
  private readonly state: SessionState;
  private readonly expiry: Expiry;
  private disposed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    pool: CellPool,
    sessionOptions: SessionOptions,
    private readonly onEnd: (session: InlineSession) => void,
    internal: InternalRunOptions = {},
  ) {
    const lifetime = sessionLifetime(sessionOptions);
    this.state = new SessionState(pool, lifetime.defaults, internal);
    this.tenant = checkTenant(lifetime.defaults.tenant);
    this.id = newSessionId();
    this.expiry = new Expiry(lifetime, (reason) => this.expire(reason));
  }

  run(code: string, runOptions?: RunOptions): Promise<RunResult> {
    if (this.disposed) return Promise.reject(new DisposedError("cordon: this session was disposed"));
    const misuse = runMisuse(code, runOptions);
    if (misuse) return Promise.reject(misuse);
    // Runs of one session happen one after another, in the order they were asked for.
    const next = this.queue.then(() => this.runNow(code, runOptions));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(code: string, runOptions: RunOptions | undefined): Promise<RunResult> {
    if (this.state.lost) return lostResult(this.state.lost);
    if (this.disposed) throw new DisposedError("cordon: this session was disposed");
    try {
      return await this.state.run(code, runOptions);
    } finally {
      this.expiry.touch();
    }
  }

  private expire(reason: string): void {
    this.state.lose(reason);
    this.expiry.clear();
    this.onEnd(this);
  }

  reset(): void {
    if (this.disposed) throw new DisposedError("cordon: this session was disposed");
    this.state.reset();
    this.expiry.touch();
  }

  /** Ends the session; a run in progress ends at once with `ended` (default: a DisposedError naming the session). */
  dispose(ended?: RunError): void {
    if (this.disposed) return;
    this.disposed = true;
    this.expiry.clear();
    this.state.close(ended);
    this.onEnd(this);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** A fresh `exports` object for module code run in a session. */
function defineExports(env: Environment): void {
  const ctx = env.ctx;
  const exportsObject = ctx.newObject();
  ctx.setProp(ctx.global, "exports", exportsObject);
  exportsObject.dispose();
}
