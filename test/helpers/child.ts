// Runs a TypeScript ES module snippet in a child Node process (from the project root) and reports how it ended:
// for tests that a process using cordon can exit on its own.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

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
