// Node's half of the network capability: name resolution and one HTTP(S) exchange to an already-checked address.
//
// - The connection goes to the address the fetcher checked: `lookup` is forced to answer with it, so Node never
//   resolves the host again (no DNS rebinding between the check and the connect).
// - Host and TLS SNI / certificate checks use the URL's original host name.
// - `agent: false`: a fresh connection per exchange, never a kept-alive socket opened for an earlier check.
// - Content coding: the request always says `Accept-Encoding: identity` (a guest's own Accept-Encoding is
//   replaced), and the body is passed through undecoded. A server that compresses anyway delivers compressed bytes
//   with its Content-Encoding header; the fetcher's byte cap applies to exactly what crossed the wire.
//
// Node's http, https, dns and net load on the first fetch (process.getBuiltinModule), not with cordon: most runs never
// fetch, and loading them costs a cold start more than a whole run.
import type { LookupAddress } from "node:dns";
import type { IncomingMessage, RequestOptions } from "node:http";
import type { ConnectRequest, ConnectResponse, Connector, Resolver } from "../capabilities/net/transport.js";

export const nodeResolver: Resolver = async (hostname) => {
  const answers = await process.getBuiltinModule("node:dns").promises.lookup(hostname, { all: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/** The response body; return() destroys the response even when iteration never started. */
function bodyOf(res: IncomingMessage): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const inner = res[Symbol.asyncIterator]();
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          const step = await inner.next();
          // a copy, so the chunk never shares Node's pooled buffer
          return step.done
            ? { done: true, value: undefined }
            : { done: false, value: new Uint8Array(step.value) };
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          res.destroy();
          await inner.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

export const nodeConnector: Connector = (request: ConnectRequest) =>
  new Promise<ConnectResponse>((resolve, reject) => {
    const { url, address, family } = request;
    const secure = url.protocol === "https:";
    const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of request.headers) {
      const key = name.toLowerCase();
      if (key === "accept-encoding") continue;
      const prior = headers[key];
      headers[key] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
    }
    headers["accept-encoding"] = "identity";
    if (request.body) headers["content-length"] = String(request.body.byteLength);
    const options: RequestOptions & { servername?: string } = {
      protocol: url.protocol,
      hostname,
      port: url.port || (secure ? 443 : 80),
      path: url.pathname + url.search,
      method: request.method,
      headers,
      setHost: false,
      agent: false,
      family,
      signal: request.signal,
      lookup: (_host, opts, callback) => {
        if (opts.all) callback(null, [{ address, family } satisfies LookupAddress]);
        else callback(null, address, family);
      },
    };
    if (secure && !process.getBuiltinModule("node:net").isIP(hostname)) options.servername = hostname;
    const client = process.getBuiltinModule(secure ? "node:https" : "node:http").request(options, (res) => {
      resolve({
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? "",
        headers: pairs(res.rawHeaders),
        body: bodyOf(res),
      });
    });
    client.on("error", reject);
    client.end(request.body);
  });
