// Pooled isolation: WorkerPool runs code on worker threads, ProcessPool on worker threads inside child processes,
// both with the same contract as run().
export { BusyError } from "../errors.js";
export { mergeRunOptions, WorkerPool, type WorkerPoolOptions } from "./pool.js";
export { ProcessPool, type ProcessPoolOptions } from "./process-pool.js";
