// The error a session's run reports once the session's state is gone (memory cap, engine failure, expiry, or the
// worker thread holding it ended).
import type { RunError, RunResult } from "../sandbox/result.js";

export function sessionLostError(reason: string): RunError {
  return {
    name: "SessionLostError",
    message: `the session's state is gone: ${reason}; call reset() to start again`,
  };
}

export function lostResult(reason: string): RunResult {
  return {
    ok: false,
    error: sessionLostError(reason),
    stdout: "",
    stderr: "",
    exitCode: 1,
    truncated: { stdout: false, stderr: false },
    stats: { durationMs: 0, memoryBytes: 0, hostCalls: 0 },
  };
}
