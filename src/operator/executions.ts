// A run in progress or finished, as the long-running faces hold it: its output as it is written, its result when it
// ends, and a way to wait for it with a bound or to cancel it. A run that outlives one request (a long MCP tool call)
// is found again by its id.
import { randomBytes } from "node:crypto";
import type { RunResult } from "../index.js";
import type { ChangedFile } from "./files.js";

export type OutputStream = "stdout" | "stderr";
export type OutputListener = (stream: OutputStream, chunk: string) => void;

export interface Outcome {
  result: RunResult;
  /** Files the run created or changed. */
  files: ChangedFile[];
  /** The run was stopped by `cancel`. */
  cancelled: boolean;
}

/** An unguessable id with a prefix that says what it names. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("base64url")}`;
}

export class Execution {
  readonly id = newId("x");
  readonly startedAt = Date.now();
  readonly controller = new AbortController();
  stdout = "";
  stderr = "";
  outcome: Outcome | undefined;
  endedAt: number | undefined;
  /** Set once by start(); rejects only on host misuse (an option the library refused). */
  done!: Promise<Outcome>;
  private readonly listeners = new Set<OutputListener>();
  private cancelRequested = false;

  constructor(
    readonly sessionId: string | undefined,
    private readonly maxKeptChars: number,
  ) {}

  /** Starts tracking `work`, which runs the program with this execution's output callbacks and signal. */
  start(work: (hooks: RunHooks) => Promise<{ result: RunResult; files: ChangedFile[] }>): void {
    this.done = work({
      onStdout: (chunk) => this.write("stdout", chunk),
      onStderr: (chunk) => this.write("stderr", chunk),
      signal: this.controller.signal,
    }).then(({ result, files }) => {
      this.endedAt = Date.now();
      this.outcome = {
        result,
        files,
        cancelled: this.cancelRequested && result.error?.name === "AbortError",
      };
      this.listeners.clear();
      return this.outcome;
    });
    // A misuse error is reported to whoever waits; nobody waiting must not make it unhandled.
    this.done.catch(() => {});
  }

  /** The outcome if the run ends within `ms`, else undefined (still running). An abort of `signal` stops waiting. */
  async wait(ms: number, signal?: AbortSignal): Promise<Outcome | undefined> {
    if (this.outcome) return this.outcome;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, ms, undefined);
      onAbort = () => resolve(undefined);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    try {
      return await Promise.race([this.done, stop]);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    }
  }

  cancel(): void {
    if (this.outcome) return;
    this.cancelRequested = true;
    this.controller.abort();
  }

  /** Calls `listener` with each chunk written from now on, until the run ends or the returned function is called. */
  listen(listener: OutputListener): () => void {
    if (this.outcome) return () => {};
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private write(stream: OutputStream, chunk: string): void {
    // The run's own maxOutputBytes bounds what the result holds; this bounds what is kept while it runs.
    const kept = this[stream];
    if (kept.length < this.maxKeptChars)
      this[stream] = kept + chunk.slice(0, this.maxKeptChars - kept.length);
    for (const listener of this.listeners) listener(stream, chunk);
  }
}

export interface RunHooks {
  onStdout(chunk: string): void;
  onStderr(chunk: string): void;
  signal: AbortSignal;
}

/**
 * The executions the faces can still name: running ones, and finished ones for `keepMs` after they end (at most
 * `maxFinished` of those, the oldest forgotten first).
 */
export class ExecutionTable {
  private readonly byId = new Map<string, Execution>();

  constructor(
    private readonly keepMs: number,
    private readonly maxFinished: number,
  ) {}

  add(execution: Execution): void {
    this.prune();
    this.byId.set(execution.id, execution);
  }

  get(id: string): Execution | undefined {
    this.prune();
    return this.byId.get(id);
  }

  running(): Execution[] {
    return [...this.byId.values()].filter((e) => !e.outcome);
  }

  private prune(): void {
    const now = Date.now();
    const finished = [...this.byId.values()].filter((e) => e.outcome);
    let excess = finished.length - this.maxFinished;
    for (const e of finished) {
      if (excess > 0 || now - (e.endedAt ?? now) > this.keepMs) {
        this.byId.delete(e.id);
        excess--;
      }
    }
  }
}
