// What `cordon --help` and `cordon run --help` print. This file loads no engine.

export const MAIN_HELP = `Usage: cordon <command> [options]

Runs untrusted JavaScript and TypeScript in a sandbox (QuickJS in WebAssembly) with only the access you grant.

Commands:
  run <file | -> [args...]   run a program file, or standard input with -
  run -e <code> [args...]    run code given on the command line
  mcp                        serve an MCP server (stdio, or --http) that gives agents a sandbox

Options:
  -h, --help                 show this help (cordon run --help lists the run options)
  -v, --version              show the version

Example:
  echo "Hello World" | cordon run count-vowels.js --call`;

export const RUN_HELP = `Usage: cordon run [options] <file | -> [args...]
       cordon run [options] -e <code> [args...]

Runs a .js, .mjs, .cjs, .ts, .mts or .cts program in a fresh sandbox on this thread. Its output passes through;
then its value, if it is not undefined, is printed. The exit code is the program's (0 ok, 1 error, 124 timeout,
137 memory limit, 2 a bad command line). args become the program's process.argv.slice(2); put the ones that start
with - after --.

The entry file's own imports (relative, recursively) load from the host, from inside the entry's directory only.
Reading files with fs needs --mount or --files. Piped standard input reaches the program as process.stdin,
fs.readFileSync(0) and readline.

Options:
  -e, --eval <code>          run <code> instead of a file
  --timeout <duration>       wall-clock limit: 5s, 500ms or 5000 (ms); default 5s
  --memory <size>            engine memory: 64mb, 1gb or 64 (MiB); default 64mb, at least 16mb
  --allow-net <host[,host]>  hosts fetch may reach (repeatable), e.g. api.example.com or http://127.0.0.1:8080
  --mount <host:guest[:rw]>  a host directory the program sees at guest (repeatable); read-only unless :rw
  --files <dir>              copy a host directory into the program's in-memory filesystem at /
  --cwd <guest path>         the program's working directory; default /
  --env <KEY=VALUE>          a process.env entry for the program (repeatable); the host's environment is not passed
  --package <name>           a host package the program may import (repeatable), from ./node_modules
  --typescript               treat the program as TypeScript (for -e and standard input)
  --input <json>             call the exported function with this value
  --call                     call the exported function with standard input's text
  --json                     print the whole result as JSON on stdout, and nothing else there
  --deterministic[=<seed>]   frozen clocks and a seeded Math.random (seed 0 by default)
  --inline                   run on this thread (the default; accepted for scripts that name it)
  -h, --help                 show this help`;

export const MCP_HELP = `Usage: cordon mcp [options]            (stdio: for Claude Desktop, Claude Code, VS Code, Cursor)
       cordon mcp --http [options]     (Streamable HTTP at http://127.0.0.1:8788/mcp)

An MCP server with the tools run_js, wait, cancel, create_session and close_session. You, the operator, decide
what programs may use; a tool call may ask for less time, never more, and cannot add hosts, mounts or packages.
Over stdio, stdout carries only the protocol; logs go to stderr.

Options:
  --config <file>            operator configuration (JSON; schema: schema/cordon.schema.json); flags add to it
  --timeout <duration>       wall-clock limit of one run: 30s, 500ms or 5000 (ms); default 60s
  --memory <size>            engine memory of a run or session: 64mb, 1gb or 64 (MiB); default 64mb
  --allow-net <host[,host]>  hosts fetch may reach (repeatable); default none (an empty list allows none)
  --mount <host:guest[:rw]>  a host directory programs see at guest (repeatable); read-only unless :rw
  --mount-dirs <dir>...      each directory argument, read-only at /mnt/<its name> (for an MCP bundle's list)
  --package <name>           a host package programs may import (repeatable), from ./node_modules
  --max-sessions <n>         sessions open at once; default 100
  --session-ttl <duration>   longest life of a session; default 1h (60m)
  --workers <n>              worker threads; default one per core
  --http                     serve Streamable HTTP instead of stdio
  --host <address>           HTTP bind address; default 127.0.0.1 (any other needs --token)
  --port <n>                 HTTP port; default 8788 (0 picks a free one)
  --token <token>            bearer token HTTP clients must send (or set CORDON_MCP_TOKEN)
  --allow-origin <origin>    a browser origin allowed to call (repeatable); loopback origins are allowed on loopback
  --max-body <size>          largest HTTP request body: 4mb by default
  -h, --help                 show this help`;
