#!/usr/bin/env node
// The `cordon` command. --help and --version load nothing else; `run` loads the engine. It uses only the public API.
import { readFileSync } from "node:fs";
import { parseCommand, UsageError } from "./args.js";
import { MAIN_HELP, MCP_HELP, RUN_HELP } from "./help.js";

async function main(argv: string[]): Promise<number> {
  const command = parseCommand(argv);
  if (command.kind === "version") {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (command.kind === "help") {
    const text = command.topic === "run" ? RUN_HELP : command.topic === "mcp" ? MCP_HELP : MAIN_HELP;
    process.stdout.write(`${text}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  if (command.kind === "mcp") {
    const { mcpCommand } = await import("./mcp-command.js");
    return mcpCommand(command.argv);
  }
  (await import("./engine-start.js")).startEngine();
  const { runCommand } = await import("./run-command.js");
  return runCommand(command.run);
}

/** The run option an InvalidOptionError names, as the flag that sets it. */
const FLAG_OF: Record<string, string> = {
  cwd: "--cwd",
  files: "--files",
  mounts: "--mount",
  "network.allow": "--allow-net",
  packages: "--package",
  env: "--env",
  input: "--input",
  timeoutMs: "--timeout",
  memoryLimitBytes: "--memory",
};

function flagSpeak(message: string): string {
  return message.replace(
    /^option `([^`[]+)(?:\[\d+\])?(?:\.\w+)?`/,
    (whole, name: string) => FLAG_OF[name] ?? whole,
  );
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A bad command line, an unreadable file, or an option the library refused: one line, exit code 2.
    const message =
      error instanceof UsageError
        ? error.message
        : flagSpeak(
            ((error as Error)?.message ?? String(error)).replace(/^cordon: /, "").split("\n")[0] ?? "",
          );
    process.stderr.write(`cordon: ${message}\n`);
    process.exitCode = 2;
  },
);
