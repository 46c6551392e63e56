#!/usr/bin/env node
// The `cordon` command. It uses only the public API.
import { readFile } from "node:fs/promises";
import { parseArgs, inspect } from "node:util";
import { formatError, type RunOptions, type RunResult, run } from "../index.js";
import { jsonValue } from "./json.js";

const USAGE = `Usage: cordon run <file | -> [options]

Runs a JavaScript file (or standard input with "-") in a fresh sandbox and prints its output and value.

Options:
  --timeout <ms>       wall-clock limit for the run (default 5000)
  --memory <MiB>       engine memory limit in MiB (default 64, at least 16)
  --input <json>       JSON passed to the program's exported function
  --env <KEY=VALUE>    a process.env entry for the guest (repeatable)
  --deterministic[=<seed>]
                       frozen clocks (the host's time in whole seconds) and Math.random
                       seeded with <seed> (default 0)
  --json               print the whole RunResult as JSON instead of streaming output
  -h, --help           show this help
  -v, --version        show the version

The exit code is the run's exitCode (0 ok, 1 error, 124 timeout, 137 memory limit).`;

async function readSource(file: string): Promise<string> {
  if (file !== "-") return readFile(file, "utf8");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function fail(message: string): never {
  process.stderr.write(`cordon: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    fail(`--${name} must be a positive number; got ${JSON.stringify(value)}`);
  return n;
}

/** `--deterministic` (seed 0) or `--deterministic=<seed>`. */
function deterministic(value: string): RunOptions["deterministic"] {
  if (value === "") return true;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    fail(`--deterministic takes a seed, a non-negative integer; got ${JSON.stringify(value)}`);
  }
  return { seed: Number(value) };
}

function printResult(result: RunResult): void {
  if (result.ok) {
    if (result.value !== undefined) process.stdout.write(`${inspect(result.value, { depth: 6 })}\n`);
    return;
  }
  // The error as a model or a person reads it: message, location, code frame, guest frames, hint.
  process.stderr.write(`${formatError(result, { maxBytes: 16 * 1024 })}\n`);
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (values.help || positionals.length === 0) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const [command, file, ...rest] = positionals;
  if (command !== "run") fail(`unknown command ${JSON.stringify(command)}`);
  if (!file) fail("run needs a file (or - for standard input)");
  if (rest.length > 0) fail(`unexpected arguments: ${rest.join(" ")}`);

  const options: RunOptions = { filename: file === "-" ? "stdin.js" : file };
  const timeoutMs = number(values.timeout, "timeout");
  if (timeoutMs !== undefined) options.timeoutMs = Math.round(timeoutMs);
  const memory = number(values.memory, "memory");
  if (memory !== undefined) options.memoryLimitBytes = Math.round(memory * 1024 * 1024);
  if (values.input !== undefined) {
    try {
      options.input = JSON.parse(values.input);
    } catch {
      fail("--input must be JSON");
    }
  }
  if (values.env) {
    options.env = {};
    for (const entry of values.env) {
      const eq = entry.indexOf("=");
      if (eq <= 0) fail(`--env takes KEY=VALUE; got ${JSON.stringify(entry)}`);
      options.env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
  }
  if (values.deterministic !== undefined) options.deterministic = deterministic(values.deterministic);
  if (!values.json) {
    options.onStdout = (chunk) => process.stdout.write(chunk);
    options.onStderr = (chunk) => process.stderr.write(chunk);
  }

  let code: string;
  try {
    code = await readSource(file);
  } catch (error) {
    fail(`cannot read ${file}: ${(error as Error).message}`);
  }
  const result = await run(code, options);
  if (values.json) process.stdout.write(`${JSON.stringify(jsonValue(result), null, 2)}\n`);
  else printResult(result);
  return result.exitCode;
}

function parse(argv: string[]) {
  return parseArgs({
    // A bare --deterministic takes no value (it would otherwise take the file name as its value).
    args: argv.map((arg) => (arg === "--deterministic" ? "--deterministic=" : arg)),
    allowPositionals: true,
    options: {
      timeout: { type: "string" },
      memory: { type: "string" },
      input: { type: "string" },
      env: { type: "string", multiple: true },
      deterministic: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`cordon: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
