// Sessions on pool workers: the state lives in one cell on one worker thread of the sandbox's pool (pinned: every
// run of the session goes to that worker), with the same contract as InlineSession. The host thread keeps what the
// worker cannot: the session's host functions (fixed at creation, called by id from the worker for the session's
// whole life), its per-run callbacks, and its lifetime (ttlMs, idleTimeoutMs). Besides the inline ways to lose the
// state (memory cap, engine failure: detected on the worker), the state is lost when its worker ends: stopped by
// the pool's watchdog (a run that did not end by its deadline plus grace) or dead. Every session on that worker then
// returns SessionLostError, saying why, until reset() (which opens it again, on a live worker).
import { DisposedError } from "../errors.js";
import type { PinnedSession, SessionSlot, WorkerPool } from "../pool/pool.js";
import {
  encodeGlobals,
  type HostFunctionEntry,
  type PostedOptions,
  type SessionOpen,
} from "../pool/protocol.js";
import { type RunOptions, resolveOptions } from "../sandbox/options.js";
import type { RunError, RunResult } from "../sandbox/result.js";
import { newVirtualFs } from "../sandbox/setup.js";
import { lostResult } from "./lost.js";
import {
  Expiry,
  newSessionId,
  runMisuse,
  type Session,
  type SessionOptions,
  sessionLifetime,
} from "./session.js";

export class WorkerSession implements Session {
  readonly id: string;
  readonly tenant: string;
  /** The session's host functions; the worker calls them by index. */
  private readonly functions: HostFunctionEntry[] = [];
  /** What opens the session's state on a worker (again after reset() of a lost session). */
  private readonly open: SessionOpen;
  /** The session's defaults as the host resolves each run with (globals stay on the worker). */
  private readonly hostDefaults: RunOptions;
  private readonly pinned: PinnedSession;
  private readonly expiry: Expiry;
  private slot: SessionSlot | undefined;
  /** Why the state is gone, when the host knows it is (worker ended, expiry). */
  private lost: string | undefined;
  private disposed = false;
  private running = 0;

  constructor(
    private readonly pool: WorkerPool,
    sessionOptions: SessionOptions,
    private readonly onEnd: (session: WorkerSession) => void,
  ) {
    const lifetime = sessionLifetime(sessionOptions);
    const {
      globals,
      input: _input,
      onStdout: _out,
      onStderr: _err,
      signal: _signal,
      ...posted
    } = lifetime.defaults;
    // The same checks, with the same errors, as an inline session at creation.
    const resolved = resolveOptions(lifetime.defaults, undefined);
    newVirtualFs(resolved);
    this.tenant = resolved.tenant;
    const { globals: _globals, ...hostDefaults } = lifetime.defaults;
    this.hostDefaults = hostDefaults;
    this.id = newSessionId();
    this.open = { type: "session-open", session: this.id, options: posted as PostedOptions };
    if (globals !== undefined) this.open.globals = encodeGlobals(globals, this.functions);
    this.pinned = {
      id: this.id,
      tenant: this.tenant,
      workerLost: (reason) => this.workerLost(reason),
    };
    this.slot = pool.openSession(this.pinned, this.open);
    this.expiry = new Expiry(lifetime, (reason) => this.expire(reason));
  }

  run(code: string, runOptions?: RunOptions): Promise<RunResult> {
    if (this.disposed) return Promise.reject(new DisposedError("cordon: this session was disposed"));
    const misuse = runMisuse(code, runOptions);
    if (misuse) return Promise.reject(misuse);
    if (this.lost !== undefined || !this.slot) {
      return Promise.resolve(lostResult(this.lost ?? "it is not open on a worker thread"));
    }
    let resolved: ReturnType<typeof resolveOptions>;
    try {
      resolved = resolveOptions(this.hostDefaults, runOptions);
    } catch (error) {
      return Promise.reject(error);
    }
    // Runs of one session happen one after another, in the order they were asked for: they all go to the same
    // worker, which takes them in order.
    const result = this.pool.runSession(this.slot, this.id, code, runOptions ?? {}, resolved, this.functions);
    this.running += 1;
    this.expiry.hold();
    const ended = () => {
      this.running -= 1;
      if (this.running === 0 && !this.disposed) this.expiry.touch();
    };
    result.then(ended, ended);
    return result;
  }

  reset(): void {
    if (this.disposed) throw new DisposedError("cordon: this session was disposed");
    if (this.slot && this.lost === undefined) {
      this.pool.resetSession(this.slot, this.id);
    } else {
      // The state was lost with its worker (or expired): open it afresh on a live worker.
      if (this.slot) this.pool.closeSession(this.slot, this.id, this.lost);
      this.slot = undefined;
      this.slot = this.pool.openSession(this.pinned, this.open);
      this.lost = undefined;
    }
    if (this.running === 0) this.expiry.touch();
  }

  /** Ends the session; a run in progress ends at once with `ended` (default: a DisposedError naming the session). */
  dispose(ended?: RunError): void {
    if (this.disposed) return;
    this.disposed = true;
    this.expiry.clear();
    const slot = this.slot;
    this.slot = undefined;
    if (slot) this.pool.closeSession(slot, this.id, undefined, ended);
    this.onEnd(this);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  private workerLost(reason: string): void {
    this.lost ??= reason;
    this.slot = undefined;
  }

  private expire(reason: string): void {
    this.lost = reason;
    this.expiry.clear();
    const slot = this.slot;
    this.slot = undefined;
    if (slot) this.pool.closeSession(slot, this.id, reason);
    this.onEnd(this);
  }
}
