// The guest's process.stdin: a Readable over the run's `stdin` option, made only when a program reads it, in every
// isolation and from ES modules, CommonJS and scripts.
import { describe, expect, it } from "vitest";
import { runValue } from "../../../test/helpers/run-value.js";

describe("process.stdin", () => {
  for (const isolation of ["inline", "worker", "process"] as const) {
    it(`for await reads the stdin option as Buffers (ESM, ${isolation})`, async () => {
      const r = await runValue(
        `const chunks = [];
        for await (const chunk of process.stdin) chunks.push(chunk);
        export default [chunks.every((c) => Buffer.isBuffer(c)), Buffer.concat(chunks).toString()];`,
        { stdin: "line 1\nline 2 é\n", isolation },
      );
      expect(r.value).toEqual([true, "line 1\nline 2 é\n"]);
    });

    it(`'data' and 'end' events with setEncoding (CommonJS, ${isolation})`, async () => {
      const r = await runValue(
        `const { stdin } = require("node:process");
        stdin.setEncoding("utf8");
        let text = "";
        const kinds = new Set();
        stdin.on("data", (chunk) => { kinds.add(typeof chunk); text += chunk; });
        stdin.on("end", () => { module.exports = [text, [...kinds], stdin === process.stdin]; });`,
        { stdin: new TextEncoder().encode("é€\n"), isolation },
      );
      expect(r.value).toEqual(["é€\n", ["string"], true]);
    });
  }

  it("large stdin arrives in 64 KiB chunks, characters across chunk ends kept whole after setEncoding", async () => {
    const text = `${"a".repeat(65535)}é${"b".repeat(10000)}`;
    const r = await runValue(
      `import { readFileSync } from "node:fs";
      const sizes = [];
      const copy = [];
      process.stdin.on("data", (c) => { sizes.push(c.length); copy.push(c); });
      await new Promise((resolve) => process.stdin.on("end", resolve));
      export default [sizes, Buffer.concat(copy).toString() === readFileSync(0, "utf8")];`,
      { stdin: text },
    );
    expect(r.value).toEqual([[65536, 10001], true]);
    const decoded = await runValue(
      `process.stdin.setEncoding("utf8"); const parts = []; for await (const c of process.stdin) parts.push(c);
      const text = parts.join("");
      export default [parts.every((p) => typeof p === "string"), text.length, text.includes("\\ufffd"), text.indexOf("é")];`,
      { stdin: text },
    );
    expect(decoded.value).toEqual([true, 75536, false, 65535]);
  });

  it("empty stdin ends at once", async () => {
    const r = await runValue(
      `let n = 0;
      for await (const chunk of process.stdin) n++;
      export default [n, process.stdin.readableEnded];`,
    );
    expect(r.value).toEqual([0, true]);
  });

  it("fs.readFileSync(0) and process.stdin both give the whole text, in either order", async () => {
    const r = await runValue(
      `const fs = require("fs");
      const before = fs.readFileSync(0, "utf8");
      let streamed = "";
      process.stdin.setEncoding("utf8");
      process.stdin.on("data", (c) => { streamed += c; });
      process.stdin.on("end", () => { module.exports = [before, streamed, fs.readFileSync("/dev/stdin", "utf8")]; });`,
      { stdin: "same text" },
    );
    expect(r.value).toEqual(["same text", "same text", "same text"]);
  });

  it("read() in 'readable', pipe() into process.stdout, fd 0 and not a TTY", async () => {
    const read = await runValue(
      `const got = [];
      process.stdin.on("readable", () => { let c; while ((c = process.stdin.read()) !== null) got.push(c.toString()); });
      process.stdin.on("end", () => { module.exports = [got.join(""), process.stdin.fd, process.stdin.isTTY]; });`,
      { stdin: "r1\nr2" },
    );
    expect(read.value).toEqual(["r1\nr2", 0, false]);
    const piped = await runValue(`process.stdin.pipe(process.stdout); undefined`, {
      stdin: "piped through\n",
    });
    expect(piped.stdout).toBe("piped through\n");
  });

  it("is made on first use only: importing node:process or holding process.stdin compiles no stream", async () => {
    const r = await runValue(
      `import { stdin, env } from "node:process";
      import { Readable } from "node:stream";
      const held = Object.getOwnPropertyNames(stdin).sort();
      stdin.setEncoding("utf8");
      let text = "";
      for await (const chunk of stdin) text += chunk;
      export default [held, stdin === process.stdin, stdin instanceof Readable, "_readableState" in stdin, text];`,
      { stdin: "held early" },
    );
    expect(r.value).toEqual([["fd", "isTTY", "ref", "unref"], true, true, true, "held early"]);
  });

  it("works under a modules allow list that leaves out stream", async () => {
    const r = await runValue(
      `const s = process.stdin; s.setEncoding("utf8"); let t = ""; s.on("data", (c) => { t += c; });
      s.on("end", () => { module.exports = [t, typeof s.pipe]; });`,
      { modules: ["path"], stdin: "allowed" },
    );
    expect(r.value).toEqual(["allowed", "function"]);
  });
});
