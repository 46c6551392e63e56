// node --import tsx bench/isolation.ts: the cost of the process boundary. For worker and process isolation (one
// worker / one child, already started), the median round trip of a trivial pooled run, and of a run making one and
// 101 synchronous host calls (the difference over 100 is one host call's round trip), and one awaiting an async
// host function. Prints one line per measurement.
import { ProcessPool, WorkerPool } from "../src/pool/index.js";

const RUNS = Number(process.env.RUNS ?? 1000);
const WARM_UP = 300;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function measure(pool: WorkerPool, code: string, globals?: Record<string, unknown>): Promise<number> {
  const once = async () => {
    const r = await pool.run(code, globals ? { globals } : {});
    if (!r.ok) throw new Error(`unexpected failure: ${JSON.stringify(r.error)}`);
  };
  for (let i = 0; i < WARM_UP; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await once();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const globals = { f: (x: number) => x + 1, g: async (x: number) => x + 1 };
for (const isolation of ["worker", "process"] as const) {
  const pool = isolation === "process" ? new ProcessPool({ processes: 1 }) : new WorkerPool({ workers: 1 });
  try {
    const trivial = await measure(pool, "export default 1 + 1");
    const one = await measure(pool, "export default f(1)", globals);
    const many = await measure(
      pool,
      "let s = f(1); for (let i = 0; i < 100; i++) s += f(i); export default s",
      globals,
    );
    const awaited = await measure(pool, "export default await g(1)", globals);
    const ms = (n: number) => `${n.toFixed(3)} ms`;
    console.log(
      `${isolation}: trivial run ${ms(trivial)}, run with 1 sync host call ${ms(one)}, with 101 ${ms(many)} ` +
        `(${ms((many - one) / 100)} per sync call), awaiting 1 async host call ${ms(awaited)} (medians of ${RUNS})`,
    );
  } finally {
    await pool.dispose();
  }
}
