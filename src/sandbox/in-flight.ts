// The runs an owner (a sandbox, a session) has in progress on this thread, so that ending the owner ends them: each
// stops at once with a failure value, and no host function runs for it afterwards.
import type { Execution } from "./execution.js";
import { EXIT, type RunError } from "./result.js";

export class InFlight {
  private readonly runs = new Set<Execution>();
  private closedWith: { error: RunError; exitCode: number } | undefined;

  /** Tracks `execution` until it is done; one that starts after close() ends before it starts. */
  add(execution: Execution): void {
    if (this.closedWith) execution.end(this.closedWith.error, this.closedWith.exitCode);
    else this.runs.add(execution);
  }

  delete(execution: Execution): void {
    this.runs.delete(execution);
  }

  get size(): number {
    return this.runs.size;
  }

  /** Ends every run in progress with `error`, and every later one too. */
  close(error: RunError, exitCode: number = EXIT.aborted): void {
    this.closedWith ??= { error, exitCode };
    this.endAll(error, exitCode);
  }

  /** Ends the runs in progress with `error`; later runs are not affected. */
  endAll(error: RunError, exitCode: number = EXIT.aborted): void {
    for (const execution of this.runs) execution.end(error, exitCode);
    this.runs.clear();
  }
}

export const disposedWhileRunning = (what: string): RunError => ({
  name: "DisposedError",
  message: `the ${what} was disposed while the run was in progress`,
});
