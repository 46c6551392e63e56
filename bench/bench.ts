// npm run bench [-- --json]: cordon against quickjs-ng with nothing on top and against @sebastianwessel/quickjs, in
// one process. Prints a table (or one JSON object with --json) and checks the performance targets. A missed target
// is reported, never turned into a failing exit code.
import { execFileSync } from "node:child_process";
import os from "node:os";
import {
  ADD_CODE,
  ADD_VALUE,
  cordonCases,
  deadlineInterrupt,
  FAIL_CODE,
  FIB_CODE,
  FIB_VALUE,
  rawCases,
  sebastianCase,
} from "./cases.js";
import { type BenchCase, measureInRounds, type Summary, warmUp } from "./measure.js";
import { benchColdStart } from "./cli.js";
import { benchFairness } from "./fairness.js";
import { benchMcp } from "./mcp.js";
import { benchPool } from "./pool.js";
import { runtimeCases } from "./runtime.js";

const json = process.argv.includes("--json");

const CONFIG = {
  warmUp: { minRuns: 3000, minMs: 2000, maxMs: 6000 },
  fast: { rounds: 10, perRound: 400 },
  sebastian: { warmUpRuns: 50, perRound: 30 },
  fib: { warmUpRuns: 3, rounds: 15 },
};

const TARGETS = {
  cordonMedianMs: 0.6,
  speedUpOverSebastian: 10,
  fibRatio: 1.1,
  tsFsMedianMs: 2,
  pooledMedianMs: 1,
  pooledRunsPerSec: 2000,
  sessionMedianMs: 0.2,
  idleSessionsRssBytes: 512 * 1024 * 1024,
  /** The fresh trivial run measured before the guest runtime (Node built-ins, files, modules) was added. */
  freshBaselineMs: 0.318,
  freshRegression: 1.1,
  /** A fresh failing run against a fresh passing one: explaining the error costs only on failure. */
  failingRatio: 1.3,
  /** `cordon run -e '1+1'` cold, against `node -e 0`. */
  coldStartRatio: 1.5,
};

const progress = (message: string): void => {
  process.stderr.write(`bench: ${message}\n`);
};

async function main(): Promise<void> {
  progress("setting up");
  const cordon = await cordonCases();
  const raw = await rawCases();
  const cordonInline = cordon.inline(ADD_CODE, ADD_VALUE, "cordonInline", "cordon createSandbox().run()");
  const cordonTop = cordon.topLevel(ADD_CODE, ADD_VALUE, "cordonRun", "cordon run()");
  const cordonFail = cordon.failing(FAIL_CODE, "cordonFail", `cordon createSandbox().run() "${FAIL_CODE}"`);
  const rawAdd = raw(ADD_CODE, ADD_VALUE, "raw", "raw quickjs-ng");
  const seb = await sebastianCase(ADD_CODE, ADD_VALUE, "sebastian", "@sebastianwessel/quickjs");

  const warmed: Record<string, number> = {};
  for (const c of [cordonInline, cordonTop, cordonFail, rawAdd]) {
    progress(`warming up ${c.label}`);
    const { minRuns, minMs, maxMs } = CONFIG.warmUp;
    warmed[c.key] = await warmUp(c, minRuns, minMs, maxMs);
  }
  const fastCases: { c: BenchCase; perRound: number }[] = [
    { c: cordonInline, perRound: CONFIG.fast.perRound },
    { c: cordonTop, perRound: CONFIG.fast.perRound },
    { c: cordonFail, perRound: CONFIG.fast.perRound },
    { c: rawAdd, perRound: CONFIG.fast.perRound },
  ];
  if ("once" in seb) {
    progress(`warming up ${seb.label}`);
    warmed[seb.key] = await warmUp(seb, CONFIG.sebastian.warmUpRuns, 0, Number.POSITIVE_INFINITY);
    fastCases.push({ c: seb, perRound: CONFIG.sebastian.perRound });
  } else {
    progress(`@sebastianwessel/quickjs unavailable: ${seb.unavailable}`);
  }
  progress(`measuring "${ADD_CODE}" in ${CONFIG.fast.rounds} rounds`);
  const add = await measureInRounds(fastCases, CONFIG.fast.rounds);

  const fibCases = [
    cordon.inline(FIB_CODE, FIB_VALUE, "cordonFib", "cordon fib(25)"),
    raw(FIB_CODE, FIB_VALUE, "rawFibPlain", "raw fib(25), no interrupt handler"),
    raw(FIB_CODE, FIB_VALUE, "rawFibInterrupt", "raw fib(25), deadline interrupt handler", {
      interrupt: deadlineInterrupt(5000),
    }),
  ];
  progress(`measuring fib(25) in ${CONFIG.fib.rounds} rounds`);
  for (const c of fibCases) await warmUp(c, CONFIG.fib.warmUpRuns, 0, Number.POSITIVE_INFINITY);
  const fib = await measureInRounds(
    fibCases.map((c) => ({ c, perRound: 1 })),
    CONFIG.fib.rounds,
  );
  cordon.sandbox.dispose();

  progress("measuring the guest runtime and sessions");
  const runtime = await runtimeCases();
  for (const c of runtime.cases) warmed[c.key] = await warmUp(c, 500, 1000, 4000);
  const more = await measureInRounds(
    runtime.cases.map((c) => ({ c, perRound: 200 })),
    CONFIG.fast.rounds,
  );
  runtime.dispose();
  progress("measuring pooled runs on worker threads");
  const pooled = await benchPool();
  progress("measuring pooled runs on worker threads in child processes");
  const pooledProcesses = await benchPool({ isolation: "process", roundTrips: 1000, throughputRuns: 2000 });
  const fairness = await benchFairness();
  progress("measuring the cordon command's cold start");
  const cold = benchColdStart(10);
  progress("measuring run_js calls through cordon mcp over stdio");
  const mcp = await benchMcp();
  progress("measuring 1,000 idle sessions");
  const idle = idleSessionsInChild("inline");
  progress("measuring 1,000 idle sessions on workers");
  const idleWorkers = idleSessionsInChild("worker");

  const get = (results: Map<string, Summary>, key: string): Summary | undefined => results.get(key);
  const inline = get(add, "cordonInline")!;
  const top = get(add, "cordonRun")!;
  const rawSummary = get(add, "raw")!;
  const failSummary = get(add, "cordonFail")!;
  const sebSummary = get(add, "sebastian");
  const cordonFib = get(fib, "cordonFib")!;
  const rawFibPlain = get(fib, "rawFibPlain")!;
  const rawFibInterrupt = get(fib, "rawFibInterrupt")!;

  const ratios = {
    cordonInlineVsRaw: inline.medianMs / rawSummary.medianMs,
    cordonRunVsRaw: top.medianMs / rawSummary.medianMs,
    sebastianSpeedUp: sebSummary ? sebSummary.medianMs / inline.medianMs : null,
    fibCordonVsRawPlain: cordonFib.medianMs / rawFibPlain.medianMs,
    fibCordonVsRawInterrupt: cordonFib.medianMs / rawFibInterrupt.medianMs,
    failingVsPassing: failSummary.medianMs / inline.medianMs,
  };
  const tsFs = get(more, "tsFs")!;
  const session = get(more, "session")!;
  const sessionWorker = get(more, "sessionWorker")!;
  const pooledBest = Math.max(...pooled.throughput.map((t) => t.runsPerSec));
  const targets = [
    {
      name: "pooled fresh run round trip median",
      want: `<= ${TARGETS.pooledMedianMs} ms`,
      actual: `${fmt(pooled.roundTrip.medianMs, 3)} ms`,
      pass: pooled.roundTrip.medianMs <= TARGETS.pooledMedianMs,
    },
    {
      name: "pooled runs/s, 64 callers (best worker count)",
      want: `>= ${TARGETS.pooledRunsPerSec}`,
      actual: fmt(pooledBest, 0),
      pass: pooledBest >= TARGETS.pooledRunsPerSec,
    },
    {
      name: "TS entry + node:fs + mounted file median",
      want: `<= ${TARGETS.tsFsMedianMs} ms`,
      actual: `${fmt(tsFs.medianMs, 3)} ms`,
      pass: tsFs.medianMs <= TARGETS.tsFsMedianMs,
    },
    {
      name: "fresh run vs before the guest runtime",
      want: `<= ${fmt(TARGETS.freshBaselineMs * TARGETS.freshRegression, 3)} ms`,
      actual: `${fmt(inline.medianMs, 3)} ms`,
      pass: inline.medianMs <= TARGETS.freshBaselineMs * TARGETS.freshRegression,
    },
    {
      name: 'session run("x += 1") median',
      want: `<= ${TARGETS.sessionMedianMs} ms`,
      actual: `${fmt(session.medianMs, 3)} ms`,
      pass: session.medianMs <= TARGETS.sessionMedianMs,
    },
    {
      name: 'session run("x += 1") on a worker, median',
      want: `<= ${TARGETS.sessionMedianMs} ms`,
      actual: `${fmt(sessionWorker.medianMs, 3)} ms`,
      pass: sessionWorker.medianMs <= TARGETS.sessionMedianMs,
    },
    {
      name: "1,000 idle sessions inline: process RSS",
      want: `<= ${TARGETS.idleSessionsRssBytes / 1048576} MiB`,
      actual: `${fmt(idle.rssAfterBytes / 1048576, 0)} MiB (${fmt(idle.perSessionBytes / 1024, 0)} KiB each)`,
      pass: idle.rssAfterBytes <= TARGETS.idleSessionsRssBytes,
    },
    {
      name: "1,000 idle sessions on workers: process RSS",
      want: `<= ${TARGETS.idleSessionsRssBytes / 1048576} MiB`,
      actual: `${fmt(idleWorkers.rssAfterBytes / 1048576, 0)} MiB (${fmt(idleWorkers.perSessionBytes / 1024, 0)} KiB each)`,
      pass: idleWorkers.rssAfterBytes <= TARGETS.idleSessionsRssBytes,
    },
    {
      name: "cordon inline median",
      want: `<= ${TARGETS.cordonMedianMs} ms`,
      actual: `${fmt(inline.medianMs, 3)} ms`,
      pass: inline.medianMs <= TARGETS.cordonMedianMs,
    },
    {
      name: "speed-up over @sebastianwessel/quickjs",
      want: `>= ${TARGETS.speedUpOverSebastian}x`,
      actual: ratios.sebastianSpeedUp === null ? "n/a" : `${fmt(ratios.sebastianSpeedUp, 1)}x`,
      pass: ratios.sebastianSpeedUp !== null && ratios.sebastianSpeedUp >= TARGETS.speedUpOverSebastian,
    },
    {
      name: "fib(25) cordon / raw (no interrupt handler)",
      want: `<= ${TARGETS.fibRatio}x`,
      actual: `${fmt(ratios.fibCordonVsRawPlain, 3)}x`,
      pass: ratios.fibCordonVsRawPlain <= TARGETS.fibRatio,
    },
    {
      name: "other tenant's first run behind a hostile burst",
      want: `<= ${fairness.deadlineMs + 250} ms (deadline + grace)`,
      actual: `${fmt(fairness.fairMs, 0)} ms`,
      pass: fairness.fairMs <= fairness.deadlineMs + 250,
    },
    {
      name: "cordon run -e '1+1' cold / node -e 0 (medians)",
      want: `<= ${TARGETS.coldStartRatio}x`,
      actual: `${fmt(cold.ratio, 2)}x`,
      pass: cold.ratio <= TARGETS.coldStartRatio,
    },
    {
      name: `fresh failing run ("${FAIL_CODE}") / passing run`,
      want: `<= ${TARGETS.failingRatio}x`,
      actual: `${fmt(ratios.failingVsPassing, 2)}x`,
      pass: ratios.failingVsPassing <= TARGETS.failingRatio,
    },
  ];

  if (json) {
    const report = {
      environment: {
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? null,
        gcExposed: typeof (globalThis as { gc?: unknown }).gc === "function",
      },
      config: CONFIG,
      warmUpRuns: warmed,
      cases: Object.fromEntries([...add, ...fib, ...more]),
      idleSessions: idle,
      idleSessionsOnWorkers: idleWorkers,
      pooled,
      pooledProcesses,
      fairness,
      coldStart: cold,
      mcp,
      sebastianUnavailable: "once" in seb ? null : seb.unavailable,
      ratios,
      targets,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }

  const cpu = os.cpus()[0]?.model ?? "unknown cpu";
  console.log(`\ncordon bench — node ${process.version}, ${os.cpus().length} x ${cpu}`);
  console.log(
    `warm-up runs: ${Object.entries(warmed)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")}\n`,
  );
  table([...add.values(), ...fib.values(), ...more.values()]);
  if (!("once" in seb)) console.log(`\n@sebastianwessel/quickjs was not measured: ${seb.unavailable}`);

  console.log(
    `\npooled (worker threads): round trip median ${fmt(pooled.roundTrip.medianMs, 3)} ms, p95 ${fmt(pooled.roundTrip.p95Ms, 3)} ms`,
  );
  for (const t of pooled.throughput) {
    console.log(
      `  ${t.workers} worker(s), ${t.concurrency} callers: ${fmt(t.runsPerSec, 0)} runs/s over ${t.runs} runs`,
    );
  }
  console.log(
    `pooled trivial run, process isolation (worker threads in child processes): round trip median ${fmt(pooledProcesses.roundTrip.medianMs, 3)} ms, p95 ${fmt(pooledProcesses.roundTrip.p95Ms, 3)} ms`,
  );
  for (const t of pooledProcesses.throughput) {
    console.log(
      `  ${t.workers} child process(es), ${t.concurrency} callers: ${fmt(t.runsPerSec, 0)} runs/s over ${t.runs} runs`,
    );
  }
  console.log(
    `1,000 idle sessions, each in a fresh process: inline ${fmt(idle.rssAfterBytes / 1048576, 0)} MiB process RSS (+${fmt(idle.perSessionBytes / 1024, 0)} KiB per session); on workers ${fmt(idleWorkers.rssAfterBytes / 1048576, 0)} MiB (+${fmt(idleWorkers.perSessionBytes / 1024, 0)} KiB per session, pool start-up included)`,
  );
  console.log(
    `tenants on 2 workers, another tenant's first run behind ${fairness.burst} hanging runs (${fairness.deadlineMs} ms deadline), median wait: fair queueing ${fmt(fairness.fairMs, 0)} ms; with perTenant.maxRunning 1 ${fmt(fairness.cappedMs, 0)} ms; one shared queue (no tenant keys) ${fmt(fairness.sharedMs, 0)} ms`,
  );

  console.log(
    `cold start, median of ${cold.runs} fresh processes each: node -e 0 ${fmt(cold.nodeMs, 1)} ms; cordon --version ${fmt(cold.versionMs, 1)} ms; cordon run -e '1+1' ${fmt(cold.runMs, 1)} ms (${fmt(cold.ratio, 2)}x node)`,
  );
  console.log(
    `cordon mcp over stdio: run_js "1+1", ${mcp.calls} calls one at a time: median ${fmt(mcp.medianMs, 3)} ms, p95 ${fmt(mcp.p95Ms, 3)} ms (pooled run round trip ${fmt(pooled.roundTrip.medianMs, 3)} ms)`,
  );

  console.log("\nratios (medians)");
  const ratioRows: [string, string][] = [
    ["cordon createSandbox().run() / raw quickjs-ng", `${fmt(ratios.cordonInlineVsRaw, 2)}x`],
    ["cordon run() / raw quickjs-ng", `${fmt(ratios.cordonRunVsRaw, 2)}x`],
    [
      "@sebastianwessel/quickjs / cordon inline (speed-up)",
      ratios.sebastianSpeedUp === null ? "n/a" : `${fmt(ratios.sebastianSpeedUp, 1)}x`,
    ],
    ["fib(25) cordon / raw, no interrupt handler", `${fmt(ratios.fibCordonVsRawPlain, 3)}x`],
    ["fib(25) cordon / raw, deadline interrupt handler", `${fmt(ratios.fibCordonVsRawInterrupt, 3)}x`],
    ["fresh failing run / fresh passing run", `${fmt(ratios.failingVsPassing, 2)}x`],
  ];
  const ratioWidth = Math.max(...ratioRows.map(([name]) => name.length));
  for (const [name, value] of ratioRows) console.log(`  ${name.padEnd(ratioWidth)}  ${value.padStart(8)}`);

  console.log("\ntargets");
  const targetWidth = Math.max(...targets.map((t) => t.name.length));
  for (const t of targets) {
    console.log(
      `  ${t.pass ? "PASS" : "FAIL"}  ${t.name.padEnd(targetWidth)}  ${t.actual.padStart(10)}  (want ${t.want})`,
    );
  }
}

interface IdleSessions {
  count: number;
  totalBytes: number;
  perSessionBytes: number;
  rssAfterBytes: number;
}

/** 1,000 idle sessions measured in a process of their own, so nothing else the bench did counts. */
function idleSessionsInChild(isolation: "inline" | "worker"): IdleSessions {
  const script = new URL("./idle-sessions.ts", import.meta.url).pathname;
  const out = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", script, isolation, "1000"], {
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop()!) as IdleSessions;
}

function fmt(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

function table(rows: readonly Summary[]): void {
  const header = ["case", "n", "median ms", "p95 ms", "mean ms", "runs/s"];
  const body = rows.map((s) => [
    s.label,
    String(s.n),
    fmt(s.medianMs, 3),
    fmt(s.p95Ms, 3),
    fmt(s.meanMs, 3),
    fmt(s.runsPerSec, 0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of body) console.log(line(row));
}

try {
  await main();
} catch (error) {
  // A case produced a wrong result or could not run: the numbers would be meaningless.
  console.error("bench: aborted:", error);
  process.exitCode = 1;
}
