// Guest bundle "fetch": Headers, Request, Response, Blob, File, FormData and fetch(), which asks the host
// to make the request: op("fetch", ...) resolves to the response head, op("fetchRead", id) to each body chunk.
import { Blob, File } from "./blob.js";
import { readAll } from "./body.js";
import { FormData } from "./form-data.js";
import { freezeHeaders, Headers } from "./headers.js";
import { Request, type RequestInit, signalOf } from "./request.js";
import { isNullBodyStatus, makeResponse, Response } from "./response.js";
import { BodyStream } from "./stream.js";
import { named, type Op } from "./types.js";

/** What op("fetch") resolves to. */
interface ResponseHead {
  id: number;
  status: number;
  statusText: string;
  headers: [string, string][];
  url: string;
  redirected: boolean;
}

/** Host failures become TypeErrors that keep the host's message (it says which option grants access). */
function hostError(error: unknown): Error {
  if (error instanceof TypeError) return error;
  // The run's own limits keep their names (network.timeoutMs → TimeoutError; an abort → AbortError).
  const name = (error as { name?: unknown } | null)?.name;
  if (error instanceof Error && (name === "TimeoutError" || name === "AbortError")) return error;
  const message = (error as { message?: unknown } | null)?.message ?? error;
  return new TypeError(`${message}`, { cause: error });
}

const withoutFragment = (url: string) => url.replace(/#.*/, "");

export function create(op: Op) {
  let nextId = 0;
  function fetch(input: unknown, init?: RequestInit): Promise<Response> {
    return new Promise((resolve, reject) => {
      const request = new Request(input, init);
      const signal = signalOf(request);
      if (signal?.aborted) throw signal.reason;
      // The exchange's id is chosen here, so an abort can cancel it on the host even before its head arrives.
      const id = ++nextId;
      let sent = false;
      let settled = false;
      // Before the head arrives an abort rejects the fetch; afterwards it errors the body.
      let fail = reject;
      const onAbort = () => {
        done();
        if (sent) op("fetchCancel", id);
        fail(signal!.reason);
      };
      const done = () => {
        if (!settled) signal?.removeEventListener("abort", onAbort);
        settled = true;
      };
      signal?.addEventListener("abort", onAbort, { once: true });

      (request.body ? readAll(request.body) : Promise.resolve(undefined))
        .then((body) => {
          if (settled) return;
          const { method, headers, redirect } = request;
          // The request crosses as JSON text plus the body's bytes; the head comes back as JSON text.
          const json = JSON.stringify({
            url: withoutFragment(request.url),
            method,
            headers: [...headers],
            redirect,
          });
          const bytes = body as Uint8Array | undefined;
          sent = true;
          return op(
            "fetch",
            json,
            bytes?.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
            id,
          );
        })
        .then((value) => {
          if (!value) return;
          const head = JSON.parse(value as string) as ResponseHead;
          const rid = id;
          if (settled) return op("fetchCancel", rid);
          let stream: BodyStream | null = null;
          if (request.method === "HEAD" || isNullBodyStatus(head.status)) {
            done();
            op("fetchCancel", rid);
          } else {
            const aborted = new Promise<never>((_, rejectBody) => {
              fail = rejectBody;
            });
            aborted.catch(() => {});
            const read = () =>
              Promise.resolve(op("fetchRead", rid)).then(
                (chunk) => {
                  if (!chunk) done();
                  return chunk ? new Uint8Array(chunk as ArrayBuffer) : null;
                },
                (error) => {
                  done();
                  throw hostError(error);
                },
              );
            stream = new BodyStream(
              () => Promise.race([read(), aborted]),
              () => {
                done();
                op("fetchCancel", rid);
              },
            );
          }
          const headers = freezeHeaders(new Headers(head.headers));
          resolve(makeResponse({ ...head, type: "basic", url: withoutFragment(head.url), headers, stream }));
        })
        .catch((error) => {
          done();
          reject(hostError(error));
        });
    });
  }
  return named({ Headers, Request, Response, Blob, File, FormData, fetch });
}
