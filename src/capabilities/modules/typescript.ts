// TypeScript on the host: types, enums, namespaces, parameter properties and `import type` handled by real
// transformers. sucrase (about 0.4 ms a file, keeps every line where it was) does almost every file; a file that
// declares a namespace with values, which sucrase does not support, goes to esbuild (about 1 ms). Both give source
// maps, so stack positions map back to the original file.
//
// The source is the guest's, so the transform is held to the run's limits: a file larger than
// MAX_TYPESCRIPT_BYTES is refused before any transformer sees it, and sucrase (whose time can grow exponentially
// with nesting) runs on a thread of its own that is stopped at the run's deadline (see transform-thread.ts).
// esbuild's time is linear in its input; it runs where its service process may live (see NamespaceTransform).
import type { TraceMap } from "@jridgewell/trace-mapping";
import type { TransformOptions } from "esbuild";
import { offsetOf } from "../../diagnose/ast.js";
import { esbuild, traceMapping } from "../../platform/deps.js";
import { unexpected } from "../../diagnose/syntax.js";
import { TransformCache, type Transformed } from "./transform-cache.js";
import { sucraseUntil } from "./transform-thread.js";

/** The most TypeScript (UTF-8 bytes) one file may hold: beyond it the transform is refused as a SyntaxError. */
export const MAX_TYPESCRIPT_BYTES = 1024 * 1024;

/**
 * esbuild's transform of one file. esbuild's synchronous API keeps a service child process for the life of the
 * thread that called it; a thread terminated meanwhile (a pool worker stopped by its watchdog) leaves that process
 * behind, exited but never reaped. So the default runs it on the calling thread (an inline run: the caller's thread,
 * which cordon never terminates), and pool workers pass one that asks the pool's thread instead (see worker.ts).
 */
export type NamespaceTransform = (source: string, options: TransformOptions) => Transformed;

const esbuildHere: NamespaceTransform = (source, options) => {
  const result = esbuild().transformSync(source, options);
  return { code: result.code, map: result.map };
};

/** `namespace X {` or `module X {` not preceded by `declare`: a value namespace. */
const VALUE_NAMESPACE = /(^|[^\w$.])(?<!declare\s+)(?:namespace|module)\s+[A-Za-z_$][\w$.]*\s*\{/m;

/** Transforms `source`; `typescript` forces TypeScript whatever the file name. Throws a SyntaxError on bad syntax. */
export type Transpiler = (
  source: string,
  path: string,
  target: "esm" | "cjs",
  typescript?: boolean,
) => string;

const TS_EXTENSIONS = /\.(?:ts|tsx|mts|cts)$/;

export function isTypeScriptPath(path: string): boolean {
  return TS_EXTENSIONS.test(path);
}

/** Transforms (through the cache it is given, see transform-cache.ts) and maps positions back for one run. */
export class TypeScriptHost {
  /** Source maps of the files this run transformed: JSON text until a position is first mapped. */
  private readonly maps = new Map<string, string | TraceMap>();

  /**
   * `cache`: the sandbox's cache; without one, a cache of this host's own. `namespaces`: where esbuild runs (default:
   * this thread).
   */
  constructor(
    private readonly cache = new TransformCache(),
    private readonly namespaces: NamespaceTransform = esbuildHere,
  ) {}

  /**
   * A Transpiler that also takes the run's deadline (a performance.now() time); past it the transform ends with a
   * TransformTimeoutError. A file over MAX_TYPESCRIPT_BYTES fails as a SyntaxError.
   */
  transpile(
    source: string,
    path: string,
    target: "esm" | "cjs",
    typescript = isTypeScriptPath(path),
    deadline = Number.POSITIVE_INFINITY,
  ): string {
    checkSize(source, path);
    const key = `${target}\0${typescript}\0${path}\0${source}`;
    let done = this.cache.get(key);
    if (!done) {
      done = transformOnce(source, path, target, typescript, { deadline, namespaces: this.namespaces });
      this.cache.set(key, done);
    }
    if (done.map) this.maps.set(path, done.map);
    return done.code;
  }

  /** The original position of a position in transformed code, when a map is known. */
  originalPosition(file: string, line: number, column: number): { line: number; column: number } | undefined {
    let map = this.maps.get(file);
    if (!map) return undefined;
    if (typeof map === "string") {
      map = new (traceMapping().TraceMap)(map);
      this.maps.set(file, map);
    }
    // The segment at or before the position, plus the distance from its start: transformers map tokens, and a
    // position inside or just after a token (a `new` before its callee, a property after its dot) keeps its offset.
    const segment = traceMapping().traceSegment(map, line - 1, Math.max(0, column - 1));
    if (!segment || segment.length < 4) return undefined;
    const [generatedColumn, , originalLine, originalColumn] = segment as [number, number, number, number];
    return { line: originalLine + 1, column: originalColumn + (column - 1 - generatedColumn) + 1 };
  }
}

let transformsMade = 0;

/** How many transforms this process has made (cache misses); for tests. */
export function transformCount(): number {
  return transformsMade;
}

interface Limits {
  deadline: number;
  namespaces: NamespaceTransform;
}

function checkSize(source: string, path: string): void {
  // UTF-8 takes at least one byte per UTF-16 unit: most sources are decided without counting.
  if (source.length <= MAX_TYPESCRIPT_BYTES / 3) return;
  const bytes = Buffer.byteLength(source);
  if (bytes <= MAX_TYPESCRIPT_BYTES) return;
  const message = `${path} holds ${bytes} bytes of TypeScript; cordon transforms TypeScript files of at most 1 MiB (${MAX_TYPESCRIPT_BYTES} bytes): split it into smaller modules, or give it as JavaScript (a .js file is not transformed)`;
  const error = new SyntaxError(message);
  error.stack = `SyntaxError: ${message}\n    at ${path}:1:1`;
  throw error;
}

function transformOnce(
  source: string,
  path: string,
  target: "esm" | "cjs",
  typescript: boolean,
  limits: Limits,
): Transformed {
  transformsMade += 1;
  try {
    return transformWith(source, path, target, typescript, limits);
  } catch (error) {
    // The run's deadline or abort ended it: no SyntaxError (the run ends as a timeout or an abort).
    const name = (error as Error)?.name;
    if (name === "TimeoutError" || name === "AbortError") throw error;
    throw syntaxError(error, path, source);
  }
}

/** A transformer's complaint as the SyntaxError V8 would raise, at the file's line and column. */
function syntaxError(error: unknown, path: string, source: string): SyntaxError {
  const message = String((error as Error)?.message ?? error);
  const esbuild = /:(\d+):(\d+): ERROR: (.*)/.exec(message);
  const sucrase = /^(?:Error transforming [^:]*: )?(.*?)\s*\((\d+):(\d+)\)/.exec(message);
  const line = Number(esbuild?.[1] ?? sucrase?.[2] ?? Number.NaN);
  // esbuild's columns count from 0, sucrase's (as printed in its message) from 1.
  const column = esbuild ? Number(esbuild[2]) + 1 : sucrase ? Number(sucrase[3]) : Number.NaN;
  let detail = esbuild?.[3] ?? sucrase?.[1] ?? message;
  if (Number.isNaN(line)) {
    // No position (a transformer that is not installed): the file, and no host frame.
    const result = new SyntaxError(detail);
    result.stack = `SyntaxError: ${detail}\n    at ${path}`;
    return result;
  }
  if (/^(Unexpected|Expected|Unterminated)/.test(detail)) {
    const pos = offsetOf(source, line, column);
    detail = /^Unterminated/.test(detail) ? "Invalid or unexpected token" : unexpected(source, pos);
  }
  const result = new SyntaxError(detail);
  result.stack = `SyntaxError: ${detail}\n    at ${path}:${line}:${column}`;
  return result;
}

function transformWith(
  source: string,
  path: string,
  target: "esm" | "cjs",
  typescript: boolean,
  limits: Limits,
): Transformed {
  const transforms: ("typescript" | "jsx" | "imports")[] = [];
  if (typescript) transforms.push("typescript");
  if (path.endsWith(".tsx") || path.endsWith(".jsx")) transforms.push("jsx");
  if (target === "cjs") transforms.push("imports");
  if (transforms.length === 0) return { code: source, map: undefined };
  if (typescript && VALUE_NAMESPACE.test(source)) {
    return limits.namespaces(source, {
      loader: path.endsWith("x") ? "tsx" : "ts",
      format: target,
      sourcemap: "external",
      sourcefile: path,
      target: "es2022",
    });
  }
  const options = {
    transforms,
    filePath: path,
    disableESTransforms: true,
    production: true,
    sourceMapOptions: { compiledFilename: path },
  };
  return sucraseUntil(source, options, limits.deadline);
}
