// Worker threads inherit the parent's execArgv. Flags that describe the parent's own entry (`--input-type` for
// `node --input-type=module -e ...`, the -e/-p code itself) make a worker with a file entry fail to start
// (ERR_INPUT_TYPE_NOT_ALLOWED), and would change how an eval worker's code is read. Workers get the rest.
const ENTRY_FLAGS_WITH_VALUE = new Set(["--input-type", "-e", "--eval", "-p", "--print"]);

export function workerExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (ENTRY_FLAGS_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith("--input-type=") || arg.startsWith("--eval=") || arg.startsWith("--print=")) continue;
    out.push(arg);
  }
  return out;
}
