// The command line of `cordon`, parsed and checked. A mistake is a UsageError: one line on stderr, exit code 2.
import { parseArgs } from "node:util";

export class UsageError extends Error {
  override name = "UsageError";
}

export interface RunCommand {
  /** A file path, "-" for standard input, or undefined with `eval`. */
  file: string | undefined;
  eval: string | undefined;
  /** The program's process.argv.slice(2). */
  args: string[];
  timeoutMs: number | undefined;
  memoryBytes: number | undefined;
  allowNet: string[];
  mounts: { hostPath: string; guestPath: string; readOnly: boolean }[];
  files: string | undefined;
  cwd: string | undefined;
  env: Record<string, string>;
  packages: string[];
  typescript: boolean;
  input: { json: unknown } | undefined;
  call: boolean;
  json: boolean;
  deterministic: boolean | { seed: number } | undefined;
  help: boolean;
}

export type Command =
  | { kind: "help"; topic: "main" | "run" | "mcp" }
  | { kind: "version" }
  | { kind: "run"; run: RunCommand }
  | { kind: "mcp"; argv: string[] };

const RUN_OPTIONS = {
  eval: { type: "string", short: "e" },
  timeout: { type: "string" },
  memory: { type: "string" },
  "allow-net": { type: "string", multiple: true },
  mount: { type: "string", multiple: true },
  files: { type: "string" },
  cwd: { type: "string" },
  env: { type: "string", multiple: true },
  package: { type: "string", multiple: true },
  typescript: { type: "boolean" },
  input: { type: "string" },
  call: { type: "boolean" },
  json: { type: "boolean" },
  inline: { type: "boolean" },
  deterministic: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

export function parseCommand(argv: string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    return { kind: "help", topic: rest[0] === "run" || rest[0] === "mcp" ? rest[0] : "main" };
  }
  if (command === "-v" || command === "--version") return { kind: "version" };
  if (command === "mcp") {
    if (rest.includes("-h") || rest.includes("--help")) return { kind: "help", topic: "mcp" };
    return { kind: "mcp", argv: rest };
  }
  if (command !== "run") {
    const what = command.startsWith("-") ? "flag" : "command";
    throw new UsageError(
      `unknown ${what} ${JSON.stringify(command)}; the commands are: run, mcp (see cordon --help)`,
    );
  }
  const run = parseRun(rest);
  if (run.help) return { kind: "help", topic: "run" };
  return { kind: "run", run };
}

function parseRun(argv: string[]): RunCommand {
  let parsed: ReturnType<typeof parseRunArgs>;
  try {
    parsed = parseRunArgs(argv);
  } catch (error) {
    throw new UsageError(usageMessage((error as Error).message));
  }
  const { values: v, positionals } = parsed;
  const code = v.eval;
  let file: string | undefined;
  let args = positionals;
  if (code === undefined && !v.help) {
    [file, ...args] = positionals;
    if (file === undefined) throw new UsageError("run needs a file, - for standard input, or -e <code>");
  }
  if (v.call && v.input !== undefined) throw new UsageError("--call and --input cannot be used together");
  if (v.call && file === "-") {
    throw new UsageError("--call reads standard input as the input: give the program as a file or with -e");
  }
  return {
    file,
    eval: code,
    args,
    timeoutMs: v.timeout === undefined ? undefined : duration(v.timeout),
    memoryBytes: v.memory === undefined ? undefined : size(v.memory),
    allowNet: (v["allow-net"] ?? []).flatMap((list) => hosts(list)),
    mounts: (v.mount ?? []).map(mountSpec),
    files: v.files,
    cwd: v.cwd,
    env: environment(v.env ?? []),
    packages: v.package ?? [],
    typescript: v.typescript ?? false,
    input: v.input === undefined ? undefined : { json: json(v.input) },
    call: v.call ?? false,
    json: v.json ?? false,
    deterministic: v.deterministic === undefined ? undefined : seed(v.deterministic),
    help: v.help ?? false,
  };
}

function parseRunArgs(argv: string[]) {
  return parseArgs({
    // A bare --deterministic takes no value (it would otherwise take the next argument as its value).
    args: argv.map((arg) => (arg === "--deterministic" ? "--deterministic=" : arg)),
    allowPositionals: true,
    strict: true,
    options: RUN_OPTIONS,
  });
}

/** node:util's parse errors, said in one line with what to do. */
function usageMessage(message: string): string {
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) {
    return `unknown flag ${unknown[1]} (see cordon run --help; arguments for the program that start with - go after --)`;
  }
  const missing = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  return message.split("\n")[0] ?? message;
}

/** `5s`, `500ms`, `2m` or a number of milliseconds. */
export function duration(text: string, flag = "--timeout"): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const unit = match?.[2] ?? "ms";
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit] ?? 1;
  const ms = match ? Number(match[1]) * scale : Number.NaN;
  if (!Number.isFinite(ms) || ms < 1 || ms > 2 ** 31 - 1) {
    throw new UsageError(`${flag} takes a duration like 5s, 500ms or 5000 (ms); got ${JSON.stringify(text)}`);
  }
  return Math.round(ms);
}

/** `64mb`, `1gb`, `512kb` or a number of MiB. */
export function size(
  text: string,
  flag = "--memory",
  range: [number, number, string] = [16 * 2 ** 20, 2 ** 31, "from 16mb to 2gb"],
): number {
  const match = /^(\d+(?:\.\d+)?)(b|kb?|mb?|gb?|kib|mib|gib)?$/i.exec(text.trim());
  const unit = (match?.[2] ?? "mb").toLowerCase()[0];
  const scale = unit === "g" ? 2 ** 30 : unit === "k" ? 2 ** 10 : unit === "b" ? 1 : 2 ** 20;
  const bytes = match ? Math.round(Number(match[1]) * scale) : Number.NaN;
  if (!Number.isFinite(bytes)) {
    throw new UsageError(`${flag} takes a size like 64mb, 1gb or 64 (MiB); got ${JSON.stringify(text)}`);
  }
  if (bytes < range[0] || bytes > range[1]) {
    throw new UsageError(`${flag} must be ${range[2]}; got ${JSON.stringify(text)}`);
  }
  return bytes;
}

export function hosts(list: string): string[] {
  const entries = list.split(",").map((host) => host.trim());
  if (entries.some((host) => host === "")) {
    throw new UsageError(`--allow-net takes host names separated by commas; got ${JSON.stringify(list)}`);
  }
  return entries;
}

/** `host:guest`, `host:guest:ro` or `host:guest:rw`. */
export function mountSpec(text: string): RunCommand["mounts"][number] {
  const mode = /:(rw|ro)$/.exec(text)?.[1];
  const rest = mode ? text.slice(0, -3) : text;
  const colon = rest.lastIndexOf(":");
  const hostPath = rest.slice(0, colon);
  const guestPath = rest.slice(colon + 1);
  if (colon <= 0 || !guestPath.startsWith("/")) {
    throw new UsageError(
      `--mount takes host:guest[:rw] with an absolute guest path, like ./data:/data; got ${JSON.stringify(text)}`,
    );
  }
  return { hostPath, guestPath, readOnly: mode !== "rw" };
}

function environment(entries: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf("=");
    if (eq <= 0) throw new UsageError(`--env takes KEY=VALUE; got ${JSON.stringify(entry)}`);
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--input must be JSON (${(error as Error).message}); got ${JSON.stringify(text)}`);
  }
}

/** `--deterministic` (seed 0) or `--deterministic=<seed>`. */
function seed(value: string): true | { seed: number } {
  if (value === "") return true;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(
      `--deterministic takes a seed, a non-negative integer; got ${JSON.stringify(value)}`,
    );
  }
  return { seed: Number(value) };
}
