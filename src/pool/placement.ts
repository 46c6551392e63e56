// Where a run or a session goes in a WorkerPool. A watchdog kill of a worker (a run that would not end) loses every
// session on it, so tenants' sessions are kept apart from other tenants' runs: a one-off run never goes to a worker
// holding another tenant's sessions while a worker without them is free or can be started, and a new session of a
// tenant leaves one worker free of sessions for other tenants' one-off runs. Runs and sessions without a tenant all
// belong to one default tenant.
import type { PoolWorker } from "./pool-worker.js";
import type { Task } from "./task.js";

/** Whether `worker` holds a session of a tenant other than `tenant`. */
function holdsOthers(worker: PoolWorker, tenant: string): boolean {
  for (const session of worker.sessions.values()) if (session.tenant !== tenant) return true;
  return false;
}

/**
 * Whether `worker` (of `workers`, in a pool of `size`) may take `task`: a session's run only its own worker; a
 * one-off run a worker holding no other tenant's sessions, unless every worker does and the pool is full.
 */
export function fits(workers: Set<PoolWorker>, size: number, worker: PoolWorker, task: Task): boolean {
  if (task.session !== undefined) return worker.sessions.has(task.session);
  if (!holdsOthers(worker, task.tenant)) return true;
  if (workers.size < size) return false;
  for (const other of workers) {
    if (other.state !== "closed" && !holdsOthers(other, task.tenant)) return false;
  }
  return true;
}

/** An idle worker for the one-off run `task`: one holding no sessions first. */
export function idleWorkerFor(workers: Set<PoolWorker>, size: number, task: Task): PoolWorker | undefined {
  let fallback: PoolWorker | undefined;
  for (const worker of workers) {
    if (worker.state !== "idle" || !fits(workers, size, worker, task)) continue;
    if (worker.sessions.size === 0) return worker;
    fallback ??= worker;
  }
  return fallback;
}

/**
 * Where a new session of `tenant` goes: `spawn` a new worker (falling back to `worker` if none can start), or
 * `worker`. Without a tenant: a new worker while the pool has room, else the one with the fewest sessions. With one:
 * the same while another worker (or room for one) stays free of sessions; else the worker holding only this
 * tenant's sessions with the fewest; else the one with the fewest sessions. Workers due for recycling are a last
 * resort.
 */
export function sessionPlace(
  workers: Set<PoolWorker>,
  size: number,
  tenant: string,
): { worker: PoolWorker | undefined; spawn: boolean } {
  let best: PoolWorker | undefined;
  let fallback: PoolWorker | undefined;
  let own: PoolWorker | undefined;
  let free = size - workers.size;
  for (const worker of workers) {
    if (worker.state === "closed") continue;
    if (!fallback || worker.sessions.size < fallback.sessions.size) fallback = worker;
    if (worker.due) continue;
    if (worker.sessions.size === 0) free += 1;
    if (!best || worker.sessions.size < best.sessions.size) best = worker;
    if (worker.sessions.size > 0 && !holdsOthers(worker, tenant)) {
      if (!own || worker.sessions.size < own.sessions.size) own = worker;
    }
  }
  const reserve = tenant !== "" && size >= 2 ? 1 : 0;
  if (tenant !== "" && free <= reserve && own) return { worker: own, spawn: false };
  const spawn = (!best || best.sessions.size > 0) && workers.size < size;
  return { worker: best ?? fallback, spawn };
}
