// Built-in module "readline" and its promise form ("readline/promises", also readline.promises): createInterface
// and Interface reading any guest Readable (process.stdin, Readable.from(...)) as lines, in Node's non-terminal
// mode (see internal/readline-interface.ts), plus the cursor helpers, which write ANSI escapes to a stream.
// emitKeypressEvents does nothing: the sandbox has no terminal.
import type { Op } from "../../../guest/types.js";
import { AbortError, validateFunction } from "./internal/errors.js";
import {
  type Deps,
  defineInterface,
  kQuestion,
  type Signal,
  type StreamLike,
  useAfterClose,
} from "./internal/readline-interface.js";

type Callback = (error?: Error | null) => void;
type Fn = (...args: unknown[]) => unknown;
const ESC = "\x1b[";

/** Writes `data` to `stream` (when there is one) as Node's cursor helpers do. */
function writeTo(stream: StreamLike | null | undefined, data: string, callback?: unknown): boolean {
  if (callback !== undefined) validateFunction(callback, "callback");
  if (!stream || typeof stream.write !== "function" || data === "") {
    if (typeof callback === "function") queueMicrotask(() => (callback as Callback)(null));
    return true;
  }
  return stream.write(data, callback as Fn | undefined) !== false;
}

const clearLineCode = (dir: number) => (dir < 0 ? `${ESC}1K` : dir > 0 ? `${ESC}0K` : `${ESC}2K`);
const cursorToCode = (x: number, y?: number) =>
  typeof y === "number" && !Number.isNaN(y) ? `${ESC}${y + 1};${x + 1}H` : `${ESC}${x + 1}G`;
function moveCursorCode(dx: number, dy: number): string {
  let data = "";
  if (dx < 0) data += `${ESC}${-dx}D`;
  else if (dx > 0) data += `${ESC}${dx}C`;
  if (dy < 0) data += `${ESC}${-dy}A`;
  else if (dy > 0) data += `${ESC}${dy}B`;
  return data;
}

/** readline/promises' Readline: cursor actions queued, then written by commit(). */
class Readline {
  #stream: StreamLike;
  #todo: string[] = [];
  #autoCommit: boolean;
  constructor(stream: StreamLike, options?: { autoCommit?: boolean }) {
    this.#stream = stream;
    this.#autoCommit = !!options?.autoCommit;
  }
  #add(data: string): this {
    if (this.#autoCommit) writeTo(this.#stream, data);
    else this.#todo.push(data);
    return this;
  }
  clearLine(dir: number) {
    return this.#add(clearLineCode(dir));
  }
  clearScreenDown() {
    return this.#add(`${ESC}0J`);
  }
  cursorTo(x: number, y?: number) {
    return this.#add(cursorToCode(x, y));
  }
  moveCursor(dx: number, dy: number) {
    return this.#add(moveCursorCode(dx, dy));
  }
  commit(): Promise<void> {
    const data = this.#todo.join("");
    this.#todo = [];
    return new Promise((resolve) => writeTo(this.#stream, data, () => resolve()));
  }
  rollback() {
    this.#todo = [];
    return this;
  }
}

export function create(_op: Op, load: (id: string) => unknown): unknown {
  const deps: Deps = {
    EventEmitter: load("events") as Deps["EventEmitter"],
    StringDecoder: (load("string_decoder") as { StringDecoder: Deps["StringDecoder"] }).StringDecoder,
  };
  const Interface = defineInterface(deps);

  /** readline/promises' Interface: question() returns a promise of the answer. */
  class PromisesInterface extends Interface {
    override question(query: unknown, options?: { signal?: Signal }): Promise<string> {
      return new Promise((resolve, reject) => {
        if (this.closed) throw useAfterClose();
        const signal = options?.signal;
        if (signal?.aborted)
          throw new AbortError(undefined, { cause: (signal as { reason?: unknown }).reason });
        this[kQuestion](String(query), resolve, reject, signal);
      });
    }
  }

  // util.promisify(rl.question) is the promise form's question(), as in Node.
  Object.defineProperty(Interface.prototype.question, Symbol.for("nodejs.util.promisify.custom"), {
    value: function question(this: PromisesInterface, query: unknown, options?: { signal?: Signal }) {
      return PromisesInterface.prototype.question.call(this, query, options);
    },
    configurable: true,
  });

  const createInterface = (input?: unknown, output?: unknown, completer?: unknown, terminal?: unknown) =>
    new Interface(input, output, completer, terminal);
  const promises = {
    Interface: PromisesInterface,
    Readline,
    createInterface: (input?: unknown, output?: unknown, completer?: unknown, terminal?: unknown) =>
      new PromisesInterface(input, output, completer, terminal),
  };

  return {
    Interface,
    createInterface,
    promises,
    clearLine: (stream: StreamLike, dir: number, callback?: unknown) =>
      writeTo(stream, clearLineCode(dir), callback),
    clearScreenDown: (stream: StreamLike, callback?: unknown) => writeTo(stream, `${ESC}0J`, callback),
    cursorTo(stream: StreamLike, x: number, y?: unknown, callback?: unknown) {
      if (typeof y === "function") return writeTo(stream, cursorToCode(x), y);
      return writeTo(stream, cursorToCode(x, y as number | undefined), callback);
    },
    moveCursor: (stream: StreamLike, dx: number, dy: number, callback?: unknown) =>
      writeTo(stream, moveCursorCode(dx, dy), callback),
    emitKeypressEvents: () => {},
  };
}
