// Worker-thread isolation: WorkerPool runs code on worker threads with the same contract as run().
export { BusyError } from "../errors.js";
export { mergeRunOptions, WorkerPool, type WorkerPoolOptions } from "./pool.js";
