// What Node says about a case: its files written to a fresh temporary directory in the same layout (TypeScript
// stripped with sucrase), the entry imported in a new worker thread by a small driver in a child process of this
// very Node, and the first uncaught error or unhandled rejection printed as { name, message }. Cases are batched
// over a few child processes (a worker thread starts several times faster than a process) to keep Node's time short.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { init, parse } from "es-module-lexer";
import { transform } from "sucrase";
import type { AgentErrorCase, CaseFiles } from "./cases.js";

export type NodeOutcome =
  | { kind: "error"; name: string; message: string }
  | { kind: "ok" }
  | { kind: "failed"; reason: string };

/** Every file of a case, entry included, by absolute path. */
export function caseSources(c: AgentErrorCase): Map<string, string> {
  const sources = new Map<string, string>();
  const walk = (tree: CaseFiles, prefix: string) => {
    for (const [name, value] of Object.entries(tree)) {
      const path = name.startsWith("/") ? name : `${prefix}/${name}`;
      if (typeof value === "string") sources.set(path, value);
      else walk(value, path);
    }
  };
  if (c.files) walk(c.files, "");
  sources.set(c.filename.startsWith("/") ? c.filename : `/${c.filename}`, c.code);
  return sources;
}

/** The text of line `line` (1-based) of `file` in the case, trimmed. */
export function sourceLine(c: AgentErrorCase, file: string, line: number): string | undefined {
  return caseSources(c).get(file)?.split(/\r?\n/)[line - 1]?.trim();
}

const MODULE_SYNTAX = /^\s*(?:import\s*[\w{*"']|export\s)/m;

async function hasModuleSyntax(code: string): Promise<boolean> {
  await init;
  try {
    return parse(code)[3];
  } catch {
    return MODULE_SYNTAX.test(code);
  }
}

const isTypeScript = (path: string) => /\.(?:ts|mts|cts|tsx)$/.test(path);

// The child's files, written once per batch next to the cases.

/** Loader hooks for TypeScript files (already stripped on disk): "./x" and "./x.js" find x.ts; .ts is a module. */
const HOOKS = `
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
export async function resolve(specifier, context, next) {
  if (/^\\.\\.?\\//.test(specifier) && context.parentURL) {
    const path = fileURLToPath(new URL(specifier, context.parentURL));
    if (!existsSync(path)) {
      for (const candidate of [path + ".ts", path.replace(/\\.js$/, ".ts"), path + "/index.ts"]) {
        if (existsSync(candidate)) return { url: pathToFileURL(candidate).href, shortCircuit: true };
      }
    }
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (url.endsWith(".ts")) {
    return { format: "module", source: readFileSync(fileURLToPath(url), "utf8"), shortCircuit: true };
  }
  return next(url, context);
}
`;

/** One case in a fresh worker thread (its own globals, handlers and module graph); its outcome to the driver. */
const WORKER = `
import { register } from "node:module";
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
let reported = false;
function report(error) {
  if (reported) return;
  reported = true;
  const isObject = error !== null && (typeof error === "object" || typeof error === "function");
  parentPort.postMessage({
    kind: "error",
    name: isObject ? String(error.name) : typeof error,
    message: isObject ? String(error.message) : String(error),
  });
}
process.on("uncaughtException", report);
process.on("unhandledRejection", report);
if (workerData.typescript) register("./hooks.mjs", import.meta.url);
try {
  await import(pathToFileURL(workerData.entry).href);
} catch (error) {
  report(error);
}
`;

const MARK = "@@node-reference@@ ";

/** The driver: runs the jobs listed in argv[2] one after another, each in a new worker, and prints each outcome. */
const DRIVER = `
import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";
const jobs = JSON.parse(readFileSync(process.argv[2], "utf8"));
for (const job of jobs) {
  const outcome = await new Promise((resolve) => {
    let settled = false;
    const worker = new Worker(new URL("./worker.mjs", import.meta.url), {
      workerData: job,
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    const settle = (value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
      void worker.terminate();
    };
    const timer = setTimeout(
      () => settle({ kind: "failed", reason: "no outcome after " + job.timeoutMs + " ms" }),
      job.timeoutMs,
    );
    worker.on("message", settle);
    worker.on("error", (error) => settle({ kind: "error", name: String(error?.name), message: String(error?.message) }));
    worker.on("exit", () => settle({ kind: "ok" }));
  });
  process.stdout.write(${JSON.stringify(MARK)} + JSON.stringify({ id: job.id, outcome }) + "\\n");
}
`;

export interface Materialized {
  dir: string;
  entry: string;
  typescript: boolean;
  /** A TypeScript file sucrase could not read: Node cannot run the case. */
  transformError?: { name: string; message: string };
}

/** Writes the case's files under a fresh directory in `parent`, laid out so Node runs them as cordon would. */
export async function materialize(c: AgentErrorCase, parent: string): Promise<Materialized> {
  const dir = await mkdtemp(join(parent, "case-"));
  const sources = caseSources(c);
  const entryPath = c.filename.startsWith("/") ? c.filename : `/${c.filename}`;
  let typescript = false;
  let transformError: Materialized["transformError"];
  let moduleLibraries = false;
  let entry = join(dir, entryPath);
  for (const [path, source] of sources) {
    let target = join(dir, path);
    let text = source;
    if (isTypeScript(path)) {
      typescript = true;
      try {
        text = transform(source, { transforms: ["typescript"], filePath: path }).code;
      } catch (error) {
        transformError ??= { name: (error as Error).name, message: (error as Error).message };
      }
    } else if (path.endsWith(".js") && (await hasModuleSyntax(source))) {
      if (path === entryPath) {
        // A module entry runs as .mjs: Node's messages are then those of a module without a package.json "type".
        target = target.replace(/\.js$/, ".mjs");
        entry = target;
      } else {
        moduleLibraries = true;
      }
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text);
  }
  if (moduleLibraries) await writeFile(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  const materialized: Materialized = { dir, entry, typescript };
  if (transformError) materialized.transformError = transformError;
  return materialized;
}

interface Job {
  id: string;
  entry: string;
  typescript: boolean;
  timeoutMs: number;
}

/** Runs one driver child over `jobs`; the outcome of each job by id. */
function runBatch(root: string, batch: number, jobs: Job[]): Promise<Map<string, NodeOutcome>> {
  return new Promise((resolve, reject) => {
    const jobsFile = join(root, `jobs-${batch}.json`);
    writeFile(jobsFile, JSON.stringify(jobs)).then(() => {
      const child = spawn(process.execPath, [join(root, "driver.mjs"), jobsFile], {
        cwd: root,
        env: { PATH: process.env.PATH ?? "" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
      });
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
      });
      child.on("error", reject);
      child.on("close", (code) => {
        const outcomes = new Map<string, NodeOutcome>();
        for (const line of stdout.split("\n")) {
          if (!line.startsWith(MARK)) continue;
          const { id, outcome } = JSON.parse(line.slice(MARK.length)) as { id: string; outcome: NodeOutcome };
          outcomes.set(id, outcome);
        }
        for (const job of jobs) {
          if (!outcomes.has(job.id)) {
            outcomes.set(job.id, {
              kind: "failed",
              reason: `driver exited ${code}: ${stderr.slice(0, 300)}`,
            });
          }
        }
        resolve(outcomes);
      });
    }, reject);
  });
}

/**
 * Node's outcome for each case: the cases spread over at most `concurrency` child processes of this Node, each
 * running its cases one after another, each case in a new worker thread.
 */
export async function nodeReferences(
  list: readonly AgentErrorCase[],
  concurrency = 4,
  timeoutMs = 5000,
): Promise<Map<string, NodeOutcome>> {
  const root = await mkdtemp(join(tmpdir(), "agent-errors-"));
  try {
    await writeFile(join(root, "driver.mjs"), DRIVER);
    await writeFile(join(root, "worker.mjs"), WORKER);
    await writeFile(join(root, "hooks.mjs"), HOOKS);
    const results = new Map<string, NodeOutcome>();
    const batches: Job[][] = Array.from(
      { length: Math.max(1, Math.min(concurrency, list.length)) },
      () => [],
    );
    for (const [index, c] of list.entries()) {
      const m = await materialize(c, root);
      if (m.transformError) {
        results.set(c.id, { kind: "failed", reason: `sucrase: ${m.transformError.message}` });
        continue;
      }
      batches[index % batches.length]!.push({
        id: c.id,
        entry: m.entry,
        typescript: m.typescript,
        timeoutMs,
      });
    }
    const outcomes = await Promise.all(batches.map((jobs, i) => runBatch(root, i, jobs)));
    for (const batch of outcomes) for (const [id, outcome] of batch) results.set(id, outcome);
    return results;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Node's outcome for one case. */
export async function nodeReference(c: AgentErrorCase): Promise<NodeOutcome> {
  const outcome = (await nodeReferences([c], 1)).get(c.id);
  return outcome ?? { kind: "failed", reason: "no outcome" };
}
