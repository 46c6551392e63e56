// Request (Fetch Standard), minus what only makes sense in a browser (modes, CORS, caches).
import { Body, bodyOf, extractBody, teeBody } from "./body.js";
import { copyHeaders, Headers, type HeadersInit } from "./headers.js";
import { type BodyStream, transferStream } from "./stream.js";
import { getters, usv } from "./types.js";

/** The AbortSignal-like object fetch listens to. */
export interface SignalLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

export interface RequestInit {
  method?: string;
  headers?: HeadersInit;
  body?: unknown;
  signal?: SignalLike | null;
  redirect?: string;
  [option: string]: unknown;
}

// Attributes kept as given (with their defaults); they mean nothing outside a browser.
const OPTIONS: Record<string, string | boolean> = {
  mode: "cors",
  credentials: "same-origin",
  cache: "default",
  referrer: "about:client",
  referrerPolicy: "",
  integrity: "",
  keepalive: false,
  duplex: "half",
  destination: "",
};

interface State extends Record<string, unknown> {
  url: string;
  method: string;
  headers: Headers;
  redirect: string;
  signal?: SignalLike | null;
  stream: BodyStream | null;
}

/** Parses an absolute URL with the guest's URL class. */
export function parseAbsolute(input: unknown): { href: string; username: string; password: string } {
  try {
    return new (globalThis as unknown as { URL: new (url: string) => ReturnType<typeof parseAbsolute> }).URL(
      usv(input),
    );
  } catch {
    throw new TypeError(`Failed to parse URL from ${input}`);
  }
}

function initialState(input: unknown, init: RequestInit): State {
  const from = input instanceof Request ? input : null;
  let url = from?.url;
  if (!url) {
    const parsed = parseAbsolute(input);
    if (parsed.username || parsed.password) throw new TypeError(`Request URL includes credentials: ${input}`);
    url = parsed.href;
  }
  let method = from?.method ?? "GET";
  if (init.method !== undefined) {
    method = `${init.method}`;
    const upper = method.toUpperCase();
    if (!/^[!#$%&'*+\-.^_`|~\dA-Za-z]+$/.test(method) || /^(CONNECT|TRACE|TRACK)$/.test(upper)) {
      throw new TypeError(`Invalid or forbidden method: ${method}`);
    }
    if (/^(DELETE|GET|HEAD|OPTIONS|POST|PUT)$/.test(upper)) method = upper;
  }
  const state: State = {
    ...OPTIONS,
    url,
    method,
    headers: new Headers(init.headers !== undefined ? init.headers : from?.headers),
    redirect: `${init.redirect ?? from?.redirect ?? "follow"}`,
    signal: init.signal !== undefined ? init.signal : from && signalOf(from),
    stream: null,
  };
  for (const key in OPTIONS) {
    const value = init[key] ?? from?.[key as keyof Request];
    if (value !== undefined) state[key] = typeof OPTIONS[key] === "boolean" ? !!value : `${value}`;
  }
  if (state.signal && typeof state.signal.aborted !== "boolean")
    throw new TypeError("signal must be an AbortSignal");
  if (!/^(follow|error|manual)$/.test(state.redirect))
    throw new TypeError(`Invalid redirect: ${state.redirect}`);
  const body = init.body ?? null;
  const inherited = from && bodyOf(from);
  if ((body !== null || inherited) && /^(GET|HEAD)$/.test(method)) {
    throw new TypeError("Request with GET/HEAD method cannot have body.");
  }
  if (body !== null) {
    const [stream, type] = extractBody(body);
    state.stream = stream;
    if (type && !state.headers.has("content-type")) state.headers.append("content-type", type);
  } else if (inherited) {
    if (inherited.disturbed || inherited.locked)
      throw new TypeError("Body is unusable: Body has already been read");
    state.stream = transferStream(inherited);
  }
  return state;
}

/** The signal given to the request, without creating one when there was none. */
export let signalOf: (request: Request) => SignalLike | null;

export class Request extends Body {
  #s: State;
  declare readonly url: string;
  declare readonly method: string;
  declare readonly headers: Headers;
  declare readonly redirect: string;
  declare readonly mode: string;
  declare readonly credentials: string;
  declare readonly cache: string;
  declare readonly referrer: string;
  declare readonly referrerPolicy: string;
  declare readonly integrity: string;
  declare readonly keepalive: boolean;
  declare readonly duplex: string;
  declare readonly destination: string;
  static {
    signalOf = (request) => request.#s.signal ?? null;
    getters(
      Request.prototype,
      "url method headers redirect " + Object.keys(OPTIONS).join(" "),
      (r) => (r as Request).#s,
    );
  }

  constructor(input: unknown, init?: RequestInit) {
    // biome-ignore lint/complexity/noArguments: WebIDL counts the arguments actually passed
    if (!arguments.length) throw new TypeError("Request: input is required");
    const state = initialState(input, init ?? {});
    super(state.stream);
    this.#s = state;
  }
  get signal(): SignalLike | null {
    const Controller = (globalThis as { AbortController?: new () => { signal: SignalLike } }).AbortController;
    this.#s.signal ??= Controller ? new Controller().signal : null;
    return this.#s.signal;
  }
  clone(): Request {
    const stream = teeBody(this);
    const request = new Request(this.#s.url, { method: this.#s.method, body: stream });
    request.#s = { ...this.#s, headers: copyHeaders(this.#s.headers), stream };
    return request;
  }
}
