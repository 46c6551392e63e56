// `cordon mcp`: reads the operator's configuration (--config, then flags), starts the sandbox and serves the MCP
// server over stdio (stdout carries only the protocol) or Streamable HTTP, until stdin ends or a signal arrives.
import { statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createServerFactory, serveHttp } from "../mcp/index.js";
import { type ConfigError, loadConfigFile, type OperatorConfig, parseConfig } from "../operator/config.js";
import { RunService } from "../operator/service.js";
import { duration, hosts, mountSpec, size, UsageError } from "./args.js";

const MCP_OPTIONS = {
  config: { type: "string" },
  timeout: { type: "string" },
  memory: { type: "string" },
  "allow-net": { type: "string", multiple: true },
  mount: { type: "string", multiple: true },
  "mount-dirs": { type: "boolean" },
  package: { type: "string", multiple: true },
  "max-sessions": { type: "string" },
  "session-ttl": { type: "string" },
  workers: { type: "string" },
  http: { type: "boolean" },
  host: { type: "string" },
  port: { type: "string" },
  token: { type: "string" },
  "allow-origin": { type: "string", multiple: true },
  "max-body": { type: "string" },
} as const;

interface McpCommand {
  config: OperatorConfig;
  http:
    | {
        host: string;
        port: number;
        token: string | undefined;
        allowedOrigins: string[];
        maxBodyBytes: number;
      }
    | undefined;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new UsageError(`${flag} takes a whole number from ${min} to ${max}; got ${JSON.stringify(text)}`);
  }
  return n;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

type Mount = { hostPath: string; guestPath: string; readOnly: boolean };

/**
 * `--mount-dirs`: each directory argument, read-only at /mnt/<its base name> (-2, -3 after a name already taken).
 * For launchers that expand a list into separate arguments (an MCP bundle's directory setting); an empty argument
 * names nothing and is skipped.
 */
export function directoryMounts(dirs: string[], taken: Mount[]): Mount[] {
  const used = new Set(taken.map((m) => m.guestPath));
  const mounts: Mount[] = [];
  for (const dir of dirs) {
    if (dir.trim() === "") continue;
    const hostPath = resolve(dir);
    const name = basename(hostPath) || "root";
    let guestPath = `/mnt/${name}`;
    for (let n = 2; used.has(guestPath); n++) guestPath = `/mnt/${name}-${n}`;
    used.add(guestPath);
    mounts.push({ hostPath, guestPath, readOnly: true });
  }
  return mounts;
}

export function parseMcp(argv: string[]): McpCommand {
  let v: ReturnType<typeof parseArgs<{ args: string[]; options: typeof MCP_OPTIONS }>>["values"];
  let positionals: string[];
  try {
    ({ values: v, positionals } = parseArgs({
      args: argv,
      options: MCP_OPTIONS,
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
    const missing = /Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message)?.[1];
    if (unknown) throw new UsageError(`unknown flag ${unknown} (see cordon mcp --help)`);
    throw new UsageError(missing ? `${missing} needs a value` : (message.split("\n")[0] ?? ""));
  }
  if (positionals.length > 0 && !v["mount-dirs"]) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(positionals[0])} (directories to mount follow --mount-dirs)`,
    );
  }
  let raw: Record<string, unknown> = {};
  try {
    if (v.config !== undefined) raw = { ...loadConfigFile(v.config) };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (v.timeout !== undefined) raw.timeoutMs = duration(v.timeout);
  if (v.memory !== undefined) raw.memoryLimitBytes = size(v.memory);
  if (v["max-sessions"] !== undefined)
    raw.maxSessions = integer("--max-sessions", v["max-sessions"], 0, 100_000);
  if (v["session-ttl"] !== undefined) raw.sessionTtlMs = duration(v["session-ttl"], "--session-ttl");
  if (v.workers !== undefined) raw.workers = integer("--workers", v.workers, 1, 64);
  // An empty --allow-net= (a launcher's empty setting) allows nothing.
  const allow = (v["allow-net"] ?? []).filter((list) => list.trim() !== "").flatMap((list) => hosts(list));
  const prior = raw.network as { allow?: string[] } | undefined;
  raw.network = { allow: [...(prior?.allow ?? []), ...allow] };
  const mounts = [...((raw.mounts as Mount[]) ?? []), ...(v.mount ?? []).map(mountSpec)];
  const dirMounts = directoryMounts(positionals, mounts);
  raw.mounts = [...mounts, ...dirMounts];
  raw.packages = [...((raw.packages as string[]) ?? []), ...(v.package ?? [])];
  let config: OperatorConfig;
  try {
    config = parseConfig(raw, v.config === undefined ? "options" : `--config ${v.config}`);
  } catch (error) {
    throw new UsageError((error as ConfigError).message);
  }
  for (const m of config.mounts) {
    if (!isDirectory(m.hostPath)) {
      const given = dirMounts.some((d) => d.guestPath === m.guestPath)
        ? `--mount-dirs ${m.hostPath}`
        : `--mount ${m.hostPath}:${m.guestPath}`;
      throw new UsageError(`${given}: no such directory`);
    }
    m.hostPath = resolve(m.hostPath);
  }
  if (!v.http) {
    for (const flag of ["host", "port", "token", "allow-origin", "max-body"] as const) {
      if (v[flag] !== undefined) throw new UsageError(`--${flag} needs --http`);
    }
    return { config, http: undefined };
  }
  return {
    config,
    http: {
      host: v.host ?? "127.0.0.1",
      port: v.port === undefined ? 8788 : integer("--port", v.port, 0, 65535),
      token: v.token ?? (process.env.CORDON_MCP_TOKEN || undefined),
      allowedOrigins: v["allow-origin"] ?? [],
      maxBodyBytes:
        v["max-body"] === undefined
          ? 4 * 1024 * 1024
          : size(v["max-body"], "--max-body", [1024, 2 ** 30, "from 1kb to 1gb"]),
    },
  };
}

export async function mcpCommand(argv: string[]): Promise<number> {
  const command = parseMcp(argv);
  const service = await RunService.create(command.config);
  const factory = createServerFactory(service);
  let close: () => Promise<void>;
  if (command.http) {
    const server = await serveHttp(factory, command.http).catch(async (error: Error) => {
      await service.close();
      throw new UsageError(error.message);
    });
    process.stderr.write(`cordon mcp: listening on ${server.url}\n`);
    close = () => server.close();
  } else {
    // stdout is the protocol: anything printed by accident goes to stderr.
    console.log = console.info = console.debug = console.error;
    const { serveStdio } = await import("@modelcontextprotocol/server/stdio");
    const handle = serveStdio(factory, {
      onerror: (error) => process.stderr.write(`cordon mcp: ${error.message}\n`),
    });
    close = () => handle.close();
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
    if (!command.http) process.stdin.once("end", resolve);
  });
  await close().catch(() => {});
  await service.close();
  return 0;
}
