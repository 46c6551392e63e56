// Readable.from, wrap() and async iteration of readable streams, after Node's
// lib/internal/streams/{from,readable}.js.
import { invalidArgType } from "./errors.js";
import { destroyer, eos, errorOrDestroy } from "./stream-destroy.js";
import { newReadable, type Options, Readable } from "./stream-readable.js";
import { aggregateTwoErrors, errors, lib, nop, type S, tick } from "./stream-utils.js";

const R = Readable as typeof Readable & {
  from(iterable: unknown, opts?: Options): S;
  wrap(src: S, options?: Options): S;
};

async function* createAsyncIterator(stream: S, options?: { destroyOnReturn?: boolean }) {
  let callback: () => void = nop;
  function next(this: unknown, resolve?: () => void) {
    if (this === stream) {
      callback();
      callback = nop;
    } else callback = resolve!;
  }
  stream.on("readable", next);
  let error: Error | null | undefined;
  const cleanup = eos(stream, { writable: false }, (err) => {
    error = err ? aggregateTwoErrors(error, err) : null;
    callback();
    callback = nop;
  });
  try {
    while (true) {
      const chunk = stream.destroyed ? null : stream.read();
      if (chunk !== null) yield chunk;
      else if (error) throw error;
      else if (error === null) return;
      else await new Promise<void>(next);
    }
  } catch (err) {
    error = aggregateTwoErrors(error, err);
    throw error;
  } finally {
    if (
      (error || options?.destroyOnReturn !== false) &&
      (error === undefined || stream._readableState!.autoDestroy)
    )
      destroyer(stream, null);
    else {
      stream.off("readable", next);
      cleanup();
    }
  }
}

function iterate(stream: S, options?: { destroyOnReturn?: boolean }) {
  if (typeof stream.read !== "function") stream = R.wrap(stream, { objectMode: true });
  const iter = createAsyncIterator(stream, options);
  (iter as unknown as { stream: S }).stream = stream;
  return iter;
}

Object.assign(Readable.prototype, {
  wrap(stream: S) {
    let paused = false;
    stream.on("data", (chunk: unknown) => {
      if (!this.push(chunk) && stream.pause) {
        paused = true;
        stream.pause();
      }
    });
    stream.on("end", () => this.push(null));
    stream.on("error", (err: Error) => errorOrDestroy(this, err));
    stream.on("close", () => this.destroy());
    stream.on("destroy", () => this.destroy());
    this._read = () => {
      if (paused && stream.resume) {
        paused = false;
        stream.resume();
      }
    };
    for (const key of Object.keys(stream).slice(1))
      if (this[key] === undefined && typeof stream[key] === "function")
        this[key] = (stream[key] as Function).bind(stream);
    return this;
  },
  [Symbol.asyncIterator]() {
    return iterate(this);
  },
  iterator(options?: { destroyOnReturn?: boolean }) {
    return iterate(this, options);
  },
  async toArray() {
    const out: unknown[] = [];
    for await (const chunk of iterate(this)) out.push(chunk);
    return out;
  },
} satisfies Record<string, unknown> & ThisType<S>);

R.from = function from(iterable: unknown, opts?: Options): S {
  if (typeof iterable === "string" || iterable instanceof lib.Buffer)
    return newReadable({
      objectMode: true,
      ...opts,
      read(this: S) {
        this.push(iterable);
        this.push(null);
      },
    });
  let isAsync: boolean;
  let iterator: Iterator<unknown> | AsyncIterator<unknown>;
  const it = iterable as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null | undefined;
  if (it?.[Symbol.asyncIterator]) {
    isAsync = true;
    iterator = it[Symbol.asyncIterator]!();
  } else if (it?.[Symbol.iterator]) {
    isAsync = false;
    iterator = it[Symbol.iterator]!();
  } else throw invalidArgType("iterable", "an instance of Iterable", iterable);
  const readable = newReadable({ objectMode: true, highWaterMark: 1, ...opts });
  let reading = false;
  readable._read = () => {
    if (!reading) {
      reading = true;
      void next();
    }
  };
  readable._destroy = (error, cb) => {
    close(error).then(
      () => tick(cb, error),
      (e) => tick(cb, e || error),
    );
  };
  async function close(error: Error | null) {
    if (error != null && typeof iterator.throw === "function") {
      const { value, done } = await iterator.throw(error);
      await value;
      if (done) return;
    }
    if (typeof iterator.return === "function") {
      const { value } = await iterator.return();
      await value;
    }
  }
  async function next() {
    for (;;) {
      try {
        const { value, done } = isAsync
          ? await iterator.next()
          : (iterator.next() as IteratorResult<unknown>);
        if (done) readable.push(null);
        else {
          const res = value && typeof (value as Promise<unknown>).then === "function" ? await value : value;
          if (res === null) {
            reading = false;
            throw errors.nullValues();
          }
          if (readable.push(res)) continue;
          reading = false;
        }
      } catch (err) {
        readable.destroy(err as Error);
      }
      break;
    }
  }
  return readable;
};

R.wrap = function wrap(src: S, options?: Options): S {
  return (
    newReadable({
      objectMode: (src.readableObjectMode ?? src.objectMode ?? true) as boolean,
      ...options,
      destroy(err, callback) {
        destroyer(src, err);
        callback(err);
      },
    }) as S & { wrap(s: S): S }
  ).wrap(src);
};
