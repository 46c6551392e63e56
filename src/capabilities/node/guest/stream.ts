// Built-in module "stream": Node's stream classes (Readable, Writable, Duplex, Transform, PassThrough), the
// legacy Stream base with its simple pipe(), pipeline, finished and the promise forms ("stream/promises"),
// built on the "events" and "buffer" modules. Not provided: web-stream adapters (toWeb/fromWeb), Duplex.from,
// compose, duplexPair and the experimental Readable operators other than toArray().
import type { Op } from "../../../guest/types.js";
import { Duplex, PassThrough, Transform } from "./internal/stream-duplex.js";
import { pipeline, pipelinePromise } from "./internal/stream-pipeline.js";
import "./internal/stream-from.js";
import { Readable } from "./internal/stream-readable.js";
import { addAbortSignal, destroyer, eos, finishedPromise } from "./internal/stream-destroy.js";
import {
  type BufferCtor,
  getDefaultHighWaterMark,
  isDestroyed,
  isErrored,
  isReadable,
  isWritable,
  type Key,
  type Listener,
  lib,
  type S,
  setDefaultHighWaterMark,
  toBuffer,
} from "./internal/stream-utils.js";
import { Writable } from "./internal/stream-writable.js";

type EventEmitterCtor = Function & {
  prototype: object;
  listenerCount(emitter: S, ev: Key): number;
};

function Stream(this: S, opts?: unknown): void {
  (lib.EE as unknown as Function).call(this, opts);
}

/** The legacy pipe() of Stream (streams that are not Readable). */
function legacyPipe(this: S, dest: S, options?: { end?: boolean }): S {
  const source = this;
  const ondata = (chunk: unknown) => {
    if (dest.writable && dest.write(chunk) === false && source.pause) source.pause();
  };
  source.on("data", ondata);
  const ondrain = () => {
    if (source.readable && source.resume) source.resume();
  };
  dest.on("drain", ondrain);
  if (!dest._isStdio && options?.end !== false) {
    source.on("end", onend);
    source.on("close", onclose);
  }
  let didOnEnd = false;
  function onend() {
    if (didOnEnd) return;
    didOnEnd = true;
    dest.end();
  }
  function onclose() {
    if (didOnEnd) return;
    didOnEnd = true;
    if (typeof dest.destroy === "function") dest.destroy();
  }
  function onerror(this: S, er: Error) {
    cleanup();
    if ((lib.EE as unknown as EventEmitterCtor).listenerCount(this, "error") === 0) this.emit("error", er);
  }
  const prepend = (emitter: S, fn: Listener) =>
    typeof emitter.prependListener === "function"
      ? emitter.prependListener("error", fn)
      : emitter.on("error", fn);
  prepend(source, onerror);
  prepend(dest, onerror);
  function cleanup() {
    source.removeListener("data", ondata);
    dest.removeListener("drain", ondrain);
    source.removeListener("end", onend);
    source.removeListener("close", onclose);
    source.removeListener("error", onerror);
    dest.removeListener("error", onerror);
    source.removeListener("end", cleanup);
    source.removeListener("close", cleanup);
    dest.removeListener("close", cleanup);
  }
  source.on("end", cleanup);
  source.on("close", cleanup);
  dest.on("close", cleanup);
  dest.emit("pipe", source);
  return dest;
}

export function create(_op: Op, load: (id: string) => unknown): unknown {
  const EE = load("events") as EventEmitterCtor;
  lib.EE = EE as unknown as typeof lib.EE;
  lib.Buffer = (load("buffer") as { Buffer: BufferCtor }).Buffer;
  lib.load = load;
  lib.Stream = Stream;
  Object.setPrototypeOf(Stream.prototype, EE.prototype);
  Object.setPrototypeOf(Stream, EE);
  Object.assign(Stream.prototype, {
    pipe: legacyPipe,
    eventNames(this: S) {
      const events = (this._events ?? {}) as Record<Key, unknown>;
      return Reflect.ownKeys(events).filter((key) => {
        const v = events[key];
        return typeof v === "function" || (Array.isArray(v) && v.length > 0);
      });
    },
  });
  for (const C of [Readable, Writable]) {
    Object.setPrototypeOf(C.prototype, Stream.prototype);
    Object.setPrototypeOf(C, Stream);
  }

  const finished = eos;
  const promises = { pipeline: pipelinePromise, finished: finishedPromise };
  const customPromisify = Symbol.for("nodejs.util.promisify.custom");
  Object.defineProperty(pipeline, customPromisify, {
    enumerable: true,
    configurable: true,
    get: () => promises.pipeline,
  });
  Object.defineProperty(finished, customPromisify, {
    enumerable: true,
    configurable: true,
    get: () => promises.finished,
  });

  return Object.assign(Stream, {
    Stream,
    Readable,
    Writable,
    Duplex,
    Transform,
    PassThrough,
    pipeline,
    finished,
    promises,
    addAbortSignal,
    destroy: destroyer,
    isDestroyed,
    isErrored,
    isReadable,
    isWritable,
    isDisturbed: (stream: S) =>
      !!(
        stream &&
        (stream[Symbol.for("nodejs.stream.disturbed")] ?? (stream.readableDidRead || stream.readableAborted))
      ),
    getDefaultHighWaterMark,
    setDefaultHighWaterMark,
    _isArrayBufferView: ArrayBuffer.isView,
    _isUint8Array: (v: unknown) => v instanceof Uint8Array,
    _uint8ArrayToBuffer: toBuffer,
  });
}
