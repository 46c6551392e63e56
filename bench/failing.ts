// node --expose-gc --import tsx bench/failing.ts: the bench's fresh failing row against the passing one, measured
// alone with the bench's own methodology (warm-up, interleaved rounds of blocks, GC between blocks, medians).
import { ADD_CODE, ADD_VALUE, cordonCases, FAIL_CODE, rawCases } from "./cases.js";
import { measureInRounds, warmUp } from "./measure.js";

const rounds = Number(process.argv[2] ?? 10);
const cordon = await cordonCases();
const raw = await rawCases();
const cases = [
  cordon.inline(ADD_CODE, ADD_VALUE, "cordonInline", "cordon createSandbox().run()"),
  cordon.topLevel(ADD_CODE, ADD_VALUE, "cordonRun", "cordon run()"),
  cordon.failing(FAIL_CODE, "cordonFail", `cordon createSandbox().run() "${FAIL_CODE}"`),
  raw(ADD_CODE, ADD_VALUE, "raw", "raw quickjs-ng"),
];
for (const c of cases) await warmUp(c, 3000, 2000, 6000);
const results = await measureInRounds(
  cases.map((c) => ({ c, perRound: 400 })),
  rounds,
);
for (const s of results.values()) {
  console.log(
    `${s.label.padEnd(52)} median ${s.medianMs.toFixed(3)}  p95 ${s.p95Ms.toFixed(3)}  mean ${s.meanMs.toFixed(3)}`,
  );
}
const ratio = results.get("cordonFail")!.medianMs / results.get("cordonInline")!.medianMs;
console.log(`fresh failing run / fresh passing run  ${ratio.toFixed(2)}x`);
cordon.sandbox.dispose();
