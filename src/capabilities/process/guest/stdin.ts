// Guest bundle "process:stdin": makes process.stdin a Readable (node:stream) over the run's `stdin` option, the
// first time a program uses process.stdin as a stream (see lazy-stdin.ts), so a run that never does pays nothing
// for it. The bytes come from the same host op as fs.readFileSync(0), in 64 KiB Buffer chunks (strings after
// setEncoding()), then the end; empty stdin ends at once. The option is a buffer, not a pipe: fs.readFileSync(0)
// still gives the whole text after process.stdin has been read, and the reverse.
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

export function create(op: Op, load: (id: string) => unknown): unknown {
  const { Readable } = load("stream") as { Readable: ReadableCtor };
  const { Buffer } = load("buffer") as { Buffer: { from: BufferFrom } };
  let data: Uint8Array | undefined;
  let offset = 0;
  const read = function (this: ReadableLike) {
    data ??= Buffer.from(op("stdin") as ArrayBuffer);
    while (offset < data.length) {
      const end = Math.min(offset + CHUNK, data.length);
      const more = this.push(data.subarray(offset, end));
      offset = end;
      if (!more) return;
    }
    this.push(null);
  };
  return {
    /** Makes `target` (process.stdin's stand-in, see lazy-stdin.ts) the Readable, keeping its own properties. */
    setup(target: object) {
      Object.setPrototypeOf(target, Readable.prototype);
      Readable.call(target, { highWaterMark: CHUNK, read });
    },
  };
}
