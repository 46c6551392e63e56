// Guest bundle "process:stdin" (the built-in "internal:stdin"): process.stdin, made when a program first reads
// process.stdin. It starts as a plain object (fd 0, not a TTY) whose prototype is a proxy; the first property of the
// stream API read, set or tested through it (on, pipe, setEncoding, Symbol.asyncIterator...) turns this very object
// into a Readable (node:stream) in place. So taking the object is cheap (`import { env } from "node:process"` reads
// every export of process, stdin included) and a program that holds on to it early still holds the stream.
// The bytes come from the same host op as fs.readFileSync(0), in 64 KiB Buffer chunks (strings after setEncoding()),
// then the end; empty stdin ends at once. The option is a buffer, not a pipe: fs.readFileSync(0) still gives the
// whole text after process.stdin has been read, and the reverse.
import type { Op } from "../../../guest/types.js";

const CHUNK = 64 * 1024;

interface ReadableLike {
  push(chunk: unknown): boolean;
}
type ReadableCtor = ((
  this: object,
  options: { highWaterMark: number; read(this: ReadableLike): void },
) => void) & {
  prototype: object;
};
type BufferFrom = (bytes: ArrayBuffer) => Uint8Array;

/** Makes `target` a Readable over the stdin option, keeping its own properties. */
function becomeStream(target: object, op: Op, load: (id: string) => unknown): void {
  const { Readable } = load("stream") as { Readable: ReadableCtor };
  const { Buffer } = load("buffer") as { Buffer: { from: BufferFrom } };
  let data: Uint8Array | undefined;
  let offset = 0;
  Object.setPrototypeOf(target, Readable.prototype);
  Readable.call(target, {
    highWaterMark: CHUNK,
    read() {
      data ??= Buffer.from(op("stdin") as ArrayBuffer);
      while (offset < data.length) {
        const end = Math.min(offset + CHUNK, data.length);
        const more = this.push(data.subarray(offset, end));
        offset = end;
        if (!more) return;
      }
      this.push(null);
    },
  });
}

export function create(op: Op, load: (id: string) => unknown): object {
  const stdin: Record<string, unknown> = {
    fd: 0,
    isTTY: false,
    // A socket's methods, harmless on a buffer (no setRawMode: stdin is not a TTY).
    ref: () => stdin,
    unref: () => stdin,
  };
  let started = false;
  /** The stream once made (null when making it failed: the error went to the first caller). */
  const real = (): object | null => {
    if (!started) {
      started = true;
      becomeStream(stdin, op, load);
    }
    return Object.getPrototypeOf(stdin) === hook ? null : stdin;
  };
  const hook: object = new Proxy(Object.create(null) as object, {
    get: (_target, key) => {
      const s = real();
      return s ? Reflect.get(s, key) : undefined;
    },
    set: (_target, key, value) => {
      const s = real();
      return s ? Reflect.set(s, key, value) : false;
    },
    has: (_target, key) => {
      const s = real();
      return s ? key in s : false;
    },
    getPrototypeOf: () => {
      const s = real();
      return s ? Object.getPrototypeOf(s) : null;
    },
  });
  Object.setPrototypeOf(stdin, hook);
  return stdin;
}
