// Dependencies a run rarely needs, loaded on first use: esbuild (TypeScript with value namespaces), acorn (parsing a
// failing program for its error's location), trace-mapping (TypeScript positions) and cjs-module-lexer (CommonJS
// named exports). Loading them all up front costs more than a whole run; `cordon run -e '1+1'` needs none.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

function lazy<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(name) as T;
    return loaded;
  };
}

export const esbuild = lazy<typeof import("esbuild")>("esbuild");
export const acorn = lazy<typeof import("acorn")>("acorn");
export const traceMapping = lazy<typeof import("@jridgewell/trace-mapping")>("@jridgewell/trace-mapping");
export const cjsLexer = lazy<typeof import("cjs-module-lexer")>("cjs-module-lexer");
