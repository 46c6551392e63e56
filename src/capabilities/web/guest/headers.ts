// Headers (Fetch Standard): case-insensitive, combined values, sorted iteration, getSetCookie.
import { pairIterable } from "./types.js";

type Pair = [string, string];
export type HeadersInit = Headers | Iterable<Iterable<string>> | Record<string, string>;

function checkName(name: unknown): string {
  const s = `${name}`;
  if (!/^[!#$%&'*+\-.^_`|~\dA-Za-z]+$/.test(s)) throw new TypeError(`Invalid header name: "${s}"`);
  return s.toLowerCase();
}

function checkValue(value: unknown): string {
  const s = `${value}`.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
  if (/[\0\n\r]|[^\0-\xff]/.test(s)) throw new TypeError(`Invalid header value: "${s}"`);
  return s;
}

/** Makes a Headers object immutable (Response.error(), Response.redirect(), fetched responses). */
export let freezeHeaders: (headers: Headers) => Headers;
/** An exact copy (same list, same mutability). */
export let copyHeaders: (headers: Headers) => Headers;

export class Headers {
  #list: Pair[] = [];
  #immutable = false;
  declare entries: () => IterableIterator<Pair>;
  declare keys: () => IterableIterator<string>;
  declare values: () => IterableIterator<string>;
  declare forEach: (
    callback: (value: string, key: string, parent: Headers) => void,
    thisArg?: unknown,
  ) => void;
  declare [Symbol.iterator]: () => IterableIterator<Pair>;

  static {
    freezeHeaders = (headers) => {
      headers.#immutable = true;
      return headers;
    };
    copyHeaders = (headers) => {
      const copy = new Headers();
      copy.#list = headers.#list.map(([k, v]) => [k, v]);
      copy.#immutable = headers.#immutable;
      return copy;
    };
    // The spec's "sort and combine": sorted by name, values combined except for set-cookie.
    pairIterable(Headers.prototype, (self) => {
      const h = self as Headers;
      return [...new Set(h.#list.map(([k]) => k))]
        .sort()
        .flatMap((n): [string, unknown][] =>
          n === "set-cookie" ? h.getSetCookie().map((v) => [n, v]) : [[n, h.get(n)]],
        );
    });
  }

  constructor(init?: HeadersInit | null) {
    if (init === undefined || init === null) return;
    if (typeof init !== "object") throw new TypeError("Headers init must be an object");
    if (Symbol.iterator in init) {
      for (const pair of init as Iterable<Iterable<string>>) {
        const items = typeof pair === "object" && pair ? [...pair] : [];
        if (items.length !== 2) throw new TypeError("Header pairs must have a name and a value");
        this.append(items[0]!, items[1]!);
      }
    } else {
      for (const key of Object.keys(init)) this.append(key, (init as Record<string, string>)[key]!);
    }
  }

  #edit(name: string, value?: string): [string, string] {
    const pair: Pair = [checkName(name), value === undefined ? "" : checkValue(value)];
    if (this.#immutable) throw new TypeError("Headers are immutable");
    return pair;
  }
  append(name: string, value: string): void {
    this.#list.push(this.#edit(name, `${value}`));
  }
  delete(name: string): void {
    const [n] = this.#edit(name);
    this.#list = this.#list.filter(([k]) => k !== n);
  }
  get(name: string): string | null {
    const n = checkName(name);
    const values = this.#list.filter(([k]) => k === n).map(([, v]) => v);
    return values.length ? values.join(", ") : null;
  }
  getSetCookie(): string[] {
    return this.#list.filter(([k]) => k === "set-cookie").map(([, v]) => v);
  }
  has(name: string): boolean {
    const n = checkName(name);
    return this.#list.some(([k]) => k === n);
  }
  set(name: string, value: string): void {
    const pair = this.#edit(name, `${value}`);
    const i = this.#list.findIndex(([k]) => k === pair[0]);
    if (i < 0) this.#list.push(pair);
    else
      this.#list = this.#list
        .filter(([k], j) => j === i || k !== pair[0])
        .map((p, j) => (j === i ? pair : p));
  }
}
