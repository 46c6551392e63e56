// npm, tsc and node run from the packaging tests, in an environment free of npm's own variables: under
// `npm test` npm sets npm_config_* (the local prefix among them), which would steer a nested npm to this repository.
import { execFile } from "node:child_process";

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cleanEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}

/** Runs a command to its end; a non-zero exit is an outcome, not a rejection. */
export function command(file: string, args: string[], cwd: string, timeoutMs = 60_000): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd, env: cleanEnvironment(), timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
