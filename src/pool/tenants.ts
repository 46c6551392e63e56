// Fair queueing across tenants. Runs that wait for a worker queue per tenant (first come, first served within a
// tenant); a worker that becomes free takes the waiting run whose tenant has the fewest runs in progress, the oldest
// first among equals. So a tenant's backlog never holds back another tenant's first run for longer than it takes a
// worker to free up (at most one run's deadline plus the watchdog's grace). Per-tenant caps bound the runs a tenant
// may have in progress (`maxRunning`: a worker is left idle rather than give a tenant more) and waiting
// (`maxQueued`: past it run() rejects with BusyError).
import { BusyError, InvalidOptionError } from "../errors.js";
import type { Task } from "./task.js";

export interface TenantLimits {
  /** Runs of one tenant in progress at once (on this pool); more wait. Default: no cap beyond the pool's size. */
  maxRunning?: number;
  /** Runs of one tenant waiting at once; past it run() rejects with BusyError. Default: only the pool's maxQueue. */
  maxQueued?: number;
}

/** Validates `perTenant` caps (the option is named `name` in errors). */
export function checkTenantLimits(name: string, limits: unknown): TenantLimits {
  if (limits === undefined) return {};
  if (limits === null || typeof limits !== "object") {
    throw new InvalidOptionError(name, "must be an object such as { maxRunning: 2, maxQueued: 100 }");
  }
  const out: TenantLimits = {};
  for (const [key, value] of Object.entries(limits)) {
    if (key !== "maxRunning" && key !== "maxQueued" && key !== "maxSessions") {
      throw new InvalidOptionError(
        `${name}.${key}`,
        "is not a per-tenant cap (maxRunning, maxQueued, maxSessions)",
      );
    }
    if (value === undefined) continue;
    const min = key === "maxRunning" ? 1 : 0;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
      throw new InvalidOptionError(
        `${name}.${key}`,
        `must be an integer of at least ${min}; got ${String(value)}`,
      );
    }
    if (key !== "maxSessions") out[key] = value;
  }
  return out;
}

/** How errors name a tenant. */
export function tenantName(tenant: string): string {
  return tenant === "" ? "the default tenant (runs without a `tenant`)" : `tenant ${JSON.stringify(tenant)}`;
}

export class TenantQueues {
  /** Waiting one-off runs, per tenant, oldest first. */
  private readonly waiting = new Map<string, Task[]>();
  /** Runs in progress per tenant (one-off and session runs). */
  private readonly running = new Map<string, number>();
  private count = 0;

  constructor(
    private readonly maxRunning: number,
    private readonly maxQueued: number,
  ) {}

  /** One-off runs waiting. */
  get size(): number {
    return this.count;
  }

  /** Runs of `tenant` in progress. */
  runningOf(tenant: string): number {
    return this.running.get(tenant) ?? 0;
  }

  /** Whether `tenant` may start one more run now. */
  mayStart(tenant: string): boolean {
    return this.runningOf(tenant) < this.maxRunning;
  }

  /** Throws BusyError when `tenant` already has `pinnedWaiting` + its queued one-off runs at its cap. */
  admit(tenant: string, pinnedWaiting: number): void {
    const queued = (this.waiting.get(tenant)?.length ?? 0) + pinnedWaiting;
    if (queued >= this.maxQueued) {
      throw new BusyError(
        `cordon: ${tenantName(tenant)} is at its cap of ${queued} runs waiting for a worker (perTenant.maxQueued); try again later`,
      );
    }
  }

  push(task: Task): void {
    let queue = this.waiting.get(task.tenant);
    if (!queue) {
      queue = [];
      this.waiting.set(task.tenant, queue);
    }
    queue.push(task);
    this.count += 1;
  }

  /** Takes `task` out of the queue (an abort); false when it was not waiting. */
  remove(task: Task): boolean {
    const queue = this.waiting.get(task.tenant);
    const index = queue ? queue.indexOf(task) : -1;
    if (!queue || index < 0) return false;
    queue.splice(index, 1);
    this.take(task.tenant, queue);
    return true;
  }

  /** Every waiting one-off run, taken out. */
  drain(): Task[] {
    const all = [...this.waiting.values()].flat().sort((a, b) => a.id - b.id);
    this.waiting.clear();
    this.count = 0;
    return all;
  }

  /**
   * The run a free worker should take next, taken out of its queue: among `pinned` (runs only that worker may take)
   * and the head of each tenant's queue that `fits` the worker, the one whose tenant has the fewest runs in progress,
   * the oldest first among equals. Tenants at maxRunning are passed over.
   */
  next(pinned: Task[], fits: (task: Task) => boolean): Task | undefined {
    let best: Task | undefined;
    const better = (task: Task) => {
      if (!this.mayStart(task.tenant)) return;
      if (!best) {
        best = task;
        return;
      }
      const a = this.runningOf(task.tenant);
      const b = this.runningOf(best.tenant);
      if (a < b || (a === b && task.id < best.id)) best = task;
    };
    for (const task of pinned) better(task);
    for (const queue of this.waiting.values()) {
      const head = queue[0];
      if (head && fits(head)) better(head);
    }
    const chosen = best as Task | undefined;
    if (!chosen) return undefined;
    const index = pinned.indexOf(chosen);
    if (index >= 0) pinned.splice(index, 1);
    else this.remove(chosen);
    return chosen;
  }

  /** `task` started on a worker; `ended` must be called once when it settles. */
  started(task: Task): void {
    this.running.set(task.tenant, this.runningOf(task.tenant) + 1);
  }

  ended(task: Task): void {
    const n = this.runningOf(task.tenant) - 1;
    if (n > 0) this.running.set(task.tenant, n);
    else this.running.delete(task.tenant);
  }

  private take(tenant: string, queue: Task[]): void {
    this.count -= 1;
    if (queue.length === 0) this.waiting.delete(tenant);
  }
}
