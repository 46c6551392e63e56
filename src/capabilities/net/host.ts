// Host half of fetch: the guest's fetch() calls op("fetch", requestJson, body?) and gets a promise of the response
// head; the body is pulled chunk by chunk with op("fetchRead", id); op("fetchCancel", id) stops it. Every check
// (allow list, addresses, redirects, sizes, time) is the Fetcher's; the run aborts everything when it ends.
import type { GuestApi } from "../../engine/guest-api.js";
import type { Fetcher, NetRequest } from "./transport.js";

const METHODS = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function parseRequest(json: string): NetRequest {
  const raw = JSON.parse(json) as Record<string, unknown>;
  const url = raw.url;
  const method = raw.method ?? "GET";
  const headers = raw.headers ?? [];
  if (
    typeof url !== "string" ||
    typeof method !== "string" ||
    !METHODS.test(method) ||
    !Array.isArray(headers)
  ) {
    throw new TypeError("fetch: malformed request");
  }
  for (const pair of headers) {
    if (!Array.isArray(pair) || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
      throw new TypeError("fetch: malformed request headers");
    }
  }
  const request: NetRequest = { url, method, headers: headers as [string, string][] };
  if (raw.redirect === "manual" || raw.redirect === "error" || raw.redirect === "follow")
    request.redirect = raw.redirect;
  return request;
}

/** Installs the fetch operations; `fetcher` gives the run in progress's fetcher (each run has its own). */
export function installFetchOps(guest: GuestApi, fetcher: () => Fetcher): void {
  const ctx = guest.ctx;
  /** Exchanges by the guest's id: the abort controller while the head is awaited, then the body. */
  const inflight = new Map<number, AbortController>();
  const bodies = new Map<number, AsyncIterator<Uint8Array>>();

  guest.registerOp("fetch", (requestJson, body, idHandle) => {
    const request = parseRequest(ctx.getString(requestJson!));
    const id = ctx.getNumber(idHandle!);
    if (!Number.isInteger(id) || inflight.has(id) || bodies.has(id))
      throw new TypeError("fetch: bad exchange id");
    if (body && ctx.typeof(body) === "object") {
      const view = ctx.getArrayBuffer(body);
      request.body = view.value.slice();
      view.dispose();
    }
    const controller = new AbortController();
    inflight.set(id, controller);
    const exchange = fetcher()
      .fetch(request, controller.signal)
      .finally(() => inflight.delete(id));
    return guest.hostPromise(exchange, (response) => {
      bodies.set(id, response.body[Symbol.asyncIterator]());
      const { status, statusText, headers, url, redirected } = response;
      return ctx.newString(JSON.stringify({ id, status, statusText, headers, url, redirected }));
    });
  });
  guest.registerOp("fetchRead", (idHandle) => {
    const id = ctx.getNumber(idHandle!);
    const body = bodies.get(id);
    if (!body) return ctx.null;
    return guest.hostPromise(body.next(), (chunk) => {
      if (chunk.done) {
        bodies.delete(id);
        return ctx.null;
      }
      const bytes = chunk.value;
      return ctx.newArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    });
  });
  guest.registerOp("fetchCancel", (idHandle) => {
    const id = ctx.getNumber(idHandle!);
    inflight.get(id)?.abort();
    inflight.delete(id);
    const body = bodies.get(id);
    bodies.delete(id);
    void body?.return?.();
    return undefined;
  });
}
