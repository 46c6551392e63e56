// destroy(), finished() and addAbortSignal for the "stream" module, after Node's
// lib/internal/streams/{destroy,end-of-stream,add-abort-signal}.js.
import { AbortError, invalidArgType } from "./errors.js";
import {
  aggregateTwoErrors,
  type BaseState,
  type Cb,
  erroredOf,
  errors,
  isClosed,
  isDestroyed,
  isFinished,
  isNodeStream,
  isReadable,
  isReadableFinished,
  isReadableNodeStream,
  isWritable,
  isWritableFinished,
  isWritableNodeStream,
  kIsDestroyed,
  nop,
  once,
  type S,
  tick,
  willEmitClose,
} from "./stream-utils.js";

// ---- destroy (lib/internal/streams/destroy.js) ---------------------------------------------------------------

const kDestroy = Symbol("kDestroy");
const kConstruct = Symbol("kConstruct");

function checkError(err: Error | null | undefined, w?: BaseState, r?: BaseState) {
  if (err) {
    if (w && !w.errored) w.errored = err;
    if (r && !r.errored) r.errored = err;
  }
}

export function destroy(this: S, err?: Error | null, cb?: Cb): S {
  const r = this._readableState;
  const w = this._writableState;
  const s = (w || r)!;
  if (w?.destroyed || r?.destroyed) {
    if (typeof cb === "function") cb();
    return this;
  }
  checkError(err, w, r);
  if (w) w.destroyed = true;
  if (r) r.destroyed = true;
  if (!s.constructed)
    this.once(kDestroy, function (this: S, er?: Error) {
      _destroy(this, aggregateTwoErrors(er, err), cb);
    });
  else _destroy(this, err, cb);
  return this;
}

function _destroy(self: S, err: Error | null | undefined, cb?: Cb) {
  let called = false;
  const onDestroy = (err?: Error | null) => {
    if (called) return;
    called = true;
    const r = self._readableState;
    const w = self._writableState;
    checkError(err, w, r);
    if (w) w.closed = true;
    if (r) r.closed = true;
    if (typeof cb === "function") cb(err);
    if (err) tick(emitErrorCloseNT, self, err);
    else tick(emitCloseNT, self);
  };
  try {
    self._destroy(err || null, onDestroy);
  } catch (e) {
    onDestroy(e as Error);
  }
}

function emitErrorCloseNT(self: S, err: Error) {
  emitErrorNT(self, err);
  emitCloseNT(self);
}
function emitCloseNT(self: S) {
  const r = self._readableState;
  const w = self._writableState;
  if (w) w.closeEmitted = true;
  if (r) r.closeEmitted = true;
  if (w?.emitClose || r?.emitClose) self.emit("close");
}
function emitErrorNT(self: S, err: Error) {
  const r = self._readableState;
  const w = self._writableState;
  if (w?.errorEmitted || r?.errorEmitted) return;
  if (w) w.errorEmitted = true;
  if (r) r.errorEmitted = true;
  self.emit("error", err);
}

export function undestroy(this: S) {
  const r = this._readableState;
  const w = this._writableState;
  if (r) {
    Object.assign(r, {
      constructed: true,
      closed: false,
      closeEmitted: false,
      destroyed: false,
      errored: null,
    });
    Object.assign(r, {
      errorEmitted: false,
      reading: false,
      ended: r.readable === false,
      endEmitted: r.readable === false,
    });
  }
  if (w) {
    const off = w.writable === false;
    Object.assign(w, {
      constructed: true,
      destroyed: false,
      closed: false,
      closeEmitted: false,
      errored: null,
    });
    Object.assign(w, {
      errorEmitted: false,
      finalCalled: false,
      prefinished: false,
      ended: off,
      ending: off,
      finished: off,
    });
  }
}

export function errorOrDestroy(stream: S, err: Error, sync?: boolean): void {
  const r = stream._readableState;
  const w = stream._writableState;
  if (w?.destroyed || r?.destroyed) return;
  if (r?.autoDestroy || w?.autoDestroy) stream.destroy(err);
  else if (err) {
    if (w && !w.errored) w.errored = err;
    if (r && !r.errored) r.errored = err;
    if (sync) tick(emitErrorNT, stream, err);
    else emitErrorNT(stream, err);
  }
}

export function construct(stream: S, cb: () => void): void {
  if (typeof stream._construct !== "function") return;
  const r = stream._readableState;
  const w = stream._writableState;
  if (r) r.constructed = false;
  if (w) w.constructed = false;
  stream.once(kConstruct, cb);
  if (stream.listenerCount(kConstruct) > 1) return;
  tick(constructNT, stream);
}

function constructNT(stream: S) {
  let called = false;
  const onConstruct = (err?: Error | null) => {
    if (called) {
      errorOrDestroy(stream, err ?? errors.multipleCallback());
      return;
    }
    called = true;
    const r = stream._readableState;
    const w = stream._writableState;
    if (r) r.constructed = true;
    if (w) w.constructed = true;
    if ((w || r)!.destroyed) stream.emit(kDestroy, err);
    else if (err) errorOrDestroy(stream, err, true);
    else stream.emit(kConstruct);
  };
  try {
    stream._construct!((err) => tick(onConstruct, err));
  } catch (err) {
    tick(onConstruct, err as Error);
  }
}

/** stream.destroy(stream, err): destroys any stream-like object. */
export function destroyer(stream: S, err?: Error | null): void {
  if (!stream || isDestroyed(stream)) return;
  if (!err && !isFinished(stream)) err = new AbortError();
  if (typeof stream.destroy === "function") stream.destroy(err);
  else if (typeof stream.close === "function") stream.close();
  else if (err)
    tick(() => {
      stream.emit("error", err);
      tick(() => stream.emit("close"));
    });
  else tick(() => stream.emit("close"));
  if (!stream.destroyed) stream[kIsDestroyed] = true;
}

// ---- finished (lib/internal/streams/end-of-stream.js) --------------------------------------------------------

interface EosOptions {
  readable?: boolean;
  writable?: boolean;
  error?: boolean;
  signal?: { aborted: boolean; reason: unknown; addEventListener: Function; removeEventListener: Function };
}

export function eos(stream: S, options: EosOptions | Cb | null | undefined, callback?: Cb): () => void {
  if (typeof options === "function") {
    callback = options;
    options = {};
  } else if (options == null) options = {};
  else if (typeof options !== "object") throw invalidArgType("options", "of type object", options);
  if (typeof callback !== "function") throw invalidArgType("callback", "of type function", callback);
  let cb = once(callback);
  if (!isNodeStream(stream))
    throw invalidArgType("stream", "one of ReadableStream, WritableStream, or Stream", stream);
  const opts = options;
  const readable = opts.readable ?? isReadableNodeStream(stream);
  const writable = opts.writable ?? isWritableNodeStream(stream);
  const wState = stream._writableState;
  const rState = stream._readableState;
  const onlegacyfinish = () => {
    if (!stream.writable) onfinish();
  };
  let emitsClose =
    willEmitClose(stream) &&
    isReadableNodeStream(stream) === readable &&
    isWritableNodeStream(stream) === writable;
  let writableFinished = isWritableFinished(stream, false);
  const onfinish = () => {
    writableFinished = true;
    if (stream.destroyed) emitsClose = false;
    if (emitsClose && (!stream.readable || readable)) return;
    if (!readable || readableFinished) cb.call(stream);
  };
  let readableFinished = isReadableFinished(stream, false);
  const onend = () => {
    readableFinished = true;
    if (stream.destroyed) emitsClose = false;
    if (emitsClose && (!stream.writable || writable)) return;
    if (!writable || writableFinished) cb.call(stream);
  };
  const onerror = (err: Error) => cb.call(stream, err);
  let closed = isClosed(stream);
  const onclose = () => {
    closed = true;
    const errored = erroredOf(stream, "writable") || erroredOf(stream, "readable");
    if (errored && typeof errored !== "boolean") return cb.call(stream, errored);
    if (
      readable &&
      !readableFinished &&
      isReadableNodeStream(stream, true) &&
      !isReadableFinished(stream, false)
    )
      return cb.call(stream, errors.prematureClose());
    if (writable && !writableFinished && !isWritableFinished(stream, false))
      return cb.call(stream, errors.prematureClose());
    cb.call(stream);
  };
  const onclosed = () => {
    closed = true;
    const errored = erroredOf(stream, "writable") || erroredOf(stream, "readable");
    if (errored && typeof errored !== "boolean") return cb.call(stream, errored);
    cb.call(stream);
  };
  if (writable && !wState) {
    stream.on("end", onlegacyfinish);
    stream.on("close", onlegacyfinish);
  }
  if (!emitsClose && typeof stream.aborted === "boolean") stream.on("aborted", onclose);
  stream.on("end", onend);
  stream.on("finish", onfinish);
  if (opts.error !== false) stream.on("error", onerror);
  stream.on("close", onclose);
  if (closed) tick(onclose);
  else if (wState?.errorEmitted || rState?.errorEmitted) {
    if (!emitsClose) tick(onclosed);
  } else if (
    !readable &&
    (!emitsClose || isReadable(stream)) &&
    (writableFinished || isWritable(stream) === false) &&
    (wState == null || wState.pendingcb === undefined || wState.pendingcb === 0)
  )
    tick(onclosed);
  else if (
    !writable &&
    (!emitsClose || isWritable(stream)) &&
    (readableFinished || isReadable(stream) === false)
  )
    tick(onclosed);
  const cleanup = () => {
    cb = nop;
    for (const [ev, fn] of [
      ["aborted", onclose],
      ["end", onlegacyfinish],
      ["close", onlegacyfinish],
      ["finish", onfinish],
      ["end", onend],
      ["error", onerror],
      ["close", onclose],
    ] as const)
      stream.removeListener(ev, fn);
  };
  const signal = opts.signal;
  if (signal && !closed) {
    const abort = () => {
      const endCallback = cb;
      cleanup();
      endCallback.call(stream, new AbortError(undefined, { cause: signal.reason }));
    };
    if (signal.aborted) tick(abort);
    else {
      signal.addEventListener("abort", abort, { once: true });
      const original = cb;
      cb = once((...args: Parameters<Cb>) => {
        signal.removeEventListener("abort", abort);
        original.apply(stream, args);
      });
    }
  }
  return cleanup;
}

export function finishedPromise(stream: S, opts?: EosOptions & { cleanup?: boolean }): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = eos(stream, opts ?? {}, (err) => {
      if (opts?.cleanup) cleanup();
      if (err) reject(err);
      else resolve();
    });
  });
}

/** Node's addAbortSignal: destroys `stream` with an AbortError when `signal` aborts. */
export function addAbortSignal<T extends S>(signal: EosOptions["signal"], stream: T): T {
  if (!signal || typeof signal !== "object" || !("aborted" in signal))
    throw invalidArgType("signal", "an instance of AbortSignal", signal);
  if (!isNodeStream(stream)) throw invalidArgType("stream", "an instance of Stream", stream);
  const onAbort = () => stream.destroy(new AbortError(undefined, { cause: signal.reason }));
  if (signal.aborted) onAbort();
  else {
    signal.addEventListener("abort", onAbort, { once: true });
    eos(stream, () => signal.removeEventListener("abort", onAbort));
  }
  return stream;
}
