import * as nodeStreamModule from "node:stream";
import * as nodeStreamPromises from "node:stream/promises";
import * as nodeUtil from "node:util";
import { describe, expect, it } from "vitest";
import { create as createBuffer } from "./guest/buffer.js";
import { create as createEvents } from "./guest/events.js";
import { makeRequire } from "./guest/internal/testing.js";
import { create as createStringDecoder } from "./guest/string_decoder.js";
import { create } from "./guest/stream.js";
import { create as createStreamPromises } from "./guest/stream-promises.js";
import { create as createUtil } from "./guest/util.js";

const load = makeRequire(
  {
    stream: create,
    "stream/promises": createStreamPromises,
    events: createEvents,
    buffer: createBuffer,
    string_decoder: createStringDecoder,
    util: createUtil,
  },
  { "internal:inspect": nodeUtil },
);

type StreamModule = typeof nodeStreamModule;
interface Impl {
  name: string;
  stream: StreamModule;
  promises: typeof nodeStreamPromises;
  Buffer: typeof Buffer;
  inherits: (a: unknown, b: unknown) => void;
}
const ours: Impl = {
  name: "ours",
  stream: load("stream") as StreamModule,
  promises: load("stream/promises") as typeof nodeStreamPromises,
  Buffer: (load("buffer") as { Buffer: typeof Buffer }).Buffer,
  inherits: (load("util") as typeof nodeUtil).inherits as never,
};
const node: Impl = {
  name: "node",
  stream: nodeStreamModule,
  promises: nodeStreamPromises,
  Buffer,
  inherits: nodeUtil.inherits as never,
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Renders a chunk so both implementations' chunks compare equal. */
function show(chunk: unknown): string {
  if (chunk instanceof Uint8Array) return `<${Buffer.from(chunk).toString("latin1")}>`;
  if (typeof (chunk as { on?: unknown } | null)?.on === "function") return "<stream>";
  if (chunk instanceof Error) return `Error(${(chunk as Error & { code?: string }).code ?? chunk.message})`;
  return JSON.stringify(chunk) ?? String(chunk);
}

type Scenario = (impl: Impl, log: (...parts: unknown[]) => void) => Promise<void> | void;

/** Runs the scenario against both implementations and compares the logged event sequences. */
async function same(scenario: Scenario) {
  const logs: string[][] = [];
  for (const impl of [ours, node]) {
    const out: string[] = [];
    await scenario(impl, (...parts) =>
      out.push(parts.map((p) => (typeof p === "string" ? p : show(p))).join(" ")),
    );
    await settle();
    logs.push(out);
  }
  expect(logs[0]).toEqual(logs[1]);
  return logs[0]!;
}

function track(s: nodeStreamModule.Stream, name: string, log: (...p: unknown[]) => void, events: string[]) {
  for (const ev of events) s.on(ev, (arg?: unknown) => log(name, ev, ...(arg === undefined ? [] : [arg])));
}

describe("stream: Readable against Node", () => {
  it("read() pushes chunks; data/end/close order", async () => {
    const log = await same(({ stream }, log) => {
      let n = 0;
      const r = new stream.Readable({
        read() {
          n++;
          this.push(n <= 3 ? `chunk${n}` : null);
        },
      });
      track(r, "r", log, ["data", "end", "close", "pause", "resume"]);
    });
    expect(log.filter((l) => l.includes("data"))).toHaveLength(3);
  });

  it("readable event with read() loop and small highWaterMark", async () => {
    await same(({ stream }, log) => {
      const chunks = ["aa", "bbb", "c", "dddd"];
      const r = new stream.Readable({
        highWaterMark: 2,
        read() {
          this.push(chunks.shift() ?? null);
        },
      });
      r.on("readable", () => {
        log("readable", r.readableLength);
        for (let chunk = r.read(3); chunk !== null; chunk = r.read(3)) log("read", chunk);
      });
      r.on("end", () => log("end"));
    });
  });

  it("objectMode, async push, pause/resume, unshift", async () => {
    await same(async ({ stream }, log) => {
      const r = new stream.Readable({ objectMode: true, read() {} });
      track(r, "r", log, ["data", "end", "pause", "resume", "close"]);
      r.push({ a: 1 });
      r.push(2);
      await settle();
      r.pause();
      r.push("three");
      r.unshift("zero");
      log("paused", r.isPaused(), r.readableLength, r.readableFlowing);
      r.resume();
      await settle();
      r.push(null);
    });
  });

  it("setEncoding joins multi-byte characters across chunks", async () => {
    await same(({ stream, Buffer }, log) => {
      const bytes = Buffer.from("héllo 日本 😀");
      const parts = [bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9, 14), bytes.subarray(14)];
      const r = new stream.Readable({
        read() {
          this.push(parts.shift() ?? null);
        },
      });
      r.setEncoding("utf8");
      track(r, "r", log, ["data", "end"]);
    });
  });

  it("Readable.from with arrays, generators, strings and async iteration", async () => {
    await same(async ({ stream }, log) => {
      for await (const x of stream.Readable.from([1, 2, 3])) log("array", x);
      async function* gen() {
        yield "a";
        yield "b";
      }
      for await (const x of stream.Readable.from(gen())) log("gen", x);
      for await (const x of stream.Readable.from("whole string")) log("string", x);
      const r = stream.Readable.from([1, 2, 3, 4]);
      for await (const x of r) {
        log("early", x);
        if (x === 2) break;
      }
      log("destroyed after break", r.destroyed);
      log("toArray", await stream.Readable.from([5, 6]).toArray());
    });
  });

  it("errors: destroy(err), push after EOF, bad chunk", async () => {
    await same(async ({ stream }, log) => {
      const r = new stream.Readable({ read() {} });
      track(r, "r", log, ["error", "close", "end"]);
      r.destroy(new Error("boom"));
      log("destroyed", r.destroyed);
      await settle();
      const r2 = new stream.Readable({ read() {} });
      track(r2, "r2", log, ["error", "close"]);
      r2.push(null);
      r2.push("late");
      await settle();
      const r3 = new stream.Readable({ read() {} });
      track(r3, "r3", log, ["error", "close"]);
      r3.push(42 as never);
      await settle();
      const r4 = new stream.Readable({ read() {} });
      r4.on("error", (e: Error) => log("r4 error", e.message));
      for await (const _ of [0]) r4.destroy(new Error("iter"));
      try {
        for await (const _ of r4) log("never");
      } catch (e) {
        log("caught", (e as Error).message);
      }
    });
  });

  it("old-style inheritance with Readable.call(this)", async () => {
    await same(({ stream, inherits }, log) => {
      function Counter(this: nodeStreamModule.Readable & { n: number }) {
        stream.Readable.call(this as never);
        this.n = 0;
      }
      inherits(Counter, stream.Readable);
      (Counter.prototype as { _read(): void })._read = function (
        this: nodeStreamModule.Readable & { n: number },
      ) {
        this.push(++this.n > 2 ? null : String(this.n));
      };
      const c = new (Counter as unknown as new () => nodeStreamModule.Readable)();
      log("instanceof", c instanceof stream.Readable, c instanceof stream.Stream);
      track(c, "c", log, ["data", "end"]);
    });
  });
});

describe("stream: Writable against Node", () => {
  it("write callbacks, drain, final, finish, close", async () => {
    await same(({ stream }, log) => {
      const w = new stream.Writable({
        highWaterMark: 3,
        write(chunk, enc, cb) {
          log("_write", chunk, enc);
          setTimeout(cb, 1);
        },
        final(cb) {
          log("final");
          cb();
        },
      });
      track(w, "w", log, ["drain", "finish", "close", "prefinish", "error"]);
      log(
        "ret",
        w.write("ab", () => log("cb1")),
      );
      log(
        "ret",
        w.write("cd", () => log("cb2")),
      );
      log("state", w.writableLength, w.writableNeedDrain);
      w.end("ef", () => log("end cb"));
      log("ended", w.writableEnded, w.writableFinished);
    });
  });

  it("sync writes, objectMode, decodeStrings false", async () => {
    await same(({ stream }, log) => {
      const w = new stream.Writable({
        objectMode: true,
        write(chunk, _enc, cb) {
          log("_write", chunk);
          cb();
        },
      });
      track(w, "w", log, ["finish", "close"]);
      w.write({ x: 1 });
      w.write([2]);
      w.end();
      const s = new stream.Writable({
        decodeStrings: false,
        write(chunk, enc, cb) {
          log("_write str", typeof chunk, chunk, enc);
          cb();
        },
      });
      s.write("héllo", "latin1");
      s.end();
    });
  });

  it("cork/uncork with writev", async () => {
    await same(({ stream }, log) => {
      const w = new stream.Writable({
        writev(chunks, cb) {
          log(
            "_writev",
            chunks.map((c) => c.chunk),
          );
          cb();
        },
        write(chunk, _enc, cb) {
          log("_write", chunk);
          cb();
        },
      });
      w.write("first");
      w.cork();
      w.write("a");
      w.write("b");
      log("corked", w.writableCorked, w.writableLength);
      queueMicrotask(() => w.uncork());
      w.on("finish", () => log("finish"));
      setTimeout(() => w.end("z"), 1);
    });
  });

  it("errors: write after end, write error, destroy, null chunk", async () => {
    await same(async ({ stream }, log) => {
      const w = new stream.Writable({ write: (_c, _e, cb) => cb() });
      track(w, "w", log, ["error", "close", "finish"]);
      w.end();
      w.write("x", (err) => log("write cb", err));
      await settle();
      const w2 = new stream.Writable({ write: (_c, _e, cb) => cb(new Error("disk full")) });
      track(w2, "w2", log, ["error", "close", "finish"]);
      w2.write("x", (err) => log("w2 cb", err));
      w2.write("y", (err) => log("w2 cb2", err));
      await settle();
      const w3 = new stream.Writable({ write: (_c, _e, cb) => setTimeout(cb, 2) });
      track(w3, "w3", log, ["error", "close", "finish"]);
      w3.write("a", (err) => log("w3 cb", err));
      w3.write("b", (err) => log("w3 cb2", err));
      w3.destroy();
      await settle();
      try {
        new stream.Writable({ write: (_c, _e, cb) => cb() }).write(null);
      } catch (e) {
        log("null", (e as { code: string }).code);
      }
      const w4 = new stream.Writable({ write: (_c, _e, cb) => cb() });
      w4.on("error", (e) => log("w4 error", e));
      try {
        w4.write(5 as never, (err) => log("never", err));
      } catch (e) {
        log("w4 threw", e);
      }
    }).catch(async (e) => {
      throw e;
    });
  });

  it("instanceof Writable for Duplex, Transform", () => {
    for (const { stream } of [ours, node]) {
      expect(new stream.Duplex() instanceof stream.Writable).toBe(true);
      expect(new stream.Transform() instanceof stream.Writable).toBe(true);
      expect(new stream.Readable() instanceof stream.Writable).toBe(false);
    }
  });
});

describe("stream: Duplex, Transform, pipe against Node", () => {
  it("Transform with flush piped into a Writable", async () => {
    await same(({ stream }, log) => {
      const upper = new stream.Transform({
        transform(chunk, _enc, cb) {
          cb(null, String(chunk).toUpperCase());
        },
        flush(cb) {
          this.push("!");
          cb();
        },
      });
      const sink = new stream.Writable({
        write(chunk, _enc, cb) {
          log("sink", chunk);
          cb();
        },
      });
      track(upper, "t", log, ["end", "finish", "close", "pipe", "unpipe"]);
      track(sink, "sink", log, ["finish", "close", "pipe", "unpipe"]);
      upper.pipe(sink);
      upper.write("hello ");
      upper.write("world");
      upper.end();
    });
  });

  it("pipe with backpressure", async () => {
    await same(({ stream }, log) => {
      let i = 0;
      const src = new stream.Readable({
        highWaterMark: 4,
        read() {
          i++;
          this.push(i <= 6 ? `x${i}` : null);
        },
      });
      const slow = new stream.Writable({
        highWaterMark: 2,
        write(chunk, _enc, cb) {
          log("write", chunk);
          setTimeout(cb, 1);
        },
      });
      track(src, "src", log, ["pause", "resume", "end"]);
      track(slow, "slow", log, ["drain", "finish"]);
      src.pipe(slow);
      return new Promise((resolve) => slow.on("close", resolve));
    });
  });

  it("PassThrough and Duplex with allowHalfOpen false", async () => {
    await same(({ stream }, log) => {
      const pt = new stream.PassThrough();
      track(pt, "pt", log, ["data", "end", "finish", "close"]);
      pt.end("through");
      const d = new stream.Duplex({
        allowHalfOpen: false,
        read() {
          this.push("r");
          this.push(null);
        },
        write(chunk, _enc, cb) {
          log("d write", chunk);
          cb();
        },
      });
      track(d, "d", log, ["data", "end", "finish", "close"]);
      d.write("w");
    });
  });

  it("Transform in objectMode with async transform", async () => {
    await same(({ stream }, log) => {
      const t = new stream.Transform({
        objectMode: true,
        transform(obj, _enc, cb) {
          setTimeout(() => cb(null, { ...obj, seen: true }), 1);
        },
      });
      track(t, "t", log, ["data", "end", "finish"]);
      t.write({ id: 1 });
      t.write({ id: 2 });
      t.end();
    });
  });

  it("legacy Stream.pipe", async () => {
    await same(({ stream }, log) => {
      const src = new stream.Stream() as nodeStreamModule.Stream & { readable: boolean };
      src.readable = true;
      const dst = new stream.Writable({
        write(chunk, _enc, cb) {
          log("dst", chunk);
          cb();
        },
      });
      track(dst, "dst", log, ["pipe", "finish"]);
      src.pipe(dst);
      src.emit("data", "one");
      src.emit("end");
    });
  });
});

describe("stream: construct, signals, wrap against Node", () => {
  it("construct delays reads and writes until done", async () => {
    await same(({ stream }, log) => {
      const d = new stream.Duplex({
        construct(cb) {
          log("construct");
          setTimeout(() => {
            log("constructed");
            cb();
          }, 1);
        },
        read() {
          log("read");
          this.push("r");
          this.push(null);
        },
        write(chunk, _enc, cb) {
          log("write", chunk);
          cb();
        },
        final(cb) {
          log("final");
          cb();
        },
      });
      track(d, "d", log, ["data", "end", "finish", "close"]);
      d.write("early");
      d.end();
      return new Promise((resolve) => d.on("close", resolve));
    });
  });

  it("destroy before construct finishes, and a failing construct", async () => {
    await same(async ({ stream }, log) => {
      const w = new stream.Writable({
        construct(cb) {
          setTimeout(cb, 1);
        },
        write: (_c, _e, cb) => cb(),
      });
      track(w, "w", log, ["error", "close", "finish"]);
      w.destroy(new Error("early destroy"));
      await settle();
      const r = new stream.Readable({
        construct(cb) {
          cb(new Error("construct failed"));
        },
        read() {},
      });
      track(r, "r", log, ["error", "close"]);
    });
  });

  it("signal option and addAbortSignal", async () => {
    await same(async ({ stream }, log) => {
      const ac = new AbortController();
      const r = new stream.Readable({ read() {}, signal: ac.signal });
      track(r, "r", log, ["error", "close"]);
      ac.abort();
      await settle();
      const ac2 = new AbortController();
      const w = stream.addAbortSignal(ac2.signal, new stream.Writable({ write: (_c, _e, cb) => cb() }));
      track(w, "w", log, ["error", "close"]);
      ac2.abort();
    });
  });

  it("wrap an old-style stream", async () => {
    await same(({ stream }, log) => {
      const old = new stream.Stream() as nodeStreamModule.Stream & { pause(): void; resume(): void };
      old.pause = () => log("old pause");
      old.resume = () => log("old resume");
      const r = new stream.Readable({ highWaterMark: 1 }).wrap(old as never);
      track(r, "r", log, ["data", "end"]);
      old.emit("data", "a");
      old.emit("data", "b");
      old.emit("end");
    });
  });

  it("pipe into a sink without events", async () => {
    const got: string[] = [];
    const sink = { write: (chunk: unknown) => got.push(String(chunk)) };
    ours.stream.Readable.from(["a", "b"]).pipe(sink as never);
    await settle();
    expect(got).toEqual(["a", "b"]);
  });
});

describe("stream: pipeline and finished against Node", () => {
  it("pipeline with a callback", async () => {
    await same(({ stream }, log) => {
      const out: string[] = [];
      stream.pipeline(
        stream.Readable.from(["a", "b", "c"]),
        new stream.Transform({
          transform(chunk, _enc, cb) {
            cb(null, `${chunk}${chunk}`);
          },
        }),
        new stream.Writable({
          write(chunk, _enc, cb) {
            out.push(String(chunk));
            cb();
          },
        }),
        (err) => log("done", err ?? "ok", out),
      );
    });
  });

  it("pipeline propagates an error and destroys every stream", async () => {
    await same(({ stream }, log) => {
      const src = new stream.Readable({ read() {} });
      const mid = new stream.Transform({
        transform(chunk, _enc, cb) {
          cb(String(chunk) === "bad" ? new Error("bad chunk") : null, chunk);
        },
      });
      const dst = new stream.Writable({ write: (_c, _e, cb) => cb() });
      for (const [s, n] of [
        [src, "src"],
        [mid, "mid"],
        [dst, "dst"],
      ] as const)
        track(s, n, log, ["close"]);
      stream.pipeline(src, mid, dst, (err) => {
        log("done", err);
        log("destroyed", src.destroyed, mid.destroyed, dst.destroyed);
      });
      src.push("ok");
      src.push("bad");
    });
  });

  it("pipeline with generators and stream/promises", async () => {
    await same(async ({ stream, promises }, log) => {
      const collected: unknown[] = [];
      await promises.pipeline(
        stream.Readable.from([1, 2, 3]),
        async function* (source: AsyncIterable<number>) {
          for await (const n of source) yield n * 10;
        },
        async (source: AsyncIterable<number>) => {
          for await (const n of source) collected.push(n);
        },
      );
      log("collected", collected);
      const result = await promises.pipeline(
        function* () {
          yield "x";
        },
        async (source: AsyncIterable<string>) => {
          let s = "";
          for await (const c of source) s += c;
          return s;
        },
      );
      log("result", result);
      await promises
        .pipeline(
          stream.Readable.from(["a"]),
          async function* (source: AsyncIterable<string>) {
            for await (const _ of source) throw new Error("gen failed");
            yield "";
          },
          new stream.PassThrough(),
        )
        .catch((e: Error) => log("rejected", e.message));
      log("same functions", promises.pipeline === stream.promises.pipeline);
    });
  });

  it("finished", async () => {
    await same(async ({ stream, promises }, log) => {
      const r = stream.Readable.from(["a"]);
      stream.finished(r, (err) => log("r finished", err ?? "ok"));
      r.resume();
      await settle();
      const w = new stream.Writable({ write: (_c, _e, cb) => cb() });
      const p = promises.finished(w).then(() => log("w finished"));
      w.end("x");
      await p;
      const d = new stream.PassThrough();
      stream.finished(d, (err) => log("premature", err));
      d.destroy();
      await settle();
      const done = new stream.Readable({ read() {} });
      done.push(null);
      done.resume();
      await settle();
      stream.finished(done, (err) => log("already finished", err ?? "ok"));
    });
  });

  it("exports the same names as Node's stream module", () => {
    for (const key of Object.keys(nodeStreamModule)) {
      if (["compose", "duplexPair", "default"].includes(key)) continue;
      expect(ours.stream, key).toHaveProperty(key);
    }
    expect(typeof nodeUtil.promisify(ours.stream.pipeline)).toBe("function");
  });
});
