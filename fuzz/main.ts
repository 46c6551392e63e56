// npm run fuzz -- [--runs N] [--seed S] [--isolation inline|worker|both] [--index I | --from I] [--keep-going]
//                  [--grace ms] [--check-every K] [--verbose]
//
// Runs generated and mutated guest programs through run() with small limits and checks that every run resolves to
// a RunResult by its deadline plus a grace, that the engine printed no assertion, that the host's memory stays
// bounded and that a trivial run still works. On a failure it prints a reproducer (and writes the program to
// fuzz-failures/<seed>-<index>.js) and exits 1. `--index I` runs program I of the seed alone; `--from I` starts the N programs at I.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadCorpus } from "./corpus.js";
import { describeOptions } from "./options.js";
import { hashString } from "./prng.js";
import {
  type FuzzCase,
  INLINE_NATIVE_OVERRUN,
  type Isolation,
  makeCase,
  runCase,
  trivialRun,
} from "./runner.js";
import { watchHost } from "./watch.js";

interface Args {
  runs: number;
  seed: number;
  isolation: Isolation | "both";
  index: number | undefined;
  from: number;
  keepGoing: boolean;
  verbose: boolean;
  graceMs: number;
  checkEvery: number;
  rssBoundBytes: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    runs: 2000,
    seed: Math.floor(Date.now() % 2 ** 31),
    isolation: "both",
    index: undefined,
    from: 0,
    keepGoing: false,
    verbose: false,
    graceMs: 1500,
    checkEvery: 100,
    rssBoundBytes: 1.5 * 1024 ** 3,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--runs") args.runs = Number.parseInt(value(), 10);
    else if (flag === "--seed") {
      const v = value();
      args.seed = /^\d+$/.test(v) ? Number(v) >>> 0 : hashString(v);
    } else if (flag === "--isolation") {
      const v = value();
      if (v !== "inline" && v !== "worker" && v !== "both")
        throw new Error("--isolation: inline, worker or both");
      args.isolation = v;
    } else if (flag === "--index") args.index = Number.parseInt(value(), 10);
    else if (flag === "--from") args.from = Number.parseInt(value(), 10);
    else if (flag === "--grace") args.graceMs = Number.parseInt(value(), 10);
    else if (flag === "--check-every") args.checkEvery = Math.max(1, Number.parseInt(value(), 10));
    else if (flag === "--keep-going") args.keepGoing = true;
    else if (flag === "--verbose") args.verbose = true;
    else throw new Error(`unknown argument ${flag}`);
  }
  if (!Number.isInteger(args.runs) || args.runs < 0) throw new Error("--runs must be a non-negative integer");
  return args;
}

const MiB = 1024 * 1024;
/** Error names whose messages the summary need not show (the guest's own, and the usual limits). */
const ORDINARY = new Set([
  "Error",
  "TypeError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "URIError",
  "AggregateError",
  "TimeoutError",
  "MemoryLimitError",
  "DataCloneError",
  "ResultTooLargeError",
  "ExitError",
  "UnsettledError",
  "AbortError",
]);

/** Outcomes after which the pool may have stopped the worker. */
const STOPPING = new Set(["TimeoutError", "AbortError", "InternalError", "MemoryLimitError"]);
const gc = (globalThis as { gc?: () => void }).gc;

function rss(): number {
  gc?.();
  return process.memoryUsage().rss;
}

function reproducer(fuzz: FuzzCase, problems: string[], args: Args): void {
  const dir = join(process.cwd(), "fuzz-failures");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${fuzz.seed}-${fuzz.index}.js`);
  const options = describeOptions(fuzz.options);
  const header = [
    `// cordon fuzz failure: seed ${fuzz.seed}, program ${fuzz.index}, isolation ${fuzz.isolation}, ${fuzz.source}${fuzz.origin ? ` of ${fuzz.origin}` : ""}`,
    `// again: npm run fuzz -- --seed ${fuzz.seed} --index ${fuzz.index} --isolation ${args.isolation}`,
    ...problems.map((p) => `// problem: ${p.split("\n").join("\n//   ")}`),
    fuzz.abortAfterMs !== undefined ? `// aborted after ${fuzz.abortAfterMs} ms` : "",
    `// options: ${options.split("\n").join("\n// ")}`,
  ].filter(Boolean);
  writeFileSync(file, `${header.join("\n")}\n${fuzz.code}`);
  console.log(
    `\nFAIL seed ${fuzz.seed} program ${fuzz.index} (${fuzz.isolation}, ${fuzz.source}${fuzz.origin ? ` of ${fuzz.origin}` : ""})`,
  );
  for (const p of problems) console.log(`  problem: ${p}`);
  console.log(`  options: ${options}`);
  if (fuzz.abortAfterMs !== undefined) console.log(`  aborted after ${fuzz.abortAfterMs} ms`);
  console.log(`  program:\n${fuzz.code}`);
  console.log(`  written to ${file}`);
  console.log(
    `  again: npm run fuzz -- --seed ${fuzz.seed} --index ${fuzz.index} --isolation ${args.isolation}`,
  );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const host = watchHost();
  const corpus = loadCorpus(process.cwd());
  const isolations: Isolation[] = args.isolation === "both" ? ["inline", "worker"] : [args.isolation];
  console.log(
    `cordon fuzz: seed ${args.seed}, ${args.index !== undefined ? `program ${args.index}` : `${args.runs} programs`}, isolation ${args.isolation}, corpus ${corpus.length} programs${gc ? "" : " (no --expose-gc: RSS is measured without a GC)"}`,
  );
  // Start-up (the worker pool, the engine module) is not counted against any program's deadline.
  for (const isolation of isolations) {
    const problem = await trivialRun(isolation);
    if (problem) throw new Error(problem);
  }
  const baseline = rss();
  let maxRss = baseline;
  const counts = new Map<string, number>();
  const samples = new Map<string, Set<string>>();
  const perIsolation = { inline: 0, worker: 0 };
  let failures = 0;
  let slowest = 0;
  const started = performance.now();
  const indices =
    args.index !== undefined ? [args.index] : Array.from({ length: args.runs }, (_, i) => args.from + i);
  for (const [n, index] of indices.entries()) {
    const fuzz = makeCase(args.seed, index, args.isolation, corpus);
    const outcome = await runCase(fuzz, args.graceMs);
    perIsolation[fuzz.isolation] += 1;
    const key = `${fuzz.isolation} ${outcome.kind}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    if (outcome.kind !== INLINE_NATIVE_OVERRUN) {
      slowest = Math.max(slowest, outcome.elapsedMs - (fuzz.options.timeoutMs ?? 0));
    }
    const problems = [...outcome.problems];
    if (outcome.message !== undefined && !ORDINARY.has(outcome.kind)) {
      const list = samples.get(outcome.kind) ?? new Set<string>();
      if (list.size < 5) list.add(`#${index}: ${outcome.message.slice(0, 160)}`);
      samples.set(outcome.kind, list);
    }
    // A worker stopped by the watchdog (a run past its deadline, or an abort it did not honour in time) is replaced
    // when work needs one; the replacement's start-up is the pool's, not the next program's, so it is waited for
    // here (and must work).
    if (fuzz.isolation === "worker" && STOPPING.has(outcome.kind)) {
      const problem = await trivialRun("worker");
      if (problem) problems.push(`after a worker was stopped: ${problem}`);
    }
    if ((n + 1) % args.checkEvery === 0 || n === indices.length - 1) {
      await new Promise((resolve) => setTimeout(resolve, 20)); // let piped worker stderr arrive
      for (const isolation of isolations) {
        const problem = await trivialRun(isolation);
        if (problem) problems.push(problem);
      }
      const now = rss();
      maxRss = Math.max(maxRss, now);
      if (now - baseline > args.rssBoundBytes) {
        problems.push(
          `host RSS grew by ${((now - baseline) / MiB).toFixed(0)} MiB (bound ${(args.rssBoundBytes / MiB).toFixed(0)} MiB)`,
        );
      }
      if (args.verbose || (n + 1) % 500 === 0) {
        const secs = ((performance.now() - started) / 1000).toFixed(1);
        console.log(`  ${n + 1}/${indices.length} programs, ${secs} s, RSS ${(now / MiB).toFixed(0)} MiB`);
      }
    }
    problems.push(...host.take());
    if (args.verbose)
      console.log(
        `  #${index} ${fuzz.isolation} ${fuzz.source} ${outcome.kind} ${outcome.elapsedMs.toFixed(0)} ms`,
      );
    if (problems.length > 0) {
      failures += 1;
      reproducer(fuzz, problems, args);
      if (!args.keepGoing) break;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  maxRss = Math.max(maxRss, process.resourceUsage().maxRSS * 1024);
  console.log(`\nprograms run: inline ${perIsolation.inline}, worker ${perIsolation.worker}`);
  console.log("outcomes:");
  for (const [key, count] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) {
    console.log(`  ${key.padEnd(32)} ${count}`);
  }
  for (const [kind, list] of samples) {
    console.log(`messages of ${kind}:`);
    for (const line of list) console.log(`  ${line}`);
  }
  console.log(
    `time ${seconds.toFixed(1)} s, max RSS ${(maxRss / MiB).toFixed(0)} MiB (start ${(baseline / MiB).toFixed(0)} MiB), longest past deadline ${slowest.toFixed(0)} ms`,
  );
  console.log(failures === 0 ? "no failures" : `${failures} failure(s)`);
  process.exit(failures === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
