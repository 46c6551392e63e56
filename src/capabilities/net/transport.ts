// Host side of the guest's fetch: every hop is checked against the allow list, its host resolved once, every
// resolved address checked, and the exchange sent to that checked address through an injected Connector (which
// never resolves again, so DNS rebinding has nothing to work with). Redirects are followed here, one hop at a time.
// No I/O of its own: the Resolver and Connector are the platform's (see platform/node-net.ts).
import { InvalidOptionError } from "../../errors.js";
import { type AllowRule, checkAddress, checkUrl, parseAllowList, parseIp } from "./policy.js";

export interface NetRequest {
  url: string;
  method: string;
  headers: [string, string][];
  body?: Uint8Array;
  /** As in fetch: "follow" (default) follows redirects, "manual" returns the 3xx, "error" rejects. */
  redirect?: "follow" | "manual" | "error";
}

export interface NetResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  /** The URL of the last hop, without fragment. */
  url: string;
  redirected: boolean;
  /** Iterate at most once; errors on abort, timeout, or past maxResponseBytes. */
  body: AsyncIterable<Uint8Array>;
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>;

/** One HTTP exchange, already checked: connect to `address` (never to what `url`'s host would resolve to). */
export interface ConnectRequest {
  /** Scheme, host (for Host and TLS SNI / certificate checks), port, path and query. */
  url: URL;
  address: string;
  family: 4 | 6;
  method: string;
  /** Validated; the first is `host`. */
  headers: [string, string][];
  body?: Uint8Array;
  /** Aborted on timeout, on the caller's signal, on abortAll(), or when the body is abandoned. */
  signal: AbortSignal;
}

export interface ConnectResponse {
  status: number;
  statusText: string;
  headers: [string, string][];
  /** Its iterator's return() must release the connection. */
  body: AsyncIterable<Uint8Array>;
}

export type Connector = (request: ConnectRequest) => Promise<ConnectResponse>;

export interface NetOptions {
  allow: string[];
  /** Exchanges per fetcher (every redirect hop counts). Default 50. */
  maxRequests?: number;
  /** Bytes of one response body. Default 10 MiB. */
  maxResponseBytes?: number;
  /** From the call until the body is read to its end. Default 30 s. */
  timeoutMs?: number;
  /** Redirects followed per fetch. Default 5. */
  maxRedirects?: number;
}

export const NET_DEFAULTS = {
  maxRequests: 50,
  maxResponseBytes: 10 * 1024 * 1024,
  timeoutMs: 30_000,
  maxRedirects: 5,
} as const;

export interface Fetcher {
  fetch(request: NetRequest, signal?: AbortSignal): Promise<NetResponse>;
  /** Aborts every exchange in flight; later calls are refused too (the run has ended). */
  abortAll(): void;
  /** Exchanges started so far. */
  readonly requests: number;
}

export type NetErrorCode =
  | "ERR_CORDON_NET_DENIED"
  | "ERR_CORDON_NET_INVALID"
  | "ERR_CORDON_NET_LIMIT"
  | "ERR_CORDON_NET_FAILED";

/** What fetch rejects with (a TypeError, as in fetch), except aborts (AbortError) and timeouts (TimeoutError). */
export class NetworkError extends TypeError {
  readonly code: NetErrorCode;
  constructor(code: NetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TypeError";
    this.code = code;
  }
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const NORMALIZED_METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
/** Set by the transport (framing, routing), so a guest's values are dropped, as fetch does. */
const TRANSPORT_HEADERS = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "expect",
  "proxy-connection",
]);
const CREDENTIAL_HEADERS = new Set(["authorization", "proxy-authorization", "cookie"]);
const BODY_HEADERS = new Set(["content-type", "content-encoding", "content-language", "content-location"]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const denied = (m: string) => new NetworkError("ERR_CORDON_NET_DENIED", m);
const invalid = (m: string) => new NetworkError("ERR_CORDON_NET_INVALID", m);
const limit = (m: string) => new NetworkError("ERR_CORDON_NET_LIMIT", m);

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidOptionError(name, `must be an integer of at least ${min}, got ${String(value)}`);
  }
  return value;
}

function prepare(request: NetRequest): { method: string; headers: [string, string][]; body?: Uint8Array } {
  let method = String(request.method);
  if (!TOKEN.test(method)) throw invalid(`fetch: ${JSON.stringify(method)} is not a valid HTTP method`);
  if (NORMALIZED_METHODS.has(method.toUpperCase())) method = method.toUpperCase();
  if (FORBIDDEN_METHODS.has(method.toUpperCase())) throw invalid(`fetch: method ${method} is not allowed`);
  const headers: [string, string][] = [];
  for (const [name, raw] of request.headers) {
    const value = String(raw).replace(/^[ \t]+|[ \t]+$/g, "");
    if (!TOKEN.test(name)) throw invalid(`fetch: ${JSON.stringify(name)} is not a valid header name`);
    if (/[\r\n\0]/.test(value)) throw invalid(`fetch: header ${name} contains CR, LF or NUL`);
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value))
      throw invalid(`fetch: header ${name} has a character not allowed`);
    if (!TRANSPORT_HEADERS.has(name.toLowerCase())) headers.push([name, value]);
  }
  if (request.body !== undefined && (method === "GET" || method === "HEAD")) {
    throw invalid(`fetch: a ${method} request cannot have a body`);
  }
  return request.body === undefined ? { method, headers } : { method, headers, body: request.body };
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Releases a body without waiting: a body stuck in a read would queue its return() behind that read. */
function discard(body: AsyncIterable<Uint8Array>): void {
  try {
    body[Symbol.asyncIterator]()
      .return?.()
      .catch(() => {});
  } catch {
    // the exchange is being dropped either way
  }
}

export function createFetcher(options: NetOptions, deps: { resolve: Resolver; connect: Connector }): Fetcher {
  const rules: AllowRule[] = parseAllowList(options.allow);
  const maxRequests = count("network.maxRequests", options.maxRequests, NET_DEFAULTS.maxRequests, 0);
  const maxBytes = count(
    "network.maxResponseBytes",
    options.maxResponseBytes,
    NET_DEFAULTS.maxResponseBytes,
    0,
  );
  const timeoutMs = count("network.timeoutMs", options.timeoutMs, NET_DEFAULTS.timeoutMs, 1);
  const maxRedirects = count("network.maxRedirects", options.maxRedirects, NET_DEFAULTS.maxRedirects, 0);
  const inflight = new Set<AbortController>();
  let ended = false;
  let requests = 0;

  async function pickAddress(url: URL, signal: AbortSignal): Promise<{ address: string; family: 4 | 6 }> {
    const literal = parseIp(url.hostname);
    let answers: { address: string; family: 4 | 6 }[];
    if (literal) answers = [literal];
    else {
      try {
        answers = await raceAbort(deps.resolve(url.hostname), signal);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        throw new NetworkError("ERR_CORDON_NET_FAILED", `fetch: could not resolve ${url.hostname}`, {
          cause: error,
        });
      }
    }
    if (answers.length === 0)
      throw new NetworkError("ERR_CORDON_NET_FAILED", `fetch: ${url.hostname} has no address`);
    for (const { address } of answers) {
      const verdict = checkAddress(address, url, rules);
      if (!verdict.ok) throw denied(verdict.reason);
    }
    const first = parseIp(answers[0]!.address)!;
    return { address: first.address, family: first.family };
  }

  async function exchange(request: NetRequest, signal: AbortSignal): Promise<NetResponse> {
    let { method, headers, body } = prepare(request);
    let href = String(request.url);
    for (let hop = 0; ; hop++) {
      const checked = checkUrl(href, rules);
      if (!checked.ok) throw denied(checked.reason);
      const url = checked.url;
      url.hash = "";
      if (requests >= maxRequests) {
        throw limit(`fetch: too many requests, at most ${maxRequests} per run (network.maxRequests)`);
      }
      requests++;
      const { address, family } = await pickAddress(url, signal);
      const sent = {
        url,
        address,
        family,
        method,
        headers: [["host", url.host], ...headers] as [string, string][],
      };
      const pending = (async () =>
        deps.connect(body === undefined ? { ...sent, signal } : { ...sent, body, signal }))();
      pending.then(
        (r) => signal.aborted && discard(r.body),
        () => {},
      );
      let response: ConnectResponse;
      try {
        response = await raceAbort(pending, signal);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const why = error instanceof Error ? error.message : String(error);
        throw new NetworkError("ERR_CORDON_NET_FAILED", `fetch to ${url.href} failed: ${why}`, {
          cause: error,
        });
      }
      const location = REDIRECTS.has(response.status)
        ? response.headers.find(([name]) => name.toLowerCase() === "location")?.[1]
        : undefined;
      if (location === undefined || request.redirect === "manual") {
        const { status, statusText } = response;
        return {
          status,
          statusText,
          headers: response.headers,
          url: url.href,
          redirected: hop > 0,
          body: response.body,
        };
      }
      discard(response.body);
      if (request.redirect === "error")
        throw new NetworkError("ERR_CORDON_NET_FAILED", `fetch: redirected (redirect: "error")`);
      if (hop >= maxRedirects)
        throw limit(`fetch: too many redirects, at most ${maxRedirects} (network.maxRedirects)`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new NetworkError(
          "ERR_CORDON_NET_FAILED",
          `fetch: invalid redirect location ${JSON.stringify(location)}`,
        );
      }
      const status = response.status;
      if ((status === 303 && method !== "GET" && method !== "HEAD") || (status <= 302 && method === "POST")) {
        method = "GET";
        body = undefined;
        headers = headers.filter(([name]) => !BODY_HEADERS.has(name.toLowerCase()));
      }
      if (next.origin !== url.origin)
        headers = headers.filter(([name]) => !CREDENTIAL_HEADERS.has(name.toLowerCase()));
      href = next.href;
    }
  }

  async function fetch(request: NetRequest, signal?: AbortSignal): Promise<NetResponse> {
    if (ended) throw new DOMException("fetch: the run has ended", "AbortError");
    if (signal?.aborted) throw signal.reason;
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => {
      controller.abort(
        new DOMException(`fetch timed out after ${timeoutMs} ms (network.timeoutMs)`, "TimeoutError"),
      );
    }, timeoutMs);
    inflight.add(controller);
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      inflight.delete(controller);
    };
    controller.signal.addEventListener("abort", settle, { once: true });
    try {
      const response = await exchange(request, controller.signal);
      return { ...response, body: capped(response.body, controller, settle) };
    } catch (error) {
      settle();
      controller.abort(error);
      throw error;
    }
  }

  /** The body, cut off past maxResponseBytes and on abort; settles the exchange when it ends either way. */
  function capped(source: AsyncIterable<Uint8Array>, controller: AbortController, settle: () => void) {
    const signal = controller.signal;
    let taken = false;
    return {
      [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
        if (taken) throw new TypeError("fetch: the response body can be read only once");
        taken = true;
        const inner = source[Symbol.asyncIterator]();
        let total = 0;
        let finished = false;
        const stop = (error: unknown) => {
          if (!finished) {
            finished = true;
            settle();
            controller.abort(error);
            discard({ [Symbol.asyncIterator]: () => inner });
          }
        };
        return {
          async next() {
            if (finished) return { done: true, value: undefined };
            let step: IteratorResult<Uint8Array>;
            try {
              step = await raceAbort(inner.next(), signal);
            } catch (error) {
              const reason = signal.aborted ? signal.reason : error;
              stop(reason);
              throw reason;
            }
            if (step.done) {
              finished = true;
              settle();
              return step;
            }
            total += step.value.byteLength;
            if (total > maxBytes) {
              const error = limit(
                `fetch: response body exceeds ${maxBytes} bytes (network.maxResponseBytes)`,
              );
              stop(error);
              throw error;
            }
            return step;
          },
          async return() {
            stop(new DOMException("fetch: response body cancelled", "AbortError"));
            return { done: true, value: undefined };
          },
        };
      },
    };
  }

  return {
    fetch,
    abortAll() {
      ended = true;
      for (const controller of [...inflight])
        controller.abort(new DOMException("fetch aborted: the run ended", "AbortError"));
    },
    get requests() {
      return requests;
    },
  };
}
