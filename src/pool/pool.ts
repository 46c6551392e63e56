// WorkerPool: runs on worker threads, with the same run() contract as inline runs. A worker takes one run at a time;
// runs wait (up to maxQueue) while every worker is busy, queued per tenant (the `tenant` run option) and taken fairly
// across tenants (see tenants.ts). A worker that does not answer by the run's deadline plus a grace period (a long
// native operation, a blocked thread) is terminated and replaced, and its run settles as a TimeoutError with the
// output received so far. Workers are recycled after maxRunsPerWorker runs or when the memory they report after a
// run passes maxWorkerMemoryBytes. Idle workers do not keep the process alive.
//
// Sessions (openSession/runSession): a session's state lives on one worker, chosen when it opens (see
// sessionWorker), and every run of it goes to that worker, waiting in the worker's own queue. A worker holding
// sessions is not recycled (it is replaced once its last session ends). When a worker holding sessions ends (the
// watchdog stopped it, or it died), those sessions are lost: their queued runs and their next runs return
// SessionLostError. So a one-off run never goes to a worker holding another tenant's sessions while a worker without
// them is free or can be started, and it prefers a worker holding no sessions at all.
import os from "node:os";
import type { ResourceLimits } from "node:worker_threads";
import { BusyError, codeNotString, DisposedError, InternalError, InvalidOptionError } from "../errors.js";
import { type ResolvedOptions, type RunOptions, resolveOptions } from "../sandbox/options.js";
import { disposedWhileRunning } from "../sandbox/in-flight.js";
import { EXIT, type RunError, type RunResult } from "../sandbox/result.js";
import { sessionLostError } from "../session/lost.js";
import type { LinkFactory } from "./link.js";
import { type PinnedSession, PoolWorker, type WorkerEvents, type WorkerSettings } from "./pool-worker.js";
import type { HostFunctionEntry, SessionOpen } from "./protocol.js";
import { Task } from "./task.js";
import { fits, idleWorkerFor, sessionPlace } from "./placement.js";
import { checkTenantLimits, type TenantLimits, TenantQueues } from "./tenants.js";

export type { PinnedSession } from "./pool-worker.js";

/** A session's place in the pool: the worker holding its state. Opaque outside the pool. */
export interface SessionSlot {
  readonly worker: PoolWorker;
}

export interface WorkerPoolOptions {
  /** Worker threads (runs at the same time). Default os.availableParallelism(). */
  workers?: number;
  /** Runs that may wait for a worker; past this run() rejects with BusyError. Default 1000. */
  maxQueue?: number;
  /**
   * Limits for each worker thread. stackSizeMb defaults to 8 (it also sets the engine stack cap, see below) and
   * maxOldGenerationSizeMb to 256 (the thread's own JS heap; engine memory is bounded per cell, outside it).
   */
  resourceLimits?: ResourceLimits;
  /** Runs a worker serves before it is replaced. Default 10,000. */
  maxRunsPerWorker?: number;
  /** Heap plus external memory a worker may report after a run before it is replaced. Default 512 MiB. */
  maxWorkerMemoryBytes?: number;
  /** How long past a run's deadline (or an abort) a silent worker is given before it is terminated. Default 250. */
  graceMs?: number;
  /**
   * Caps per tenant (the runs' `tenant` option): runs in progress (`maxRunning`) and waiting (`maxQueued`). Runs
   * queue fairly across tenants whether or not caps are set.
   */
  perTenant?: TenantLimits;
}

const MiB = 1024 * 1024;
/** Worker stack when resourceLimits.stackSizeMb is not given. */
export const WORKER_STACK_MB = 8;
/**
 * Engine stack cap per MiB of worker stack. The worst recursion patterns measured (template-literal toString,
 * yield* delegation, getters, Proxy traps, JSON revivers, eval) use up to about 4 bytes of native stack per byte of
 * engine stack, so an 8 MiB worker stack overflows from about 2.2 MiB of engine stack on. The cap keeps a factor of
 * two below that: 1/8 of the worker stack, 1 MiB for the default 8 MiB (above the 512 KiB stackSizeBytes default).
 */
const STACK_CAP_PER_MB = MiB / 8;
const MIN_STACK_CAP = 16 * 1024;

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new InvalidOptionError(name, `must be an integer of at least ${min}; got ${String(value)}`);
  }
  return value;
}

export class WorkerPool {
  /** The number of worker threads (runs at the same time). */
  readonly size: number;
  private readonly maxQueue: number;
  private readonly maxRunsPerWorker: number;
  private readonly maxWorkerMemoryBytes: number;
  private readonly settings: WorkerSettings;
  private readonly workers = new Set<PoolWorker>();
  /** One-off runs waiting for a worker, per tenant. */
  private readonly tenants: TenantQueues;
  private readonly closing = new Set<Promise<void>>();
  private readonly events: WorkerEvents;
  private nextId = 1;
  private startFailures = 0;
  private disposed = false;

  /**
   * `internal.shareTransforms`: the pool belongs to one sandbox, so each worker keeps one TypeScript transform cache
   * for all its runs (not part of the public API; a pool shared by unrelated callers shares none).
   */
  constructor(
    options: WorkerPoolOptions = {},
    internal: { shareTransforms?: boolean; link?: LinkFactory } = {},
  ) {
    this.size = count("workers", options.workers, os.availableParallelism(), 1);
    this.maxQueue = count("maxQueue", options.maxQueue, 1000, 0);
    this.maxRunsPerWorker = count("maxRunsPerWorker", options.maxRunsPerWorker, 10_000, 1);
    this.maxWorkerMemoryBytes = count("maxWorkerMemoryBytes", options.maxWorkerMemoryBytes, 512 * MiB, 1);
    const graceMs = count("graceMs", options.graceMs, 250, 0);
    const perTenant = checkTenantLimits("perTenant", options.perTenant);
    this.tenants = new TenantQueues(
      perTenant.maxRunning ?? Number.POSITIVE_INFINITY,
      perTenant.maxQueued ?? Number.POSITIVE_INFINITY,
    );
    const resourceLimits = {
      stackSizeMb: WORKER_STACK_MB,
      maxOldGenerationSizeMb: 256,
      ...options.resourceLimits,
    };
    const stackMb = resourceLimits.stackSizeMb ?? WORKER_STACK_MB;
    const maxStackBytes = Math.max(MIN_STACK_CAP, Math.floor(stackMb * STACK_CAP_PER_MB));
    this.settings = {
      resourceLimits,
      maxStackBytes,
      graceMs,
      shareTransforms: internal.shareTransforms ?? false,
      ...(internal.link && { link: internal.link }),
    };
    this.events = {
      idle: (worker) => this.onIdle(worker),
      gone: (worker, startError) => this.onGone(worker, startError),
    };
  }

  /** Runs waiting for a worker (session runs waiting for theirs included). */
  get queued(): number {
    let n = this.tenants.size;
    for (const worker of this.workers) n += worker.pinned.length;
    return n;
  }

  /** Sessions held by each live worker (a diagnostic). */
  get sessionsPerWorker(): number[] {
    return [...this.workers].filter((w) => w.state !== "closed").map((w) => w.sessions.size);
  }

  /**
   * Runs `code` on a worker thread; the result is the same as an inline run's. Rejects with BusyError when every
   * worker is busy and the queue is full, with DisposedError once the pool is disposed.
   */
  async run(code: string, options: RunOptions = {}): Promise<RunResult> {
    if (this.disposed) throw new DisposedError("cordon: this worker pool was disposed; create a new one");
    if (typeof code !== "string") {
      throw codeNotString(code);
    }
    const resolved = resolveOptions(undefined, options);
    const task = Task.run(this.nextId++, code, options, resolved);
    if (task.signal?.aborted) {
      task.stop("abort");
      return task.promise;
    }
    const idle = this.tenants.mayStart(task.tenant)
      ? idleWorkerFor(this.workers, this.size, task)
      : undefined;
    if (idle) {
      this.start(idle, task);
      return task.promise;
    }
    if (this.workers.size < this.size) {
      const error = this.spawn();
      if (error && this.workers.size === 0) throw error;
    }
    this.checkQueue(task.tenant);
    this.tenants.push(task);
    this.onAbortWhileWaiting(task, () => this.tenants.remove(task));
    return task.promise;
  }

  /**
   * Opens `session` on a worker (posting `message`, which opens its state there) and returns its slot. Throws
   * DisposedError once the pool is disposed, InternalError when no worker can be started, and InvalidOptionError
   * when the message cannot be posted.
   */
  openSession(session: PinnedSession, message: SessionOpen): SessionSlot {
    if (this.disposed) throw new DisposedError("cordon: this worker pool was disposed; create a new one");
    const worker = this.sessionWorker(session.tenant);
    try {
      worker.send(message);
    } catch (error) {
      throw new InvalidOptionError(
        "options",
        `cannot be sent to a worker thread: ${(error as Error)?.message ?? error}`,
      );
    }
    worker.sessions.set(session.id, session);
    return { worker };
  }

  /**
   * Runs `code` in the session held at `slot` (see Task.session for the arguments). The run waits for that worker if
   * it is busy; BusyError when the queues are full.
   */
  runSession(
    slot: SessionSlot,
    session: string,
    code: string,
    options: RunOptions,
    resolved: ResolvedOptions,
    functions: HostFunctionEntry[],
  ): Promise<RunResult> {
    if (this.disposed) {
      return Promise.reject(new DisposedError("cordon: this worker pool was disposed; create a new one"));
    }
    const worker = slot.worker;
    const task = Task.session(this.nextId++, session, code, options, resolved, functions);
    if (task.signal?.aborted) {
      task.stop("abort");
      return task.promise;
    }
    if (worker.state === "closed" || !worker.sessions.has(session)) {
      task.lost(worker.endReason);
      return task.promise;
    }
    if (worker.state === "idle" && this.tenants.mayStart(task.tenant)) {
      this.start(worker, task);
      return task.promise;
    }
    try {
      this.checkQueue(task.tenant);
    } catch (error) {
      return Promise.reject(error);
    }
    worker.pinned.push(task);
    this.onAbortWhileWaiting(task, () => {
      const index = worker.pinned.indexOf(task);
      if (index >= 0) worker.pinned.splice(index, 1);
      return index >= 0;
    });
    return task.promise;
  }

  /** Drops the state of the session at `slot` (after its run in progress, if any); later runs start afresh. */
  resetSession(slot: SessionSlot, session: string): void {
    if (slot.worker.sessions.has(session)) slot.worker.send({ type: "session-reset", session });
  }

  /**
   * Ends the session at `slot` on its worker. Its run in progress ends at once, as a failure: SessionLostError for
   * `lost` (the reason), else `ended` (default: a DisposedError). Its runs still waiting are settled: with a
   * DisposedError, or with a SessionLostError for `lost`.
   */
  closeSession(slot: SessionSlot, session: string, lost?: string, ended?: RunError): void {
    const worker = slot.worker;
    if (!worker.sessions.delete(session)) return;
    // Its run in progress ends now; the worker frees the state once that run has ended.
    const running = worker.task;
    if (running?.session === session) {
      worker.end(
        running,
        lost !== undefined ? sessionLostError(lost) : (ended ?? disposedWhileRunning("session")),
        lost !== undefined ? EXIT.error : EXIT.aborted,
      );
    }
    worker.send({ type: "session-close", session });
    const waiting = worker.pinned.filter((task) => task.session === session);
    if (waiting.length > 0) {
      worker.pinned.splice(
        0,
        worker.pinned.length,
        ...worker.pinned.filter((task) => task.session !== session),
      );
      for (const task of waiting) {
        if (lost !== undefined) task.lost(lost);
        else task.reject(new DisposedError("cordon: this session was disposed"));
      }
    }
    // A worker kept past its recycling point for its sessions goes now (a new one starts when work needs it).
    if (worker.due && worker.sessions.size === 0 && worker.state === "idle") this.retire(worker);
  }

  /**
   * Ends every worker. Runs in progress end as failures (DisposedError); queued runs reject with DisposedError, and
   * so do later run() calls.
   */
  async dispose(): Promise<void> {
    await this.close(disposedWhileRunning("worker pool"));
  }

  /** dispose(), with `ended` as the failure of the runs in progress (a sandbox names itself). */
  async close(ended: RunError): Promise<void> {
    if (!this.disposed) {
      this.disposed = true;
      const error = new DisposedError("cordon: the worker pool was disposed before this run started");
      for (const task of this.tenants.drain()) task.reject(error);
      for (const worker of [...this.workers]) {
        worker.release()?.endNow(ended);
        this.retire(worker);
        for (const task of worker.pinned.splice(0)) task.reject(error);
        this.loseSessions(worker, "the worker pool was disposed");
      }
    }
    while (this.closing.size > 0) await Promise.all([...this.closing]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  private checkQueue(tenant: string): void {
    const queued = this.queued;
    if (queued >= this.maxQueue + this.starting()) {
      throw new BusyError(
        `cordon: all ${this.size} pool workers are busy and ${queued} runs are queued (maxQueue ${this.maxQueue}); try again later`,
      );
    }
    let pinned = 0;
    for (const worker of this.workers)
      for (const task of worker.pinned) if (task.tenant === tenant) pinned += 1;
    this.tenants.admit(tenant, pinned);
  }

  /** Starts `task` on the idle `worker`, counting it against its tenant until it settles. */
  private start(worker: PoolWorker, task: Task): boolean {
    if (!worker.dispatch(task)) return false;
    this.tenants.started(task);
    const ended = () => {
      this.tenants.ended(task);
      // A tenant under its maxRunning cap again may have runs waiting while a worker is idle.
      if (!this.disposed) for (const idle of this.workers) if (idle.state === "idle") this.takeNext(idle);
    };
    void task.promise.then(ended, ended);
    return true;
  }

  /** The worker a new session of `tenant` goes to (see placement.ts). */
  private sessionWorker(tenant: string): PoolWorker {
    const choice = sessionPlace(this.workers, this.size, tenant);
    if (choice.spawn) {
      const before = new Set(this.workers);
      const error = this.spawn();
      for (const worker of this.workers) if (!before.has(worker)) return worker;
      if (!choice.worker && error) throw error;
    }
    if (!choice.worker) throw new InternalError("cordon: could not start a pool worker");
    return choice.worker;
  }

  /** The sessions on `worker` are gone with it. */
  private loseSessions(worker: PoolWorker, reason: string): void {
    const sessions = [...worker.sessions.values()];
    worker.sessions.clear();
    for (const session of sessions) session.workerLost(reason);
  }

  private starting(): number {
    let n = 0;
    for (const worker of this.workers) if (worker.state === "starting") n += 1;
    return n;
  }

  /** Starts a worker if the pool has room for one; returns the error when the thread could not be created. */
  private spawn(): InternalError | undefined {
    if (this.disposed || this.workers.size >= this.size) return undefined;
    try {
      this.workers.add(new PoolWorker(this.settings, this.events));
      return undefined;
    } catch (cause) {
      const error = new InternalError("cordon: could not start a pool worker", { cause });
      if (this.workers.size === 0) this.failQueue(error);
      return error;
    }
  }

  /** Rejects every queued run: no worker is left that could take them. */
  private failQueue(error: Error): void {
    for (const task of this.tenants.drain()) task.reject(error);
  }

  /** While `task` waits, an abort takes it out (`remove` says whether it was still waiting) and ends it. */
  private onAbortWhileWaiting(task: Task, remove: () => boolean): void {
    const signal = task.signal;
    if (!signal) return;
    const onAbort = () => {
      if (remove()) task.stop("abort");
    };
    signal.addEventListener("abort", onAbort, { once: true });
    void task.promise.then(
      () => signal.removeEventListener("abort", onAbort),
      () => signal.removeEventListener("abort", onAbort),
    );
  }

  /** Removes a worker from the pool and ends its thread (disposal waits for it). */
  private retire(worker: PoolWorker): void {
    this.workers.delete(worker);
    const closed = worker.close();
    this.closing.add(closed);
    void closed.then(() => this.closing.delete(closed));
  }

  private onIdle(worker: PoolWorker): void {
    this.startFailures = 0;
    if (this.disposed) {
      this.retire(worker);
      return;
    }
    const memory = worker.memory;
    if (
      worker.runs >= this.maxRunsPerWorker ||
      (memory && memory.heapUsed + memory.external > this.maxWorkerMemoryBytes)
    ) {
      worker.due = true;
    }
    if (worker.due && worker.sessions.size === 0) {
      this.retire(worker);
      this.spawn();
      return;
    }
    this.takeNext(worker);
  }

  /** Gives the idle `worker` the next waiting run it may take (see TenantQueues.next), if any. */
  private takeNext(worker: PoolWorker): void {
    while (worker.state === "idle") {
      const next = this.tenants.next(worker.pinned, (task) => fits(this.workers, this.size, worker, task));
      if (!next || this.start(worker, next)) return;
    }
  }

  private onGone(worker: PoolWorker, startError?: unknown): void {
    this.workers.delete(worker);
    this.retire(worker);
    for (const task of worker.pinned.splice(0)) task.lost(worker.endReason);
    this.loseSessions(worker, worker.endReason);
    if (this.disposed) return;
    if (startError === undefined) {
      this.spawn();
      return;
    }
    this.startFailures += 1;
    if (this.startFailures < 3) {
      if (this.tenants.size > 0) this.spawn();
      return;
    }
    // Workers keep failing to start: stop retrying, and once no worker is left fail what waits (the next run()
    // tries again).
    if (this.workers.size === 0) {
      this.startFailures = 0;
      this.failQueue(new InternalError("cordon: could not start a pool worker", { cause: startError }));
    }
  }
}

/**
 * A sandbox's run defaults with one run's options on top, merged as resolveOptions merges them (globals and env by
 * key, everything else replaced). For a sandbox that sends its runs to a WorkerPool.
 */
export function mergeRunOptions(
  defaults: RunOptions | undefined,
  options: RunOptions | undefined,
): RunOptions {
  resolveOptions(defaults, options); // the same checks (and errors) as an inline run of the sandbox
  const merged: RunOptions = { ...defaults, ...options };
  if (defaults?.globals && options?.globals) merged.globals = { ...defaults.globals, ...options.globals };
  if (defaults?.env && options?.env) merged.env = { ...defaults.env, ...options.env };
  return merged;
}
