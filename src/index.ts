// cordon: run untrusted JavaScript and TypeScript on QuickJS in WebAssembly, with limits and permissions that hold.
export {
  AbortError,
  BusyError,
  CordonError,
  type CordonErrorCode,
  DisposedError,
  InternalError,
  InvalidOptionError,
  MemoryLimitError,
  ResultTooLargeError,
  TimeoutError,
} from "./errors.js";
export {
  type CodeLanguage,
  type ExtractCodeOptions,
  type ExtractedCode,
  extractCode,
} from "./feedback/extract-code.js";
export {
  type FormatErrorOptions,
  type FormattableError,
  type FormattableResult,
  formatError,
} from "./feedback/format-error.js";
export type { FileTree, MountSpec } from "./capabilities/fs/vfs.js";
export type { NetOptions as NetworkOptions } from "./capabilities/net/transport.js";
export { DEFAULTS, type RunOptions } from "./sandbox/options.js";
export type { DeterministicOptions } from "./sandbox/deterministic.js";
export type {
  ErrorLocation,
  RunError,
  RunFailure,
  RunResult,
  RunResultBase,
  RunStats,
  RunSuccess,
} from "./sandbox/result.js";
export { WorkerPool, type WorkerPoolOptions } from "./pool/pool.js";
export { ProcessPool, type ProcessPoolOptions } from "./pool/process-pool.js";
export {
  createSandbox,
  type Isolation,
  run,
  type Sandbox,
  type SandboxOptions,
  type TopLevelRunOptions,
} from "./sandbox/sandbox.js";
export type { Session, SessionOptions } from "./session/session.js";
