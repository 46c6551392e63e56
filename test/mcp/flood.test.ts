// Over stdio, stdout is the protocol: a guest that floods stdout and stderr must not put one byte there that is
// not a JSON-RPC message, and progress notifications stay bounded.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CLI } from "../cli/spawn.js";

const messages = [
  {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
  },
  { jsonrpc: "2.0", method: "notifications/initialized" },
  {
    jsonrpc: "2.0",
    id: 2,
    method: "tools/call",
    params: {
      name: "run_js",
      arguments: {
        code: 'for (;;) { console.log("flood ".repeat(200)); console.error("err ".repeat(200)); }',
      },
      _meta: { progressToken: "p" },
    },
  },
];

describe("cordon mcp over stdio under a flooding guest", () => {
  it("writes nothing but JSON-RPC messages to stdout", async () => {
    const child = spawn(process.execPath, [CLI, "mcp", "--timeout", "1500ms"], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    child.stderr.resume();
    const answered = new Promise<void>((resolve) => {
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        stdout += d;
        if (/"id":2[,}]/.test(stdout) && stdout.endsWith("\n")) resolve();
      });
    });
    for (const m of messages) child.stdin.write(`${JSON.stringify(m)}\n`);
    await answered;
    child.stdin.end();
    await new Promise((resolve) => child.on("close", resolve));
    const lines = stdout.split("\n").filter((l) => l !== "");
    const parsed = lines.map((line) => JSON.parse(line) as { jsonrpc: string; id?: number; method?: string });
    for (const m of parsed) expect(m.jsonrpc).toBe("2.0");
    const result = parsed.find((m) => m.id === 2) as unknown as {
      result: { isError: boolean; structuredContent: { error: { name: string }; output_truncated: boolean } };
    };
    expect(result.result.isError).toBe(true);
    expect(result.result.structuredContent.error.name).toBe("TimeoutError");
    expect(result.result.structuredContent.output_truncated).toBe(true);
    const progress = parsed.filter((m) => m.method === "notifications/progress");
    expect(progress.length).toBeGreaterThan(0);
    // At most one notification per 100 ms flush over the 1.5 s run (plus the last), each at most 4 KiB of text and a marker.
    expect(progress.length).toBeLessThanOrEqual(20);
    for (const m of progress as unknown as { params: { message: string } }[]) {
      expect(m.params.message.length).toBeLessThanOrEqual(4096 + 64);
    }
  });
});
