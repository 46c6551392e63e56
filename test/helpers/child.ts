// Runs a TypeScript ES module snippet in a child Node process (from the project root) and reports how it ended:
// for tests that a process using cordon can exit on its own.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export interface ChildExit {
  code: number | null;
  stdout: string;
  stderr: string;
  /** When the process exited (Date.now()). */
  exitedAt: number;
}

export async function runChild(script: string): Promise<ChildExit> {
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (data) => {
    stdout += data;
  });
  child.stderr.on("data", (data) => {
    stderr += data;
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, stdout, stderr, exitedAt: Date.now() };
}

/**
 * Runs `script` (which prints its results, then "done <Date.now()>") and asserts it ended cleanly, printed
 * `expected`, and exited within seconds of finishing its work: nothing it created kept the process alive.
 */
export async function expectPromptExit(script: string, expected: string): Promise<void> {
  const { code, stdout, stderr, exitedAt } = await runChild(script);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  expect(stdout).toContain(expected);
  const doneAt = Number(/done (\d+)/.exec(stdout)?.[1]);
  // Anything cordon could leave holding the process open (a worker, a session's idle or TTL timer, a pending host
  // call) holds it for minutes or for ever; the margin is for a loaded machine tearing down threads.
  expect(exitedAt - doneAt).toBeLessThan(6000);
}
