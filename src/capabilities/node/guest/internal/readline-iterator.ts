// The async iterator of a readline Interface: its lines in order (kept while the loop body awaits), ending at
// 'close', failing with an 'error'; leaving the loop early (break, return, throw) closes the interface, as in Node.
import type { Emitter } from "./readline-interface.js";

type Result = IteratorResult<string, undefined>;

/** The lines of an interface as an async iterator (Node's events.on(rl, 'line') with close ending it). */
export function lineIterator(
  rl: Emitter & { closed: boolean; close(): void },
): AsyncIterableIterator<string> {
  const lines: string[] = [];
  let waiting: { resolve(r: Result): void; reject(e: unknown): void } | undefined;
  let failure: { error: unknown } | undefined;
  let done = rl.closed;
  const online = (line: unknown) => {
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w.resolve({ value: line as string, done: false });
    } else lines.push(line as string);
  };
  const finish = () => {
    done = true;
    rl.removeListener("line", online);
    rl.removeListener("close", finish);
    rl.removeListener("error", onerror);
    const w = waiting;
    waiting = undefined;
    w?.resolve({ value: undefined, done: true });
  };
  const onerror = (error: unknown) => {
    failure = { error };
    const w = waiting;
    waiting = undefined;
    w?.reject(error);
    finish();
  };
  if (!done) {
    rl.on("line", online);
    rl.on("close", finish);
    rl.on("error", onerror);
  }
  const iterator: AsyncIterableIterator<string> = {
    next(): Promise<Result> {
      if (lines.length > 0) return Promise.resolve({ value: lines.shift()!, done: false });
      if (failure) {
        const { error } = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
      });
    },
    return(): Promise<Result> {
      lines.length = 0;
      finish();
      rl.close();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
