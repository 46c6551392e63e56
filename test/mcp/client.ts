// Drives the built `cordon mcp` (dist/, made by `npm test`) with the MCP SDK's client, over stdio or HTTP.
import { type ChildProcess, spawn } from "node:child_process";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { CLI } from "../cli/spawn.js";

export interface ToolResult {
  content: { type: string; text?: string; uri?: string; mimeType?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export async function stdioClient(args: string[], cwd?: string): Promise<Client> {
  const client = new Client(
    { name: "cordon-test", version: "1.0.0" },
    { versionNegotiation: { mode: "auto" } },
  );
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, "mcp", ...args],
    stderr: "pipe",
    ...(cwd ? { cwd } : {}),
  });
  await client.connect(transport);
  return client;
}

export async function call(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  options: Parameters<Client["callTool"]>[1] = {},
): Promise<ToolResult> {
  return (await client.callTool({ name, arguments: args }, options)) as ToolResult;
}

export function text(result: ToolResult): string {
  return result.content.map((c) => c.text ?? "").join("\n");
}

/** `cordon mcp --http <args>` with its URL once it listens; `stop` ends it. */
export async function httpServer(
  args: string[],
): Promise<{ url: string; child: ChildProcess; stop(): void }> {
  const child = spawn(process.execPath, [CLI, "mcp", "--http", "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CORDON_MCP_TOKEN: "" },
  });
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      const match = /listening on (http:\S+)/.exec(stderr);
      if (match?.[1]) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`cordon mcp --http exited (${code}): ${stderr}`)));
  });
  return { url, child, stop: () => child.kill("SIGTERM") };
}

export async function httpClient(url: string, token?: string): Promise<Client> {
  const client = new Client(
    { name: "cordon-test", version: "1.0.0" },
    { versionNegotiation: { mode: "auto" } },
  );
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}
