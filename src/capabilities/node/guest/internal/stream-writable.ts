// Writable streams, after Node's lib/internal/streams/writable.js (state kept in plain booleans).
import { addAbortSignal, construct, destroy, errorOrDestroy, undestroy } from "./stream-destroy.js";
import { baseState, type Cb, errors, lib, nop, type S, tick, toBuffer, type WState } from "./stream-utils.js";

type Options = Record<string, unknown> & {
  write?: S["_write"];
  writev?: S["_writev"];
  destroy?: S["_destroy"];
  final?: S["_final"];
  construct?: S["_construct"];
  signal?: Parameters<typeof addAbortSignal>[0];
};

function resetBuffer(state: WState) {
  state.buffered = [];
  state.bufferedIndex = 0;
  state.allBuffers = true;
  state.allNoop = true;
}

export function WritableState(this: WState, options: Options | undefined, stream: S, isDuplex: boolean) {
  baseState(this, options, isDuplex, "writable");
  Object.assign(this, {
    finalCalled: false,
    needDrain: false,
    ending: false,
    ended: false,
    finished: false,
    decodeStrings: options?.decodeStrings !== false,
    writing: false,
    corked: 0,
    bufferProcessing: false,
    onwrite: (er?: Error | null) => onwrite(stream, er),
    writecb: null,
    writelen: 0,
    expectWriteCb: false,
    afterWriteTickInfo: null,
    afterWritePending: false,
    pendingcb: 0,
    prefinished: false,
    onFinished: [],
  });
  resetBuffer(this);
}
Object.assign(WritableState.prototype, {
  getBuffer(this: WState) {
    return this.buffered.slice(this.bufferedIndex);
  },
});
Object.defineProperty(WritableState.prototype, "bufferedRequestCount", {
  get(this: WState) {
    return this.buffered.length - this.bufferedIndex;
  },
});

export function Writable(this: S, options?: Options): S | undefined {
  if (!Function.prototype[Symbol.hasInstance].call(Writable, this))
    return new (Writable as unknown as new (o?: Options) => S)(options);
  this._writableState = new (WritableState as unknown as new (o: unknown, s: S, d: boolean) => WState)(
    options,
    this,
    false,
  );
  if (options) {
    if (typeof options.write === "function") this._write = options.write;
    if (typeof options.writev === "function") this._writev = options.writev;
    if (typeof options.destroy === "function") this._destroy = options.destroy;
    if (typeof options.final === "function") this._final = options.final;
    if (typeof options.construct === "function") this._construct = options.construct;
    if (options.signal) addAbortSignal(options.signal, this);
  }
  lib.Stream.call(this, options);
  if (this._construct != null) construct(this, () => onConstructed(this));
  return undefined;
}
Writable.WritableState = WritableState;

export function onConstructed(stream: S) {
  const state = stream._writableState!;
  if (!state.writing) clearBuffer(stream, state);
  if (state.ending) finishMaybe(stream, state);
}

Object.defineProperty(Writable, Symbol.hasInstance, {
  value(this: Function, object: S) {
    if (Function.prototype[Symbol.hasInstance].call(this, object)) return true;
    if (this !== Writable) return false;
    return !!object && object._writableState instanceof WritableState;
  },
});

function write(stream: S, chunk: unknown, encoding: unknown, cb: unknown): boolean | Error {
  const state = stream._writableState!;
  const callback = typeof cb === "function" ? (cb as Cb) : nop;
  if (chunk === null) throw errors.nullValues();
  let enc = encoding as string;
  if (!state.objectMode) {
    if (!enc) enc = state.defaultEncoding;
    else if (enc !== "buffer" && !lib.Buffer.isEncoding(enc)) throw errors.unknownEncoding(enc);
    if (typeof chunk === "string") {
      if (state.decodeStrings) {
        chunk = lib.Buffer.from(chunk, enc);
        enc = "buffer";
      }
    } else if (chunk instanceof lib.Buffer) enc = "buffer";
    else if (ArrayBuffer.isView(chunk)) {
      chunk = toBuffer(chunk);
      enc = "buffer";
    } else throw errors.chunkType(chunk);
  }
  const err = state.ending ? errors.writeAfterEnd() : state.destroyed ? errors.destroyed("write") : undefined;
  if (err) {
    tick(callback, err);
    errorOrDestroy(stream, err, true);
    return err;
  }
  state.pendingcb++;
  const len = state.objectMode ? 1 : (chunk as { length: number }).length;
  state.length += len;
  if (state.writing || state.errored || state.corked || !state.constructed) {
    state.buffered.push({ chunk, encoding: enc, callback });
    if (enc !== "buffer") state.allBuffers = false;
    if (callback !== nop) state.allNoop = false;
  } else doWrite(stream, state, false, len, chunk, enc, callback);
  const ret = state.length < state.highWaterMark || state.length === 0;
  if (!ret) state.needDrain = true;
  return ret && !state.destroyed && !state.errored;
}

function doWrite(
  stream: S,
  state: WState,
  writev: boolean,
  len: number,
  chunk: unknown,
  enc: string,
  cb: Cb,
) {
  state.writelen = len;
  if (cb !== nop) state.writecb = cb;
  state.writing = state.sync = state.expectWriteCb = true;
  if (state.destroyed) state.onwrite(errors.destroyed("write"));
  else if (writev) stream._writev!(chunk as unknown[], state.onwrite);
  else stream._write(chunk, enc, state.onwrite);
  state.sync = false;
}

function onwriteError(stream: S, state: WState, er: Error, cb: Cb) {
  --state.pendingcb;
  cb(er);
  errorBuffer(state);
  errorOrDestroy(stream, er);
}

function onwrite(stream: S, er?: Error | null) {
  const state = stream._writableState!;
  if (!state.expectWriteCb) {
    errorOrDestroy(stream, errors.multipleCallback());
    return;
  }
  const sync = state.sync;
  const cb = state.writecb ?? nop;
  state.writecb = null;
  state.writing = state.expectWriteCb = false;
  state.length -= state.writelen;
  state.writelen = 0;
  if (er) {
    if (!state.errored) state.errored = er;
    if (stream._readableState && !stream._readableState.errored) stream._readableState.errored = er;
    if (sync) tick(onwriteError, stream, state, er, cb);
    else onwriteError(stream, state, er, cb);
    return;
  }
  if (state.buffered.length > state.bufferedIndex) clearBuffer(stream, state);
  if (!sync) return afterWrite(stream, state, 1, cb);
  // Node 20 reads the objectMode flag here where it means "destroyed"; kept for identical timing.
  const needTick = (state.needDrain && state.length === 0) || state.objectMode || cb !== nop;
  if (cb === nop) {
    if (!state.afterWritePending && needTick) {
      tick(afterWrite, stream, state, 1, cb);
      state.afterWritePending = true;
    } else {
      state.pendingcb--;
      if (state.ending) finishMaybe(stream, state, true);
    }
  } else if (state.afterWriteTickInfo?.cb === cb) state.afterWriteTickInfo.count++;
  else if (needTick) {
    const info = { count: 1, cb, stream, state };
    state.afterWriteTickInfo = info;
    tick(() => {
      state.afterWriteTickInfo = null;
      afterWrite(stream, state, info.count, cb);
    });
    state.afterWritePending = true;
  } else {
    state.pendingcb--;
    if (state.ending) finishMaybe(stream, state, true);
  }
}

function afterWrite(stream: S, state: WState, count: number, cb: Cb) {
  state.afterWritePending = false;
  if (!state.ending && state.needDrain && !state.destroyed && state.length === 0) {
    state.needDrain = false;
    stream.emit("drain");
  }
  while (count-- > 0) {
    state.pendingcb--;
    cb(null);
  }
  if (state.destroyed) errorBuffer(state);
  if (state.ending) finishMaybe(stream, state, true);
}

function errorBuffer(state: WState) {
  if (state.writing) return;
  for (let n = state.bufferedIndex; n < state.buffered.length; ++n) {
    const { chunk, callback } = state.buffered[n]!;
    state.length -= state.objectMode ? 1 : (chunk as { length: number }).length;
    callback(state.errored ?? errors.destroyed("write"));
  }
  callFinishedCallbacks(state, state.errored ?? errors.destroyed("end"));
  resetBuffer(state);
}

function clearBuffer(stream: S, state: WState) {
  if (state.corked || state.bufferProcessing || state.destroyed || !state.constructed) return;
  const { buffered, bufferedIndex } = state;
  const bufferedLength = buffered.length - bufferedIndex;
  if (!bufferedLength) return;
  let i = bufferedIndex;
  state.bufferProcessing = true;
  if (bufferedLength > 1 && stream._writev) {
    state.pendingcb -= bufferedLength - 1;
    const callback = state.allNoop
      ? nop
      : (err?: Error | null) => {
          for (let n = i; n < buffered.length; ++n) buffered[n]!.callback(err);
        };
    const chunks = (state.allNoop && i === 0 ? buffered : buffered.slice(i)) as unknown[] & {
      allBuffers?: boolean;
    };
    chunks.allBuffers = state.allBuffers;
    doWrite(stream, state, true, state.length, chunks, "", callback);
    resetBuffer(state);
  } else {
    do {
      const { chunk, encoding, callback } = buffered[i]!;
      buffered[i++] = null as never;
      doWrite(
        stream,
        state,
        false,
        state.objectMode ? 1 : (chunk as { length: number }).length,
        chunk,
        encoding,
        callback,
      );
    } while (i < buffered.length && !state.writing);
    if (i === buffered.length) resetBuffer(state);
    else if (i > 256) {
      buffered.splice(0, i);
      state.bufferedIndex = 0;
    } else state.bufferedIndex = i;
  }
  state.bufferProcessing = false;
}

const needFinish = (state: WState) =>
  state.ending &&
  !state.destroyed &&
  state.constructed &&
  state.length === 0 &&
  !state.errored &&
  state.buffered.length === state.bufferedIndex &&
  !state.finished &&
  !state.writing &&
  !state.errorEmitted &&
  !state.closeEmitted;

function onFinish(stream: S, state: WState, err?: Error | null) {
  if (state.prefinished) {
    errorOrDestroy(stream, err ?? errors.multipleCallback());
    return;
  }
  state.pendingcb--;
  if (err) {
    callFinishedCallbacks(state, err);
    errorOrDestroy(stream, err, state.sync);
  } else if (needFinish(state)) {
    state.prefinished = true;
    stream.emit("prefinish");
    state.pendingcb++;
    tick(finish, stream, state);
  }
}

function prefinish(stream: S, state: WState) {
  if (state.prefinished || state.finalCalled) return;
  if (typeof stream._final === "function" && !state.destroyed) {
    state.finalCalled = state.sync = true;
    state.pendingcb++;
    try {
      stream._final((err) => onFinish(stream, state, err));
    } catch (err) {
      onFinish(stream, state, err as Error);
    }
    state.sync = false;
  } else {
    state.finalCalled = state.prefinished = true;
    stream.emit("prefinish");
  }
}

function finishMaybe(stream: S, state: WState, sync?: boolean) {
  if (!needFinish(state)) return;
  prefinish(stream, state);
  if (state.pendingcb !== 0) return;
  if (sync) {
    state.pendingcb++;
    tick(() => {
      if (needFinish(state)) finish(stream, state);
      else state.pendingcb--;
    });
  } else if (needFinish(state)) {
    state.pendingcb++;
    finish(stream, state);
  }
}

function finish(stream: S, state: WState) {
  state.pendingcb--;
  state.finished = true;
  callFinishedCallbacks(state, null);
  stream.emit("finish");
  if (state.autoDestroy) {
    const r = stream._readableState;
    if (!r || (r.autoDestroy && (r.endEmitted || r.readable === false))) stream.destroy();
  }
}

function callFinishedCallbacks(state: WState, err: Error | null) {
  const callbacks = state.onFinished;
  state.onFinished = [];
  for (const cb of callbacks) cb(err);
}

const proto: Record<string, unknown> & ThisType<S> = {
  pipe() {
    errorOrDestroy(this, errors.cannotPipe());
  },
  write(chunk: unknown, encoding?: unknown, cb?: unknown) {
    if (typeof encoding === "function") {
      cb = encoding;
      encoding = null;
    }
    return write(this, chunk, encoding, cb) === true;
  },
  cork() {
    this._writableState!.corked++;
  },
  uncork() {
    const state = this._writableState!;
    if (state.corked) {
      state.corked--;
      if (!state.writing) clearBuffer(this, state);
    }
  },
  setDefaultEncoding(encoding: unknown) {
    if (typeof encoding === "string") encoding = encoding.toLowerCase();
    if (!lib.Buffer.isEncoding(encoding)) throw errors.unknownEncoding(encoding);
    this._writableState!.defaultEncoding = encoding as string;
    return this;
  },
  _write(chunk: unknown, encoding: string, cb: Cb) {
    if (this._writev) this._writev([{ chunk, encoding }], cb);
    else throw errors.notImplemented("_write()");
  },
  _writev: null,
  end(chunk?: unknown, encoding?: unknown, cb?: unknown) {
    const state = this._writableState!;
    if (typeof chunk === "function") {
      cb = chunk;
      chunk = encoding = null;
    } else if (typeof encoding === "function") {
      cb = encoding;
      encoding = null;
    }
    let err: Error | undefined;
    if (chunk != null) {
      const ret = write(this, chunk, encoding, undefined);
      if (ret instanceof Error) err = ret;
    }
    if (state.corked) {
      state.corked = 1;
      (this.uncork as () => void)();
    }
    if (err) {
      // The write already failed.
    } else if (!state.ending && !state.errored) {
      state.ending = true;
      finishMaybe(this, state, true);
      state.ended = true;
    } else if (state.finished) err = errors.alreadyFinished("end");
    else if (state.destroyed) err = errors.destroyed("end");
    if (typeof cb === "function") {
      if (err) tick(cb as Cb, err);
      else if (state.errored) tick(cb as Cb, state.errored);
      else if (state.finished) tick(cb as Cb, null);
      else state.onFinished.push(cb as Cb);
    }
    return this;
  },
  destroy(this: S, err?: Error | null, cb?: Cb) {
    const state = this._writableState!;
    if (!state.destroyed && (state.buffered.length > state.bufferedIndex || state.onFinished.length))
      tick(errorBuffer, state);
    destroy.call(this, err, cb);
    return this;
  },
  _undestroy: undestroy,
  _destroy(err: Error | null, cb: Cb) {
    cb(err);
  },
  [Symbol.for("nodejs.rejection")](err: Error) {
    this.destroy(err);
  },
};
Object.assign(Writable.prototype, proto);

export const writableProps: PropertyDescriptorMap = {};
const getters: Record<string, (w: WState) => unknown> = {
  closed: (w) => w.closed,
  writableFinished: (w) => w.finished,
  writableObjectMode: (w) => w.objectMode,
  writableBuffer: (w) => w.buffered.slice(w.bufferedIndex),
  writableEnded: (w) => w.ending,
  writableNeedDrain: (w) => !w.destroyed && !w.ending && w.needDrain,
  writableHighWaterMark: (w) => w.highWaterMark,
  writableCorked: (w) => w.corked,
  writableLength: (w) => w.length,
  errored: (w) => w.errored,
  writableAborted: (w) => w.writable !== false && (w.destroyed || !!w.errored) && !w.finished,
};
const fallback: Record<string, unknown> = {
  closed: false,
  writableFinished: false,
  writableObjectMode: false,
};
for (const [name, get] of Object.entries(getters))
  writableProps[name] = {
    configurable: true,
    get(this: S) {
      const w = this._writableState;
      return w
        ? get(w)
        : (fallback[name] ?? (name === "writableCorked" ? 0 : name === "errored" ? null : undefined));
    },
  };
writableProps.writable = {
  configurable: true,
  get(this: S) {
    const w = this._writableState;
    return !!w && w.writable !== false && !w.destroyed && !w.errored && !w.ending && !w.ended;
  },
  set(this: S, val: boolean) {
    if (this._writableState) this._writableState.writable = !!val;
  },
};
writableProps.destroyed = {
  configurable: true,
  get(this: S) {
    return this._writableState ? this._writableState.destroyed : false;
  },
  set(this: S, value: boolean) {
    if (this._writableState) this._writableState.destroyed = value;
  },
};
Object.defineProperties(Writable.prototype, writableProps);
