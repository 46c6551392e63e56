// The MCP bundle (`npm run mcpb`): built into a temporary directory, unpacked, and started the way its manifest says
// (as Claude Desktop does: ${__dirname} and the user's settings put into mcp_config), far from this project's
// node_modules, so it runs on what it carries. Needs src/generated (made by `npm run build`, which `npm test` runs).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unzip } from "./helpers/unzip.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  version: string;
  engines: { node: string };
};

interface UserOption {
  type: string;
  default?: string | number | boolean | string[];
  multiple?: boolean;
}

interface Manifest {
  manifest_version: string;
  name: string;
  display_name: string;
  version: string;
  description: string;
  author: { name: string };
  server: { type: string; entry_point: string; mcp_config: { command: string; args: string[] } };
  tools: { name: string; description: string }[];
  compatibility: { runtimes: { node: string } };
  user_config: Record<string, UserOption>;
}

/**
 * mcp_config's args with the variables put in, as the MCPB reference (getMcpConfigForManifest) does: defaults, then
 * the user's values; an argument that is a list setting alone becomes one argument per value.
 */
function launchArgs(manifest: Manifest, dirname: string, user: Record<string, string | number | string[]>) {
  const vars: Record<string, string | string[]> = { __dirname: dirname };
  const settings = {
    ...Object.fromEntries(Object.entries(manifest.user_config).map(([k, o]) => [k, o.default])),
  };
  for (const [key, value] of Object.entries({ ...settings, ...user })) {
    if (value !== undefined)
      vars[`user_config.${key}`] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return manifest.server.mcp_config.args.flatMap((arg) => {
    const alone = /^\$\{(user_config\.[^}]+)\}$/.exec(arg)?.[1];
    const value = alone === undefined ? undefined : vars[alone];
    if (Array.isArray(value)) return value;
    return [
      arg.replace(/\$\{([^}]+)\}/g, (whole, name: string) => (vars[name] as string | undefined) ?? whole),
    ];
  });
}

let dir: string;
let ext: string;
let names: string[];
let manifest: Manifest;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cordon-mcpb-"));
  execFileSync(process.execPath, [join(root, "scripts/build-mcpb.mjs"), "--out", join(dir, "cordon.mcpb")], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
  });
  ext = join(dir, "cordon");
  names = unzip(readFileSync(join(dir, "cordon.mcpb")), ext);
  manifest = JSON.parse(readFileSync(join(ext, "manifest.json"), "utf8")) as Manifest;
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the MCP bundle", () => {
  it("has a manifest that starts cordon mcp over stdio with the user's hosts and directories", () => {
    expect(manifest).toMatchObject({
      manifest_version: "0.3",
      name: "cordon",
      version: pkg.version,
      server: { type: "node", mcp_config: { command: "node" } },
      compatibility: { runtimes: { node: pkg.engines.node } },
    });
    expect(manifest.display_name).toBeTruthy();
    expect(manifest.description).toBeTruthy();
    expect(manifest.author.name).toBeTruthy();
    const { entry_point, mcp_config } = manifest.server;
    expect(existsSync(join(ext, entry_point))).toBe(true);
    expect(mcp_config.args.slice(0, 2)).toEqual([`\${__dirname}/${entry_point}`, "mcp"]);
    expect(manifest.tools.map((t) => t.name).sort()).toEqual(
      ["cancel", "close_session", "create_session", "run_js", "wait"].sort(),
    );
    expect(manifest.user_config.allowed_hosts).toMatchObject({ type: "string", default: "" });
    expect(manifest.user_config.allowed_directories).toMatchObject({ type: "directory", multiple: true });
    const user = { allowed_hosts: "a.example,b.example", allowed_directories: ["/d", "/e"] };
    expect(launchArgs(manifest, "/x", user)).toEqual([
      "/x/server/cli/main.js",
      "mcp",
      "--allow-net=a.example,b.example",
      "--timeout=60s",
      "--memory=64mb",
      "--mount-dirs",
      "/d",
      "/e",
    ]);
  });

  it("carries the engine's .wasm and the packages loaded at run time, and not esbuild", () => {
    expect(names).toContain(
      "node_modules/@jitl/quickjs-ng-wasmfile-release-sync/dist/emscripten-module.wasm",
    );
    for (const name of ["sucrase", "acorn", "@jridgewell/trace-mapping", "cjs-module-lexer"]) {
      expect(names).toContain(`node_modules/${name}/package.json`);
    }
    expect(names.filter((n) => /(^|\/)(esbuild|@esbuild)\//.test(n))).toEqual([]);
    expect(names.filter((n) => n.endsWith(".map"))).toEqual([]);
    expect(JSON.parse(readFileSync(join(ext, "package.json"), "utf8"))).toMatchObject({ type: "module" });
  });

  it("serves run_js for JavaScript, TypeScript and a chosen directory", async () => {
    const data = join(dir, "data");
    mkdirSync(data);
    writeFileSync(join(data, "n.txt"), "40");
    const { command } = manifest.server.mcp_config;
    const transport = new StdioClientTransport({
      command: command === "node" ? process.execPath : command,
      args: launchArgs(manifest, ext, { allowed_directories: [data] }),
      cwd: dir,
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const client = new Client({ name: "mcpb-test", version: "0" });
    await client.connect(transport);
    try {
      const run = async (code: string, language: "javascript" | "typescript" = "javascript") => {
        const result = await client.callTool({ name: "run_js", arguments: { code, language } });
        return result.structuredContent as { status: string; value?: unknown; error?: { message: string } };
      };
      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name).sort()).toEqual(manifest.tools.map((t) => t.name).sort());

      expect(await run("1+1")).toMatchObject({ status: "ok", value: 2 });
      const ts =
        "enum Unit { One = 1 }\nconst add = (a: number, b: number): number => a + b;\nadd(41, Unit.One)";
      expect(await run(ts, "typescript")).toMatchObject({ status: "ok", value: 42 });
      const read = `Number(require("node:fs").readFileSync("/mnt/${basename(data)}/n.txt", "utf8")) + 2`;
      expect(await run(read)).toMatchObject({ status: "ok", value: 42 });

      // esbuild is not in the bundle: a namespace with values fails that run, with a message, and the server goes on.
      const namespace = await run("const b = 0;\nnamespace N { export const a = 1 }\nN.a + b", "typescript");
      expect(namespace.status).toBe("error");
      expect(namespace.error?.message).toMatch(/needs the package esbuild/);
      expect(await run("2+2")).toMatchObject({ status: "ok", value: 4 });
    } catch (error) {
      throw new Error(`${(error as Error).message}\nserver stderr:\n${stderr}`, { cause: error });
    } finally {
      await client.close();
    }
  }, 60_000);
});
