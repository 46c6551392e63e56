// Shared parts of the "stream" module (after Node's lib/internal/streams/{utils,state}.js): the stream and state
// shapes, error codes, shape tests, highWaterMark handling and what the classes take from other modules. Ticks
// are microtasks, as the guest's process.nextTick is.
import { invalidArgType, nodeError, show } from "./errors.js";

export type Key = string | symbol;
export type Cb = (err?: Error | null, ...rest: unknown[]) => void;
export type Listener = (...args: never[]) => unknown;

export interface BaseState {
  objectMode: boolean;
  highWaterMark: number;
  length: number;
  destroyed: boolean;
  closed: boolean;
  closeEmitted: boolean;
  errorEmitted: boolean;
  emitClose: boolean;
  autoDestroy: boolean;
  constructed: boolean;
  errored: Error | null;
  sync: boolean;
  defaultEncoding: string;
}
export interface RState extends BaseState {
  buffer: unknown[];
  bufferIndex: number;
  pipes: S[];
  flowing: boolean | null;
  ended: boolean;
  endEmitted: boolean;
  reading: boolean;
  needReadable: boolean;
  emittedReadable: boolean;
  readableListening: boolean;
  resumeScheduled: boolean;
  paused: boolean | null;
  multiAwaitDrain: boolean;
  awaitDrainWriters: S | Set<S> | null;
  readingMore: boolean;
  dataEmitted: boolean;
  dataListening: boolean;
  decoder: { write(b: unknown): string; end(): string; encoding: string } | null;
  encoding: string | null;
  readable?: boolean;
}
export interface WState extends BaseState {
  finalCalled: boolean;
  needDrain: boolean;
  ending: boolean;
  ended: boolean;
  finished: boolean;
  decodeStrings: boolean;
  writing: boolean;
  corked: number;
  bufferProcessing: boolean;
  onwrite: (er?: Error | null) => void;
  writecb: Cb | null;
  writelen: number;
  expectWriteCb: boolean;
  afterWriteTickInfo: { count: number; cb: Cb; stream: S; state: WState } | null;
  afterWritePending: boolean;
  buffered: { chunk: unknown; encoding: string; callback: Cb }[];
  bufferedIndex: number;
  allBuffers: boolean;
  allNoop: boolean;
  pendingcb: number;
  prefinished: boolean;
  onFinished: Cb[];
  writable?: boolean;
}

/** A stream (or stream-like object) as these functions use it. */
export interface S {
  _readableState?: RState;
  _writableState?: WState;
  destroyed: boolean;
  readable: boolean;
  writable: boolean;
  allowHalfOpen?: boolean;
  on(ev: Key, fn: Listener): S;
  once(ev: Key, fn: Listener): S;
  off(ev: Key, fn: Listener): S;
  removeListener(ev: Key, fn: Listener): S;
  prependListener(ev: Key, fn: Listener): S;
  emit(ev: Key, ...args: unknown[]): boolean;
  listenerCount(ev: Key): number;
  read(n?: number): unknown;
  push(chunk: unknown, encoding?: string): boolean;
  pipe(dest: S, options?: { end?: boolean }): S;
  unpipe(dest?: S): S;
  pause(): S;
  resume(): S;
  write(chunk: unknown, encoding?: unknown, cb?: unknown): boolean;
  end(chunk?: unknown, encoding?: unknown, cb?: unknown): S;
  destroy(err?: Error | null, cb?: Cb): S;
  close?(): void;
  _read(n: number): void;
  _write(chunk: unknown, encoding: string, cb: Cb): void;
  _writev?: ((chunks: unknown[], cb: Cb) => void) | null;
  _final?: (cb: Cb) => void;
  _destroy(err: Error | null, cb: Cb): void;
  _construct?: (cb: Cb) => void;
  [key: string]: unknown;
  [key: symbol]: unknown;
}

export const tick = <A extends unknown[]>(fn: (...args: A) => unknown, ...args: A) =>
  queueMicrotask(() => fn(...args));
export const nop = () => {};

export const errors = {
  pushAfterEof: () => nodeError(Error, "ERR_STREAM_PUSH_AFTER_EOF", "stream.push() after EOF"),
  unshiftAfterEnd: () =>
    nodeError(Error, "ERR_STREAM_UNSHIFT_AFTER_END_EVENT", "stream.unshift() after end event"),
  notImplemented: (name: string) =>
    nodeError(Error, "ERR_METHOD_NOT_IMPLEMENTED", `The ${name} method is not implemented`),
  nullValues: () => nodeError(TypeError, "ERR_STREAM_NULL_VALUES", "May not write null values to stream"),
  writeAfterEnd: () => nodeError(Error, "ERR_STREAM_WRITE_AFTER_END", "write after end"),
  destroyed: (name: string) =>
    nodeError(Error, "ERR_STREAM_DESTROYED", `Cannot call ${name} after a stream was destroyed`),
  multipleCallback: () => nodeError(Error, "ERR_MULTIPLE_CALLBACK", "Callback called multiple times"),
  alreadyFinished: (name: string) =>
    nodeError(Error, "ERR_STREAM_ALREADY_FINISHED", `Cannot call ${name} after a stream was finished`),
  cannotPipe: () => nodeError(Error, "ERR_STREAM_CANNOT_PIPE", "Cannot pipe, not readable"),
  prematureClose: () => nodeError(Error, "ERR_STREAM_PREMATURE_CLOSE", "Premature close"),
  chunkType: (chunk: unknown) =>
    invalidArgType("chunk", "of type string or an instance of Buffer, TypedArray, or DataView", chunk),
  unknownEncoding: (enc: unknown) =>
    nodeError(TypeError, "ERR_UNKNOWN_ENCODING", `Unknown encoding: ${String(enc)}`),
};

export function aggregateTwoErrors(inner: unknown, outer: unknown): Error {
  if (inner && outer && inner !== outer) {
    const o = outer as Error & { errors?: unknown[]; code?: string };
    if (Array.isArray(o.errors)) {
      o.errors.push(inner);
      return o;
    }
    return Object.assign(new AggregateError([outer, inner], o.message), { code: o.code });
  }
  return (inner || outer) as Error;
}

/** Calls `fn` once; later calls do nothing. */
export function once<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  let called = false;
  return function (this: unknown, ...args: A) {
    if (called) return;
    called = true;
    fn.apply(this, args);
  };
}

// ---- shape tests (lib/internal/streams/utils.js) -------------------------------------------------------------

export const kIsDestroyed = Symbol.for("nodejs.stream.destroyed");
const isFn = (v: unknown) => typeof v === "function";

export function isReadableNodeStream(obj: S | null | undefined, strict = false): boolean {
  return !!(
    obj &&
    isFn(obj.pipe) &&
    isFn(obj.on) &&
    (!strict || (isFn(obj.pause) && isFn(obj.resume))) &&
    (!obj._writableState || obj._readableState?.readable !== false) &&
    (!obj._writableState || obj._readableState)
  );
}
export function isWritableNodeStream(obj: S | null | undefined): boolean {
  return !!(
    obj &&
    isFn(obj.write) &&
    isFn(obj.on) &&
    (!obj._readableState || obj._writableState?.writable !== false)
  );
}
export function isNodeStream(obj: unknown): obj is S {
  const o = obj as S | null | undefined;
  return !!(
    o &&
    (o._readableState || o._writableState || (isFn(o.write) && isFn(o.on)) || (isFn(o.pipe) && isFn(o.on)))
  );
}
export function isIterable(obj: unknown, isAsync?: boolean): boolean {
  if (obj == null) return false;
  const o = obj as Record<symbol, unknown>;
  if (isAsync === true) return isFn(o[Symbol.asyncIterator]);
  if (isAsync === false) return isFn(o[Symbol.iterator]);
  return isFn(o[Symbol.asyncIterator]) || isFn(o[Symbol.iterator]);
}
export function isDestroyed(stream: unknown): boolean | null {
  if (!isNodeStream(stream)) return null;
  const state = stream._writableState || stream._readableState;
  return !!(stream.destroyed || stream[kIsDestroyed] || state?.destroyed);
}
function isWritableEnded(stream: S): boolean | null {
  if (!isWritableNodeStream(stream)) return null;
  if (stream.writableEnded === true) return true;
  const w = stream._writableState;
  if (w?.errored) return false;
  return typeof w?.ended !== "boolean" ? null : w.ended;
}
export function isWritableFinished(stream: S, strict?: boolean): boolean | null {
  if (!isWritableNodeStream(stream)) return null;
  if (stream.writableFinished === true) return true;
  const w = stream._writableState;
  if (w?.errored) return false;
  if (typeof w?.finished !== "boolean") return null;
  return !!(w.finished || (strict === false && w.ended === true && w.length === 0));
}
export function isReadableFinished(stream: S, strict?: boolean): boolean | null {
  if (!isReadableNodeStream(stream)) return null;
  const r = stream._readableState;
  if (r?.errored) return false;
  if (typeof r?.endEmitted !== "boolean") return null;
  return !!(r.endEmitted || (strict === false && r.ended === true && r.length === 0));
}
export function isReadable(stream: S | null | undefined): boolean | null {
  if (stream && stream[Symbol.for("nodejs.stream.readable")] != null)
    return stream[Symbol.for("nodejs.stream.readable")] as boolean;
  if (typeof stream?.readable !== "boolean") return null;
  if (isDestroyed(stream)) return false;
  return isReadableNodeStream(stream) && stream.readable && !isReadableFinished(stream);
}
export function isWritable(stream: S | null | undefined): boolean | null {
  if (stream && stream[Symbol.for("nodejs.stream.writable")] != null)
    return stream[Symbol.for("nodejs.stream.writable")] as boolean;
  if (typeof stream?.writable !== "boolean") return null;
  if (isDestroyed(stream)) return false;
  return isWritableNodeStream(stream) && stream.writable && !isWritableEnded(stream);
}
export function isFinished(
  stream: unknown,
  opts?: { readable?: boolean; writable?: boolean },
): boolean | null {
  if (!isNodeStream(stream)) return null;
  if (isDestroyed(stream)) return true;
  if (opts?.readable !== false && isReadable(stream)) return false;
  if (opts?.writable !== false && isWritable(stream)) return false;
  return true;
}
export const erroredOf = (stream: S, kind: "writable" | "readable") =>
  (stream[`${kind}Errored`] as Error | undefined) || stream[`_${kind}State`]?.errored || null;
export function isErrored(stream: S | null | undefined): boolean {
  return !!(
    stream &&
    (stream[Symbol.for("nodejs.stream.errored")] ??
      stream.readableErrored ??
      stream.writableErrored ??
      stream._readableState?.errorEmitted ??
      stream._writableState?.errorEmitted ??
      stream._readableState?.errored ??
      stream._writableState?.errored)
  );
}
export function isClosed(stream: S): boolean | null {
  if (typeof stream.closed === "boolean") return stream.closed;
  const w = stream._writableState;
  const r = stream._readableState;
  if (typeof w?.closed === "boolean" || typeof r?.closed === "boolean") return !!(w?.closed || r?.closed);
  return null;
}
export function willEmitClose(stream: S): boolean {
  const state = stream._writableState || stream._readableState;
  return !!(state?.autoDestroy && state.emitClose && state.closed === false);
}

// ---- what the stream classes take from other modules ---------------------------------------------------------

export interface BufferLike extends Uint8Array {
  toString(encoding?: string): string;
}
export interface BufferCtor {
  new (...args: never[]): BufferLike;
  prototype: BufferLike;
  from(value: unknown, encodingOrOffset?: unknown, length?: number): BufferLike;
  alloc(size: number): BufferLike;
  allocUnsafe(size: number): BufferLike;
  isEncoding(encoding: unknown): boolean;
}
export const lib = {} as {
  Buffer: BufferCtor;
  load: (id: string) => unknown;
  EE: { prototype: { on: Function; removeListener: Function; removeAllListeners: Function } };
  Stream: Function;
};

export const toBuffer = (chunk: ArrayBufferView) =>
  lib.Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);

let defaultHwmBytes = 16 * 1024;
let defaultHwmObjects = 16;
export const getDefaultHighWaterMark = (objectMode?: boolean) =>
  objectMode ? defaultHwmObjects : defaultHwmBytes;
export function setDefaultHighWaterMark(objectMode: boolean, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw invalidArgType("value", "of type number", value);
  if (objectMode) defaultHwmObjects = value;
  else defaultHwmBytes = value;
}

/** The state options shared by readable and writable sides (highWaterMark, objectMode, ...). */
export function baseState(
  state: BaseState,
  options: Record<string, unknown> | undefined,
  isDuplex: boolean,
  side: "readable" | "writable",
): void {
  const o = options ?? {};
  state.objectMode = !!(o.objectMode || (isDuplex && o[`${side}ObjectMode`]));
  const key = `${side}HighWaterMark`;
  const hwm = o.highWaterMark != null ? o.highWaterMark : isDuplex ? o[key] : null;
  if (hwm != null) {
    if (!Number.isInteger(hwm) || (hwm as number) < 0) {
      const name = isDuplex ? `options.${key}` : "options.highWaterMark";
      throw nodeError(
        TypeError,
        "ERR_INVALID_ARG_VALUE",
        `The property '${name}' is invalid. Received ${show(hwm)}`,
      );
    }
    state.highWaterMark = Math.floor(hwm as number);
  } else state.highWaterMark = getDefaultHighWaterMark(state.objectMode);
  state.length = 0;
  state.destroyed = state.closed = state.closeEmitted = state.errorEmitted = false;
  state.emitClose = o.emitClose !== false;
  state.autoDestroy = o.autoDestroy !== false;
  state.constructed = state.sync = true;
  state.errored = null;
  const enc = o.defaultEncoding;
  if (enc == null || enc === "utf8" || enc === "utf-8") state.defaultEncoding = "utf8";
  else if (lib.Buffer.isEncoding(enc)) state.defaultEncoding = enc as string;
  else throw errors.unknownEncoding(enc);
}
