// A minimal readable byte stream for Request/Response/Blob bodies: getReader(), async iteration, cancel, tee.

export type ReadResult = { done: false; value: Uint8Array } | { done: true; value: undefined };
/** Produces the next chunk, or null at the end. */
export type Pull = () => Promise<Uint8Array | null | undefined> | Uint8Array | null | undefined;

export interface Reader {
  read(): Promise<ReadResult>;
  releaseLock(): void;
  cancel(reason?: unknown): Promise<void>;
}

const DONE: ReadResult = { done: true, value: undefined };
const locked = () => new TypeError("The stream is locked");

/** Moves a stream's contents into a new stream, leaving the old one locked and disturbed (new Request(request)). */
export let transferStream: (stream: BodyStream) => BodyStream;

export class BodyStream {
  readonly #pull: Pull;
  readonly #onCancel: (reason: unknown) => void;
  #reader: Reader | null = null;
  #disturbed = false;
  #done = false;
  #failed = false;
  #error: unknown;
  #chain: Promise<unknown> = Promise.resolve();

  static {
    transferStream = (stream) => {
      const reader = stream.getReader();
      stream.#disturbed = true;
      return new BodyStream(
        () => reader.read().then((r) => (r.done ? null : r.value)),
        (reason) => reader.cancel(reason),
      );
    };
  }

  constructor(pull: Pull, onCancel: (reason: unknown) => void = () => {}) {
    this.#pull = pull;
    this.#onCancel = onCancel;
  }

  /** A stream of one chunk. */
  static of(bytes: Uint8Array): BodyStream {
    return new BodyStream(() => {
      const chunk = bytes;
      bytes = null!;
      return chunk;
    });
  }

  get locked(): boolean {
    return !!this.#reader;
  }
  /** Whether it has been read from or cancelled (Body.bodyUsed). */
  get disturbed(): boolean {
    return this.#disturbed;
  }

  #read(): Promise<ReadResult> {
    this.#disturbed = true;
    const result = this.#chain.then(async (): Promise<ReadResult> => {
      if (this.#failed) throw this.#error;
      try {
        const chunk = this.#done ? null : await this.#pull();
        if (chunk && !this.#done) return { done: false, value: chunk };
        this.#done = true;
        return DONE;
      } catch (error) {
        this.#failed = true;
        this.#error = error;
        throw error;
      }
    });
    this.#chain = result.catch(() => {});
    return result;
  }

  #cancel(reason: unknown): Promise<void> {
    this.#disturbed = true;
    if (this.#failed) return Promise.reject(this.#error);
    if (!this.#done) {
      this.#done = true;
      this.#onCancel(reason);
    }
    return Promise.resolve();
  }

  getReader(): Reader {
    if (this.#reader) throw locked();
    const mine = <T>(f: () => Promise<T>) => (this.#reader === reader ? f() : Promise.reject(locked()));
    const reader: Reader = {
      read: () => mine(() => this.#read()),
      releaseLock: () => {
        if (this.#reader === reader) this.#reader = null;
      },
      cancel: (reason) => mine(() => this.#cancel(reason)),
    };
    this.#reader = reader;
    return reader;
  }

  cancel(reason?: unknown): Promise<void> {
    return this.#reader ? Promise.reject(locked()) : this.#cancel(reason);
  }

  values(options?: { preventCancel?: boolean }): AsyncIterableIterator<Uint8Array> {
    const reader = this.getReader();
    const it: AsyncIterableIterator<Uint8Array> = {
      next: () =>
        reader.read().then(
          (r) => {
            if (r.done) reader.releaseLock();
            return r as IteratorResult<Uint8Array>;
          },
          (error) => {
            reader.releaseLock();
            throw error;
          },
        ),
      return: async () => {
        if (!options?.preventCancel) await reader.cancel();
        reader.releaseLock();
        return DONE as IteratorResult<Uint8Array>;
      },
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }
  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array> {
    return this.values();
  }

  /** Two streams that each see every chunk of this one (which becomes locked). */
  tee(): [BodyStream, BodyStream] {
    const reader = this.getReader();
    const queues: (Uint8Array | null)[][] = [[], []];
    const cancelled = [false, false];
    let pending: Promise<void> | null = null;
    const branch = (i: number) =>
      new BodyStream(
        async () => {
          const queue = queues[i]!;
          while (!queue.length) {
            pending ??= reader.read().then((r) => {
              pending = null;
              for (const j of [0, 1]) if (!cancelled[j]) queues[j]!.push(r.done ? null : r.value);
            });
            await pending;
          }
          return queue[0] && queue.shift()!;
        },
        (reason) => {
          cancelled[i] = true;
          if (cancelled[0] && cancelled[1]) reader.cancel(reason);
        },
      );
    return [branch(0), branch(1)];
  }
}
