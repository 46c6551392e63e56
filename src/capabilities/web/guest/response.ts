// Response (Fetch Standard), including Response.json(), Response.error() and Response.redirect().
import { Body, extractBody, teeBody } from "./body.js";
import { copyHeaders, freezeHeaders, Headers, type HeadersInit } from "./headers.js";
import { parseAbsolute } from "./request.js";
import type { BodyStream } from "./stream.js";
import { getters } from "./types.js";

export interface ResponseInit {
  status?: number;
  statusText?: string;
  headers?: HeadersInit;
}

export interface ResponseState {
  type: string;
  url: string;
  redirected: boolean;
  status: number;
  statusText: string;
  headers: Headers;
  stream: BodyStream | null;
}

export const isNullBodyStatus = (status: number): boolean => [101, 103, 204, 205, 304].includes(status);

/** Passed as the body to build a Response from a ready-made state. */
const INTERNAL = Symbol();

/** Builds a Response from a state (fetch results, Response.error(), clones). */
export const makeResponse = (state: Partial<ResponseState>): Response =>
  new Response(INTERNAL, {
    type: "default",
    url: "",
    redirected: false,
    statusText: "",
    headers: freezeHeaders(new Headers()),
    stream: null,
    ...state,
  } as ResponseInit);

function initialState(body: unknown, init: ResponseInit): ResponseState {
  const status = init.status === undefined ? 200 : Math.trunc(Number(init.status)) || 0;
  if (status < 200 || status > 599) throw new RangeError(`Invalid response status: ${init.status}`);
  const statusText = `${init.statusText ?? ""}`;
  if (/[^\t\x20-\x7e\x80-\xff]/.test(statusText)) throw new TypeError("Invalid statusText");
  const headers = new Headers(init.headers);
  let stream: BodyStream | null = null;
  if (body !== null && body !== undefined) {
    if (isNullBodyStatus(status)) throw new TypeError(`Response with status ${status} cannot have a body`);
    const [extracted, type] = extractBody(body);
    stream = extracted;
    if (type && !headers.has("content-type")) headers.append("content-type", type);
  }
  return { type: "default", url: "", redirected: false, status, statusText, headers, stream };
}

export class Response extends Body {
  readonly #s: ResponseState;
  declare readonly type: string;
  declare readonly url: string;
  declare readonly redirected: boolean;
  declare readonly status: number;
  declare readonly statusText: string;
  declare readonly headers: Headers;
  static {
    getters(Response.prototype, "type url redirected status statusText headers", (r) => (r as Response).#s);
  }

  constructor(body: unknown = null, init?: ResponseInit) {
    const state = body === INTERNAL ? (init as ResponseState) : initialState(body, init ?? {});
    super(state.stream);
    this.#s = state;
  }

  static error(): Response {
    return makeResponse({ type: "error", status: 0 });
  }
  static json(data: unknown, init: ResponseInit = {}): Response {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError("Value is not JSON serializable");
    const headers = new Headers(init.headers);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return new Response(text, { status: init.status, statusText: init.statusText, headers });
  }
  static redirect(url: unknown, status = 302): Response {
    const location = parseAbsolute(url).href;
    if (![301, 302, 303, 307, 308].includes(status))
      throw new RangeError(`Invalid redirect status: ${status}`);
    return makeResponse({ status, headers: freezeHeaders(new Headers({ location })) });
  }

  get ok(): boolean {
    return this.#s.status > 199 && this.#s.status < 300;
  }
  clone(): Response {
    const stream = teeBody(this);
    return makeResponse({ ...this.#s, headers: copyHeaders(this.#s.headers), stream });
  }
}
