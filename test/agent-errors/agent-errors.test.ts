// Errors in the programs language models write, as a model needs them to fix the program: Node's name and
// message, V8's location (original TypeScript positions), cordon's hints, and a short report naming the line.
import { Buffer } from "node:buffer";
import { availableParallelism } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createSandbox,
  formatError,
  type RunOptions,
  type RunResult,
  run,
  type Sandbox,
} from "../../src/index.js";
import { type AgentErrorCase, cases, type ErrorExpectation, expectsError, WORKER_CASE_IDS } from "./cases.js";
import { type NodeOutcome, nodeReferences, sourceLine } from "./node-reference.js";

const MAX_REPORT_BYTES = 2048;

function runOptions(c: AgentErrorCase): RunOptions {
  const options: RunOptions = { filename: c.filename, timeoutMs: c.timeoutMs ?? 1000 };
  if (c.files) options.files = c.files;
  if (c.packages) options.packages = c.packages;
  return options;
}

let references = new Map<string, NodeOutcome>();

beforeAll(async () => {
  const compared = cases.filter((c) => expectsError(c) && c.expect.node);
  references = await nodeReferences(compared, Math.min(4, availableParallelism()));
}, 60_000);

const where = (l: { file: string; line: number; column: number } | undefined) =>
  l ? `${l.file}:${l.line}:${l.column}` : "no location";

function checkSuccess(result: RunResult): void {
  expect.soft(result.error, "error").toBeUndefined();
  expect.soft(result.ok, "ok").toBe(true);
  expect.soft(result.exitCode, "exitCode").toBe(0);
}

/** Name, location and message (and exit code) of a failed run against the case and Node's reference. */
function checkError(c: AgentErrorCase & { expect: ErrorExpectation }, result: RunResult): void {
  const want = c.expect;
  const error = result.error;
  const got = `${where(error?.location)} (${error?.name}: ${error?.message})`;
  expect.soft(result.ok, "ok").toBe(false);
  expect.soft(result.exitCode, "exitCode").toBe(want.exitCode ?? 1);
  expect.soft(error?.name, "name").toBe(want.name);
  if (want.name === "TimeoutError") {
    expect.soft(error?.location?.file, `location.file of ${got}`).toBe(want.location.file);
    expect.soft(error?.location?.line, `location.line of ${got}`).toBe(want.location.line);
    expect.soft(error?.location?.column ?? 0, `location.column of ${got}`).toBeGreaterThanOrEqual(1);
  } else {
    expect
      .soft(error?.location, `location ${where(error?.location)}, expected ${where(want.location)}`)
      .toEqual(want.location);
  }
  if (want.node) {
    const reference = references.get(c.id);
    expect(reference, "Node's outcome for the same program").toMatchObject({
      kind: "error",
      name: want.name,
    });
    if (reference?.kind === "error") expect.soft(error?.message, "message (Node's)").toBe(reference.message);
  } else if (typeof want.message === "string") {
    expect.soft(error?.message, "message").toBe(want.message);
  } else if (want.message) {
    expect.soft(error?.message ?? "", "message").toMatch(want.message);
  }
}

describe("errors of broken programs (isolation inline)", () => {
  for (const c of cases) {
    it(c.id, async () => {
      const result = await run(c.code, { ...runOptions(c), isolation: "inline" });
      if (!expectsError(c)) {
        checkSuccess(result);
        return;
      }
      checkError(c, result);
      if (c.expect.hint) expect.soft(result.error?.hint ?? "(no hint)", "hint").toMatch(c.expect.hint);
      const report = formatError(result);
      expect.soft(Buffer.byteLength(report), "formatError bytes").toBeLessThanOrEqual(MAX_REPORT_BYTES);
      const line = sourceLine(c, c.expect.location.file, c.expect.location.line);
      expect(line, "the case's source line").toBeDefined();
      expect.soft(report, "formatError names the line to fix").toContain(line);
    });
  }
});

describe("errors of broken programs (isolation worker)", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await createSandbox({ isolation: "worker" });
  });
  afterAll(() => sandbox?.dispose());

  for (const id of WORKER_CASE_IDS) {
    const c = cases.find((x) => x.id === id);
    if (!c) throw new Error(`no case ${id}`);
    it(c.id, async () => {
      const result = await sandbox.run(c.code, runOptions(c));
      if (expectsError(c)) checkError(c, result);
      else checkSuccess(result);
    });
  }
});
