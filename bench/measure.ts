// Timing helpers: warm-up, interleaved rounds of measured blocks, and the summary statistics the report prints.

/** One measured case: a label and a single iteration (sync or async) that throws if its result is wrong. */
export interface BenchCase {
  key: string;
  label: string;
  once: () => unknown;
}

export interface Summary {
  label: string;
  /** Measured iterations. */
  n: number;
  medianMs: number;
  p95Ms: number;
  meanMs: number;
  minMs: number;
  /** Iterations per second over the measured blocks, loop overhead included. */
  runsPerSec: number;
}

interface Samples {
  times: number[];
  blockMs: number;
}

const collectGarbage = (): void => {
  (globalThis as { gc?: () => void }).gc?.();
};

async function iterate(fn: () => unknown): Promise<void> {
  const result = fn();
  if (result instanceof Promise) await result;
}

/**
 * Runs `c` until it has done at least `minRuns` iterations and `minMs` milliseconds have passed (whichever comes
 * later), but never longer than `maxMs`. Returns the number of iterations.
 */
export async function warmUp(c: BenchCase, minRuns: number, minMs: number, maxMs: number): Promise<number> {
  const start = performance.now();
  let runs = 0;
  for (;;) {
    await iterate(c.once);
    runs += 1;
    const elapsed = performance.now() - start;
    if ((runs >= minRuns && elapsed >= minMs) || elapsed >= maxMs) break;
  }
  collectGarbage();
  return runs;
}

async function block(c: BenchCase, n: number, into: Samples): Promise<void> {
  const blockStart = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await iterate(c.once);
    into.times.push(performance.now() - t0);
  }
  into.blockMs += performance.now() - blockStart;
}

/**
 * Measures the cases in `rounds` rounds; in each round every case runs one block of its own size. The order of the
 * cases rotates from round to round, and the garbage collector runs between blocks, so no case always follows the
 * same neighbour or pays for another's garbage.
 */
export async function measureInRounds(
  cases: ReadonlyArray<{ c: BenchCase; perRound: number }>,
  rounds: number,
): Promise<Map<string, Summary>> {
  const samples = new Map<string, Samples>(cases.map(({ c }) => [c.key, { times: [], blockMs: 0 }]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < cases.length; i++) {
      const { c, perRound } = cases[(i + round) % cases.length]!;
      collectGarbage();
      await block(c, perRound, samples.get(c.key)!);
    }
  }
  collectGarbage();
  const out = new Map<string, Summary>();
  for (const { c } of cases) out.set(c.key, summarize(c.label, samples.get(c.key)!));
  return out;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function median(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summarize(label: string, { times, blockMs }: Samples): Summary {
  const sorted = [...times].sort((a, b) => a - b);
  const total = times.reduce((sum, t) => sum + t, 0);
  return {
    label,
    n: times.length,
    medianMs: median(sorted),
    p95Ms: percentile(sorted, 95),
    meanMs: total / times.length,
    minMs: sorted[0] ?? Number.NaN,
    runsPerSec: blockMs > 0 ? (times.length / blockMs) * 1000 : Number.NaN,
  };
}
