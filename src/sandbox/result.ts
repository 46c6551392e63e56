// The RunResult a program or a model acts on.

export interface ErrorLocation {
  file: string;
  line: number;
  column: number;
}

export interface RunError {
  name: string;
  /** In V8's words where the engine's differ (models know Node's messages). */
  message: string;
  /** `Name: message`, then the guest's own frames, positions in the original source. */
  stack?: string;
  /** File, line and column (1-based) of the failing expression in the original source. */
  location?: ErrorLocation;
  /** Up to five source lines around the location, with a caret under the column. */
  frame?: string;
  /** The likely fix, when cordon knows it (an option to grant, a missing `await`, Markdown passed as code). */
  hint?: string;
  /** The engine's own message, when `message` was reworded. */
  engineMessage?: string;
}

export interface RunStats {
  durationMs: number;
  /** Size of the engine's linear memory at the end of the run: what memoryLimitBytes bounds. */
  memoryBytes: number;
  hostCalls: number;
}

/** What every RunResult carries, whether the run succeeded or not. */
export interface RunResultBase {
  stdout: string;
  stderr: string;
  /** 0 ok, 1 uncaught error, n from process.exit(n), 124 TimeoutError, 137 MemoryLimitError, 130 AbortError. */
  exitCode: number;
  truncated: { stdout: boolean; stderr: boolean };
  stats: RunStats;
  /**
   * With returnFiles: files created or changed by the run (text as string, binary as Uint8Array). Absent when they
   * hold more than maxResultBytes together (the run then fails with ResultTooLargeError unless it failed already).
   */
  files?: Record<string, string | Uint8Array>;
}

/** A run that completed: `value` is the program's result (its default export or last expression). */
export interface RunSuccess extends RunResultBase {
  ok: true;
  value?: unknown;
  error?: undefined;
}

/** A run that failed: `error` says why. */
export interface RunFailure extends RunResultBase {
  ok: false;
  value?: undefined;
  error: RunError;
}

/** The outcome of a run: narrow on `ok` to reach `value` or `error`. */
export type RunResult = RunSuccess | RunFailure;

export const EXIT = { ok: 0, error: 1, unsettled: 13, timeout: 124, aborted: 130, memory: 137 } as const;

/** Frames of code the sandbox itself evaluates carry file names with this prefix; they never reach the user. */
export const INTERNAL_FILE_PREFIX = "cordon:";
