// readline's Interface in Node's non-terminal mode (input read as lines, no line editing, history or completion),
// defined over the guest's EventEmitter and StringDecoder. Lines end at \n, \r\n or a lone \r (a \r ending one chunk
// and a \n starting the next are one ending), and a last line without an ending is still emitted when the input
// ends. One deliberate difference from Node: a line that arrives while nothing takes lines (no 'line' listener, no
// pending question, no async iterator) is kept for the next taker instead of being dropped, so consecutive
// `await rl.question()` calls over piped input get consecutive lines. When the input has ended and nothing takes the
// kept lines before the next timer turn, they are dropped and the interface closes, as Node's would have.
import { AbortError, invalidArgType, nodeError } from "./errors.js";
import { G } from "./globals.js";
import { lineIterator } from "./readline-iterator.js";

type Fn = (...args: unknown[]) => unknown;

export interface Emitter {
  on(type: string | symbol, fn: Fn): this;
  once(type: string | symbol, fn: Fn): this;
  removeListener(type: string | symbol, fn: Fn): this;
  emit(type: string | symbol, ...args: unknown[]): boolean;
  listenerCount(type: string | symbol): number;
}

export interface StreamLike {
  on(type: string, fn: Fn): unknown;
  removeListener(type: string, fn: Fn): unknown;
  pause?(): unknown;
  resume?(): unknown;
  write?(chunk: unknown, cb?: Fn): unknown;
}

export interface Signal {
  aborted: boolean;
  addEventListener(type: string, fn: Fn, options?: { once?: boolean }): void;
}

export interface InterfaceOptions {
  input?: StreamLike;
  output?: StreamLike | null;
  completer?: unknown;
  terminal?: boolean;
  crlfDelay?: number;
  prompt?: string;
  history?: string[];
  historySize?: number;
  signal?: Signal;
}

export interface Deps {
  EventEmitter: new () => Emitter;
  StringDecoder: new (encoding: string) => { write(chunk: unknown): string; end(): string };
}

const LINE_ENDING = /\r?\n|\r(?!\n)/g;

/** The method the promise form's question() asks through. */
export const kQuestion: unique symbol = Symbol("kQuestion");

export const useAfterClose = () => nodeError(Error, "ERR_USE_AFTER_CLOSE", "readline was closed");

/** What an Interface offers (its state lives in private fields). */
export interface ReadlineInterface extends Emitter {
  terminal: boolean;
  line: string;
  cursor: number;
  history: string[];
  historySize: number;
  crlfDelay: number;
  closed: boolean;
  paused: boolean;
  input: StreamLike;
  output: StreamLike | undefined;
  setPrompt(prompt: unknown): void;
  getPrompt(): string;
  prompt(preserveCursor?: boolean): void;
  question(query: unknown, options?: unknown, cb?: unknown): unknown;
  [kQuestion](
    query: string,
    answer: (line: string) => void,
    cancel?: (error: Error) => void,
    signal?: Signal,
  ): void;
  write(data: unknown, key?: unknown): void;
  pause(): this;
  resume(): this;
  close(): void;
  getCursorPos(): { rows: number; cols: number };
  [Symbol.asyncIterator](): AsyncIterableIterator<string>;
}

export type InterfaceCtor = new (
  input?: unknown,
  output?: unknown,
  completer?: unknown,
  terminal?: unknown,
) => ReadlineInterface;

export function defineInterface({ EventEmitter, StringDecoder }: Deps): InterfaceCtor {
  class Interface extends EventEmitter implements ReadlineInterface {
    terminal: boolean;
    line = "";
    cursor = 0;
    history: string[];
    historySize: number;
    crlfDelay: number;
    closed = false;
    paused = false;
    input: StreamLike;
    output: StreamLike | undefined;
    #prompt: string;
    #partial = "";
    #sawReturn = false;
    #queue: string[] = [];
    #question: ((answer: string) => void) | undefined;
    #questionCancel: ((error: Error) => void) | undefined;
    #ended = false;
    #flushing = false;
    #scheduled = false;
    #decoder = new StringDecoder("utf8");
    #iterator: AsyncIterableIterator<string> | undefined;
    #detach: () => void = () => {};

    constructor(input?: unknown, output?: unknown, completer?: unknown, terminal?: unknown) {
      super();
      const options: InterfaceOptions =
        input && typeof input === "object" && (input as InterfaceOptions).input !== undefined
          ? (input as InterfaceOptions)
          : ({ input, output, completer, terminal } as InterfaceOptions);
      const stream = options.input;
      if (!stream || typeof stream.on !== "function")
        throw invalidArgType("input", "an instance of stream.Readable", stream);
      if (options.completer !== undefined && typeof options.completer !== "function")
        throw invalidArgType("completer", "of type function", options.completer);
      this.input = stream;
      this.output = options.output ?? undefined;
      this.terminal = !!options.terminal;
      this.#prompt = options.prompt === undefined ? "> " : String(options.prompt);
      this.crlfDelay = options.crlfDelay ? Math.max(100, Number(options.crlfDelay)) : 100;
      this.history = options.history ?? [];
      this.historySize = options.historySize ?? 30;

      const ondata = (chunk: unknown) => this.#feed(chunk);
      const onend = () => this.#end();
      const onerror = (error: unknown) => this.emit("error", error);
      stream.on("data", ondata);
      stream.on("end", onend);
      stream.on("error", onerror);
      this.#detach = () => {
        stream.removeListener("data", ondata);
        stream.removeListener("end", onend);
        stream.removeListener("error", onerror);
      };
      // A 'line' listener added later takes the lines kept so far.
      this.on("newListener", (type) => {
        if (type === "line") this.#schedule();
      });
      const signal = options.signal;
      if (signal) {
        if (signal.aborted) queueMicrotask(() => this.close());
        else signal.addEventListener("abort", () => this.close(), { once: true });
      }
      stream.resume?.();
    }

    /** Splits decoded text into lines as Node's readline does, and queues them. */
    #feed(chunk: unknown): void {
      let text = typeof chunk === "string" ? chunk : this.#decoder.write(chunk);
      if (this.#sawReturn && text.length > 0) {
        if (text.charCodeAt(0) === 10) text = text.slice(1);
        this.#sawReturn = false;
      }
      if (text === "") return;
      text = this.#partial + text;
      LINE_ENDING.lastIndex = 0;
      let start = 0;
      for (let match = LINE_ENDING.exec(text); match !== null; match = LINE_ENDING.exec(text)) {
        this.#queue.push(text.slice(start, match.index));
        start = LINE_ENDING.lastIndex;
      }
      this.#partial = text.slice(start);
      if (start > 0) this.#sawReturn = text.endsWith("\r");
      this.#flush();
    }

    #end(): void {
      const rest = this.#decoder.end();
      if (rest) this.#feed(rest);
      if (this.#partial !== "") this.#queue.push(this.#partial);
      this.#partial = "";
      this.#ended = true;
      this.#flush();
      if (!this.closed && this.#queue.length > 0) {
        // Kept lines nobody took: once the program had its turn, they go the way Node's would have.
        (G.setTimeout as (fn: () => void, ms: number) => unknown)(() => {
          if (this.closed || this.#queue.length === 0) return;
          this.#queue.length = 0;
          this.close();
        }, 0);
      }
    }

    #schedule(): void {
      if (this.#scheduled || this.#queue.length === 0) return;
      this.#scheduled = true;
      queueMicrotask(() => {
        this.#scheduled = false;
        this.#flush();
      });
    }

    /** Hands kept lines to a pending question first, then to 'line' listeners; closes after the input's end. */
    #flush(): void {
      if (this.#flushing) return;
      this.#flushing = true;
      try {
        while (this.#queue.length > 0 && !this.paused && !this.closed) {
          const answer = this.#question;
          if (answer) {
            this.#question = undefined;
            this.#questionCancel = undefined;
            answer(this.#queue.shift()!);
          } else if (this.listenerCount("line") > 0) {
            this.emit("line", this.#queue.shift()!);
          } else break;
        }
      } finally {
        this.#flushing = false;
      }
      if (this.#ended && this.#queue.length === 0) this.close();
    }

    #writeOutput(text: string): void {
      if (text !== "" && this.output && typeof this.output.write === "function") this.output.write(text);
    }

    setPrompt(prompt: unknown): void {
      this.#prompt = String(prompt);
    }

    getPrompt(): string {
      return this.#prompt;
    }

    prompt(_preserveCursor?: boolean): void {
      if (this.closed) throw useAfterClose();
      if (this.paused) this.resume();
      this.#writeOutput(this.#prompt);
    }

    question(query: unknown, options?: unknown, cb?: unknown): void {
      const callback = typeof options === "function" ? options : cb;
      const signal = (options as { signal?: Signal } | undefined)?.signal;
      if (this.closed) throw useAfterClose();
      if (typeof callback !== "function") return;
      if (signal?.aborted) return;
      this[kQuestion](String(query), callback as (answer: string) => void, undefined, signal);
    }

    /** Asks `query` and answers with the next line; `cancel` hears of a close or abort first (the promise form). */
    [kQuestion](
      query: string,
      answer: (line: string) => void,
      cancel: ((error: Error) => void) | undefined,
      signal?: Signal,
    ): void {
      if (this.#question) {
        this.prompt();
        return;
      }
      this.#question = answer;
      this.#questionCancel = cancel;
      signal?.addEventListener(
        "abort",
        () => {
          if (this.#question !== answer) return;
          this.#question = undefined;
          this.#questionCancel = undefined;
          cancel?.(new AbortError());
        },
        { once: true },
      );
      if (this.paused) this.resume();
      this.#writeOutput(query);
      this.#schedule();
    }

    write(data: unknown, _key?: unknown): void {
      if (this.closed) throw useAfterClose();
      if (this.paused) this.resume();
      if (data !== undefined && data !== null) this.#feed(data);
    }

    pause(): this {
      if (this.paused) return this;
      this.input.pause?.();
      this.paused = true;
      this.emit("pause");
      return this;
    }

    resume(): this {
      if (!this.paused) return this;
      this.input.resume?.();
      this.paused = false;
      this.emit("resume");
      this.#schedule();
      return this;
    }

    close(): void {
      if (this.closed) return;
      this.pause();
      this.closed = true;
      const cancel = this.#questionCancel;
      this.#question = undefined;
      this.#questionCancel = undefined;
      cancel?.(useAfterClose());
      this.#detach();
      this.emit("close");
    }

    getCursorPos(): { rows: number; cols: number } {
      return { rows: 0, cols: this.cursor };
    }

    [Symbol.asyncIterator](): AsyncIterableIterator<string> {
      this.#iterator ??= lineIterator(this);
      return this.#iterator;
    }
  }
  return Interface;
}
