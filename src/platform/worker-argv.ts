// Worker threads inherit the parent's execArgv. `--input-type` (as in `node --input-type=module -e ...`) describes
// the parent's own entry and makes a worker with a file entry fail to start (ERR_INPUT_TYPE_NOT_ALLOWED), so a
// parent started with it gives its workers its execArgv without it (and without the -e/-p code). Otherwise the
// workers inherit as Node does (an explicit list would be checked again, and V8 flags such as --expose-gc refused).
const ENTRY_FLAGS_WITH_VALUE = new Set(["--input-type", "-e", "--eval", "-p", "--print"]);
const ENTRY_FLAG_PREFIXES = ["--input-type=", "--eval=", "--print="];

export function workerExecArgv(argv: readonly string[] = process.execArgv): string[] | undefined {
  if (!argv.some((arg) => arg === "--input-type" || arg.startsWith("--input-type="))) return undefined;
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (ENTRY_FLAGS_WITH_VALUE.has(arg)) i++;
    else if (!ENTRY_FLAG_PREFIXES.some((prefix) => arg.startsWith(prefix))) out.push(arg);
  }
  return out;
}
