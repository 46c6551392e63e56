// `cordon mcp` over stdio and over Streamable HTTP, driven by the MCP SDK's client as an agent would drive it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, httpClient, httpServer, stdioClient, text } from "./client.js";

async function listen(body: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => res.end(body));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe.each(["stdio", "http"] as const)("over %s", (transport) => {
  let client: Client;
  let http: Awaited<ReturnType<typeof httpServer>> | undefined;
  let dir: string;
  let allowed: { server: Server; origin: string };
  let other: { server: Server; origin: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cordon-mcp-"));
    writeFileSync(join(dir, "data.txt"), "mounted data");
    allowed = await listen("from the allowed host");
    other = await listen("from another host");
    const flags = [
      "--timeout",
      "3s",
      "--allow-net",
      allowed.origin,
      "--mount",
      `${dir}:/data`,
      "--max-sessions",
      "3",
    ];
    if (transport === "stdio") client = await stdioClient(flags);
    else {
      http = await httpServer([...flags, "--token", "tools-test-token"]);
      client = await httpClient(http.url, "tools-test-token");
    }
  });

  afterAll(async () => {
    await client?.close();
    http?.stop();
    allowed?.server.close();
    other?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("tools and descriptions", () => {
    it("lists the five tools with input and output schemas", async () => {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual([
        "cancel",
        "close_session",
        "create_session",
        "run_js",
        "wait",
      ]);
      const runJs = tools.find((t) => t.name === "run_js");
      expect(Object.keys(runJs?.inputSchema.properties ?? {}).sort()).toEqual(
        ["code", "files", "input", "language", "session_id", "stdin", "timeout_ms", "wait_ms"].sort(),
      );
      expect(runJs?.inputSchema.required).toEqual(["code"]);
      expect(runJs?.inputSchema.additionalProperties).toBe(false);
      expect(Object.keys(runJs?.outputSchema?.properties ?? {})).toEqual(
        expect.arrayContaining([
          "status",
          "value",
          "stdout",
          "stderr",
          "exit_code",
          "error",
          "files_changed",
          "execution_id",
        ]),
      );
      for (const tool of tools) expect(tool.outputSchema, tool.name).toBeDefined();
    });

    it("tells the model the configuration in force", async () => {
      const { tools } = await client.listTools();
      const description = tools.find((t) => t.name === "run_js")?.description ?? "";
      expect(description).toContain(`fetch may reach only ${allowed.origin}`);
      expect(description).toContain("/data (read-only)");
      expect(description).toContain("npm packages: none");
      expect(description).toContain("3000 ms wall clock");
      expect(description).toContain("64 MiB of memory");
      expect(description).toContain("Intl");
    });
  });

  describe("run_js", () => {
    it("runs JavaScript: output, value, and a compact text block", async () => {
      const r = await call(client, "run_js", { code: 'console.log("hi"); 6 * 7' });
      expect(r.isError).toBeFalsy();
      expect(r.structuredContent).toMatchObject({ status: "ok", value: 42, stdout: "hi\n", exit_code: 0 });
      expect(text(r)).toMatch(/^status: ok \(exit code 0, \d+ ms\)\nvalue: 42\nstdout:\nhi$/);
    });

    it("runs TypeScript, by the language argument or the fence's tag", async () => {
      const code = "const n: number = 21;\nexport default n * 2;";
      const byArg = await call(client, "run_js", { code, language: "typescript" });
      expect(byArg.structuredContent).toMatchObject({ status: "ok", value: 42 });
      const byFence = await call(client, "run_js", {
        code: `Here it is:\n\`\`\`ts\n${code}\n\`\`\`\nIt returns 42.`,
      });
      expect(byFence.structuredContent).toMatchObject({ status: "ok", value: 42 });
    });

    it("strips markdown fences around JavaScript", async () => {
      const r = await call(client, "run_js", {
        code: "```js\nexport default [1, 2].map((x) => x * 5);\n```",
      });
      expect(r.structuredContent).toMatchObject({ status: "ok", value: [5, 10] });
    });

    it("returns a failed program as isError with the location, a code frame and formatError's text", async () => {
      const r = await call(client, "run_js", { code: "const a = 1;\nconst b = dat + a;\n" });
      expect(r.isError).toBe(true);
      const error = r.structuredContent?.error as Record<string, unknown>;
      expect(error).toMatchObject({ name: "ReferenceError", message: "dat is not defined" });
      expect(error.location).toEqual({ file: "main.js", line: 2, column: 11 });
      expect(error.frame).toContain("> 2 | const b = dat + a;");
      expect(r.structuredContent).toMatchObject({ status: "error", exit_code: 1 });
      expect(text(r)).toContain("ReferenceError: dat is not defined\n    at main.js:2:11");
    });

    it("passes stdin and input", async () => {
      const r = await call(client, "run_js", {
        code: "module.exports = (n) => require('fs').readFileSync(0, 'utf8').repeat(n)",
        stdin: "ab",
        input: 3,
      });
      expect(r.structuredContent).toMatchObject({ status: "ok", value: "ababab" });
    });

    it("streams output as progress notifications to a client that asks", async () => {
      const seen: string[] = [];
      const r = await call(
        client,
        "run_js",
        {
          code: 'for (let i = 0; i < 3; i++) { console.log("tick", i); await new Promise((r) => setTimeout(r, 150)); }',
        },
        { onprogress: (p) => seen.push(p.message ?? "") },
      );
      expect(r.structuredContent).toMatchObject({ status: "ok" });
      expect(seen.join("")).toBe("tick 0\ntick 1\ntick 2\n");
    });
  });

  describe("sessions", () => {
    it("keeps state across three calls, and says when a session is gone", async () => {
      const created = await call(client, "create_session", {});
      const id = created.structuredContent?.session_id as string;
      expect(id).toMatch(/^s_/);
      expect(Date.parse(created.structuredContent?.expires_at as string)).toBeGreaterThan(Date.now());
      await call(client, "run_js", { session_id: id, code: "let total = 1; const seen = []" });
      await call(client, "run_js", { session_id: id, code: "total += 10; seen.push('two')" });
      const third = await call(client, "run_js", { session_id: id, code: "({ total: total * 2, seen })" });
      expect(third.structuredContent).toMatchObject({
        status: "ok",
        value: { total: 22, seen: ["two"] },
        session_id: id,
      });
      expect((await call(client, "close_session", { session_id: id })).structuredContent).toEqual({
        closed: true,
      });
      const after = await call(client, "run_js", { session_id: id, code: "total" });
      expect(after.isError).toBe(true);
      expect(text(after)).toContain("create_session");
    });

    it("ends a session at its ttl", async () => {
      const created = await call(client, "create_session", { ttl_ms: 1000 });
      const id = created.structuredContent?.session_id as string;
      await new Promise((r) => setTimeout(r, 1300));
      const r = await call(client, "run_js", { session_id: id, code: "1" });
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/does not exist or has expired.*create_session/);
    });

    it("closes a session whose memory cap was exceeded, and says what to do", async () => {
      const id = (await call(client, "create_session", {})).structuredContent?.session_id as string;
      await call(client, "run_js", { session_id: id, code: "let kept = 1" });
      const r = await call(client, "run_js", {
        session_id: id,
        code: "const a = []; for (;;) a.push(new Array(100000).fill(1))",
      });
      expect(r.structuredContent?.error).toMatchObject({
        name: "MemoryLimitError",
        hint: "the session's state is gone and the session is closed: call create_session for a new one",
      });
      const after = await call(client, "run_js", { session_id: id, code: "kept" });
      expect(text(after)).toMatch(/does not exist or has expired.*create_session/);
    });

    it("refuses sessions past --max-sessions", async () => {
      const ids: string[] = [];
      let refused: string | undefined;
      for (let i = 0; i < 4 && refused === undefined; i++) {
        const r = await call(client, "create_session", {});
        if (r.isError) refused = text(r);
        else ids.push(r.structuredContent?.session_id as string);
      }
      expect(refused).toMatch(/sessions are open, the most this server allows/);
      for (const id of ids) await call(client, "close_session", { session_id: id });
    });
  });

  describe("files", () => {
    it("seeds files (text and base64) and returns changed ones inline or as resource links", async () => {
      const r = await call(client, "run_js", {
        code: `const fs = require("fs");
          const text = fs.readFileSync("in.txt", "utf8");
          const bytes = fs.readFileSync("bin.dat");
          fs.writeFileSync("/out.txt", text.toUpperCase());
          fs.writeFileSync("/big.txt", "x".repeat(10000));
          fs.writeFileSync("/img.bin", new Uint8Array([0, 255, 1]));
          [...bytes]`,
        files: { "in.txt": "abc", "bin.dat": { base64: Buffer.from([7, 8, 9]).toString("base64") } },
      });
      expect(r.structuredContent?.value).toEqual([7, 8, 9]);
      const files = r.structuredContent?.files_changed as { path: string; text?: string; uri?: string }[];
      expect(files.map((f) => f.path)).toEqual(["/big.txt", "/img.bin", "/out.txt"]);
      expect(files[2]).toMatchObject({ text: "ABC", size: 3, mime_type: "text/plain" });
      const links = r.content.filter((c) => c.type === "resource_link");
      expect(links.map((l) => l.uri)).toEqual([files[0]?.uri, files[1]?.uri]);
      const big = await client.readResource({ uri: files[0]?.uri ?? "" });
      expect((big.contents[0] as { text: string }).text).toBe("x".repeat(10000));
      const bin = await client.readResource({ uri: files[1]?.uri ?? "" });
      expect(Buffer.from((bin.contents[0] as { blob: string }).blob, "base64")).toEqual(
        Buffer.from([0, 255, 1]),
      );
    });

    it("keeps a session's files, and reports only what each call changed", async () => {
      const id = (await call(client, "create_session", {})).structuredContent?.session_id as string;
      const first = await call(client, "run_js", {
        session_id: id,
        code: 'require("fs").writeFileSync("/notes.txt", "one"); 1',
        files: { "seed.txt": "seeded" },
      });
      expect(first.structuredContent?.files_changed).toEqual([
        { path: "/notes.txt", size: 3, mime_type: "text/plain", text: "one" },
      ]);
      const second = await call(client, "run_js", {
        session_id: id,
        code: 'const fs = require("fs"); fs.readFileSync("/seed.txt", "utf8") + fs.readFileSync("/notes.txt", "utf8")',
      });
      expect(second.structuredContent?.value).toBe("seededone");
      expect(second.structuredContent?.files_changed).toBeUndefined();
      await call(client, "close_session", { session_id: id });
    });
  });

  describe("long runs", () => {
    it("answers running after wait_ms, then wait returns the result with the output", async () => {
      const started = await call(client, "run_js", {
        code: 'console.log("early"); await new Promise((r) => setTimeout(r, 1200)); console.log("late"); 9',
        wait_ms: 200,
      });
      expect(started.structuredContent).toMatchObject({ status: "running", exit_code: null });
      const id = started.structuredContent?.execution_id as string;
      expect(text(started)).toContain(`execution_id ${id}`);
      let done = await call(client, "wait", { execution_id: id, wait_ms: 5000 });
      if (done.structuredContent?.status === "running")
        done = await call(client, "wait", { execution_id: id });
      expect(done.structuredContent).toMatchObject({ status: "ok", value: 9, stdout: "early\nlate\n" });
    });

    it("cancel stops another run", async () => {
      const started = await call(client, "run_js", {
        code: 'console.log("spinning"); for (;;) {}',
        wait_ms: 300,
      });
      expect(started.structuredContent?.status).toBe("running");
      const id = started.structuredContent?.execution_id as string;
      const cancelled = await call(client, "cancel", { execution_id: id });
      expect(cancelled.isError).toBe(true);
      expect(cancelled.structuredContent).toMatchObject({ status: "cancelled", stdout: "spinning\n" });
      expect(text(await call(client, "wait", { execution_id: "x_nope" }))).toContain("there is no execution");
    });
  });

  describe("the operator's caps hold", () => {
    it("a tool call cannot raise the timeout", async () => {
      const r = await call(client, "run_js", {
        code: "await new Promise((r) => setTimeout(r, 10000)); 1",
        timeout_ms: 60_000,
      });
      expect(r.structuredContent).toMatchObject({ status: "error", exit_code: 124 });
      expect(r.structuredContent?.error).toMatchObject({ name: "TimeoutError" });
      expect(r.structuredContent?.notes).toEqual([
        "timeout_ms 60000 is above this server's limit; the run has 3000 ms",
      ]);
      const lower = await call(client, "run_js", { code: "for (;;) {}", timeout_ms: 200 });
      expect(lower.structuredContent?.duration_ms).toBeLessThan(3000);
    });

    it("a tool call cannot add hosts, mounts or packages", async () => {
      for (const extra of [
        { allow_net: ["example.com"] },
        { mounts: ["/:/host"] },
        { packages: ["lodash"] },
      ]) {
        const r = await call(client, "run_js", { code: "1", ...extra });
        expect(r.isError).toBe(true);
        expect(text(r)).toContain(`Unrecognized key: "${Object.keys(extra)[0]}"`);
      }
    });

    it("fetch reaches only the operator's hosts", async () => {
      const ok = await call(client, "run_js", {
        code: `export default await (await fetch("${allowed.origin}/")).text()`,
      });
      expect(ok.structuredContent).toMatchObject({ status: "ok", value: "from the allowed host" });
      const refused = await call(client, "run_js", {
        code: `export default await (await fetch("${other.origin}/")).text()`,
      });
      expect(refused.isError).toBe(true);
      expect(text(refused)).toMatch(/not allowed|denied|refused/i);
    });

    it("the operator's mount is readable and read-only", async () => {
      const r = await call(client, "run_js", {
        code: 'require("fs").readFileSync("/data/data.txt", "utf8")',
      });
      expect(r.structuredContent?.value).toBe("mounted data");
      const w = await call(client, "run_js", { code: 'require("fs").writeFileSync("/data/new.txt", "x")' });
      expect(w.isError).toBe(true);
      expect(text(w)).toContain("EROFS");
    });
  });
});
