// The measured cases: cordon (createSandbox and run), quickjs-ng through quickjs-emscripten-core with nothing on
// top, and @sebastianwessel/quickjs. Every iteration checks its result, so a broken case cannot look fast.
import variant from "@jitl/quickjs-ng-wasmfile-release-sync";
import { loadQuickJs } from "@sebastianwessel/quickjs";
import {
  newQuickJSWASMModuleFromVariant,
  type QuickJSRuntime,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from "quickjs-emscripten-core";
import { createSandbox, type RunResult, run, type Sandbox } from "../src/index.js";
import type { BenchCase } from "./measure.js";

// The package's ESM entry default-exports the variant; its type declarations describe the CommonJS shape.
const syncVariant = variant as unknown as QuickJSSyncVariant;

export const ADD_CODE = "export default 1+1";
export const ADD_VALUE = 2;
/** A fresh run that fails: the error is explained (location, V8 message, code frame) only on this path. */
export const FAIL_CODE = "export default null.x";
export const FIB_CODE = "function fib(n){return n<2?n:fib(n-1)+fib(n-2)} export default fib(25)";
export const FIB_VALUE = 75025;

function check(actual: unknown, expected: unknown, what: string): void {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${String(expected)}, got ${JSON.stringify(actual) ?? String(actual)}`);
  }
}

function checkCordon(result: RunResult, expected: unknown, what: string): void {
  if (!result.ok) throw new Error(`${what}: run failed: ${JSON.stringify(result.error)}`);
  check(result.value, expected, what);
}

export async function cordonCases(): Promise<{
  sandbox: Sandbox;
  inline: (code: string, expected: unknown, key: string, label: string) => BenchCase;
  topLevel: (code: string, expected: unknown, key: string, label: string) => BenchCase;
  failing: (code: string, key: string, label: string) => BenchCase;
}> {
  const sandbox = await createSandbox({ isolation: "inline" });
  return {
    sandbox,
    inline: (code, expected, key, label) => ({
      key,
      label,
      once: async () => checkCordon(await sandbox.run(code), expected, label),
    }),
    topLevel: (code, expected, key, label) => ({
      key,
      label,
      once: async () => checkCordon(await run(code, { isolation: "inline" }), expected, label),
    }),
    failing: (code, key, label) => ({
      key,
      label,
      once: async () => {
        const result = await sandbox.run(code);
        if (result.ok || !result.error?.location || !result.error.frame) {
          throw new Error(`${label}: expected an explained failure, got ${JSON.stringify(result)}`);
        }
      },
    }),
  };
}

export interface RawSetup {
  /** An interrupt handler like a host enforcing a deadline would install; none when undefined. */
  interrupt?: (rt: QuickJSRuntime) => void;
}

/** Fresh runtime + context per iteration, evaluate as a module, read the default export, dispose everything. */
function rawOnce(engine: QuickJSWASMModule, code: string, setup: RawSetup): number {
  const rt = engine.newRuntime();
  try {
    setup.interrupt?.(rt);
    const ctx = rt.newContext();
    try {
      const namespace = ctx.unwrapResult(ctx.evalCode(code, "m.js", { type: "module" }));
      const value = ctx.getProp(namespace, "default");
      const number = ctx.getNumber(value);
      value.dispose();
      namespace.dispose();
      return number;
    } finally {
      ctx.dispose();
    }
  } finally {
    rt.dispose();
  }
}

export const deadlineInterrupt =
  (timeoutMs: number) =>
  (rt: QuickJSRuntime): void => {
    const deadline = performance.now() + timeoutMs;
    rt.setInterruptHandler(() => performance.now() > deadline);
  };

export async function rawCases(): Promise<
  (code: string, expected: number, key: string, label: string, setup?: RawSetup) => BenchCase
> {
  const engine = await newQuickJSWASMModuleFromVariant(syncVariant);
  return (code, expected, key, label, setup = {}) => ({
    key,
    label,
    once: () => check(rawOnce(engine, code, setup), expected, label),
  });
}

/** The @sebastianwessel/quickjs case, or the reason it is unavailable. */
export async function sebastianCase(
  code: string,
  expected: unknown,
  key: string,
  label: string,
): Promise<BenchCase | { unavailable: string }> {
  try {
    const { runSandboxed } = await loadQuickJs(syncVariant);
    const c: BenchCase = {
      key,
      label,
      once: async () => {
        const result = await runSandboxed(async ({ evalCode }) => evalCode(code));
        if (!result.ok) throw new Error(`${label}: run failed: ${JSON.stringify(result.error)}`);
        check(result.data, expected, label);
      },
    };
    await c.once();
    return c;
  } catch (error) {
    return { unavailable: error instanceof Error ? error.message : String(error) };
  }
}
