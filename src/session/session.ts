// Sessions: state that lives across runs, like a REPL or a notebook. A session holds one cell with one environment;
// top-level declarations, globals, imported modules and its virtual files persist between runs. When its memory
// cap is exceeded or its engine fails, the state is gone and the next run says so (SessionLostError) instead of
// silently starting over. Sessions expire after ttlMs, or idleTimeoutMs without a run.
import type { CellPool } from "../engine/cell-pool.js";
import { DisposedError, InvalidOptionError } from "../errors.js";
import type { Environment } from "../sandbox/environment.js";
import { Execution } from "../sandbox/execution.js";
import { type ResolvedOptions, type RunOptions, resolveOptions } from "../sandbox/options.js";
import { detectKind } from "../sandbox/program.js";
import type { RunResult } from "../sandbox/result.js";
import { newEnvironment, newFetcher, newVirtualFs } from "../sandbox/setup.js";

export interface SessionOptions extends RunOptions {
  /** The session ends this long after it was created. Default: no limit. */
  ttlMs?: number;
  /** The session ends after this long without a run. Default 15 minutes. */
  idleTimeoutMs?: number;
}

export interface Session {
  readonly id: string;
  run(code: string, options?: RunOptions): Promise<RunResult>;
  /** Drops all state (a fresh environment and filesystem on the next run). */
  reset(): void;
  dispose(): void;
}

/** Options fixed when a session is created; a run cannot change them. */
const SESSION_ONLY = [
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
] as const;

const DEFAULT_IDLE_MS = 15 * 60 * 1000;
let sessionCount = 0;

function lostResult(reason: string): RunResult {
  return {
    ok: false,
    error: {
      name: "SessionLostError",
      message: `the session's state is gone: ${reason}; call reset() to start again`,
    },
    stdout: "",
    stderr: "",
    exitCode: 1,
    truncated: { stdout: false, stderr: false },
    stats: { durationMs: 0, memoryBytes: 0, hostCalls: 0 },
  };
}

export class InlineSession implements Session {
  readonly id: string;
  private readonly defaults: RunOptions;
  private readonly options: ResolvedOptions;
  private env: Environment | undefined;
  private vfs: ReturnType<typeof newVirtualFs>;
  private lost: string | undefined;
  private disposed = false;
  private queue: Promise<unknown> = Promise.resolve();
  private ttlTimer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly idleMs: number;

  constructor(
    private readonly pool: CellPool,
    sessionOptions: SessionOptions,
    private readonly onEnd: (session: InlineSession) => void,
  ) {
    const { ttlMs, idleTimeoutMs, ...defaults } = sessionOptions;
    for (const [name, value] of [
      ["ttlMs", ttlMs],
      ["idleTimeoutMs", idleTimeoutMs],
    ] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value <= 0)) {
        throw new InvalidOptionError(name, `must be a positive integer (milliseconds); got ${String(value)}`);
      }
    }
    this.defaults = defaults;
    this.options = resolveOptions(defaults, undefined);
    this.vfs = newVirtualFs(this.options);
    this.id = `s${(++sessionCount).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    this.idleMs = idleTimeoutMs ?? DEFAULT_IDLE_MS;
    if (ttlMs !== undefined) {
      this.ttlTimer = setTimeout(() => this.expire(`it expired after ttlMs (${ttlMs} ms)`), ttlMs);
      this.ttlTimer.unref?.();
    }
    this.touch();
  }

  run(code: string, runOptions?: RunOptions): Promise<RunResult> {
    if (this.disposed) return Promise.reject(new DisposedError("cordon: this session was disposed"));
    if (typeof code !== "string") {
      return Promise.reject(
        new TypeError(`cordon: code must be a string; got ${code === null ? "null" : typeof code}`),
      );
    }
    for (const name of SESSION_ONLY) {
      if (runOptions && name in runOptions) {
        return Promise.reject(
          new InvalidOptionError(name, "is fixed when the session is created (pass it to createSession)"),
        );
      }
    }
    // Runs of one session happen one after another, in the order they were asked for.
    const next = this.queue.then(() => this.runNow(code, runOptions));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(code: string, runOptions: RunOptions | undefined): Promise<RunResult> {
    if (this.lost) return lostResult(this.lost);
    if (this.disposed) throw new DisposedError("cordon: this session was disposed");
    const options = resolveOptions(this.defaults, runOptions);
    const kind = await detectKind(code);
    if (!this.env) {
      const cell = await this.pool.acquire(this.options.memoryLimitBytes);
      this.env = newEnvironment(cell, this.options, this.vfs, "session");
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
    try {
      return await execution.run();
    } finally {
      if (env.cell.outOfMemory || env.cell.broken) {
        this.lose(env.cell.outOfMemory ? "it ran out of memory (memoryLimitBytes)" : "its engine failed");
      }
      this.touch();
    }
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(
      () => this.expire(`it expired after idleTimeoutMs (${this.idleMs} ms) without a run`),
      this.idleMs,
    );
    this.idleTimer.unref?.();
  }

  private lose(reason: string): void {
    this.lost = reason;
    this.dropEnvironment();
  }

  private expire(reason: string): void {
    this.lose(reason);
    this.clearTimers();
    this.onEnd(this);
  }

  private dropEnvironment(): void {
    const env = this.env;
    this.env = undefined;
    if (!env) return;
    env.dispose();
    this.pool.release(env.cell, this.options.memoryLimitBytes);
  }

  private clearTimers(): void {
    if (this.ttlTimer) clearTimeout(this.ttlTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
  }

  reset(): void {
    if (this.disposed) throw new DisposedError("cordon: this session was disposed");
    this.dropEnvironment();
    this.lost = undefined;
    this.vfs = newVirtualFs(this.options);
    this.touch();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clearTimers();
    this.dropEnvironment();
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
