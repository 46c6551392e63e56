// Built-in "readline" and "readline/promises": line splitting compared with Node's own readline (the guest module
// run directly in Node over the guest stream module), then in the sandbox over process.stdin and guest Readables,
// in every isolation, from CommonJS, ES modules and scripts.
import * as nodeReadline from "node:readline";
import * as nodeStream from "node:stream";
import * as nodeUtil from "node:util";
import { describe, expect, it } from "vitest";
import { run } from "../../index.js";
import { runValue } from "../../../test/helpers/run-value.js";
import { create as createBuffer } from "./guest/buffer.js";
import { create as createEvents } from "./guest/events.js";
import { makeRequire } from "./guest/internal/testing.js";
import { create } from "./guest/readline.js";
import { create as createReadlinePromises } from "./guest/readline-promises.js";
import { create as createStream } from "./guest/stream.js";
import { create as createStringDecoder } from "./guest/string_decoder.js";

const load = makeRequire(
  {
    readline: create,
    "readline/promises": createReadlinePromises,
    stream: createStream,
    events: createEvents,
    buffer: createBuffer,
    string_decoder: createStringDecoder,
  },
  { "internal:inspect": nodeUtil },
);
const ours = {
  readline: load("readline") as typeof nodeReadline,
  stream: load("stream") as typeof nodeStream,
  Buffer: (load("buffer") as { Buffer: typeof Buffer }).Buffer,
};
const node = { readline: nodeReadline, stream: nodeStream, Buffer };

/** The 'line' and 'close' events of an interface over chunks (strings, or byte arrays made Buffers). */
function events(impl: typeof ours, chunks: (string | number[])[]): Promise<string[]> {
  const input = impl.stream.Readable.from(
    chunks.map((c) => (typeof c === "string" ? c : impl.Buffer.from(c))),
    { objectMode: false },
  );
  const rl = impl.readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const log: string[] = [];
  rl.on("line", (line) => log.push(`line ${JSON.stringify(line)}`));
  return new Promise((resolve) =>
    rl.on("close", () => {
      log.push("close");
      resolve(log);
    }),
  );
}

describe("readline line splitting, compared with Node", () => {
  const cases: Record<string, (string | number[])[]> = {
    "\\n endings": ["a\nb\n"],
    "\\r\\n endings": ["a\r\nb\r\n"],
    "a lone \\r": ["a\rb"],
    "\\r\\n split across chunks": ["a\r", "\nb\r", "\n"],
    "a last line without an ending": ["one\ntwo"],
    "empty lines": ["\n\n\nx\n"],
    "a line across chunks": ["ab", "cd", "\nef", "g"],
    "empty input": [],
    "a character split across Buffers": [[0x61, 0xc3], [0xa9, 0x0a, 0xe2, 0x82], [0xac]],
  };
  for (const [name, chunks] of Object.entries(cases)) {
    it(name, async () => {
      const expected = await events(node, chunks);
      expect(await events(ours, chunks)).toEqual(expected);
    });
  }

  it("the async iterator yields the lines, and break closes the interface", async () => {
    for (const impl of [node, ours]) {
      const rl = impl.readline.createInterface({ input: impl.stream.Readable.from(["1\n2\n3\n"]) });
      const got: string[] = [];
      for await (const line of rl) {
        got.push(line);
        if (line === "2") break;
      }
      expect([got, (rl as unknown as { closed: boolean }).closed]).toEqual([["1", "2"], true]);
    }
  });

  it("question() writes the query to the output and answers with the next line", async () => {
    const written: string[] = [];
    const output = new ours.stream.Writable({
      write(chunk, _encoding, done) {
        written.push(String(chunk));
        done();
      },
    });
    const rl = ours.readline.createInterface({ input: ours.stream.Readable.from(["bob\n"]), output });
    const answer = await new Promise((resolve) => rl.question("name? ", resolve));
    expect([answer, written]).toEqual(["bob", ["name? "]]);
  });

  it("rejects a missing input and use after close as Node does", () => {
    expect(() => ours.readline.createInterface({} as never)).toThrow(TypeError);
    const rl = ours.readline.createInterface({ input: ours.stream.Readable.from([]) });
    rl.close();
    expect(() => rl.question("q", () => {})).toThrow(
      expect.objectContaining({ code: "ERR_USE_AFTER_CLOSE" }),
    );
  });

  it("the cursor helpers write Node's escapes", () => {
    const seen: string[] = [];
    const stream = { write: (data: string) => seen.push(data) } as unknown as NodeJS.WritableStream;
    for (const impl of [node.readline, ours.readline]) {
      impl.cursorTo(stream, 3);
      impl.cursorTo(stream, 3, 4);
      impl.moveCursor(stream, -2, 5);
      impl.clearLine(stream, 0);
      impl.clearScreenDown(stream);
    }
    expect(seen.slice(5)).toEqual(seen.slice(0, 5));
  });
});

describe("readline in the sandbox", () => {
  for (const isolation of ["inline", "worker", "process"] as const) {
    it(`for await over an interface on process.stdin (ESM, ${isolation})`, async () => {
      const r = await runValue(
        `import readline from "node:readline";
        const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
        const lines = [];
        for await (const line of rl) lines.push(line);
        export default lines;`,
        { stdin: "first\r\nsecond é\n\nlast", isolation },
      );
      expect(r.value).toEqual(["first", "second é", "", "last"]);
    });
  }

  it("readline/promises: consecutive questions over piped stdin get consecutive lines", async () => {
    const r = await runValue(
      `import * as readline from "node:readline/promises";
      import { stdin as input, stdout as output } from "node:process";
      const rl = readline.createInterface({ input, output });
      const name = await rl.question("name? ");
      const age = await rl.question("age? ");
      rl.close();
      export default [name, age];`,
      { stdin: "Ada\n36\n", isolation: "worker" },
    );
    expect(r).toEqual({ value: ["Ada", "36"], stdout: "name? age? " });
  });

  it("CommonJS: 'line' and 'close' events, readline.promises, a question past the input's end rejects", async () => {
    const r = await runValue(
      `const readline = require("readline");
      const lines = [];
      const rl = readline.createInterface({ input: process.stdin });
      rl.on("line", (line) => lines.push(line));
      rl.on("close", async () => {
        const rl2 = require("readline/promises").createInterface({ input: require("stream").Readable.from([]) });
        const late = await rl2.question("more? ").catch((e) => e.code);
        module.exports = [lines, readline.promises === require("node:readline/promises"), late];
      });`,
      { stdin: "x\ny\n" },
    );
    expect(r.value).toEqual([["x", "y"], true, "ERR_USE_AFTER_CLOSE"]);
  });

  it("a script reads lines from any guest Readable, and from rl.write()", async () => {
    const r = await runValue(
      `const { Readable } = require("stream");
      const rl = require("readline").createInterface({ input: Readable.from(["a\\nb", "c\\n"]) });
      const lines = [];
      rl.on("line", (line) => lines.push(line));
      rl.write("typed\\n");
      await new Promise((resolve) => rl.on("close", resolve));
      lines`,
    );
    expect(r.value).toEqual(["typed", "a", "bc"]);
  });

  it("lines wait for a 'line' listener added later in the same turn; util.promisify(rl.question) answers too", async () => {
    const r = await runValue(
      `const util = require("util");
      const rl = require("readline").createInterface({ input: process.stdin });
      const ask = util.promisify(rl.question).bind(rl);
      (async () => {
        const first = await ask("");
        await Promise.resolve();
        const rest = [];
        rl.on("line", (line) => rest.push(line));
        rl.on("close", () => { module.exports = [first, rest]; });
      })();`,
      { stdin: "1\n2\n3" },
    );
    expect(r.value).toEqual(["1", ["2", "3"]]);
  });

  it("the callback question() form writes its query to process.stdout", async () => {
    const r = await runValue(
      `const rl = require("readline").createInterface({ input: process.stdin, output: process.stdout });
      rl.question("ok? ", (answer) => { console.log("got " + answer); rl.close(); });`,
      { stdin: "yes\nno\n", isolation: "process" },
    );
    expect(r.stdout).toBe("ok? got yes\n");
  });

  it("lines nobody took are dropped at the end and the interface still closes", async () => {
    const r = await runValue(
      `const rl = require("readline").createInterface({ input: process.stdin });
      rl.on("close", () => console.log("closed"));
      undefined`,
      { stdin: "1\n2\n" },
    );
    expect(r.stdout).toBe("closed\n");
  });

  it("is refused when the modules allow list leaves it out", async () => {
    const r = await run(`require("readline")`, { modules: ["path"] });
    expect(r.ok).toBe(false);
    expect(r.error?.message).toMatch(/readline/);
  });
});
