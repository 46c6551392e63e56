// URLSearchParams and the application/x-www-form-urlencoded parser and serializer.
import { need, pairIterable, usv } from "./types.js";
import { type URLRecord, stripTrailingSpaces } from "./url-parser.js";
import { FORM_SET, percentDecode, percentEncode } from "./url-percent.js";
import { utf8Decode } from "./utf8.js";

type Pair = [string, string];

const decode = (s: string): string => {
  s = s.replace(/\+/g, " ");
  return s.includes("%") ? utf8Decode(percentDecode(s)) : s;
};

function parseForm(input: string): Pair[] {
  const out: Pair[] = [];
  for (const seq of input.split("&")) {
    if (!seq) continue;
    const i = seq.indexOf("=");
    out.push(i < 0 ? [decode(seq), ""] : [decode(seq.slice(0, i)), decode(seq.slice(i + 1))]);
  }
  return out;
}

const serialize = (list: Pair[]): string =>
  list.map(([k, v]) => percentEncode(k, FORM_SET, true) + "=" + percentEncode(v, FORM_SET, true)).join("&");

/** Binds a URL's URLSearchParams to its (new) record, re-reading the list from its query. */
export let attachParams: (params: URLSearchParams, url: URLRecord) => void;

export class URLSearchParams {
  #list: Pair[] = [];
  #url: URLRecord | null = null;
  declare entries: () => IterableIterator<Pair>;
  declare keys: () => IterableIterator<string>;
  declare values: () => IterableIterator<string>;
  declare forEach: (
    callback: (value: string, key: string, parent: URLSearchParams) => void,
    thisArg?: unknown,
  ) => void;
  declare [Symbol.iterator]: () => IterableIterator<Pair>;

  static {
    attachParams = (params, url) => {
      params.#url = url;
      params.#list = parseForm(url.query ?? "");
    };
    pairIterable(URLSearchParams.prototype, (self) => (self as URLSearchParams).#list);
  }

  constructor(init: unknown = "") {
    if ((typeof init === "object" && init !== null) || typeof init === "function") {
      const iterator = (init as { [Symbol.iterator]?: unknown })[Symbol.iterator];
      if (iterator !== undefined) {
        if (typeof iterator !== "function") throw new TypeError("Query pairs must be iterable");
        for (const pair of init as Iterable<unknown>) {
          if (
            typeof pair !== "object" ||
            pair === null ||
            typeof (pair as Iterable<unknown>)[Symbol.iterator] !== "function"
          ) {
            throw new TypeError("Each query pair must be an iterable [name, value] tuple");
          }
          const items = [...(pair as Iterable<unknown>)];
          if (items.length !== 2)
            throw new TypeError("Each query pair must be an iterable [name, value] tuple");
          this.#list.push([usv(items[0]), usv(items[1])]);
        }
      } else {
        for (const key of Object.keys(init))
          this.#list.push([usv(key), usv((init as Record<string, unknown>)[key])]);
      }
    } else {
      const s = usv(init);
      this.#list = parseForm(s[0] === "?" ? s.slice(1) : s);
    }
  }

  #update(): void {
    const url = this.#url;
    if (!url) return;
    const query = serialize(this.#list);
    url.query = query || null;
    if (!query) stripTrailingSpaces(url);
  }

  get size(): number {
    return this.#list.length;
  }
  append(name: string, value: string): void {
    // biome-ignore lint/complexity/noArguments: WebIDL counts the arguments actually passed
    need(arguments.length, 2, "URLSearchParams.append");
    this.#list.push([usv(name), usv(value)]);
    this.#update();
  }
  delete(name: string, value?: string): void {
    // biome-ignore lint/complexity/noArguments: WebIDL counts the arguments actually passed
    need(arguments.length, 1, "URLSearchParams.delete");
    const n = usv(name);
    const v = value === undefined ? undefined : usv(value);
    this.#list = this.#list.filter(([k, x]) => k !== n || (v !== undefined && x !== v));
    this.#update();
  }
  get(name: string): string | null {
    // biome-ignore lint/complexity/noArguments: WebIDL counts the arguments actually passed
    need(arguments.length, 1, "URLSearchParams.get");
    const n = usv(name);
    return this.#list.find(([k]) => k === n)?.[1] ?? null;
  }
  getAll(name: string): string[] {
    // biome-ignore lint/complexity/noArguments: WebIDL counts the arguments actually passed
    need(arguments.length, 1, "URLSearchParams.getAll");
    const n = usv(name);
    return this.#list.filter(([k]) => k === n).map(([, v]) => v);
  }
  has(name: string, value?: string): boolean {
    // biome-ignore lint/complexity/noArguments: WebIDL counts the arguments actually passed
    need(arguments.length, 1, "URLSearchParams.has");
    const n = usv(name);
    const v = value === undefined ? undefined : usv(value);
    return this.#list.some(([k, x]) => k === n && (v === undefined || x === v));
  }
  set(name: string, value: string): void {
    // biome-ignore lint/complexity/noArguments: WebIDL counts the arguments actually passed
    need(arguments.length, 2, "URLSearchParams.set");
    const n = usv(name);
    const i = this.#list.findIndex(([k]) => k === n);
    if (i < 0) this.#list.push([n, usv(value)]);
    else {
      this.#list[i] = [n, usv(value)];
      this.#list = this.#list.filter(([k], j) => j <= i || k !== n);
    }
    this.#update();
  }
  sort(): void {
    this.#list = this.#list
      .map((pair, i) => [pair, i] as const)
      .sort(([a, i], [b, j]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : i - j))
      .map(([pair]) => pair);
    this.#update();
  }
  toString(): string {
    return serialize(this.#list);
  }
}
