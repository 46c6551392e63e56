// cordon's messages name library options (timeoutMs, network.allow, ...). On the command line they name the flags.

/** [pattern, replacement] in the order they apply. */
const FLAGS: [RegExp, string][] = [
  [/raise timeoutMs to allow longer runs/g, "raise --timeout (e.g. --timeout 30s) to allow longer runs"],
  [/\btimeoutMs \((\d+) ms\)/g, "--timeout ($1 ms)"],
  [/deadline \(timeoutMs\)/g, "deadline (--timeout)"],
  [
    /memoryLimitBytes is (\d+) bytes \((\d+) MiB\); raise memoryLimitBytes/g,
    "--memory is $2mb; raise --memory",
  ],
  [/greater than memoryLimitBytes/g, "greater than --memory"],
  [/add "([^"]+)" to network\.allow/g, "add --allow-net $1"],
  [/in network\.allow/g, "in --allow-net"],
  [/the option packages: \["([^"]+)"\] \(CLI: --package [^)]+\)/g, "--package $1"],
  [/grant it with packages: \["([^"]+)"\]/g, "grant it with --package $1"],
  [
    /to call an exported function, pass the `input` option/g,
    "to call an exported function, pass --call or --input",
  ],
];

const NO_SUCH_MODULE =
  "there is no such file in the sandbox: give it with the `files` option, or a host directory with `mounts`";
const NO_SUCH_FILE =
  "the file is not in the sandbox: give it with the `files` option, or a host directory with `mounts`";

export function cliSpeak(text: string, importRoot: string | undefined): string {
  let out = text;
  for (const [pattern, replacement] of FLAGS) out = out.replace(pattern, replacement);
  const modules = importRoot
    ? `the program's imports load from ${importRoot} and below only; give other files with --files <dir> or --mount host:guest`
    : "give the file with --files <dir> or --mount host:guest";
  return out
    .replaceAll(NO_SUCH_MODULE, modules)
    .replaceAll(NO_SUCH_FILE, "reading files needs --files <dir> (a copy) or --mount host:guest[:rw]");
}

/** A hint for fs refused (EACCES) in the entry's directory, which is importable but not readable. */
export function importOnlyHint(message: string, importRoot: string | undefined): string | undefined {
  if (!importRoot || !message.startsWith("EACCES") || !message.includes(`'${importRoot}`)) return undefined;
  return `the program's own directory is importable, not readable: grant it with --mount ${importRoot}:/app or copy it with --files ${importRoot}`;
}
