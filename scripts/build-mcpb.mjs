// `npm run mcpb`: an MCP bundle (.mcpb, a zip archive with manifest.json) that Claude Desktop installs in one click.
// Bundles from src/ (with src/generated/: run `npm run build` first). Writes dist-mcpb/cordon.mcpb, or --out <file>.
//
// The bundle:
//   manifest.json                  how to start `cordon mcp` over stdio, and the settings the user fills in
//   package.json                   "type": "module" for server/, and the version `cordon --version` prints
//   server/cli/main.js             the CLI and the MCP server, bundled by esbuild with their dependencies
//   server/cli/worker.js           the pool's worker thread (found beside the code that starts it, as in dist/)
//   server/cli/process-child.js    the pool's child process, likewise
//   node_modules/                  the packages cordon finds at run time by name, with their dependencies: the
//                                  QuickJS .wasm, sucrase (TypeScript), acorn, trace-mapping, cjs-module-lexer
//   LICENSE, THIRD_PARTY_LICENSES
// esbuild is left out: it is a native binary for one platform, and a bundle is for every platform. sucrase does all
// TypeScript except a namespace with values, which needs esbuild (a run that declares one fails with a message).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { zip } from "./zip.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { out: { type: "string" } } });
const out = resolve(values.out ?? join(root, "dist-mcpb/cordon.mcpb"));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** Packages cordon loads by name at run time (createRequire in src/platform): shipped as packages, not bundled. */
const RUNTIME_PACKAGES = [
  "@jitl/quickjs-ng-wasmfile-release-sync",
  "sucrase",
  "acorn",
  "@jridgewell/trace-mapping",
  "cjs-module-lexer",
];
/** Loaded on a path the bundle never takes (esbuild: see above; tsx: running from the TypeScript sources). */
const LEFT_OUT = ["esbuild", "tsx"];

const ENTRY = "server/cli/main.js";
/** `${user_config.key}`: the client puts the user's setting there. */
const setting = (key) => `\${user_config.${key}}`;
const manifest = {
  manifest_version: "0.3",
  name: "cordon",
  display_name: "cordon: JavaScript and TypeScript sandbox",
  version: pkg.version,
  description:
    "Run JavaScript and TypeScript on QuickJS in WebAssembly, with limits and permissions that hold.",
  long_description:
    "cordon runs the programs a model writes in a sandbox: QuickJS compiled to WebAssembly, with a time and memory " +
    "limit on every run, no network unless you allow hosts, and no host files but the directories you choose " +
    "(read-only, at /mnt/<name>). Programs can be TypeScript; sessions keep state between calls.",
  author: { name: "cordon contributors" },
  license: pkg.license,
  keywords: ["sandbox", "javascript", "typescript", "code-execution", "quickjs", "webassembly"],
  server: {
    type: "node",
    entry_point: ENTRY,
    mcp_config: {
      command: "node",
      // A list setting alone in an argument becomes one argument per value: the directories for --mount-dirs.
      args: [
        `\${__dirname}/${ENTRY}`,
        "mcp",
        `--allow-net=${setting("allowed_hosts")}`,
        `--timeout=${setting("timeout_seconds")}s`,
        `--memory=${setting("memory_mb")}mb`,
        "--mount-dirs",
        setting("allowed_directories"),
      ],
      env: {},
    },
  },
  tools: [
    {
      name: "run_js",
      description: "Run a JavaScript or TypeScript program in the sandbox and return its result",
    },
    { name: "wait", description: "Wait for a run that is still going and return its result" },
    { name: "cancel", description: "Stop a run that is still going" },
    { name: "create_session", description: "Open a session whose variables, imports and files persist" },
    { name: "close_session", description: "Close a session and free its state" },
  ],
  compatibility: { platforms: ["darwin", "win32", "linux"], runtimes: { node: pkg.engines.node } },
  user_config: {
    allowed_hosts: {
      type: "string",
      title: "Allowed network hosts",
      description:
        "Hosts programs may fetch, separated by commas: api.example.com, *.example.com, http://127.0.0.1:8080. " +
        "Empty: no network.",
      default: "",
      required: false,
    },
    allowed_directories: {
      type: "directory",
      title: "Readable directories",
      description: "Directories programs may read (never write), each at /mnt/<its name>.",
      multiple: true,
      default: [],
      required: false,
    },
    timeout_seconds: {
      type: "number",
      title: "Time limit (seconds)",
      description: "Wall-clock limit of one run; a tool call may ask for less.",
      default: 60,
      min: 1,
      max: 3600,
      required: false,
    },
    memory_mb: {
      type: "number",
      title: "Memory limit (MiB)",
      description: "Engine memory of one run or session.",
      default: 64,
      min: 16,
      max: 2048,
      required: false,
    },
  },
};

/** Every file under `dir`, as paths relative to it, sorted. */
function walk(dir, base = dir) {
  const files = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...walk(path, base));
    else files.push(relative(base, path));
  }
  return files;
}

/** The directory of package `name` as Node resolves it from `from`. */
function packageDir(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) throw new Error(`build-mcpb: cannot find the package ${name} from ${from}`);
  }
}

/** Files of a package the bundle needs: not source maps or type declarations. */
const kept = (file) => !/\.(?:map|d\.ts|d\.mts|d\.cts)$/.test(file);

/** Adds package `name` (as found from `from`) and its dependencies to `files`, at the same place under root. */
function addPackage(name, from, files, seen = new Set()) {
  const dir = packageDir(name, from);
  if (seen.has(dir)) return;
  seen.add(dir);
  for (const file of walk(dir).filter(kept))
    files.set(relative(root, join(dir, file)), readFileSync(join(dir, file)));
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  for (const dep of Object.keys(manifest.dependencies ?? {})) addPackage(dep, dir, files, seen);
}

/** The license text of every package esbuild put in the bundle, from its LICENSE file. */
function thirdPartyLicenses(inputs) {
  const dirs = new Set();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) dirs.add(join(root, match[1]));
  }
  const sections = [];
  for (const dir of [...dirs].sort()) {
    const { name, version, license } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const file = readdirSync(dir).find((f) => /^(?:licen[cs]e|copying)/i.test(f));
    const text = file
      ? readFileSync(join(dir, file), "utf8").trim()
      : `License: ${license ?? "see the package"}`;
    sections.push(`${name}@${version}\n\n${text}`);
  }
  return `Packages bundled into server/cli/*.js (those under node_modules/ carry their own):\n\n${sections.join(`\n\n${"-".repeat(78)}\n\n`)}\n`;
}

if (!existsSync(join(root, "src/generated")))
  throw new Error("build-mcpb: src/generated is missing; run npm run build");
const bundled = await build({
  entryPoints: {
    "server/cli/main": join(root, "src/cli/main.ts"),
    "server/cli/worker": join(root, "src/pool/worker.ts"),
    "server/cli/process-child": join(root, "src/pool/process-child.ts"),
  },
  outdir: "/",
  absWorkingDir: root, // the metafile's input paths are relative to it
  write: false,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: [...RUNTIME_PACKAGES, ...LEFT_OUT],
  metafile: true,
  logLevel: "warning",
});

/** @type {Map<string, Uint8Array>} bundle path → bytes */
const files = new Map();
files.set("manifest.json", Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
const serverPkg = {
  name: "cordon",
  version: pkg.version,
  private: true,
  type: "module",
  license: pkg.license,
};
files.set("package.json", Buffer.from(`${JSON.stringify(serverPkg, null, 2)}\n`));
files.set("LICENSE", readFileSync(join(root, "LICENSE")));
for (const output of bundled.outputFiles) files.set(relative("/", output.path), output.contents);
files.set("THIRD_PARTY_LICENSES", Buffer.from(thirdPartyLicenses(Object.keys(bundled.metafile.inputs))));
for (const name of RUNTIME_PACKAGES) addPackage(name, root, files);

const names = [...files.keys()].sort();
const archive = zip(names.map((name) => ({ name: name.split("\\").join("/"), data: files.get(name) })));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, archive);
const unpacked = names.reduce((sum, name) => sum + files.get(name).byteLength, 0);
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
console.log(
  `${relative(process.cwd(), out)}: ${names.length} files, ${mb(unpacked)} unpacked, ${mb(archive.length)}`,
);
