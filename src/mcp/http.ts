// `cordon mcp --http`: the MCP server over Streamable HTTP at /mcp. A bearer token is required whenever the bind
// address is not loopback (checked before listening); on loopback the Host header must name loopback (DNS
// rebinding); a request with an Origin header must come from an allowed origin; bodies are capped.
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { localhostHostValidation, toNodeHandler } from "@modelcontextprotocol/node";
import { createMcpHandler, type McpServer } from "@modelcontextprotocol/server";

export interface HttpOptions {
  host: string;
  port: number;
  /** Bearer token clients must send; required unless `host` is loopback. */
  token: string | undefined;
  /** Origins (scheme://host[:port]) a browser client may call from; loopback origins are allowed on loopback. */
  allowedOrigins: string[];
  maxBodyBytes: number;
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function reply(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}

function tokenMatches(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? "";
  const given = Buffer.from(/^Bearer (.+)$/i.exec(header)?.[1] ?? "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function originAllowed(origin: string, options: HttpOptions): boolean {
  if (options.allowedOrigins.includes(origin)) return true;
  if (!isLoopback(options.host)) return false;
  try {
    const { hostname } = new URL(origin);
    return hostname === "localhost" || hostname === "127.0.0.1" || hostname === "[::1]";
  } catch {
    return false;
  }
}

export async function serveHttp(
  factory: () => McpServer,
  options: HttpOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  if (!options.token && !isLoopback(options.host)) {
    throw new Error(
      `--host ${options.host} is not a loopback address: give --token (or CORDON_MCP_TOKEN) so only your clients can run code`,
    );
  }
  const handler = createMcpHandler(factory, { maxRequestBodySize: options.maxBodyBytes });
  const nodeHandler = toNodeHandler(handler);
  const validateHost = isLoopback(options.host) ? localhostHostValidation() : undefined;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path !== "/mcp") return reply(res, 404, "not found: the MCP endpoint is /mcp");
    if (validateHost && !validateHost(req, res)) return;
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, options)) {
      return reply(res, 403, `origin ${origin} is not allowed (cordon mcp --allow-origin adds one)`);
    }
    if (options.token && !tokenMatches(req, options.token)) {
      return reply(res, 401, "a valid bearer token is required", { "www-authenticate": "Bearer" });
    }
    void nodeHandler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host =
    options.host.includes(":") && !options.host.startsWith("[") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/mcp`,
    async close() {
      await handler.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
