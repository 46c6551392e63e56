// The CLI's run path as one file: `cordon run` loads it instead of the ~100 modules tsc emits, which halves the time
// it takes to load. Rarely needed dependencies stay separate (they load on first use, see src/platform/deps.ts), and
// so does the engine's module (src/platform/engine-module.ts): the command starts its compile before it loads this
// file, and both must see the one instance.
import { rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "dist/cli/run-command.js");
const shared = join(root, "dist/platform/engine-module.js");

/** Imports of the shared module stay imports, of its path from dist/cli/. */
const sharedModule = {
  name: "shared-module",
  setup(b) {
    b.onResolve({ filter: /engine-module\.js$/ }, (args) =>
      resolve(args.resolveDir, args.path) === shared
        ? { path: "../platform/engine-module.js", external: true }
        : undefined,
    );
  },
};

await build({
  entryPoints: [entry],
  outfile: entry,
  allowOverwrite: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["esbuild", "sucrase", "acorn", "@jridgewell/trace-mapping", "cjs-module-lexer"],
  plugins: [sharedModule],
  logLevel: "warning",
});
rmSync(`${entry}.map`, { force: true });
