// Readable streams, after Node's lib/internal/streams/readable.js (state kept in plain booleans rather than
// Node's bit field). pipe() is in stream-pipe.ts; from(), wrap() and async iteration in stream-from.ts.
import { addAbortSignal, construct, destroy, errorOrDestroy, undestroy } from "./stream-destroy.js";
import { pipeMethods } from "./stream-pipe.js";
import { computeNewHighWaterMark, fromList, howMuchToRead } from "./stream-read-buffer.js";
import {
  baseState,
  type Cb,
  errors,
  type Key,
  type Listener,
  lib,
  type RState,
  type S,
  tick,
  toBuffer,
} from "./stream-utils.js";

export type Options = Record<string, unknown> & {
  read?: (this: S, n: number) => void;
  destroy?: (this: S, err: Error | null, cb: Cb) => void;
  construct?: (this: S, cb: Cb) => void;
  signal?: Parameters<typeof addAbortSignal>[0];
  encoding?: string;
};
type Decoder = NonNullable<RState["decoder"]>;
const newDecoder = (enc: string) =>
  new (lib.load("string_decoder") as { StringDecoder: new (e: string) => Decoder }).StringDecoder(enc);

export function ReadableState(this: RState, options: Options | undefined, _stream: S, isDuplex: boolean) {
  baseState(this, options, isDuplex, "readable");
  Object.assign(this, {
    buffer: [],
    bufferIndex: 0,
    pipes: [],
    flowing: null,
    ended: false,
    endEmitted: false,
    reading: false,
    needReadable: false,
    emittedReadable: false,
    readableListening: false,
    resumeScheduled: false,
    paused: null,
    multiAwaitDrain: false,
    awaitDrainWriters: null,
    readingMore: false,
    dataEmitted: false,
    dataListening: false,
    decoder: null,
    encoding: null,
  });
  if (options?.encoding) {
    this.decoder = newDecoder(options.encoding);
    this.encoding = options.encoding;
  }
}
Object.defineProperty(ReadableState.prototype, "pipesCount", {
  get(this: RState) {
    return this.pipes.length;
  },
});

export const newReadable = (options?: Options) =>
  new (Readable as unknown as new (o?: Options) => S)(options);

export function Readable(this: S, options?: Options): S | undefined {
  if (!(this instanceof Readable)) return newReadable(options);
  this._readableState = new (ReadableState as unknown as new (o: unknown, s: S, d: boolean) => RState)(
    options,
    this,
    false,
  );
  if (options) {
    if (typeof options.read === "function") this._read = options.read;
    if (typeof options.destroy === "function") this._destroy = options.destroy;
    if (typeof options.construct === "function") this._construct = options.construct;
    if (options.signal) addAbortSignal(options.signal, this);
  }
  lib.Stream.call(this, options);
  if (this._construct != null) construct(this, () => onConstructed(this));
  return undefined;
}

function onConstructed(stream: S) {
  const state = stream._readableState!;
  if (state.needReadable) maybeReadMore(stream, state);
}
Readable.ReadableState = ReadableState;
Readable.onConstructed = onConstructed;

function addChunkByMode(
  stream: S,
  state: RState,
  chunk: unknown,
  encoding: string | undefined,
  front: boolean,
) {
  if (chunk === null) {
    state.reading = false;
    onEofChunk(stream, state);
    return false;
  }
  if (!state.objectMode) {
    if (typeof chunk === "string") {
      encoding = encoding || state.defaultEncoding;
      if (state.encoding !== encoding) {
        chunk =
          front && state.encoding
            ? lib.Buffer.from(chunk, encoding).toString(state.encoding)
            : lib.Buffer.from(chunk, encoding);
        encoding = "";
      }
    } else if (chunk instanceof lib.Buffer) encoding = "";
    else if (ArrayBuffer.isView(chunk)) {
      chunk = toBuffer(chunk);
      encoding = "";
    } else if (chunk !== undefined) {
      errorOrDestroy(stream, errors.chunkType(chunk));
      return false;
    }
    if (!chunk || (chunk as { length: number }).length <= 0) {
      if (!front) {
        state.reading = false;
        maybeReadMore(stream, state);
      }
      return canPushMore(state);
    }
  }
  if (front) {
    if (state.endEmitted) errorOrDestroy(stream, errors.unshiftAfterEnd());
    else if (state.destroyed || state.errored) return false;
    else addChunk(stream, state, chunk, true);
    return canPushMore(state);
  }
  if (state.ended) {
    errorOrDestroy(stream, errors.pushAfterEof());
    return false;
  }
  if (state.destroyed || state.errored) return false;
  state.reading = false;
  if (state.decoder && !encoding) {
    chunk = state.decoder.write(chunk);
    if (!state.objectMode && (chunk as string).length === 0) {
      maybeReadMore(stream, state);
      return canPushMore(state);
    }
  }
  addChunk(stream, state, chunk, false);
  return canPushMore(state);
}

const canPushMore = (state: RState) =>
  !state.ended && (state.length < state.highWaterMark || state.length === 0);

function clearAwaitDrain(state: RState) {
  if (state.multiAwaitDrain) (state.awaitDrainWriters as Set<S>).clear();
  else state.awaitDrainWriters = null;
}

function addChunk(stream: S, state: RState, chunk: unknown, front: boolean) {
  if (state.flowing && !state.sync && state.dataListening && state.length === 0) {
    clearAwaitDrain(state);
    state.dataEmitted = true;
    stream.emit("data", chunk);
  } else {
    state.length += state.objectMode ? 1 : (chunk as { length: number }).length;
    if (!front) state.buffer.push(chunk);
    else if (state.bufferIndex > 0) state.buffer[--state.bufferIndex] = chunk;
    else state.buffer.unshift(chunk);
    if (state.needReadable) emitReadable(stream);
  }
  maybeReadMore(stream, state);
}

function onEofChunk(stream: S, state: RState) {
  if (state.ended) return;
  if (state.decoder) {
    const chunk = state.decoder.end();
    if (chunk?.length) {
      state.buffer.push(chunk);
      state.length += state.objectMode ? 1 : chunk.length;
    }
  }
  state.ended = true;
  if (state.sync) emitReadable(stream);
  else {
    state.needReadable = false;
    state.emittedReadable = true;
    emitReadable_(stream);
  }
}

function emitReadable(stream: S) {
  const state = stream._readableState!;
  state.needReadable = false;
  if (!state.emittedReadable) {
    state.emittedReadable = true;
    tick(emitReadable_, stream);
  }
}

function emitReadable_(stream: S) {
  const state = stream._readableState!;
  if (!state.destroyed && !state.errored && (state.length || state.ended)) {
    stream.emit("readable");
    state.emittedReadable = false;
  }
  if (!state.flowing && !state.ended && state.length <= state.highWaterMark) state.needReadable = true;
  flow(stream);
}

function maybeReadMore(stream: S, state: RState) {
  if (!state.readingMore && state.constructed) {
    state.readingMore = true;
    tick(maybeReadMore_, stream, state);
  }
}

function maybeReadMore_(stream: S, state: RState) {
  while (
    !state.reading &&
    !state.ended &&
    (state.length < state.highWaterMark || (state.flowing && state.length === 0))
  ) {
    const len = state.length;
    stream.read(0);
    if (len === state.length) break;
  }
  state.readingMore = false;
}

function updateReadableListening(self: S) {
  const state = self._readableState!;
  state.readableListening = self.listenerCount("readable") > 0;
  if (state.resumeScheduled && state.paused === false) state.flowing = true;
  else if (state.dataListening) self.resume();
  else if (!state.readableListening) state.flowing = null;
}

function resume_(stream: S, state: RState) {
  if (!state.reading) stream.read(0);
  state.resumeScheduled = false;
  stream.emit("resume");
  flow(stream);
  if (state.flowing && !state.reading) stream.read(0);
}

function flow(stream: S) {
  const state = stream._readableState!;
  while (state.flowing && stream.read() !== null);
}

function endReadable(stream: S) {
  const state = stream._readableState!;
  if (!state.endEmitted) {
    state.ended = true;
    tick(endReadableNT, state, stream);
  }
}

function endReadableNT(state: RState, stream: S) {
  if (!state.errored && !state.closeEmitted && !state.endEmitted && state.length === 0) {
    state.endEmitted = true;
    stream.emit("end");
    if (stream.writable && stream.allowHalfOpen === false) tick(endWritableNT, stream);
    else if (state.autoDestroy) {
      const w = stream._writableState;
      if (!w || (w.autoDestroy && (w.finished || w.writable === false))) stream.destroy();
    }
  }
}

function endWritableNT(stream: S) {
  if (stream.writable && !stream.writableEnded && !stream.destroyed) stream.end();
}

const proto: Record<string, unknown> & ThisType<S> = {
  destroy,
  _undestroy: undestroy,
  _destroy(err: Error | null, cb: Cb) {
    cb(err);
  },
  [Symbol.for("nodejs.rejection")](err: Error) {
    this.destroy(err);
  },
  push(chunk: unknown, encoding?: string) {
    return addChunkByMode(this, this._readableState!, chunk, encoding, false);
  },
  unshift(chunk: unknown, encoding?: string) {
    return addChunkByMode(this, this._readableState!, chunk, encoding, true);
  },
  isPaused() {
    const state = this._readableState!;
    return state.paused === true || state.flowing === false;
  },
  setEncoding(enc: string) {
    const state = this._readableState!;
    const decoder = newDecoder(enc);
    state.decoder = decoder;
    state.encoding = decoder.encoding;
    let content = "";
    for (const data of state.buffer.slice(state.bufferIndex)) content += decoder.write(data);
    state.buffer.length = 0;
    state.bufferIndex = 0;
    if (content !== "") state.buffer.push(content);
    state.length = content.length;
    return this;
  },
  read(n?: unknown) {
    let size =
      n === undefined ? Number.NaN : Number.isInteger(n) ? (n as number) : Number.parseInt(n as string, 10);
    const state = this._readableState!;
    const nOrig = size;
    if (size > state.highWaterMark) state.highWaterMark = computeNewHighWaterMark(size);
    if (size !== 0) state.emittedReadable = false;
    if (
      size === 0 &&
      state.needReadable &&
      ((state.highWaterMark !== 0 ? state.length >= state.highWaterMark : state.length > 0) || state.ended)
    ) {
      if (state.length === 0 && state.ended) endReadable(this);
      else emitReadable(this);
      return null;
    }
    size = howMuchToRead(size, state);
    if (size === 0 && state.ended) {
      if (state.length === 0) endReadable(this);
      return null;
    }
    let doRead = state.needReadable;
    if (state.length === 0 || state.length - size < state.highWaterMark) doRead = true;
    if (state.ended || state.reading || state.destroyed || state.errored || !state.constructed)
      doRead = false;
    else if (doRead) {
      state.reading = true;
      state.sync = true;
      if (state.length === 0) state.needReadable = true;
      try {
        this._read(state.highWaterMark);
      } catch (err) {
        errorOrDestroy(this, err as Error);
      }
      state.sync = false;
      if (!state.reading) size = howMuchToRead(nOrig, state);
    }
    const ret = size > 0 ? fromList(size, state) : null;
    if (ret === null) {
      if (state.length <= state.highWaterMark) state.needReadable = true;
      size = 0;
    } else {
      state.length -= size;
      clearAwaitDrain(state);
    }
    if (state.length === 0) {
      if (!state.ended) state.needReadable = true;
      if (nOrig !== size && state.ended) endReadable(this);
    }
    if (ret !== null && !state.errorEmitted && !state.closeEmitted) {
      state.dataEmitted = true;
      this.emit("data", ret);
    }
    return ret;
  },
  _read() {
    throw errors.notImplemented("_read()");
  },
  on(ev: Key, fn: Listener) {
    const res = lib.EE.prototype.on.call(this, ev, fn);
    const state = this._readableState!;
    if (ev === "data") {
      state.dataListening = true;
      if (this.listenerCount("readable") > 0) state.readableListening = true;
      if (state.flowing !== false) this.resume();
    } else if (ev === "readable" && !state.endEmitted && !state.readableListening) {
      state.readableListening = state.needReadable = true;
      state.flowing = false;
      state.emittedReadable = false;
      if (state.length) emitReadable(this);
      else if (!state.reading) tick(() => this.read(0));
    }
    return res;
  },
  removeListener(ev: Key, fn: Listener) {
    const res = lib.EE.prototype.removeListener.call(this, ev, fn);
    if (ev === "readable") tick(updateReadableListening, this);
    else if (ev === "data" && this.listenerCount("data") === 0) this._readableState!.dataListening = false;
    return res;
  },
  removeAllListeners(...args: Key[]) {
    const res = lib.EE.prototype.removeAllListeners.apply(this, args);
    if (args[0] === "readable" || args[0] === undefined) tick(updateReadableListening, this);
    return res;
  },
  resume() {
    const state = this._readableState!;
    if (!state.flowing) {
      state.flowing = !state.readableListening;
      if (!state.resumeScheduled) {
        state.resumeScheduled = true;
        tick(resume_, this, state);
      }
    }
    state.paused = false;
    return this;
  },
  pause() {
    const state = this._readableState!;
    if (state.flowing !== false) {
      state.flowing = false;
      this.emit("pause");
    }
    state.paused = true;
    return this;
  },
};
proto.addListener = proto.on;
proto.off = proto.removeListener;
Object.assign(Readable.prototype, proto, pipeMethods);

const getters: Record<string, (this: S) => unknown> = {
  readableDidRead() {
    return this._readableState!.dataEmitted;
  },
  readableAborted() {
    const r = this._readableState!;
    return !!(r.readable !== false && (r.destroyed || r.errored) && !r.endEmitted);
  },
  readableHighWaterMark() {
    return this._readableState!.highWaterMark;
  },
  readableBuffer() {
    return this._readableState?.buffer;
  },
  readableLength() {
    return this._readableState!.length;
  },
  readableObjectMode() {
    return this._readableState ? this._readableState.objectMode : false;
  },
  readableEncoding() {
    return this._readableState ? this._readableState.encoding : null;
  },
  errored() {
    return this._readableState ? this._readableState.errored : null;
  },
  closed() {
    return this._readableState ? this._readableState.closed : false;
  },
  readableEnded() {
    return this._readableState ? this._readableState.endEmitted : false;
  },
};
for (const [name, get] of Object.entries(getters))
  Object.defineProperty(Readable.prototype, name, { get, configurable: true });
Object.defineProperties(Readable.prototype, {
  readable: {
    configurable: true,
    get(this: S) {
      const r = this._readableState;
      return !!r && r.readable !== false && !r.destroyed && !r.errorEmitted && !r.endEmitted;
    },
    set(this: S, val: boolean) {
      if (this._readableState) this._readableState.readable = !!val;
    },
  },
  readableFlowing: {
    configurable: true,
    get(this: S) {
      return this._readableState!.flowing;
    },
    set(this: S, value: boolean | null) {
      if (this._readableState) this._readableState.flowing = value;
    },
  },
  destroyed: {
    configurable: true,
    get(this: S) {
      return this._readableState ? this._readableState.destroyed : false;
    },
    set(this: S, value: boolean) {
      if (this._readableState) this._readableState.destroyed = value;
    },
  },
});
