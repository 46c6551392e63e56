// Types for require("cordon") from CommonJS: a .cts file, or a .ts file in a package without "type": "module".
//
// cordon is ES modules; on Node >= 20.19 require("cordon") returns the same module namespace that import gives. This
// file describes that namespace as a CommonJS module, so TypeScript accepts the require under every `module` setting
// for Node (node16 included, where TypeScript itself does not model require of an ES module). It refers to the ES
// declarations in dist/ with `resolution-mode: "import"` and adds nothing of its own: every type comes through
// `export type *`, and each value (a class also as its instance type) is listed below, a list that
// test/packaging.test.ts holds equal to what the package exports.
import type * as cordon from "./dist/index.js" with { "resolution-mode": "import" };

export type * from "./dist/index.js" with { "resolution-mode": "import" };

export declare const run: typeof cordon.run;
export declare const createSandbox: typeof cordon.createSandbox;
export declare const formatError: typeof cordon.formatError;
export declare const extractCode: typeof cordon.extractCode;
export declare const DEFAULTS: typeof cordon.DEFAULTS;

export declare const WorkerPool: typeof cordon.WorkerPool;
export type WorkerPool = cordon.WorkerPool;
export declare const ProcessPool: typeof cordon.ProcessPool;
export type ProcessPool = cordon.ProcessPool;

export declare const CordonError: typeof cordon.CordonError;
export type CordonError = cordon.CordonError;
export declare const AbortError: typeof cordon.AbortError;
export type AbortError = cordon.AbortError;
export declare const BusyError: typeof cordon.BusyError;
export type BusyError = cordon.BusyError;
export declare const DisposedError: typeof cordon.DisposedError;
export type DisposedError = cordon.DisposedError;
export declare const InternalError: typeof cordon.InternalError;
export type InternalError = cordon.InternalError;
export declare const InvalidOptionError: typeof cordon.InvalidOptionError;
export type InvalidOptionError = cordon.InvalidOptionError;
export declare const MemoryLimitError: typeof cordon.MemoryLimitError;
export type MemoryLimitError = cordon.MemoryLimitError;
export declare const ResultTooLargeError: typeof cordon.ResultTooLargeError;
export type ResultTooLargeError = cordon.ResultTooLargeError;
export declare const TimeoutError: typeof cordon.TimeoutError;
export type TimeoutError = cordon.TimeoutError;
