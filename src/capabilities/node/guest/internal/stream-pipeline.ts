// stream.pipeline, after Node's lib/internal/streams/pipeline.js: streams, iterables, async iterables and
// (async) generator functions, with a callback or (in "stream/promises") a promise. Web streams are not handled.
import { AbortError, invalidArgType, nodeError, received } from "./errors.js";
import { PassThrough } from "./stream-duplex.js";
import { Readable } from "./stream-readable.js";
import { destroyer as destroyStream, eos } from "./stream-destroy.js";
import {
  aggregateTwoErrors,
  type Cb,
  errors,
  isIterable,
  isNodeStream,
  isReadable,
  isReadableFinished,
  isReadableNodeStream,
  type S,
  tick,
} from "./stream-utils.js";

type Signal = {
  aborted: boolean;
  reason: unknown;
  addEventListener: Function;
  removeEventListener: Function;
};
type Step =
  | S
  | Iterable<unknown>
  | AsyncIterable<unknown>
  | ((source: unknown, opts: { signal: Signal }) => unknown);

function destroyer(stream: S, reading: boolean, writing: boolean) {
  let finished = false;
  stream.on("close", () => {
    finished = true;
  });
  const cleanup = eos(stream, { readable: reading, writable: writing }, (err) => {
    finished = !err;
  });
  return {
    destroy: (err?: Error | null) => {
      if (finished) return;
      finished = true;
      destroyStream(stream, err || errors.destroyed("pipe"));
    },
    cleanup,
  };
}

function makeAsyncIterable(val: unknown): AsyncIterable<unknown> | Iterable<unknown> {
  if (isIterable(val)) return val as AsyncIterable<unknown>;
  if (isReadableNodeStream(val as S))
    return (Readable.prototype as unknown as AsyncIterable<unknown>)[Symbol.asyncIterator].call(val) as never;
  throw invalidArgType("val", "an instance of Readable, Iterable, or AsyncIterable", val);
}

async function pumpToNode(
  iterable: AsyncIterable<unknown> | Iterable<unknown>,
  writable: S,
  finish: Cb,
  end: boolean,
) {
  let error: Error | undefined;
  let onresolve: (() => void) | null = null;
  const resume = (err?: Error | null) => {
    if (err) error = err;
    if (onresolve) {
      const callback = onresolve;
      onresolve = null;
      callback();
    }
  };
  const wait = () =>
    new Promise<void>((resolve, reject) => {
      if (error) reject(error);
      else onresolve = () => (error ? reject(error) : resolve());
    });
  writable.on("drain", resume);
  const cleanup = eos(writable, { readable: false }, resume);
  try {
    if (writable.writableNeedDrain) await wait();
    for await (const chunk of iterable) if (!writable.write(chunk)) await wait();
    if (end) {
      writable.end();
      await wait();
    }
    finish();
  } catch (err) {
    finish(error !== err ? aggregateTwoErrors(error, err) : (err as Error));
  } finally {
    cleanup();
    writable.off("drain", resume);
  }
}

function pipe(src: S, dst: S, finish: Cb, end: boolean) {
  let ended = false;
  dst.on("close", () => {
    if (!ended) finish(errors.prematureClose());
  });
  src.pipe(dst, { end: false });
  if (end) {
    const endFn = () => {
      ended = true;
      dst.end();
    };
    if (isReadableFinished(src)) tick(endFn);
    else src.once("end", endFn);
  } else finish();
  eos(src, { readable: true, writable: false }, (err) => {
    const r = src._readableState;
    if (
      err &&
      (err as { code?: string }).code === "ERR_STREAM_PREMATURE_CLOSE" &&
      r?.ended &&
      !r.errored &&
      !r.errorEmitted
    )
      src.once("end", finish).once("error", finish);
    else finish(err);
  });
  return eos(dst, { readable: false, writable: true }, finish);
}

const invalidReturn = (expected: string, name: string, value: unknown) =>
  nodeError(
    TypeError,
    "ERR_INVALID_RETURN_VALUE",
    `Expected ${expected} to be returned from the "${name}" function but got ${received(value)}.`,
  );

export function pipelineImpl(
  streams: unknown[],
  callback: Cb,
  opts?: { signal?: Signal; end?: boolean },
): unknown {
  if (streams.length === 1 && Array.isArray(streams[0])) streams = streams[0];
  if (streams.length < 2)
    throw nodeError(TypeError, "ERR_MISSING_ARGS", 'The "streams" argument must be specified');
  // The controller whose signal function stages receive; made only when a stage asks for it.
  let ac: { signal: Signal; abort(): void } | undefined;
  const getSignal = () => {
    ac ??= new (
      globalThis as unknown as { AbortController: new () => NonNullable<typeof ac> }
    ).AbortController();
    return ac.signal;
  };
  const outerSignal = opts?.signal;
  const lastStreamCleanup: (() => void)[] = [];
  const abort = () => finishImpl(new AbortError(undefined, { cause: outerSignal?.reason }));
  if (outerSignal) outerSignal.addEventListener("abort", abort, { once: true });
  let error: (Error & { code?: string }) | undefined;
  let value: unknown;
  const destroys: ((err?: Error) => void)[] = [];
  let finishCount = 0;
  const finish = (err?: Error | null) => finishImpl(err, --finishCount === 0);
  function finishImpl(err?: Error | null, final?: boolean) {
    if (err && (!error || error.code === "ERR_STREAM_PREMATURE_CLOSE")) error = err;
    if (!error && !final) return;
    while (destroys.length) destroys.shift()!(error);
    outerSignal?.removeEventListener("abort", abort);
    ac?.abort();
    if (final) {
      if (!error) for (const fn of lastStreamCleanup) fn();
      tick(callback, error, value);
    }
  }
  let ret: unknown;
  for (let i = 0; i < streams.length; i++) {
    const stream = streams[i] as Step;
    const reading = i < streams.length - 1;
    const writing = i > 0;
    const end = reading || opts?.end !== false;
    const isLastStream = i === streams.length - 1;
    if (isNodeStream(stream)) {
      if (end) {
        const { destroy, cleanup } = destroyer(stream, reading, writing);
        destroys.push(destroy);
        if (isReadable(stream) && isLastStream) lastStreamCleanup.push(cleanup);
      }
      const onError = (err: Error & { code?: string }) => {
        if (err && err.name !== "AbortError" && err.code !== "ERR_STREAM_PREMATURE_CLOSE") finish(err);
      };
      stream.on("error", onError);
      if (isReadable(stream) && isLastStream)
        lastStreamCleanup.push(() => stream.removeListener("error", onError));
    }
    if (i === 0) {
      if (typeof stream === "function") {
        ret = stream(undefined, { signal: getSignal() });
        if (!isIterable(ret)) throw invalidReturn("Iterable, AsyncIterable or Stream", "source", ret);
      } else if (isIterable(stream) || isReadableNodeStream(stream as S)) ret = stream;
      else throw invalidArgType("source", "an instance of Stream, Iterable, or AsyncIterable", stream);
    } else if (typeof stream === "function") {
      ret = stream(makeAsyncIterable(ret), { signal: getSignal() });
      if (reading) {
        if (!isIterable(ret, true)) throw invalidReturn("AsyncIterable", `transform[${i - 1}]`, ret);
      } else {
        const pt = new (PassThrough as unknown as new (o: object) => S)({ objectMode: true });
        const then = (ret as { then?: unknown } | null)?.then;
        if (typeof then === "function") {
          finishCount++;
          then.call(
            ret,
            (val: unknown) => {
              value = val;
              if (val != null) pt.write(val);
              if (end) pt.end();
              tick(finish);
            },
            (err: Error) => {
              pt.destroy(err);
              tick(finish, err);
            },
          );
        } else if (isIterable(ret, true)) {
          finishCount++;
          void pumpToNode(ret as AsyncIterable<unknown>, pt, finish, end);
        } else throw invalidReturn("AsyncIterable or Promise", "destination", ret);
        ret = pt;
        const { destroy, cleanup } = destroyer(pt, false, true);
        destroys.push(destroy);
        if (isLastStream) lastStreamCleanup.push(cleanup);
      }
    } else if (isNodeStream(stream)) {
      if (isReadableNodeStream(ret as S)) {
        finishCount += 2;
        const cleanup = pipe(ret as S, stream, finish, end);
        if (isReadable(stream) && isLastStream) lastStreamCleanup.push(cleanup);
      } else if (isIterable(ret)) {
        finishCount++;
        void pumpToNode(ret as AsyncIterable<unknown>, stream, finish, end);
      } else throw invalidArgType("val", "an instance of Readable, Iterable, or AsyncIterable", ret);
      ret = stream;
    } else throw invalidArgType(`streams[${i}]`, "an instance of Stream or a function", stream);
  }
  if (ac?.signal.aborted || outerSignal?.aborted) tick(abort);
  return ret;
}

export function pipeline(...streams: unknown[]): unknown {
  const callback = streams.pop();
  if (typeof callback !== "function")
    throw invalidArgType("streams[stream.length - 1]", "of type function", callback);
  let called = false;
  return pipelineImpl(streams, (...args) => {
    if (called) return;
    called = true;
    (callback as Cb)(...args);
  });
}

export function pipelinePromise(...streams: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let opts: { signal?: Signal; end?: boolean } | undefined;
    const last = streams[streams.length - 1] as Record<string, unknown> | undefined;
    if (last && typeof last === "object" && !isNodeStream(last) && !isIterable(last)) {
      opts = streams.pop() as typeof opts;
    }
    pipelineImpl(streams, (err, value) => (err ? reject(err) : resolve(value)), opts);
  });
}
