// WorkerPool: runs on worker threads, with the same run() contract as inline runs. A worker takes one run at a time;
// runs queue (FIFO, up to maxQueue) while every worker is busy. A worker that does not answer by the run's deadline
// plus a grace period (a long native operation, a blocked thread) is terminated and replaced, and its run settles as
// a TimeoutError with the output received so far. Workers are recycled after maxRunsPerWorker runs or when the
// memory they report after a run passes maxWorkerMemoryBytes. Idle workers do not keep the process alive.
import os from "node:os";
import type { ResourceLimits } from "node:worker_threads";
import { BusyError, DisposedError, InternalError, InvalidOptionError } from "../errors.js";
import { type RunOptions, resolveOptions } from "../sandbox/options.js";
import type { RunResult } from "../sandbox/result.js";
import { PoolWorker, type WorkerEvents, type WorkerSettings } from "./pool-worker.js";
import { Task } from "./task.js";

export interface WorkerPoolOptions {
  /** Worker threads (runs at the same time). Default os.availableParallelism(). */
  workers?: number;
  /** Runs that may wait for a worker; past this run() rejects with BusyError. Default 1000. */
  maxQueue?: number;
  /** Limits for each worker thread. stackSizeMb defaults to 8 (it also sets the engine stack cap, see below). */
  resourceLimits?: ResourceLimits;
  /** Runs a worker serves before it is replaced. Default 10,000. */
  maxRunsPerWorker?: number;
  /** Heap plus external memory a worker may report after a run before it is replaced. Default 512 MiB. */
  maxWorkerMemoryBytes?: number;
  /** How long past a run's deadline (or an abort) a silent worker is given before it is terminated. Default 250. */
  graceMs?: number;
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
  private readonly queue: Task[] = [];
  private readonly closing = new Set<Promise<void>>();
  private readonly events: WorkerEvents;
  private nextId = 1;
  private startFailures = 0;
  private disposed = false;

  constructor(options: WorkerPoolOptions = {}) {
    this.size = count("workers", options.workers, os.availableParallelism(), 1);
    this.maxQueue = count("maxQueue", options.maxQueue, 1000, 0);
    this.maxRunsPerWorker = count("maxRunsPerWorker", options.maxRunsPerWorker, 10_000, 1);
    this.maxWorkerMemoryBytes = count("maxWorkerMemoryBytes", options.maxWorkerMemoryBytes, 512 * MiB, 1);
    const graceMs = count("graceMs", options.graceMs, 250, 0);
    const resourceLimits = { stackSizeMb: WORKER_STACK_MB, ...options.resourceLimits };
    const stackMb = resourceLimits.stackSizeMb ?? WORKER_STACK_MB;
    const maxStackBytes = Math.max(MIN_STACK_CAP, Math.floor(stackMb * STACK_CAP_PER_MB));
    this.settings = { resourceLimits, maxStackBytes, graceMs };
    this.events = {
      idle: (worker) => this.onIdle(worker),
      gone: (worker, startError) => this.onGone(worker, startError),
    };
  }

  /** Runs waiting for a worker. */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Runs `code` on a worker thread; the result is the same as an inline run's. Rejects with BusyError when every
   * worker is busy and the queue is full, with DisposedError once the pool is disposed.
   */
  async run(code: string, options: RunOptions = {}): Promise<RunResult> {
    if (this.disposed) throw new DisposedError("cordon: this worker pool was disposed; create a new one");
    if (typeof code !== "string") {
      throw new TypeError(`cordon: code must be a string; got ${code === null ? "null" : typeof code}`);
    }
    const resolved = resolveOptions(undefined, options);
    const task = new Task(this.nextId++, code, options, resolved);
    if (task.signal?.aborted) {
      task.stop("abort");
      return task.promise;
    }
    const idle = this.idleWorker();
    if (idle) {
      idle.dispatch(task);
      return task.promise;
    }
    if (this.workers.size < this.size) {
      const error = this.spawn();
      if (error && this.workers.size === 0) throw error;
    }
    if (this.queue.length >= this.maxQueue + this.starting()) {
      throw new BusyError(
        `cordon: all ${this.size} pool workers are busy and ${this.queue.length} runs are queued (maxQueue ${this.maxQueue}); try again later`,
      );
    }
    this.enqueue(task);
    return task.promise;
  }

  /** Ends every worker. Queued and running runs reject with DisposedError; later run() calls too. */
  async dispose(): Promise<void> {
    if (!this.disposed) {
      this.disposed = true;
      const error = new DisposedError("cordon: the worker pool was disposed before this run finished");
      for (const task of this.queue.splice(0)) task.reject(error);
      for (const worker of [...this.workers]) {
        worker.release()?.reject(error);
        this.retire(worker);
      }
    }
    while (this.closing.size > 0) await Promise.all([...this.closing]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  private idleWorker(): PoolWorker | undefined {
    for (const worker of this.workers) if (worker.state === "idle") return worker;
    return undefined;
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
    for (const task of this.queue.splice(0)) task.reject(error);
  }

  private enqueue(task: Task): void {
    this.queue.push(task);
    const signal = task.signal;
    if (!signal) return;
    const onAbort = () => {
      const index = this.queue.indexOf(task);
      if (index < 0) return;
      this.queue.splice(index, 1);
      task.stop("abort");
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
      this.retire(worker);
      this.spawn();
      return;
    }
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      if (worker.dispatch(next)) return;
    }
  }

  private onGone(worker: PoolWorker, startError?: unknown): void {
    this.workers.delete(worker);
    this.retire(worker);
    if (this.disposed) return;
    if (startError === undefined) {
      this.spawn();
      return;
    }
    this.startFailures += 1;
    if (this.startFailures < 3) {
      if (this.queue.length > 0) this.spawn();
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
