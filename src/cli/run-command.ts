// `cordon run`: builds the run's options from the command line, runs on this thread with a watchdog, and prints
// the output, the value or the error.
import { statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve, sep } from "node:path";
import { inspect } from "node:util";
import { DEFAULTS, formatError, type RunOptions, type RunResult, run } from "../index.js";
import { type RunCommand, UsageError } from "./args.js";
import { lazyStdin, readAllStdin, readProgram, readTree, reason } from "./host-input.js";
import { jsonValue } from "./json.js";
import { cliSpeak, importOnlyHint } from "./speak.js";
import { armWatchdog } from "./watchdog.js";

/** How long past --timeout the watchdog waits before it stops a main thread stuck in one native operation. */
const WATCHDOG_GRACE_MS = 250;

interface Program {
  code: string;
  /** The guest's name for the entry: its host path, whose directory is mounted for its imports. */
  filename: string;
  /** Host directory the entry's imports load from (mounted import-only at the same guest path). */
  importRoot: string | undefined;
}

export async function runCommand(cmd: RunCommand): Promise<number> {
  const program = await loadProgram(cmd);
  const options = await buildOptions(cmd, program);
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const text = `the run took longer than --timeout (${timeoutMs} ms) and was stopped in a native operation; raise --timeout (e.g. --timeout 30s) to allow longer runs`;
  const watchdog = armWatchdog(
    timeoutMs + WATCHDOG_GRACE_MS,
    cmd.json
      ? {
          fd: 1,
          text: `${JSON.stringify({ ok: false, error: { name: "TimeoutError", message: text }, exitCode: 124 }, null, 2)}\n`,
          exitCode: 124,
        }
      : { fd: 2, text: `TimeoutError: ${text}\n`, exitCode: 124 },
  );
  let result: RunResult;
  try {
    result = await run(program.code, { ...options, isolation: "inline" });
  } finally {
    watchdog.disarm();
  }
  if (!result.ok && result.error) {
    result.error.message = cliSpeak(result.error.message, program.importRoot);
    if (result.error.hint) result.error.hint = cliSpeak(result.error.hint, program.importRoot);
    else {
      const hint = importOnlyHint(result.error.message, program.importRoot);
      if (hint) result.error.hint = hint;
    }
  }
  if (cmd.json) {
    process.stdout.write(`${JSON.stringify(jsonValue(result), null, 2)}\n`);
  } else if (uncopiedValue(result, cmd)) {
    // Like node -e: a script ending in, say, process.stdin.on(...) has a value there is no point in printing.
    process.stderr.write(`cordon: the program's value was not printed: ${result.error?.message}\n`);
    return 0;
  } else if (result.ok) {
    const value = result.value;
    if (typeof value === "string") process.stdout.write(value.endsWith("\n") ? value : `${value}\n`);
    else if (value !== undefined) process.stdout.write(`${inspect(value, { depth: 6, colors: color })}\n`);
  } else {
    process.stderr.write(`${formatError(result, { maxBytes: 16 * 1024 })}\n`);
  }
  return result.exitCode;
}

/** The run went well but its value (a function, a stream) could not be copied out, and nothing asked to call it. */
function uncopiedValue(result: RunResult, cmd: RunCommand): boolean {
  return (
    !result.ok &&
    result.exitCode === 1 &&
    !cmd.call &&
    cmd.input === undefined &&
    result.error.name === "DataCloneError" &&
    result.error.message.startsWith("the result could not be copied out of the sandbox")
  );
}

async function loadProgram(cmd: RunCommand): Promise<Program> {
  const ext = cmd.typescript ? ".ts" : "";
  if (cmd.eval !== undefined) {
    const root = process.cwd();
    return { code: cmd.eval, filename: join(root, `[eval]${ext}`), importRoot: root };
  }
  if (cmd.file === "-") {
    const root = process.cwd();
    return { code: await readAllStdin(), filename: join(root, `[stdin]${ext}`), importRoot: root };
  }
  const file = resolve(cmd.file ?? "");
  return { code: readProgram(file), filename: file, importRoot: dirname(file) };
}

async function buildOptions(cmd: RunCommand, program: Program): Promise<RunOptions> {
  const options: RunOptions = { filename: program.filename, argv: cmd.args, env: cmd.env };
  if (cmd.timeoutMs !== undefined) options.timeoutMs = cmd.timeoutMs;
  if (cmd.memoryBytes !== undefined) options.memoryLimitBytes = cmd.memoryBytes;
  if (cmd.allowNet.length > 0) options.network = { allow: cmd.allowNet };
  if (cmd.packages.length > 0) options.packages = cmd.packages;
  if (cmd.typescript) options.typescript = true;
  if (cmd.cwd !== undefined) options.cwd = cmd.cwd;
  if (cmd.deterministic !== undefined) options.deterministic = cmd.deterministic;
  if (cmd.files !== undefined) {
    options.files = readTree(cmd.files, { maxFiles: DEFAULTS.maxFiles, maxBytes: DEFAULTS.maxFsBytes });
  }
  const mounts: NonNullable<RunOptions["mounts"]> = cmd.mounts.map((m) => {
    const hostPath = resolve(m.hostPath);
    let isDir = false;
    try {
      isDir = statSync(hostPath).isDirectory();
    } catch (error) {
      throw new UsageError(`--mount ${m.hostPath}:${m.guestPath}: ${reason(error)}`);
    }
    if (!isDir) throw new UsageError(`--mount ${m.hostPath}:${m.guestPath}: not a directory`);
    if (m.guestPath === "/" || m.guestPath.includes("\0")) {
      throw new UsageError(`--mount ${m.hostPath}:${m.guestPath}: mount at a directory below /, like /data`);
    }
    return { hostPath, guestPath: m.guestPath, readOnly: m.readOnly };
  });
  const root = importMount(program, mounts, options.files);
  if (root) mounts.push({ hostPath: root, guestPath: root, importOnly: true });
  else program.importRoot = undefined;
  if (mounts.length > 0) options.mounts = mounts;
  if (cmd.call) options.input = await readAllStdin();
  else if (cmd.input) options.input = cmd.input.json;
  // Piped standard input is the program's (read only if it asks), unless "-" or --call took it.
  if (!cmd.call && cmd.file !== "-") options.stdin = lazyStdin();
  if (!cmd.json) {
    options.onStdout = (chunk) => process.stdout.write(chunk);
    options.onStderr = (chunk) => process.stderr.write(chunk);
  }
  return options;
}

/**
 * The directory the entry's imports load from, mounted import-only at its own path (so errors name the real
 * file). None when it would be "/" or clash with a --mount or --files entry: then imports come from those.
 */
function importMount(
  program: Program,
  mounts: NonNullable<RunOptions["mounts"]>,
  files: RunOptions["files"],
): string | undefined {
  const root = program.importRoot;
  if (!root || !isAbsolute(root) || sep !== "/" || root === "/") return undefined;
  const within = (a: string, b: string) => a === b || a.startsWith(b.endsWith("/") ? b : `${b}/`);
  if (mounts.some((m) => within(root, m.guestPath) || within(m.guestPath, root))) return undefined;
  const top = root.split("/")[1];
  if (files && top !== undefined && Object.hasOwn(files, top)) return undefined;
  return root;
}
