// Built-in module "url": the WHATWG URL classes from the guest globals, file URL helpers, domain conversion
// and the legacy API (parse, format, resolve, resolveObject) ported from Node.
import type { Op } from "../../../guest/types.js";
import { invalidArgType, nodeError } from "./internal/errors.js";
import { G } from "./internal/globals.js";
import { isURL, legacyUrl } from "./internal/url-legacy.js";

type Require = (id: string) => unknown;
interface URLObject {
  href: string;
  protocol: string;
  hostname: string;
  pathname: string;
  port: string;
  username: string;
  password: string;
  search: string;
  hash: string;
}
type URLCtor = new (input: string, base?: string) => URLObject;

/** Decodes one punycode label (RFC 3492), already validated by the URL parser. */
function punycodeDecode(input: string): string {
  const out: number[] = [];
  const basic = Math.max(input.lastIndexOf("-"), 0);
  for (let j = 0; j < basic; j++) out.push(input.charCodeAt(j));
  let n = 128;
  let bias = 72;
  let i = 0;
  for (let idx = basic > 0 ? basic + 1 : 0; idx < input.length; ) {
    const old = i;
    let w = 1;
    for (let k = 36; ; k += 36) {
      const c = input.charCodeAt(idx++);
      const digit =
        c >= 48 && c < 58 ? c - 22 : c >= 97 && c < 123 ? c - 97 : c >= 65 && c < 91 ? c - 65 : 36;
      if (digit >= 36) throw new RangeError("bad punycode");
      i += digit * w;
      const t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
      if (digit < t) break;
      w *= 36 - t;
    }
    const len = out.length + 1;
    let delta = old === 0 ? Math.floor((i - old) / 700) : (i - old) >> 1;
    delta += Math.floor(delta / len);
    let k = 0;
    for (; delta > 455; k += 36) delta = Math.floor(delta / 35);
    bias = Math.floor(k + (36 * delta) / (delta + 38));
    n += Math.floor(i / len);
    i %= len;
    out.splice(i++, 0, n);
  }
  return String.fromCodePoint(...out);
}

function domainToASCII(...args: unknown[]): string {
  if (args.length < 1)
    throw nodeError(TypeError, "ERR_MISSING_ARGS", 'The "domain" argument must be specified');
  const input = `${args[0]}`;
  try {
    // As Node does: set the host name of a special URL and read it back; a rejected host name leaves "x".
    const url = new (G.URL as URLCtor)("ws://x");
    url.hostname = input;
    if (url.hostname === "x" && !/^x(?:$|[/?#\\])/i.test(input)) return "";
    return url.hostname;
  } catch {
    return "";
  }
}

function domainToUnicode(...args: unknown[]): string {
  if (args.length < 1)
    throw nodeError(TypeError, "ERR_MISSING_ARGS", 'The "domain" argument must be specified');
  try {
    return domainToASCII(args[0])
      .split(".")
      .map((label) => (/^xn--/i.test(label) ? punycodeDecode(label.slice(4)) : label))
      .join(".");
  } catch {
    return "";
  }
}

function fileURLToPath(path: unknown): string {
  let url = path as URLObject;
  if (typeof path === "string") url = new (G.URL as URLCtor)(path);
  else if (!isURL(path)) throw invalidArgType("path", "of type string or an instance of URL", path);
  if (url.protocol !== "file:")
    throw nodeError(TypeError, "ERR_INVALID_URL_SCHEME", "The URL must be of scheme file");
  if (url.hostname !== "")
    throw nodeError(
      TypeError,
      "ERR_INVALID_FILE_URL_HOST",
      'File URL host must be "localhost" or empty on linux',
    );
  if (/%2f/i.test(url.pathname))
    throw nodeError(
      TypeError,
      "ERR_INVALID_FILE_URL_PATH",
      "File URL path must not include encoded / characters",
    );
  return decodeURIComponent(url.pathname);
}

function urlToHttpOptions(url: URLObject): Record<string, unknown> {
  const { hostname, pathname, port, username, password, search } = url;
  const options: Record<string, unknown> = Object.assign(Object.create(null), url, {
    protocol: url.protocol,
    hostname: hostname?.[0] === "[" ? hostname.slice(1, -1) : hostname,
    hash: url.hash,
    search,
    pathname,
    path: `${pathname || ""}${search || ""}`,
    href: url.href,
  });
  if (port !== "") options.port = Number(port);
  if (username || password) options.auth = `${decodeURIComponent(username)}:${decodeURIComponent(password)}`;
  return options;
}

export function create(_op: Op, load: Require): unknown {
  function pathToFileURL(filepath: unknown): URLObject {
    if (typeof filepath !== "string") throw invalidArgType("path", "of type string", filepath);
    let resolved = (load("path") as { resolve(p: string): string }).resolve(filepath);
    if (filepath.endsWith("/") && !resolved.endsWith("/")) resolved += "/";
    const encoded = resolved.replace(
      /[%\t\n\r "#?[\\\]^|~]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
    );
    return new (G.URL as URLCtor)(`file://${encoded}`);
  }
  const toASCII = (host: string) => (/[^\0-\x7f]/.test(host) ? domainToASCII(host) : host);
  const legacy = legacyUrl(() => load("querystring") as never, toASCII);
  const url = {
    ...legacy,
    domainToASCII,
    domainToUnicode,
    pathToFileURL,
    fileURLToPath,
    urlToHttpOptions,
  };
  for (const name of ["URL", "URLSearchParams"])
    Object.defineProperty(url, name, { enumerable: true, configurable: true, get: () => G[name] });
  return url;
}
