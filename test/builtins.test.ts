// Node built-in modules the sandbox provides: basic behaviour of each, reached through require() in scripts and
// through import (default, named and namespace imports, with and without the node: prefix) in modules.
import { describe, expect, it } from "vitest";
import { type RunOptions, run } from "../src/index.js";

async function value(code: string, options?: RunOptions): Promise<unknown> {
  const r = await run(code, options);
  if (!r.ok) throw new Error(`run failed: ${r.error?.name}: ${r.error?.message}\n${r.error?.stack ?? ""}`);
  return r.value;
}

describe("buffer", () => {
  it("through require", async () => {
    const v = await value(`
      const { Buffer } = require("buffer");
      const b = Buffer.from("héllo");
      const n = Buffer.alloc(4); n.writeUInt32BE(0xdeadbeef, 0);
      [b.length, b.toString("hex"), b.toString("base64"), Buffer.from("aGk=", "base64").toString(),
       Buffer.concat([Buffer.from("a"), Buffer.from("b")]).toString(), Buffer.isBuffer(b), b instanceof Uint8Array,
       n.readUInt32BE(0).toString(16), Buffer.byteLength("€"), Buffer.compare(Buffer.from("a"), Buffer.from("b")),
       b.slice(1, 3).toString("hex"), Buffer.from([1, 2, 3]).equals(Buffer.from([1, 2, 3])), globalThis.Buffer === Buffer,
       JSON.stringify(Buffer.from("ab"))]`);
    expect(v).toEqual([
      6,
      "68c3a96c6c6f",
      "aMOpbGxv",
      "hi",
      "ab",
      true,
      true,
      "deadbeef",
      3,
      -1,
      "c3a9",
      true,
      true,
      '{"type":"Buffer","data":[97,98]}',
    ]);
  });

  it("through import", async () => {
    const v = await value(`
      import { Buffer } from "node:buffer";
      import buffer from "buffer";
      export default [Buffer.from("hi").toString("hex"), buffer.Buffer === Buffer, Buffer.from("ff00", "hex").length];`);
    expect(v).toEqual(["6869", true, 2]);
  });
});

describe("events", () => {
  it("through require", async () => {
    const v = await value(`
      const EventEmitter = require("events");
      const e = new EventEmitter();
      const got = [];
      e.on("x", (a, b) => got.push([a, b]));
      e.once("x", (a) => got.push("once " + a));
      e.prependListener("x", () => got.push("first"));
      e.emit("x", 1, 2);
      e.emit("x", 3);
      let unhandled; try { e.emit("error", new Error("bad")) } catch (err) { unhandled = err.message }
      class Sub extends EventEmitter {}
      const s = new Sub(); let hit = false; s.on("y", () => { hit = true }); s.emit("y");
      [got, e.listenerCount("x"), e.eventNames(), EventEmitter.EventEmitter === EventEmitter, typeof EventEmitter.once,
       unhandled, hit, e.emit("nothing")]`);
    expect(v).toEqual([
      ["first", [1, 2], "once 1", "first", [3, undefined]],
      2,
      ["x"],
      true,
      "function",
      "bad",
      true,
      false,
    ]);
  });

  it("through import: named and default", async () => {
    const v = await value(`
      import { EventEmitter, once } from "node:events";
      import events from "events";
      const e = new EventEmitter();
      setTimeout(() => e.emit("ready", 42), 5);
      const [arg] = await once(e, "ready");
      export default [arg, events === EventEmitter || events.EventEmitter === EventEmitter, new events() instanceof EventEmitter];`);
    expect(v).toEqual([42, true, true]);
  });
});

describe("util", () => {
  it("through require", async () => {
    const v = await value(`
      const util = require("util");
      const sleep = util.promisify((ms, cb) => setTimeout(() => cb(null, "slept " + ms), ms));
      (async () => [util.format("%s=%d %j", "a", 42, { b: 1 }), util.inspect({ a: [1, { b: 2 }] }),
        util.types.isDate(new Date()), util.types.isRegExp(/x/), util.isDeepStrictEqual({ a: [1] }, { a: [1] }),
        util.isDeepStrictEqual({ a: 1 }, { a: "1" }), await sleep(1), typeof util.inherits, typeof util.deprecate,
        new util.TextEncoder().encode("a").length])()`);
    expect(v).toEqual([
      'a=42 {"b":1}',
      "{ a: [ 1, { b: 2 } ] }",
      true,
      true,
      true,
      false,
      "slept 1",
      "function",
      "function",
      1,
    ]);
  });

  it("through import", async () => {
    const v = await value(`
      import util, { format, inspect } from "node:util";
      import { types } from "util";
      export default [format("%s!", "hi"), inspect("str"), util.format === format, types.isPromise(Promise.resolve())];`);
    expect(v).toEqual(["hi!", "'str'", true, true]);
  });
});

describe("stream", () => {
  it("through require: Readable, Writable, Transform and pipeline", async () => {
    const v = await value(`
      const { Readable, Writable, Transform, PassThrough, pipeline } = require("stream");
      const chunks = [];
      const upper = new Transform({ transform(chunk, _enc, cb) { cb(null, chunk.toString().toUpperCase()); } });
      const sink = new Writable({ write(chunk, _enc, cb) { chunks.push(chunk.toString()); cb(); } });
      new Promise((resolve, reject) => pipeline(Readable.from(["a", "b", "c"]), upper, new PassThrough(), sink,
        (err) => (err ? reject(err) : resolve(chunks))))`);
    expect(v).toEqual(["A", "B", "C"]);
  });

  it("through import: async iteration and stream/promises", async () => {
    const v = await value(`
      import { Readable } from "node:stream";
      import stream from "stream";
      import { pipeline } from "node:stream/promises";
      const seen = [];
      for await (const chunk of Readable.from([1, 2, 3])) seen.push(chunk);
      const out = [];
      await pipeline(Readable.from(["x", "y"]), new stream.Writable({ objectMode: true, write(c, _e, cb) { out.push(c); cb(); } }));
      export default [seen, out, stream.Readable === Readable];`);
    expect(v).toEqual([[1, 2, 3], ["x", "y"], true]);
  });
});

describe("assert", () => {
  it("through require", async () => {
    const v = await value(`
      const assert = require("assert");
      assert(true); assert.ok(1); assert.strictEqual(1, 1); assert.deepStrictEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] });
      assert.throws(() => { throw new TypeError("x") }, TypeError);
      const caught = (f) => { try { f(); return "no error" } catch (e) { return [e.name, e.code, e instanceof assert.AssertionError] } };
      [caught(() => assert.strictEqual(1, 2)), caught(() => assert.deepStrictEqual({ a: 1 }, { a: 2 })),
       caught(() => assert(false, "custom")), (() => { try { assert.equal(1, 2, "my message") } catch (e) { return e.message } })(),
       typeof require("assert/strict"), require("assert").strict === require("assert/strict")]`);
    expect(v).toEqual([
      ["AssertionError", "ERR_ASSERTION", true],
      ["AssertionError", "ERR_ASSERTION", true],
      ["AssertionError", "ERR_ASSERTION", true],
      "my message",
      "function",
      true,
    ]);
  });

  it("through import", async () => {
    const v = await value(`
      import assert, { strictEqual } from "node:assert";
      import strict from "assert/strict";
      strictEqual(2, 2);
      let failed = false; try { strict.equal(1, "1") } catch { failed = true }
      await assert.rejects(Promise.reject(new Error("no")));
      export default [failed, typeof assert.deepEqual];`);
    expect(v).toEqual([true, "function"]);
  });
});

describe("os", () => {
  it("through require: a fixed, made-up machine", async () => {
    const v = await value(`
      const os = require("os");
      [os.hostname(), os.platform(), os.cpus().length, os.tmpdir(), os.homedir(), os.EOL, os.type(), typeof os.arch(),
       typeof os.totalmem(), typeof os.uptime(), os.userInfo().homedir]`);
    expect(v).toEqual([
      "cordon",
      "linux",
      1,
      "/tmp",
      "/home/user",
      "\n",
      "Linux",
      "string",
      "number",
      "number",
      "/home/user",
    ]);
  });

  it("through import", async () => {
    const v = await value(`
      import os, { hostname, platform, cpus, tmpdir, homedir } from "node:os";
      export default [hostname(), platform(), cpus().length, tmpdir(), homedir(), os.hostname === hostname];`);
    expect(v).toEqual(["cordon", "linux", 1, "/tmp", "/home/user", true]);
  });
});

describe("url", () => {
  it("through require", async () => {
    const v = await value(`
      const url = require("url");
      const parsed = url.parse("http://user@a.com:8080/p/a?q=1#h", true);
      [parsed.hostname, parsed.port, parsed.pathname, parsed.query.q, parsed.hash,
       url.format({ protocol: "http", host: "a.com", pathname: "/x", query: { y: "1" } }), url.URL === URL,
       url.URLSearchParams === URLSearchParams, url.fileURLToPath("file:///a/b%20c.txt"), url.pathToFileURL("/a b").href,
       url.resolve("http://a.com/b/c", "../d")]`);
    expect(v).toEqual([
      "a.com",
      "8080",
      "/p/a",
      "1",
      "#h",
      "http://a.com/x?y=1",
      true,
      true,
      "/a/b c.txt",
      "file:///a%20b",
      "http://a.com/d",
    ]);
  });

  it("through import", async () => {
    const v = await value(`
      import url, { fileURLToPath, URL as NodeURL } from "node:url";
      export default [fileURLToPath(new URL("file:///x/y.js")), NodeURL === URL, typeof url.parse];`);
    expect(v).toEqual(["/x/y.js", true, "function"]);
  });
});

describe("querystring", () => {
  it("through require", async () => {
    const v = await value(`
      const qs = require("querystring");
      [qs.parse("a=1&b=2&a=3&c=x%20y"), qs.stringify({ x: [1, 2], y: "z w", e: "" }), qs.escape("a b&"), qs.unescape("a%20b"),
       qs.parse("a:1;b:2", ";", ":")]`);
    expect(v).toEqual([
      { a: ["1", "3"], b: "2", c: "x y" },
      "x=1&x=2&y=z%20w&e=",
      "a%20b%26",
      "a b",
      { a: "1", b: "2" },
    ]);
  });

  it("through import", async () => {
    const v = await value(`
      import querystring, { stringify } from "node:querystring";
      export default [stringify({ a: 1 }), querystring.parse("k=v").k];`);
    expect(v).toEqual(["a=1", "v"]);
  });
});

describe("string_decoder", () => {
  it("through require: multi-byte characters split across chunks", async () => {
    const v = await value(`
      const { StringDecoder } = require("string_decoder");
      const d = new StringDecoder("utf8");
      const euro = Buffer.from("€");
      const parts = [d.write(euro.subarray(0, 1)), d.write(euro.subarray(1, 2)), d.write(euro.subarray(2)), d.end()];
      const hex = new StringDecoder("hex");
      [parts, hex.write(Buffer.from([255, 1])), new StringDecoder("utf8").end(Buffer.from([0xe2]))]`);
    expect(v).toEqual([["", "", "€", ""], "ff01", "\ufffd"]);
  });

  it("through import", async () => {
    const v = await value(`
      import { StringDecoder } from "node:string_decoder";
      import sd from "string_decoder";
      export default [new StringDecoder().write(Buffer.from("ok")), sd.StringDecoder === StringDecoder];`);
    expect(v).toEqual(["ok", true]);
  });
});

describe("timers and timers/promises", () => {
  it("through require", async () => {
    const v = await value(`
      const timers = require("timers");
      const { setTimeout: sleep, setImmediate: immediate } = require("timers/promises");
      const t0 = Date.now();
      (async () => {
        const slept = await sleep(20, "value");
        const imm = await immediate("imm");
        const order = [];
        await new Promise((resolve) => { timers.setTimeout(() => { order.push("timeout"); resolve(); }, 1); timers.setImmediate(() => order.push("immediate")); });
        return [slept, imm, Date.now() - t0 >= 15, order, typeof timers.clearTimeout];
      })()`);
    expect(v).toEqual(["value", "imm", true, ["immediate", "timeout"], "function"]);
  });

  it("through import, with an AbortSignal and setInterval", async () => {
    const v = await value(`
      import { setTimeout as sleep, setInterval as every } from "node:timers/promises";
      const ac = new AbortController();
      const pending = sleep(10_000, null, { signal: ac.signal }).catch((e) => e.name);
      ac.abort();
      const ticks = [];
      for await (const tick of every(5, "tick")) { ticks.push(tick); if (ticks.length === 3) break; }
      export default [await pending, ticks];`);
    expect(v).toEqual(["AbortError", ["tick", "tick", "tick"]]);
  });
});

describe("path", () => {
  it("through require", async () => {
    const v = await value(
      `
      const path = require("path");
      [path.join("/a", "b", "../c"), path.resolve("x"), path.basename("/a/b.txt", ".txt"), path.extname("f.tar.gz"),
       path.dirname("/a/b/c"), path.relative("/a/b", "/a/c/d"), path.sep, path.delimiter, path.isAbsolute("/x"),
       path.parse("/home/u/f.txt"), path.format({ dir: "/d", base: "f.js" }), path.normalize("/a//b/../c/."),
       path.posix === path || path.posix.join === path.join, require("path/posix").join("a", "b")]`,
      { cwd: "/work" },
    );
    expect(v).toEqual([
      "/a/c",
      "/work/x",
      "b",
      ".gz",
      "/a/b",
      "../c/d",
      "/",
      ":",
      true,
      { root: "/", dir: "/home/u", base: "f.txt", ext: ".txt", name: "f" },
      "/d/f.js",
      "/a/c",
      true,
      "a/b",
    ]);
  });

  it("through import", async () => {
    const v = await value(`
      import path, { join, basename } from "node:path";
      import * as ns from "path";
      export default [join("a", "b"), basename("/x/y.z"), path.join === join, ns.default.join === join, ns.join === join];`);
    expect(v).toEqual(["a/b", "y.z", true, true, true]);
  });
});

describe("crypto", () => {
  it("through require: hashes, HMAC, random bytes, UUIDs and timingSafeEqual", async () => {
    const v = await value(`
      const c = require("crypto");
      let lengthError; try { c.timingSafeEqual(Buffer.from("a"), Buffer.from("ab")) } catch (e) { lengthError = e.code ?? e.name }
      let unknown; try { c.createHash("nope") } catch (e) { unknown = e.name }
      [c.createHash("md5").update("abc").digest("hex"),
       c.createHash("sha1").update("a").update("bc").digest("hex"),
       c.createHash("sha256").update("abc").digest("hex"),
       c.createHash("sha512").update("abc").digest("hex").slice(0, 32),
       c.createHash("sha256").update(Buffer.from([1, 2, 3])).digest("base64"),
       Buffer.isBuffer(c.createHash("sha256").update("").digest()),
       c.createHmac("sha256", "key").update("The quick brown fox jumps over the lazy dog").digest("hex"),
       c.createHmac("sha1", Buffer.from("key")).update("msg").digest("hex").length,
       c.randomBytes(16).length, Buffer.isBuffer(c.randomBytes(1)), c.randomBytes(8).toString("hex") !== c.randomBytes(8).toString("hex"),
       /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(c.randomUUID()),
       c.timingSafeEqual(Buffer.from("ab"), Buffer.from("ab")), c.timingSafeEqual(Buffer.from("ab"), Buffer.from("ac")),
       lengthError, unknown]`);
    expect(v).toEqual([
      "900150983cd24fb0d6963f7d28e17f72",
      "a9993e364706816aba3e25717850c26c9cd0d89d",
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      "ddaf35a193617abacc417349ae204131",
      "A5BYxvLAy0ksUzsKTRTvd8wPeKvMztUofYShogEc+4E=",
      true,
      "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
      40,
      16,
      true,
      true,
      true,
      true,
      false,
      "ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH",
      expect.any(String),
    ]);
  });

  it("through import", async () => {
    const v = await value(`
      import crypto, { createHash, randomUUID } from "node:crypto";
      export default [createHash("sha256").update("x").digest("hex").length, randomUUID().length, crypto.createHash === createHash];`);
    expect(v).toEqual([64, 36, true]);
  });
});

describe("process", () => {
  it("process.env comes from the env option, never from the host", async () => {
    const v = await value(
      `const p = require("process");
       [process.env.API_URL, process.env.EMPTY, process.env.PATH, process.env.HOME, Object.keys(process.env).sort(), p === process]`,
      { env: { API_URL: "https://example.test", EMPTY: "" } },
    );
    expect(v).toEqual(["https://example.test", "", undefined, undefined, ["API_URL", "EMPTY"], true]);
  });

  it("through import", async () => {
    const v = await value(
      `import process, { env, platform, cwd } from "node:process";
       export default [env.MODE, platform, cwd(), process === globalThis.process];`,
      { env: { MODE: "test" }, cwd: "/app" },
    );
    expect(v).toEqual(["test", "linux", "/app", true]);
  });
});

describe("every provided built-in loads", () => {
  const names = [
    "assert",
    "assert/strict",
    "buffer",
    "crypto",
    "events",
    "fs",
    "fs/promises",
    "module",
    "os",
    "path",
    "path/posix",
    "process",
    "querystring",
    "stream",
    "stream/promises",
    "string_decoder",
    "timers",
    "timers/promises",
    "url",
    "util",
    "util/types",
  ];

  it.each(names)("%s, by require and import, bare and with node:", async (name) => {
    const v = await value(`
      import * as bare from "${name}";
      import * as prefixed from "node:${name}";
      import { createRequire } from "node:module";
      const require = createRequire("/main.js");
      const required = require("${name}");
      export default [typeof required, required === require("node:${name}"), bare.default === required, prefixed.default === required];`);
    expect(v).toEqual([expect.stringMatching(/^(object|function)$/), true, true, true]);
  });
});
