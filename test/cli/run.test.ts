// `cordon run`: programs from files, -e and stdin, their arguments, output, value and exit code.
import { afterAll, describe, expect, it } from "vitest";
import { cordon, tree } from "./spawn.js";

const t = tree({
  "app/main.js":
    'import { x } from "./lib/x.js";\nconsole.log("args", JSON.stringify(process.argv.slice(2)));\nexport default x * 2;\n',
  "app/lib/x.js": "export const x = 21;\n",
  "app/escape.js": 'import { y } from "../outside.js";\nexport default y;\n',
  "app/read-own.js":
    'import { readFileSync } from "node:fs";\nexport default readFileSync(new URL("./lib/x.js", import.meta.url).pathname, "utf8");\n',
  "app/main.ts":
    "const n: number = 5;\nexport default { n, twice: n * 2 } satisfies Record<string, number>;\n",
  "app/cjs.cjs": "module.exports = { kind: typeof require, name: __filename.split('/').pop() };\n",
  "outside.js": "export const y = 1;\n",
  "count-vowels.js": "module.exports = s => (s.match(/[aeiou]/gi) || []).length;\n",
  "sum.js":
    'const rows = require("fs").readFileSync(0, "utf8").trim().split("\\n").slice(1);\nconsole.log(rows.reduce((s, r) => s + Number(r.split(",")[1]), 0));\n',
  "exit.js": "console.log('bye'); process.exit(3);\n",
  "text.js": 'export default "plain text"\n',
});
afterAll(t.remove);
const at = (path: string) => `${t.dir}/${path}`;

describe("cordon run <file>", () => {
  it("runs an ES module that imports its own files, prints output then the value, passes args", async () => {
    const r = await cordon(["run", at("app/main.js"), "one", "--", "--two", "-3"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toBe('args ["one","--two","-3"]\n42\n');
  });

  it("refuses an import from outside the entry's directory, naming the file, line and the flags that help", async () => {
    const r = await cordon(["run", at("app/escape.js")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Cannot find module '../outside.js' imported from");
    expect(r.stderr).toContain(`at ${at("app/escape.js")}:1:19`);
    expect(r.stderr).toContain(`Hint: the program's imports load from ${at("app")} and below only`);
    expect(r.stderr).toContain("--files <dir> or --mount host:guest");
  });

  it("lets the entry import its directory but not read it with fs", async () => {
    const r = await cordon(["run", at("app/read-own.js")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`EACCES: permission denied, open '${at("app/lib/x.js")}'`);
    expect(r.stderr).toContain(`--mount ${at("app")}:/app`);
  });

  it("runs TypeScript and CommonJS files by extension", async () => {
    const ts = await cordon(["run", at("app/main.ts")]);
    expect(ts).toMatchObject({ code: 0, stderr: "", stdout: "{ n: 5, twice: 10 }\n" });
    const cjs = await cordon(["run", at("app/cjs.cjs")]);
    expect(cjs).toMatchObject({ code: 0, stdout: "{ kind: 'function', name: 'cjs.cjs' }\n" });
  });

  it("prints a string value raw, and exits with process.exit's code", async () => {
    expect(await cordon(["run", at("text.js")])).toMatchObject({ code: 0, stdout: "plain text\n" });
    expect(await cordon(["run", at("exit.js")])).toMatchObject({ code: 3, stdout: "bye\n" });
  });

  it("does not wait for a stdin pipe the program never reads", async () => {
    // spawn() leaves stdin an open pipe here: a CLI that read it up front would hang until the test's kill.
    const r = await cordon(["run", "-e", "6 * 7"]);
    expect(r).toMatchObject({ code: 0, stdout: "42\n" });
  });
});

describe("cordon run -e and -", () => {
  it("-e runs code, and its args become process.argv.slice(2)", async () => {
    const r = await cordon(["run", "-e", "process.argv.slice(2).join('+')", "a", "b"]);
    expect(r).toMatchObject({ code: 0, stdout: "a+b\n", stderr: "" });
    expect((await cordon(["run", "--eval", "1+1"])).stdout).toBe("2\n");
    // --inline names the default (the calling thread) and is accepted.
    expect(await cordon(["run", "--inline", "-e", "typeof process.stdin"])).toMatchObject({
      code: 0,
      stdout: "object\n",
    });
  });

  it("- reads the program from stdin; --typescript makes it TypeScript", async () => {
    expect(await cordon(["run", "-"], { stdin: "console.log('from stdin')" })).toMatchObject({
      code: 0,
      stdout: "from stdin\n",
    });
    const ts = await cordon(["run", "--typescript", "-"], { stdin: "const n: number = 2;\nn * 21" });
    expect(ts).toMatchObject({ code: 0, stdout: "42\n" });
    const notTs = await cordon(["run", "-"], { stdin: "const n: number = 2;\nn * 21" });
    expect(notTs.code).toBe(1);
    expect(notTs.stderr).toContain("SyntaxError");
  });
});

describe("standard input", () => {
  it("--call calls the exported function with stdin's text", async () => {
    const r = await cordon(["run", at("count-vowels.js"), "--call"], { stdin: "Hello World\n" });
    expect(r).toMatchObject({ code: 0, stdout: "3\n", stderr: "" });
  });

  it("piped stdin is the program's fs.readFileSync(0)", async () => {
    const r = await cordon(["run", at("sum.js")], { stdin: "name,amount\na,1.5\nb,2\nc,3.25\n" });
    expect(r).toMatchObject({ code: 0, stdout: "6.75\n", stderr: "" });
  });

  it("piped stdin is the program's process.stdin: for await, on('data'), and readline", async () => {
    const input = "one\ntwo\nthree\n";
    const forAwait =
      "let n = 0; for await (const chunk of process.stdin) n += chunk.length; export default n;";
    expect(await cordon(["run", "-e", forAwait], { stdin: input })).toMatchObject({
      code: 0,
      stdout: "14\n",
    });
    const onData =
      "let text = ''; process.stdin.setEncoding('utf8'); process.stdin.on('data', (d) => (text += d)); process.stdin.on('end', () => console.log(text.toUpperCase().trim()));";
    // The script's last value is the stream: not printed (a note on stderr says why), and the run still succeeds.
    const data = await cordon(["run", "-e", onData], { stdin: input });
    expect(data).toMatchObject({ code: 0, stdout: "ONE\nTWO\nTHREE\n" });
    expect(data.stderr).toMatch(/^cordon: the program's value was not printed: .*could not be cloned/);
    const lines =
      'import { createInterface } from "node:readline";\nconst out = [];\nfor await (const line of createInterface({ input: process.stdin })) out.push(line.length);\nexport default out;';
    expect(await cordon(["run", "-e", lines], { stdin: input })).toMatchObject({
      code: 0,
      stdout: "[ 3, 3, 5 ]\n",
    });
  });

  it("an exported function without --call or --input is not called; a note says which flag calls it", async () => {
    const r = await cordon(["run", "-e", "module.exports = (s) => s.length"]);
    expect(r).toMatchObject({ code: 0, stdout: "" });
    expect(r.stderr).toContain("to call an exported function, pass --call or --input");
    expect(r.stderr).not.toContain("`input` option");
  });

  it("--input passes JSON to the exported function", async () => {
    const r = await cordon(["run", "-e", "module.exports = (o) => o.a + o.b", "--input", '{"a":1,"b":2}']);
    expect(r).toMatchObject({ code: 0, stdout: "3\n" });
  });
});

describe("--json", () => {
  it("prints the whole result as JSON and nothing else on stdout, for success and failure", async () => {
    const ok = await cordon(["run", "--json", "-e", "console.log('hi'); console.error('e'); ({ a: 1 })"]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe("");
    const result = JSON.parse(ok.stdout);
    expect(result).toMatchObject({ ok: true, value: { a: 1 }, stdout: "hi\n", stderr: "e\n", exitCode: 0 });
    const bad = await cordon(["run", "--json", "-e", "null.x"]);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, exitCode: 1, error: { name: "TypeError" } });
  });
});
