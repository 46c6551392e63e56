// TypeScript on the host: types, enums, namespaces, parameter properties and `import type` handled by real
// transformers. sucrase (about 0.4 ms a file, keeps every line where it was) does almost every file; a file that
// declares a namespace with values, which sucrase does not support, goes to esbuild (about 1 ms). Both give source
// maps, so stack positions map back to the original file.
import { TraceMap, traceSegment } from "@jridgewell/trace-mapping";
import { transformSync } from "esbuild";
import { transform } from "sucrase";
import { offsetOf } from "../../diagnose/ast.js";
import { unexpected } from "../../diagnose/syntax.js";
import { TransformCache, type Transformed } from "./transform-cache.js";

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

  /** `cache`: the sandbox's cache; without one, a cache of this host's own. */
  constructor(private readonly cache = new TransformCache()) {}

  readonly transpile: Transpiler = (source, path, target, typescript = isTypeScriptPath(path)) => {
    const key = `${target}\0${typescript}\0${path}\0${source}`;
    let done = this.cache.get(key);
    if (!done) {
      done = transformOnce(source, path, target, typescript);
      this.cache.set(key, done);
    }
    if (done.map) this.maps.set(path, done.map);
    return done.code;
  };

  /** The original position of a position in transformed code, when a map is known. */
  originalPosition(file: string, line: number, column: number): { line: number; column: number } | undefined {
    let map = this.maps.get(file);
    if (!map) return undefined;
    if (typeof map === "string") {
      map = new TraceMap(map);
      this.maps.set(file, map);
    }
    // The segment at or before the position, plus the distance from its start: transformers map tokens, and a
    // position inside or just after a token (a `new` before its callee, a property after its dot) keeps its offset.
    const segment = traceSegment(map, line - 1, Math.max(0, column - 1));
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

function transformOnce(
  source: string,
  path: string,
  target: "esm" | "cjs",
  typescript: boolean,
): Transformed {
  transformsMade += 1;
  try {
    return transformWith(source, path, target, typescript);
  } catch (error) {
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
  if (Number.isNaN(line)) return new SyntaxError(detail);
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
): Transformed {
  const transforms: ("typescript" | "jsx" | "imports")[] = [];
  if (typescript) transforms.push("typescript");
  if (path.endsWith(".tsx") || path.endsWith(".jsx")) transforms.push("jsx");
  if (target === "cjs") transforms.push("imports");
  if (transforms.length === 0) return { code: source, map: undefined };
  if (typescript && VALUE_NAMESPACE.test(source)) {
    const result = transformSync(source, {
      loader: path.endsWith("x") ? "tsx" : "ts",
      format: target,
      sourcemap: "external",
      sourcefile: path,
      target: "es2022",
    });
    return { code: result.code, map: result.map };
  }
  const result = transform(source, {
    transforms,
    filePath: path,
    disableESTransforms: true,
    production: true,
    sourceMapOptions: { compiledFilename: path },
  });
  return { code: result.code, map: result.sourceMap ? JSON.stringify(result.sourceMap) : undefined };
}
