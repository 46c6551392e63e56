// Duplex, Transform and PassThrough, after Node's lib/internal/streams/{duplex,transform,passthrough}.js.
import { Readable, ReadableState } from "./stream-readable.js";
import { addAbortSignal, construct } from "./stream-destroy.js";
import { type Cb, errors, lib, type RState, type S, tick, type WState } from "./stream-utils.js";
import {
  onConstructed as onWritableConstructed,
  Writable,
  WritableState,
  writableProps,
} from "./stream-writable.js";

type Options = Record<string, unknown>;
type Ctor = new (...args: unknown[]) => S;

export function Duplex(this: S, options?: Options): S | undefined {
  if (!(this instanceof Duplex)) return new (Duplex as unknown as Ctor)(options);
  this._readableState = new (ReadableState as unknown as new (o: unknown, s: S, d: boolean) => RState)(
    options,
    this,
    true,
  );
  this._writableState = new (WritableState as unknown as new (o: unknown, s: S, d: boolean) => WState)(
    options,
    this,
    true,
  );
  this.allowHalfOpen = options?.allowHalfOpen !== false;
  if (options) {
    if (options.readable === false) {
      const r = this._readableState;
      r.readable = false;
      r.ended = r.endEmitted = true;
    }
    if (options.writable === false) {
      const w = this._writableState;
      w.writable = false;
      w.ending = w.ended = w.finished = true;
    }
    for (const [opt, method] of [
      ["read", "_read"],
      ["write", "_write"],
      ["writev", "_writev"],
      ["destroy", "_destroy"],
      ["final", "_final"],
      ["construct", "_construct"],
    ])
      if (typeof options[opt!] === "function") this[method!] = options[opt!];
    if (options.signal) addAbortSignal(options.signal as Parameters<typeof addAbortSignal>[0], this);
  }
  lib.Stream.call(this, options);
  if (this._construct != null)
    construct(this, () => {
      (Readable as unknown as { onConstructed(s: S): void }).onConstructed(this);
      onWritableConstructed(this);
    });
  return undefined;
}
Object.setPrototypeOf(Duplex.prototype, Readable.prototype);
Object.setPrototypeOf(Duplex, Readable);
for (const method of Object.keys(Writable.prototype)) {
  const d = Duplex.prototype as Record<string, unknown>;
  if (!d[method]) d[method] = (Writable.prototype as Record<string, unknown>)[method];
}
(Duplex.prototype as S).destroy = (Writable.prototype as S).destroy;
const { closed: _closed, errored: _errored, destroyed: _destroyed, ...duplexWritableProps } = writableProps;
Object.defineProperties(Duplex.prototype, duplexWritableProps);
Object.defineProperty(Duplex.prototype, "destroyed", {
  configurable: true,
  get(this: S) {
    if (this._readableState === undefined || this._writableState === undefined) return false;
    return this._readableState.destroyed && this._writableState.destroyed;
  },
  set(this: S, value: boolean) {
    if (this._readableState && this._writableState)
      this._readableState.destroyed = this._writableState.destroyed = value;
  },
});

const kCallback = Symbol("kCallback");

export function Transform(this: S, options?: Options): S | undefined {
  if (!(this instanceof Transform)) return new (Transform as unknown as Ctor)(options);
  const rhwm = options
    ? options.highWaterMark != null
      ? options.highWaterMark
      : options.readableHighWaterMark
    : null;
  if (rhwm === 0)
    options = {
      ...options,
      highWaterMark: null,
      readableHighWaterMark: 0,
      writableHighWaterMark: options!.writableHighWaterMark || 0,
    };
  Duplex.call(this, options);
  this._readableState!.sync = false;
  this[kCallback] = null;
  if (options) {
    if (typeof options.transform === "function") this._transform = options.transform;
    if (typeof options.flush === "function") this._flush = options.flush;
  }
  this.on("prefinish", prefinish);
  return undefined;
}
Object.setPrototypeOf(Transform.prototype, Duplex.prototype);
Object.setPrototypeOf(Transform, Duplex);

function final(this: S, cb?: Cb) {
  if (typeof this._flush === "function" && !this.destroyed) {
    (this._flush as (cb: Cb) => void)((er, data) => {
      if (er) {
        if (cb) cb(er);
        else this.destroy(er);
        return;
      }
      if (data != null) this.push(data);
      this.push(null);
      cb?.();
    });
  } else {
    this.push(null);
    cb?.();
  }
}
function prefinish(this: S) {
  if (this._final !== final) final.call(this);
}
Object.assign(Transform.prototype, {
  _final: final,
  _transform() {
    throw errors.notImplemented("_transform()");
  },
  _write(this: S, chunk: unknown, encoding: string, callback: Cb) {
    const rState = this._readableState!;
    const wState = this._writableState!;
    const length = rState.length;
    (this._transform as (c: unknown, e: string, cb: Cb) => void)(chunk, encoding, (err, val) => {
      if (err) return callback(err);
      if (val != null) this.push(val);
      if (rState.ended) tick(callback);
      else if (wState.ended || length === rState.length || rState.length < rState.highWaterMark) callback();
      else this[kCallback] = callback;
    });
  },
  _read(this: S) {
    const callback = this[kCallback] as Cb | null;
    if (callback) {
      this[kCallback] = null;
      callback();
    }
  },
});

export function PassThrough(this: S, options?: Options): S | undefined {
  if (!(this instanceof PassThrough)) return new (PassThrough as unknown as Ctor)(options);
  Transform.call(this, options);
  return undefined;
}
Object.setPrototypeOf(PassThrough.prototype, Transform.prototype);
Object.setPrototypeOf(PassThrough, Transform);
(PassThrough.prototype as S)._transform = (chunk: unknown, _enc: string, cb: Cb) => cb(null, chunk);
