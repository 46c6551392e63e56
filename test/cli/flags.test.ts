// `cordon run` flags that grant access (--files, --mount, --cwd, --env, --package, --allow-net), limits
// (--timeout, --memory) and the command line's own errors, help and version.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cordon, tree } from "./spawn.js";

const t = tree({
  "data/a.txt": "alpha",
  "data/sub/b.txt": "beta",
  "out/keep.txt": "old",
  "node_modules/greet/package.json": '{ "name": "greet", "main": "index.js" }',
  "node_modules/greet/index.js": 'module.exports = (n) => "hello " + n;',
  "host-secret.txt": "do not read",
});
afterAll(t.remove);
const at = (path: string) => `${t.dir}/${path}`;

describe("grants", () => {
  it("--files copies a directory into the in-memory tree at /", async () => {
    const code =
      "const fs = require('fs'); [fs.readFileSync('a.txt', 'utf8'), fs.readFileSync('/sub/b.txt', 'utf8')]";
    const r = await cordon(["run", "--files", at("data"), "-e", code]);
    expect(r).toMatchObject({ code: 0, stdout: "[ 'alpha', 'beta' ]\n", stderr: "" });
    // Writes stay in the copy.
    const w = await cordon([
      "run",
      "--files",
      at("data"),
      "-e",
      "require('fs').writeFileSync('/a.txt', 'x')",
    ]);
    expect(w.code).toBe(0);
    expect(readFileSync(at("data/a.txt"), "utf8")).toBe("alpha");
  });

  it("--mount is read-only unless :rw, and --cwd sets the working directory", async () => {
    const read = await cordon([
      "run",
      "--mount",
      `${at("data")}:/data`,
      "--cwd",
      "/data",
      "-e",
      "require('fs').readFileSync('a.txt', 'utf8')",
    ]);
    expect(read).toMatchObject({ code: 0, stdout: "alpha\n" });
    const ro = await cordon([
      "run",
      "--mount",
      `${at("out")}:/out`,
      "-e",
      "require('fs').writeFileSync('/out/keep.txt', 'new')",
    ]);
    expect(ro.code).toBe(1);
    expect(ro.stderr).toContain("EROFS");
    expect(readFileSync(at("out/keep.txt"), "utf8")).toBe("old");
    const rw = await cordon([
      "run",
      "--mount",
      `${at("out")}:/out:rw`,
      "-e",
      "require('fs').writeFileSync('/out/keep.txt', 'new')",
    ]);
    expect(rw).toMatchObject({ code: 0, stderr: "" });
    expect(readFileSync(at("out/keep.txt"), "utf8")).toBe("new");
  });

  it("without --mount or --files, fs sees no host file", async () => {
    const r = await cordon(
      ["run", "-e", `require('fs').readFileSync(${JSON.stringify(at("host-secret.txt"))}, 'utf8')`],
      {
        cwd: "/",
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ENOENT|EACCES/);
    expect(r.stdout).not.toContain("do not read");
  });

  it("--env sets the program's environment, and the host's is not passed", async () => {
    const r = await cordon(["run", "--env", "A=1", "--env", "B=x=y", "-e", "JSON.stringify(process.env)"], {
      env: { HOST_ONLY: "secret" },
    });
    expect(r).toMatchObject({ code: 0, stdout: '{"A":"1","B":"x=y"}\n' });
  });

  it("--package grants a host package from ./node_modules; without it the import fails with a hint", async () => {
    const code = "require('greet')('cli')";
    expect(await cordon(["run", "--package", "greet", "-e", code], { cwd: t.dir })).toMatchObject({
      code: 0,
      stdout: "hello cli\n",
    });
    const denied = await cordon(["run", "-e", code], { cwd: "/" });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/Cannot find (module|package) 'greet'/);
  });

  describe("--allow-net", () => {
    let server: Server;
    let origin = "";
    beforeAll(async () => {
      server = createServer((_req, res) => res.end("pong"));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("grants fetch to the hosts named, and refuses others with the flag to add", async () => {
      const code = `export default await (await fetch("${origin}/ping")).text()`;
      expect(await cordon(["run", "--allow-net", origin, "-e", code])).toMatchObject({
        code: 0,
        stdout: "pong\n",
      });
      const denied = await cordon(["run", "-e", code]);
      expect(denied.code).toBe(1);
      expect(denied.stderr).toContain(`add --allow-net ${origin}`);
      expect(denied.stderr).not.toContain("network.allow");
    });
  });
});

describe("limits and exit codes", () => {
  it("--timeout ends a loop at the deadline with exit code 124, in CLI words", async () => {
    const r = await cordon(["run", "--timeout", "300ms", "-e", "for (;;) {}"]);
    expect(r.code).toBe(124);
    expect(r.stderr).toContain("TimeoutError: the run took longer than --timeout (300 ms)");
    expect(r.stderr).not.toContain("timeoutMs");
  });

  it("a native hang on the main thread still ends at --timeout with 124 (the watchdog)", async () => {
    const r = await cordon(["run", "--timeout", "500ms", "-e", "new Array(1e9) + ''"]);
    expect(r.code).toBe(124);
    expect(r.stderr).toContain("TimeoutError: the run took longer than --timeout (500 ms)");
    const json = await cordon(["run", "--json", "--timeout", "500ms", "-e", "new Array(1e9) + ''"]);
    expect(json.code).toBe(124);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      exitCode: 124,
      error: { name: "TimeoutError" },
    });
  });

  it("--memory caps the engine's memory: exit code 137", async () => {
    const r = await cordon([
      "run",
      "--memory",
      "16mb",
      "-e",
      "const a = []; for (;;) a.push(new Array(1e5).fill(1))",
    ]);
    expect(r.code).toBe(137);
    expect(r.stderr).toContain("MemoryLimitError");
    expect(r.stderr).toContain("--memory is 16mb");
  });

  it("an uncaught error exits 1", async () => {
    expect((await cordon(["run", "-e", "throw new Error('x')"])).code).toBe(1);
  });
});

describe("the command line itself", () => {
  const bad: [string[], RegExp][] = [
    [["run", "--bogus", "-e", "1"], /^cordon: unknown flag --bogus \(see cordon run --help/],
    [["run", "--timeout", "5q", "-e", "1"], /^cordon: --timeout takes a duration like 5s, 500ms or 5000/],
    [["run", "--memory", "8mb", "-e", "1"], /^cordon: --memory must be from 16mb to 2gb/],
    [["run", "--mount", "nocolon", "-e", "1"], /^cordon: --mount takes host:guest\[:rw\]/],
    [
      ["run", "--mount", "/no/such/dir:/d", "-e", "1"],
      /^cordon: --mount \/no\/such\/dir:\/d: no such file or directory/,
    ],
    [
      ["run", "--files", "/no/such/dir", "-e", "1"],
      /^cordon: --files \/no\/such\/dir: no such file or directory/,
    ],
    [["run", "--env", "NOEQUALS", "-e", "1"], /^cordon: --env takes KEY=VALUE/],
    [["run", "--input", "{bad", "-e", "1"], /^cordon: --input must be JSON/],
    [["run", "--cwd", "relative", "-e", "1"], /^cordon: --cwd must be an absolute guest path/],
    [["run", "/no/such/file.js"], /^cordon: cannot read \/no\/such\/file\.js: no such file or directory/],
    [["run"], /^cordon: run needs a file, - for standard input, or -e <code>/],
    [["frobnicate"], /^cordon: unknown command "frobnicate"/],
    [["run", "--timeout"], /^cordon: --timeout needs a value/],
  ];
  it.each(bad)("%j: one line on stderr, exit code 2, no usage", async (args, message) => {
    const r = await cordon(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("--help and --version load no engine and no transformer", async () => {
    // A loader hook that lists every module resolved, on stderr.
    const hook = `data:text/javascript,${encodeURIComponent(
      'import { writeSync } from "node:fs"; export async function resolve(s, c, next) { const r = await next(s, c); writeSync(2, "LOADED " + r.url + "\\n"); return r; }',
    )}`;
    const register = `data:text/javascript,${encodeURIComponent(`import { register } from "node:module"; register(${JSON.stringify(hook)});`)}`;
    for (const args of [["--version"], ["--help"], ["run", "--help"]]) {
      const r = await cordon(args, { nodeArgs: ["--no-warnings", "--import", register] });
      expect(r.code).toBe(0);
      const loaded = r.stderr.split("\n").filter((line) => line.startsWith("LOADED "));
      expect(loaded.some((line) => line.includes("/cli/main.js"))).toBe(true);
      expect(
        loaded.filter((line) => /quickjs|esbuild|sucrase|acorn|run-command|dist\/index/.test(line)),
      ).toEqual([]);
    }
    const version = await cordon(["--version"]);
    expect(version.stdout).toBe(
      `${JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version}\n`,
    );
    const help = await cordon(["run", "--help"]);
    for (const flag of [
      "--eval",
      "--timeout",
      "--memory",
      "--allow-net",
      "--mount",
      "--files",
      "--cwd",
      "--env",
      "--package",
      "--typescript",
      "--input",
      "--call",
      "--json",
      "--inline",
    ]) {
      expect(help.stdout).toContain(flag);
    }
  });

  it("colours nothing when NO_COLOR is set or stdout is not a terminal", async () => {
    const r = await cordon(["run", "-e", "({ a: 1, s: 'x' })"]);
    expect(r.stdout).toBe("{ a: 1, s: 'x' }\n");
    expect(r.stdout).not.toContain("\u001b[");
  });
});
