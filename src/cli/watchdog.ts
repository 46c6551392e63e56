// The CLI runs on the main thread; a native operation that never returns (a huge array join, say) blocks it, and
// with it the run's own deadline. The watchdog is a thread that does not need the blocked one: at the deadline plus
// a grace period it marks the run as stopped and ends the main thread's JavaScript through the inspector protocol.
// Node then exits; the main thread's exit handler reports the timeout and sets the exit code. If the inspector is
// missing, the watchdog kills the process.
import { writeSync } from "node:fs";
import { Worker } from "node:worker_threads";

const THREAD = `
const { workerData } = require("node:worker_threads");
setTimeout(() => {
  Atomics.store(workerData.flag, 0, 1);
  try {
    const session = new (require("node:inspector").Session)();
    session.connectToMainThread();
    session.post("Runtime.terminateExecution", () => {});
  } catch {
    process.kill(process.pid, "SIGKILL");
  }
}, workerData.afterMs);
`;

export interface Watchdog {
  /** The run ended by itself: the watchdog stands down. */
  disarm(): void;
}

/**
 * Arms a watchdog for `afterMs`. If it fires, the process exits with `exitCode` after `report` wrote to
 * `fd` (synchronously; it runs in the exit handler).
 */
export function armWatchdog(
  afterMs: number,
  report: { fd: 1 | 2; text: string; exitCode: number },
): Watchdog {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: { afterMs, flag },
    stdout: false,
    stderr: false,
  });
  worker.on("error", () => {});
  const onExit = () => {
    if (Atomics.load(flag, 0) !== 1) return;
    writeSync(report.fd, report.text);
    process.exitCode = report.exitCode;
  };
  process.on("exit", onExit);
  return {
    disarm() {
      // Too late if it has fired: the exit handler reports it.
      if (Atomics.compareExchange(flag, 0, 0, 2) !== 0) return;
      process.off("exit", onExit);
      // Not waited for: the process may end while the thread stops.
      worker.unref();
      void worker.terminate();
    },
  };
}
