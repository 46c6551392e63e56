// A tool call through `cordon mcp` over stdio: the MCP SDK's client calls run_js with "1+1" again and again (one
// at a time), and the median is what an agent waits for cordon itself on each call.
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

export interface McpBench {
  calls: number;
  medianMs: number;
  p95Ms: number;
}

export async function benchMcp(calls = 300): Promise<McpBench> {
  const client = new Client({ name: "cordon-bench", version: "1" }, { versionNegotiation: { mode: "auto" } });
  await client.connect(
    new StdioClientTransport({ command: process.execPath, args: [CLI, "mcp"], stderr: "ignore" }),
  );
  try {
    const once = async () => {
      const start = performance.now();
      const r = await client.callTool({ name: "run_js", arguments: { code: "1+1" } });
      const ms = performance.now() - start;
      if ((r.structuredContent as { value?: unknown } | undefined)?.value !== 2) {
        throw new Error(`run_js 1+1 gave ${JSON.stringify(r)}`);
      }
      return ms;
    };
    for (let i = 0; i < 50; i++) await once();
    const times: number[] = [];
    for (let i = 0; i < calls; i++) times.push(await once());
    times.sort((a, b) => a - b);
    return {
      calls,
      medianMs: times[times.length >> 1] ?? Number.NaN,
      p95Ms: times[Math.floor(times.length * 0.95)] ?? Number.NaN,
    };
  } finally {
    await client.close();
  }
}
