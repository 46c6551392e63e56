// The fuzzer's own parts: programs are a function of (seed, index), grammar programs parse, mutations stay
// deterministic, and the checks catch what they are for (a run past its deadline, a host path in the output).
import { parse } from "acorn";
import { describe, expect, it } from "vitest";
import { loadCorpus } from "../fuzz/corpus.js";
import { generateProgram } from "../fuzz/gen-program.js";
import { mutate } from "../fuzz/mutate.js";
import { Rng, programSeed } from "../fuzz/prng.js";
import { type FuzzCase, makeCase, runCase } from "../fuzz/runner.js";

const corpus = loadCorpus(process.cwd());

describe("fuzz generators", () => {
  it("collects a corpus from test/agent-errors and the tests' run() calls", () => {
    expect(corpus.length).toBeGreaterThan(200);
    expect(corpus.some((e) => e.id.startsWith("agent-errors/"))).toBe(true);
    expect(corpus.some((e) => e.id.startsWith("test/programs.test.ts:"))).toBe(true);
    expect(new Set(corpus.map((e) => e.code)).size).toBe(corpus.length);
  });

  it("makes the same program and options from the same seed and index, and others from others", () => {
    const a = makeCase(7, 12, "both", corpus);
    const b = makeCase(7, 12, "both", corpus);
    expect(b.code).toBe(a.code);
    expect(JSON.stringify(b.options)).toBe(JSON.stringify(a.options));
    const others = new Set([0, 1, 2, 3, 4, 5].map((i) => makeCase(7, i, "both", corpus).code));
    expect(others.size).toBe(6);
    expect(makeCase(7, 12, "both", corpus).isolation).toBe("inline");
    expect(makeCase(7, 13, "both", corpus).isolation).toBe("worker");
    expect(makeCase(7, 13, "inline", corpus).isolation).toBe("inline");
  });

  it("mixes grammar programs and mutations, JavaScript and TypeScript entries", () => {
    const cases = Array.from({ length: 200 }, (_, i) => makeCase(3, i, "both", corpus));
    const grammar = cases.filter((c) => c.source === "grammar").length;
    expect(grammar).toBeGreaterThan(60);
    expect(grammar).toBeLessThan(180);
    expect(cases.some((c) => c.options.filename?.endsWith(".ts"))).toBe(true);
    for (const c of cases) {
      expect(c.options.timeoutMs).toBeGreaterThanOrEqual(50);
      expect(c.options.timeoutMs).toBeLessThanOrEqual(300);
    }
  });

  it("generates JavaScript that parses", () => {
    let checked = 0;
    for (let i = 0; i < 300; i++) {
      const program = generateProgram(new Rng(programSeed(11, i)), i % 3 === 0);
      if (/\.m?ts$/.test(program.filename)) continue;
      checked += 1;
      expect(() =>
        parse(program.code, {
          ecmaVersion: "latest",
          sourceType: "module",
          allowReturnOutsideFunction: true,
        }),
      ).not.toThrow();
    }
    expect(checked).toBeGreaterThan(150);
  });

  it("mutates a corpus program deterministically", () => {
    const entry = corpus[0]!;
    const one = mutate(new Rng(5), entry, corpus);
    expect(mutate(new Rng(5), entry, corpus)).toBe(one);
    const all = new Set(Array.from({ length: 20 }, (_, i) => mutate(new Rng(100 + i), entry, corpus)));
    expect(all.size).toBeGreaterThan(10);
  });

  it("mutates programs made of names that Object.prototype has (constructor, toString)", () => {
    const entry = {
      id: "names",
      code: "constructor.toString(hasOwnProperty, valueOf, __proto__)",
      filename: "main.js",
    };
    for (let i = 0; i < 500; i++) expect(typeof mutate(new Rng(i), entry, [entry])).toBe("string");
  });
});

describe("fuzz checks", () => {
  const base = (code: string, options: FuzzCase["options"] = {}): FuzzCase => ({
    seed: 0,
    index: 0,
    isolation: "inline",
    source: "grammar",
    code,
    options: { timeoutMs: 200, ...options },
  });

  it("passes a run that ends well", async () => {
    const outcome = await runCase(base("export default 1 + 1", { timeoutMs: 5000 }), 1500);
    expect(outcome).toMatchObject({ kind: "ok", problems: [] });
  });

  it("reports a run past its deadline and grace", async () => {
    const outcome = await runCase(base("while (true) {}", { timeoutMs: 100 }), -90);
    expect(outcome.kind).toBe("TimeoutError");
    expect(outcome.problems.join("\n")).toMatch(/past timeoutMs 100/);
  });

  it("reports a host path that reaches the guest's output", async () => {
    const leak = base("console.log(where())", { globals: { where: () => process.cwd() } });
    const outcome = await runCase(leak, 1500);
    expect(outcome.problems.join("\n")).toMatch(/a host path .* reached the guest/);
  });

  it("accepts a host function's error path under hostErrors verbatim, and the default redacts it", async () => {
    const verbatim = base("try { fail() } catch (e) { console.log(e.message) }", {
      globals: {
        fail: () => {
          throw new Error("at /work/secret/x.js");
        },
      },
      hostErrors: "verbatim",
    });
    const outcome = await runCase(verbatim, 1500);
    // "verbatim" asks for the path: no problem then; the default redacts it.
    expect(outcome.problems).toEqual([]);
    const redacted = await runCase(
      { ...verbatim, options: { ...verbatim.options, hostErrors: "redact" } },
      1500,
    );
    expect(redacted.problems).toEqual([]);
  });
});
