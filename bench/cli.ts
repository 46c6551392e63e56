// Cold start of the `cordon` command: `cordon run -e '1+1'` against `node -e 0`, each a fresh process, run
// alternately (so both see the same machine load), median of the runs.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

export interface ColdStart {
  runs: number;
  nodeMs: number;
  versionMs: number;
  runMs: number;
  ratio: number;
}

function timed(args: string[], expected: string): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const ms = performance.now() - start;
  if (r.status !== 0 || !r.stdout.startsWith(expected)) {
    throw new Error(`${args.join(" ")} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  }
  return ms;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export function benchColdStart(runs = 10): ColdStart {
  if (!existsSync(CLI)) throw new Error("dist/cli/main.js is missing: run npm run build first");
  // One of each first, not counted: the files are in the page cache for all of them.
  timed(["-e", "0"], "");
  timed([CLI, "run", "-e", "1+1"], "2");
  const node: number[] = [];
  const cli: number[] = [];
  const version: number[] = [];
  for (let i = 0; i < runs; i++) {
    node.push(timed(["-e", "0"], ""));
    cli.push(timed([CLI, "run", "-e", "1+1"], "2"));
    version.push(timed([CLI, "--version"], ""));
  }
  const nodeMs = median(node);
  const runMs = median(cli);
  return { runs, nodeMs, versionMs: median(version), runMs, ratio: runMs / nodeMs };
}
