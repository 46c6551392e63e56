// `cordon mcp`'s command line: help, the operator's configuration file, and mistakes (one line, exit code 2).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cordon } from "../cli/spawn.js";
import { stdioClient } from "./client.js";

describe("cordon mcp flags", () => {
  it("prints its help, and the main help lists it", async () => {
    const help = await cordon(["mcp", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: cordon mcp \[options\]/);
    for (const flag of [
      "--config",
      "--allow-net",
      "--mount",
      "--package",
      "--timeout",
      "--memory",
      "--max-sessions",
      "--http",
      "--token",
    ]) {
      expect(help.stdout).toContain(flag);
    }
    expect((await cordon(["--help"])).stdout).toContain("  mcp  ");
  });

  it.each([
    [["mcp", "--bogus"], "cordon: unknown flag --bogus (see cordon mcp --help)\n"],
    [["mcp", "--token", "t"], "cordon: --token needs --http\n"],
    [["mcp", "--port"], "cordon: --port needs a value\n"],
    [
      ["mcp", "--timeout", "soon"],
      'cordon: --timeout takes a duration like 5s, 500ms or 5000 (ms); got "soon"\n',
    ],
    [
      ["mcp", "--max-sessions", "many"],
      'cordon: --max-sessions takes a whole number from 0 to 100000; got "many"\n',
    ],
    [
      ["mcp", "--session-ttl", "0"],
      'cordon: --session-ttl takes a duration like 5s, 500ms or 5000 (ms); got "0"\n',
    ],
    [["mcp", "--mount", "data"], expect.stringMatching(/^cordon: --mount takes host:guest\[:rw\]/)],
    [["mcp", "--config", "/nonexistent/cordon.json"], "cordon: --config /nonexistent/cordon.json: ENOENT\n"],
  ])("refuses %j in one line with exit code 2", async (args, stderr) => {
    const r = await cordon(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual(stderr);
    expect(r.stdout).toBe("");
  });

  it("refuses a mount directory that does not exist, naming the flag", async () => {
    const r = await cordon(["mcp", "--mount", "/nonexistent-dir-for-cordon:/data"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("cordon: --mount /nonexistent-dir-for-cordon:/data: no such directory\n");
  });

  it("takes the configuration from --config, and flags add to it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cordon-mcp-config-"));
    try {
      const file = join(dir, "cordon.json");
      writeFileSync(file, JSON.stringify({ timeoutMs: 1234, network: { allow: ["api.example.com"] } }));
      const bad = join(dir, "bad.json");
      writeFileSync(bad, JSON.stringify({ timeoutMs: "fast" }));
      const refused = await cordon(["mcp", "--config", bad]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(
        `cordon: --config ${bad}: timeoutMs: Invalid input: expected number, received string\n`,
      );
      const client = await stdioClient(["--config", file, "--allow-net", "data.example.com"]);
      try {
        const { tools } = await client.listTools();
        const description = tools.find((t) => t.name === "run_js")?.description ?? "";
        expect(description).toContain("fetch may reach only api.example.com, data.example.com;");
        expect(description).toContain("1234 ms wall clock");
      } finally {
        await client.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
