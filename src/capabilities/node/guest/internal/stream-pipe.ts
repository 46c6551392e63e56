// Readable.prototype.pipe and unpipe, after Node's lib/internal/streams/readable.js.
import { errorOrDestroy } from "./stream-destroy.js";
import { type S, tick } from "./stream-utils.js";

function pipeOnDrain(src: S, dest: S) {
  return () => {
    const state = src._readableState!;
    if (state.awaitDrainWriters === dest) state.awaitDrainWriters = null;
    else if (state.multiAwaitDrain) (state.awaitDrainWriters as Set<S>).delete(dest);
    if ((!state.awaitDrainWriters || (state.awaitDrainWriters as Set<S>).size === 0) && state.dataListening)
      src.resume();
  };
}

export const pipeMethods: Record<string, unknown> & ThisType<S> = {
  pipe(dest: S, pipeOpts?: { end?: boolean }) {
    const src = this;
    const state = this._readableState!;
    // A bare sink with write() but no events (such as a minimal process.stdout) just receives the data.
    if (typeof dest.on !== "function") {
      src.on("data", (chunk: unknown) => dest.write(chunk));
      return dest;
    }
    if (state.pipes.length === 1 && !state.multiAwaitDrain) {
      state.multiAwaitDrain = true;
      state.awaitDrainWriters = new Set(state.awaitDrainWriters ? [state.awaitDrainWriters as S] : []);
    }
    state.pipes.push(dest);
    const endFn = pipeOpts?.end !== false ? onend : unpipe;
    if (state.endEmitted) tick(endFn);
    else src.once("end", endFn);
    dest.on("unpipe", onunpipe);
    function onunpipe(readable: S, info?: { hasUnpiped: boolean }) {
      if (readable === src && info && info.hasUnpiped === false) {
        info.hasUnpiped = true;
        cleanup();
      }
    }
    function onend() {
      dest.end();
    }
    let ondrain: (() => void) | undefined;
    let cleanedUp = false;
    function cleanup() {
      dest.removeListener("close", onclose);
      dest.removeListener("finish", onfinish);
      if (ondrain) dest.removeListener("drain", ondrain);
      dest.removeListener("error", onerror);
      dest.removeListener("unpipe", onunpipe);
      src.removeListener("end", onend);
      src.removeListener("end", unpipe);
      src.removeListener("data", ondata);
      cleanedUp = true;
      if (ondrain && state.awaitDrainWriters && (!dest._writableState || dest._writableState.needDrain))
        ondrain();
    }
    function pause() {
      if (!cleanedUp) {
        if (state.pipes.length === 1 && state.pipes[0] === dest) {
          state.awaitDrainWriters = dest;
          state.multiAwaitDrain = false;
        } else if (state.pipes.length > 1 && state.pipes.includes(dest))
          (state.awaitDrainWriters as Set<S>).add(dest);
        src.pause();
      }
      if (!ondrain) {
        ondrain = pipeOnDrain(src, dest);
        dest.on("drain", ondrain);
      }
    }
    src.on("data", ondata);
    function ondata(chunk: unknown) {
      if (dest.write(chunk) === false) pause();
    }
    function onerror(er: Error) {
      unpipe();
      dest.removeListener("error", onerror);
      if (dest.listenerCount("error") === 0) {
        const s = dest._writableState || dest._readableState;
        if (s && !s.errorEmitted) errorOrDestroy(dest, er);
        else dest.emit("error", er);
      }
    }
    if (typeof dest.prependListener === "function") dest.prependListener("error", onerror);
    else dest.on("error", onerror);
    function onclose() {
      dest.removeListener("finish", onfinish);
      unpipe();
    }
    dest.once("close", onclose);
    function onfinish() {
      dest.removeListener("close", onclose);
      unpipe();
    }
    dest.once("finish", onfinish);
    function unpipe() {
      src.unpipe(dest);
    }
    dest.emit("pipe", src);
    if (dest.writableNeedDrain === true) pause();
    else if (!state.flowing) src.resume();
    return dest;
  },
  unpipe(dest?: S) {
    const state = this._readableState!;
    if (state.pipes.length === 0) return this;
    if (!dest) {
      const dests = state.pipes;
      state.pipes = [];
      this.pause();
      for (const d of dests) d.emit("unpipe", this, { hasUnpiped: false });
      return this;
    }
    const index = state.pipes.indexOf(dest);
    if (index === -1) return this;
    state.pipes.splice(index, 1);
    if (state.pipes.length === 0) this.pause();
    dest.emit("unpipe", this, { hasUnpiped: false });
    return this;
  },
};
