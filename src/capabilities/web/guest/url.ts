// Guest bundle "url": the WHATWG URL and URLSearchParams classes.
import { named, type Op, usv } from "./types.js";
import { attachParams, URLSearchParams } from "./url-params.js";
import {
  cannotHaveCredentials,
  FRAGMENT,
  HOST,
  HOSTNAME,
  PATH_START,
  PORT,
  parseURL,
  QUERY,
  SCHEME_START,
  serializeOrigin,
  serializePath,
  serializeURL,
  stripTrailingSpaces,
  type URLRecord,
} from "./url-parser.js";
import { percentEncode, USERINFO_SET } from "./url-percent.js";

function parseWithBase(url: unknown, base: unknown): URLRecord | null {
  let baseRecord: URLRecord | null = null;
  if (base !== undefined) {
    baseRecord = parseURL(usv(base), null);
    if (!baseRecord) return null;
  }
  return parseURL(usv(url), baseRecord);
}

function invalid(input: unknown): TypeError {
  return Object.assign(new TypeError("Invalid URL"), { code: "ERR_INVALID_URL", input: `${input}` });
}

class URL {
  #url: URLRecord;
  readonly #params: URLSearchParams;

  constructor(url: string, base?: string) {
    // biome-ignore lint/complexity/noArguments: WebIDL counts the arguments actually passed
    if (arguments.length === 0) throw new TypeError('The "url" argument must be specified');
    const record = parseWithBase(url, base);
    if (!record) throw invalid(url);
    this.#url = record;
    this.#params = new URLSearchParams();
    attachParams(this.#params, record);
  }

  static canParse(url: string, base?: string): boolean {
    return parseWithBase(url, base) !== null;
  }
  static parse(url: string, base?: string): URL | null {
    try {
      return new URL(url, base);
    } catch {
      return null;
    }
  }

  get href(): string {
    return serializeURL(this.#url);
  }
  set href(value: string) {
    const record = parseURL(usv(value), null);
    if (!record) throw invalid(value);
    this.#url = record;
    attachParams(this.#params, record);
  }
  get origin(): string {
    return serializeOrigin(this.#url);
  }
  get protocol(): string {
    return this.#url.scheme + ":";
  }
  set protocol(value: string) {
    parseURL(usv(value) + ":", null, this.#url, SCHEME_START);
  }
  get username(): string {
    return this.#url.username;
  }
  set username(value: string) {
    if (!cannotHaveCredentials(this.#url)) this.#url.username = percentEncode(usv(value), USERINFO_SET);
  }
  get password(): string {
    return this.#url.password;
  }
  set password(value: string) {
    if (!cannotHaveCredentials(this.#url)) this.#url.password = percentEncode(usv(value), USERINFO_SET);
  }
  get host(): string {
    const { host, port } = this.#url;
    return host === null ? "" : port === null ? host : `${host}:${port}`;
  }
  set host(value: string) {
    if (typeof this.#url.path !== "string") parseURL(usv(value), null, this.#url, HOST);
  }
  get hostname(): string {
    return this.#url.host ?? "";
  }
  set hostname(value: string) {
    if (typeof this.#url.path !== "string") parseURL(usv(value), null, this.#url, HOSTNAME);
  }
  get port(): string {
    return this.#url.port === null ? "" : `${this.#url.port}`;
  }
  set port(value: string) {
    const url = this.#url;
    if (cannotHaveCredentials(url)) return;
    const s = usv(value);
    if (s === "") url.port = null;
    else parseURL(s, null, url, PORT);
  }
  get pathname(): string {
    return serializePath(this.#url);
  }
  set pathname(value: string) {
    const url = this.#url;
    if (typeof url.path === "string") return;
    url.path = [];
    parseURL(usv(value), null, url, PATH_START);
  }
  get search(): string {
    const q = this.#url.query;
    return q ? "?" + q : "";
  }
  set search(value: string) {
    const url = this.#url;
    const s = usv(value);
    if (s === "") {
      url.query = null;
      stripTrailingSpaces(url);
    } else {
      url.query = "";
      parseURL(s[0] === "?" ? s.slice(1) : s, null, url, QUERY);
    }
    attachParams(this.#params, url);
  }
  get searchParams(): URLSearchParams {
    return this.#params;
  }
  get hash(): string {
    const f = this.#url.fragment;
    return f ? "#" + f : "";
  }
  set hash(value: string) {
    const url = this.#url;
    const s = usv(value);
    if (s === "") {
      url.fragment = null;
      stripTrailingSpaces(url);
      return;
    }
    url.fragment = "";
    parseURL(s[0] === "#" ? s.slice(1) : s, null, url, FRAGMENT);
  }
  toString(): string {
    return this.href;
  }
  toJSON(): string {
    return this.href;
  }
}

export function create(_op: Op) {
  return named({ URL, URLSearchParams });
}
