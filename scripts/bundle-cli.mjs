// The CLI's run path as one file: `cordon run` loads it instead of the ~100 modules tsc emits, which halves the time
// it takes to load. Rarely needed dependencies stay separate (they load on first use, see src/platform/deps.ts).
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist/cli/run-command.js");
await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["esbuild", "sucrase", "acorn", "@jridgewell/trace-mapping", "cjs-module-lexer"],
  logLevel: "warning",
});
rmSync(`${entry}.map`, { force: true });
