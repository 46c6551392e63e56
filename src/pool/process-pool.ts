// ProcessPool (isolation "process"): the pool of WorkerPool — the same queueing, sessions, recycling and watchdog,
// the same run() contract — whose workers each live in a child Node process of their own (see process-link.ts). A
// bug in the engine or in V8's WebAssembly then corrupts a child, not the host. Host functions stay in the host
// process: the child forwards each call and waits for the answer, so synchronous ones stay synchronous for the guest.
//
// A child that does not answer by a run's deadline plus graceMs is killed (SIGKILL) and replaced; its run settles as
// a TimeoutError with the output so far and its sessions are lost (SessionLostError). A child that dies settles its
// run as InternalError and is replaced. dispose() kills every child and resolves once they have exited.
import os from "node:os";
import type { ResourceLimits } from "node:worker_threads";
import { InvalidOptionError } from "../errors.js";
import type { LinkFactory } from "./link.js";
import { WorkerPool } from "./pool.js";
import { processLink } from "./process-link.js";
import type { TenantLimits } from "./tenants.js";

export interface ProcessPoolOptions {
  /** Child processes (runs at the same time). Default os.availableParallelism(). */
  processes?: number;
  /** Runs that may wait for a child; past this run() rejects with BusyError. Default 1000. */
  maxQueue?: number;
  /**
   * How long past a run's deadline (or an abort) a silent child is given before it is killed. Default 500: an
   * answer crosses two hops (worker thread, then IPC), and a killed child costs a new process.
   */
  graceMs?: number;
  /** Runs a child serves before it is replaced. Default 10,000. */
  maxRunsPerProcess?: number;
  /** Heap plus external memory the child's worker may report after a run before the child is replaced. 512 MiB. */
  maxProcessMemoryBytes?: number;
  /** Limits of the worker thread inside each child (as WorkerPoolOptions.resourceLimits). */
  resourceLimits?: ResourceLimits;
  /** Caps per tenant, as WorkerPoolOptions.perTenant. */
  perTenant?: TenantLimits;
}

const OPTIONS = new Set([
  "processes",
  "maxQueue",
  "graceMs",
  "maxRunsPerProcess",
  "maxProcessMemoryBytes",
  "resourceLimits",
  "perTenant",
]);

function check(options: ProcessPoolOptions): void {
  if (options === null || typeof options !== "object") {
    throw new InvalidOptionError(
      "processPool",
      `must be an object; got ${options === null ? "null" : typeof options}`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!OPTIONS.has(key)) {
      throw new InvalidOptionError(
        `processPool.${key}`,
        `is not an option of processPool (${[...OPTIONS].join(", ")})`,
      );
    }
  }
  const counts: [keyof ProcessPoolOptions, number][] = [
    ["processes", 1],
    ["maxQueue", 0],
    ["graceMs", 0],
    ["maxRunsPerProcess", 1],
    ["maxProcessMemoryBytes", 1],
  ];
  for (const [name, min] of counts) {
    const value = options[name];
    if (value !== undefined && (typeof value !== "number" || !Number.isInteger(value) || value < min)) {
      throw new InvalidOptionError(
        `processPool.${name}`,
        `must be an integer of at least ${min}; got ${String(value)}`,
      );
    }
  }
}

export class ProcessPool extends WorkerPool {
  private readonly children = new Set<number>();

  /** `internal.shareTransforms`: as WorkerPool's (the pool serves one sandbox). */
  constructor(options: ProcessPoolOptions = {}, internal: { shareTransforms?: boolean } = {}) {
    check(options);
    const children = new Set<number>();
    const link: LinkFactory = (settings, handlers) => {
      const started = processLink(settings, {
        ...handlers,
        exit: (detail) => {
          if (started.pid !== undefined) children.delete(started.pid);
          handlers.exit(detail);
        },
      });
      if (started.pid !== undefined) children.add(started.pid);
      return started;
    };
    super(
      {
        workers: options.processes ?? os.availableParallelism(),
        maxQueue: options.maxQueue,
        graceMs: options.graceMs ?? 500,
        maxRunsPerWorker: options.maxRunsPerProcess,
        maxWorkerMemoryBytes: options.maxProcessMemoryBytes,
        resourceLimits: options.resourceLimits,
        perTenant: options.perTenant,
      },
      { ...internal, link },
    );
    this.children = children;
  }

  /** The process ids of the live children (a diagnostic). */
  get pids(): number[] {
    return [...this.children];
  }
}
