// The legacy url API (Url, url.parse, url.format, url.resolve, url.resolveObject), ported from Node's
// lib/url.js. Host names are converted to ASCII through the guest's WHATWG URL.
import { invalidArgType, nodeError } from "./errors.js";

type Obj = Record<string, unknown>;
interface QueryString {
  parse(s: string): Obj;
  stringify(o: unknown): string;
}
export interface Url {
  protocol: string | null;
  slashes: boolean | null;
  auth: string | null;
  host: string | null;
  port: string | null;
  hostname: string | null;
  hash: string | null;
  search: string | null;
  query: string | Obj | null;
  pathname: string | null;
  path: string | null;
  href: string | null;
  parse(url: string, parseQueryString?: boolean, slashesDenoteHost?: boolean): Url;
  format(): string;
  resolve(relative: string): string;
  resolveObject(relative: string | Url): Url;
  parseHost(): void;
}

const hostlessProtocol = new Set(["javascript", "javascript:"]);
const slashedProtocol = new Set(
  ["http", "https", "ftp", "gopher", "file", "ws", "wss"].flatMap((p) => [p, `${p}:`]),
);
const simplePathPattern = /^(\/\/?(?!\/)[^?\s]*)(\?[^\s]*)?$/;
const forbiddenHostChars = /[\0\t\n\r #%/:<>?@[\\\]^|]/;
const forbiddenHostCharsIpv6 = /[\0\t\n\r #%/<>?@\\^|]/;
const isIpv6Hostname = (h: string) => h[0] === "[" && h[h.length - 1] === "]";
const escapeRest = (s: string) =>
  s.replace(
    /[\t\n\r "'<>\\^`{|}]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );

export function legacyUrl(qs: () => QueryString, toASCII: (host: string) => string) {
  function Url(this: Url) {
    this.protocol = this.slashes = this.auth = this.host = this.port = this.hostname = null;
    this.hash = this.search = this.query = this.pathname = this.path = this.href = null;
  }
  const P = Url.prototype as Url;
  const newUrl = () => new (Url as unknown as new () => Url)();

  function urlParse(url: unknown, parseQueryString?: boolean, slashesDenoteHost?: boolean): Url {
    if (url instanceof Url) return url as Url;
    return newUrl().parse(url as string, parseQueryString, slashesDenoteHost);
  }

  P.parse = function (url, parseQueryString, slashesDenoteHost) {
    if (typeof url !== "string") throw invalidArgType("url", "of type string", url);
    // Trim surrounding whitespace, turn backslashes before the query or hash into slashes.
    let hasHash = false;
    let hasAt = false;
    let rest = url.replace(/^[\0- \u00a0\ufeff]+|[\0- \u00a0\ufeff]+$/g, "");
    const split = rest.search(/[?#]/);
    const head = split === -1 ? rest : rest.slice(0, split);
    hasAt = head.includes("@");
    hasHash = rest.includes("#");
    rest = head.replace(/\\/g, "/") + (split === -1 ? "" : rest.slice(split));
    if (!slashesDenoteHost && !hasHash && !hasAt) {
      const simple = simplePathPattern.exec(rest);
      if (simple) {
        this.path = this.href = rest;
        this.pathname = simple[1]!;
        if (simple[2]) {
          this.search = simple[2];
          this.query = parseQueryString ? qs().parse(this.search.slice(1)) : this.search.slice(1);
        } else if (parseQueryString) {
          this.search = null;
          this.query = Object.create(null);
        }
        return this;
      }
    }
    const protoMatch = /^[a-z0-9.+-]+:/i.exec(rest);
    let proto: string | undefined;
    let lowerProto: string | undefined;
    if (protoMatch) {
      proto = protoMatch[0];
      lowerProto = this.protocol = proto.toLowerCase();
      rest = rest.slice(proto.length);
    }
    let slashes = false;
    if (slashesDenoteHost || proto || /^\/\/[^@/]+@[^@/]+/.test(rest)) {
      slashes = rest.startsWith("//");
      if (slashes && !(proto && hostlessProtocol.has(lowerProto!))) {
        rest = rest.slice(2);
        this.slashes = true;
      }
    }
    if (!hostlessProtocol.has(lowerProto!) && (slashes || (proto && !slashedProtocol.has(proto)))) {
      let hostEnd = -1;
      let atSign = -1;
      let nonHost = -1;
      for (let i = 0; i < rest.length && hostEnd === -1; ++i) {
        const c = rest[i]!;
        if (c === "\t" || c === "\n" || c === "\r") {
          rest = rest.slice(0, i) + rest.slice(i + 1);
          i -= 1;
        } else if (` "%';<>\\^\`{|}`.includes(c)) {
          if (nonHost === -1) nonHost = i;
        } else if (c === "#" || c === "/" || c === "?") {
          if (nonHost === -1) nonHost = i;
          hostEnd = i;
        } else if (c === "@") {
          atSign = i;
          nonHost = -1;
        }
      }
      let start = 0;
      if (atSign !== -1) {
        this.auth = decodeURIComponent(rest.slice(0, atSign));
        start = atSign + 1;
      }
      if (nonHost === -1) {
        this.host = rest.slice(start);
        rest = "";
      } else {
        this.host = rest.slice(start, nonHost);
        rest = rest.slice(nonHost);
      }
      this.parseHost();
      if (typeof this.hostname !== "string") this.hostname = "";
      const hostname = this.hostname;
      const ipv6 = isIpv6Hostname(hostname);
      if (!ipv6) {
        const bad = hostname.search(/[/\\#?:]/);
        if (bad !== -1) {
          this.hostname = hostname.slice(0, bad);
          rest = `/${hostname.slice(bad)}${rest}`;
        }
      }
      this.hostname = this.hostname.length > 255 ? "" : this.hostname.toLowerCase();
      if (this.hostname !== "") {
        if (ipv6) {
          if (forbiddenHostCharsIpv6.test(this.hostname)) throw invalidUrl(url);
        } else {
          this.hostname = toASCII(this.hostname);
          if (this.hostname === "" || forbiddenHostChars.test(this.hostname)) throw invalidUrl(url);
        }
      }
      this.host = (this.hostname || "") + (this.port ? `:${this.port}` : "");
      if (ipv6) {
        this.hostname = this.hostname.slice(1, -1);
        if (rest[0] !== "/") rest = `/${rest}`;
      }
    }
    if (!hostlessProtocol.has(lowerProto!)) rest = escapeRest(rest);
    const hashIdx = rest.indexOf("#");
    if (hashIdx !== -1) this.hash = rest.slice(hashIdx);
    const beforeHash = hashIdx === -1 ? rest : rest.slice(0, hashIdx);
    const questionIdx = beforeHash.indexOf("?");
    if (questionIdx !== -1) {
      this.search = beforeHash.slice(questionIdx);
      this.query = beforeHash.slice(questionIdx + 1);
      if (parseQueryString) this.query = qs().parse(this.query);
    } else if (parseQueryString) {
      this.search = null;
      this.query = Object.create(null);
    }
    const firstIdx = questionIdx !== -1 ? questionIdx : hashIdx;
    if (firstIdx === -1) {
      if (rest.length > 0) this.pathname = rest;
    } else if (firstIdx > 0) this.pathname = rest.slice(0, firstIdx);
    if (slashedProtocol.has(lowerProto!) && this.hostname && !this.pathname) this.pathname = "/";
    if (this.pathname || this.search) this.path = (this.pathname || "") + (this.search || "");
    this.href = this.format();
    return this;
  };

  P.parseHost = function () {
    let host = this.host!;
    const port = /:[0-9]*$/.exec(host)?.[0];
    if (port) {
      if (port !== ":") this.port = port.slice(1);
      host = host.slice(0, host.length - port.length);
    }
    if (host) this.hostname = host;
  };

  P.format = function () {
    let auth = this.auth || "";
    if (auth) auth = `${encodeURIComponent(auth).replace(/%3A/g, ":")}@`;
    let protocol = this.protocol || "";
    let pathname = this.pathname || "";
    let hash = this.hash || "";
    let host = "";
    let query = "";
    if (this.host) host = auth + this.host;
    else if (this.hostname) {
      host =
        auth +
        (this.hostname.includes(":") && !isIpv6Hostname(this.hostname)
          ? `[${this.hostname}]`
          : this.hostname);
      if (this.port) host += `:${this.port}`;
    }
    if (this.query !== null && typeof this.query === "object") query = qs().stringify(this.query);
    let search = this.search || (query && `?${query}`) || "";
    if (protocol && !protocol.endsWith(":")) protocol += ":";
    pathname = pathname.replace(/#/g, "%23").replace(/\?/g, "%3F");
    if (this.slashes || slashedProtocol.has(protocol)) {
      if (this.slashes || host) {
        if (pathname && pathname[0] !== "/") pathname = `/${pathname}`;
        host = `//${host}`;
      } else if (protocol.startsWith("file")) host = "//";
    }
    search = search.replace(/#/g, "%23");
    if (hash && hash[0] !== "#") hash = `#${hash}`;
    if (search && search[0] !== "?") search = `?${search}`;
    return protocol + host + pathname + search + hash;
  };

  P.resolve = function (relative) {
    return this.resolveObject(urlParse(relative, false, true)).format();
  };

  P.resolveObject = function (rel) {
    const relative = typeof rel === "string" ? newUrl().parse(rel, false, true) : rel;
    const result = Object.assign(newUrl(), this);
    const done = () => {
      result.href = result.format();
      return result;
    };
    const setPath = () => {
      if (result.pathname !== null || result.search !== null)
        result.path = (result.pathname || "") + (result.search || "");
    };
    result.hash = relative.hash;
    if (relative.href === "") return done();
    if (relative.slashes && !relative.protocol) {
      for (const key of Object.keys(relative))
        if (key !== "protocol") (result as unknown as Obj)[key] = (relative as unknown as Obj)[key];
      if (slashedProtocol.has(result.protocol!) && result.hostname && !result.pathname)
        result.path = result.pathname = "/";
      return done();
    }
    if (relative.protocol && relative.protocol !== result.protocol) {
      if (!slashedProtocol.has(relative.protocol)) {
        Object.assign(result, relative);
        return done();
      }
      result.protocol = relative.protocol;
      if (!relative.host && !/^file:?$/.test(relative.protocol) && !hostlessProtocol.has(relative.protocol)) {
        const relPath = (relative.pathname || "").split("/");
        relative.host = "";
        while (relPath.length && !relative.host) relative.host = relPath.shift()!;
        if (!relative.hostname) relative.hostname = "";
        if (relPath[0] !== "") relPath.unshift("");
        if (relPath.length < 2) relPath.unshift("");
        result.pathname = relPath.join("/");
      } else result.pathname = relative.pathname;
      result.search = relative.search;
      result.query = relative.query;
      result.host = relative.host || "";
      result.auth = relative.auth;
      result.hostname = relative.hostname || relative.host;
      result.port = relative.port;
      if (result.pathname || result.search) result.path = (result.pathname || "") + (result.search || "");
      result.slashes = result.slashes || relative.slashes;
      return done();
    }
    const isSourceAbs = result.pathname?.[0] === "/";
    const isRelAbs = relative.host || relative.pathname?.[0] === "/";
    let mustEndAbs: unknown = isRelAbs || isSourceAbs || (result.host && relative.pathname);
    const removeAllDots = mustEndAbs;
    let srcPath: (string | null | undefined)[] = result.pathname?.split("/") || [];
    const relPath: (string | null | undefined)[] = relative.pathname?.split("/") || [];
    const noLeadingSlashes = result.protocol && !slashedProtocol.has(result.protocol);
    if (noLeadingSlashes) {
      result.hostname = "";
      result.port = null;
      if (result.host) {
        if (srcPath[0] === "") srcPath[0] = result.host;
        else srcPath.unshift(result.host);
      }
      result.host = "";
      if (relative.protocol) {
        relative.hostname = null;
        relative.port = null;
        result.auth = null;
        if (relative.host) {
          if (relPath[0] === "") relPath[0] = relative.host;
          else relPath.unshift(relative.host);
        }
        relative.host = null;
      }
      mustEndAbs = mustEndAbs && (relPath[0] === "" || srcPath[0] === "");
    }
    const splitAuth = () => {
      const parts = result.host && result.host.indexOf("@") > 0 ? result.host.split("@") : false;
      if (parts) {
        result.auth = parts.shift()!;
        result.host = result.hostname = parts.shift()!;
      }
    };
    if (isRelAbs) {
      if (relative.host || relative.host === "") {
        if (result.host !== relative.host) result.auth = null;
        result.host = relative.host;
        result.port = relative.port;
      }
      if (relative.hostname || relative.hostname === "") {
        if (result.hostname !== relative.hostname) result.auth = null;
        result.hostname = relative.hostname;
      }
      result.search = relative.search;
      result.query = relative.query;
      srcPath = relPath;
    } else if (relPath.length) {
      srcPath.pop();
      srcPath = srcPath.concat(relPath);
      result.search = relative.search;
      result.query = relative.query;
    } else if (relative.search !== null && relative.search !== undefined) {
      if (noLeadingSlashes) {
        result.hostname = result.host = srcPath.shift() as string;
        splitAuth();
      }
      result.search = relative.search;
      result.query = relative.query;
      setPath();
      return done();
    }
    if (!srcPath.length) {
      result.pathname = null;
      result.path = result.search ? `/${result.search}` : null;
      return done();
    }
    let last = srcPath[srcPath.length - 1];
    const hasTrailingSlash =
      ((result.host || relative.host || srcPath.length > 1) && (last === "." || last === "..")) ||
      last === "";
    let up = 0;
    for (let i = srcPath.length - 1; i >= 0; i--) {
      last = srcPath[i];
      if (last === ".") srcPath.splice(i, 1);
      else if (last === "..") {
        srcPath.splice(i, 1);
        up++;
      } else if (up) {
        srcPath.splice(i, 1);
        up--;
      }
    }
    if (!mustEndAbs && !removeAllDots) while (up--) srcPath.unshift("..");
    if (mustEndAbs && srcPath[0] !== "" && srcPath[0]?.[0] !== "/") srcPath.unshift("");
    if (hasTrailingSlash && srcPath.join("/").slice(-1) !== "/") srcPath.push("");
    const isAbsolute = srcPath[0] === "" || srcPath[0]?.[0] === "/";
    if (noLeadingSlashes) {
      result.hostname = result.host = isAbsolute ? "" : srcPath.length ? (srcPath.shift() as string) : "";
      splitAuth();
    }
    mustEndAbs = mustEndAbs || (result.host && srcPath.length);
    if (mustEndAbs && !isAbsolute) srcPath.unshift("");
    if (!srcPath.length) result.pathname = result.path = null;
    else result.pathname = srcPath.join("/");
    setPath();
    result.auth = relative.auth || result.auth;
    result.slashes = result.slashes || relative.slashes;
    return done();
  };

  function format(urlObject: unknown, options?: Obj): string {
    if (typeof urlObject === "string") urlObject = urlParse(urlObject);
    else if (typeof urlObject !== "object" || urlObject === null)
      throw invalidArgType("urlObject", "one of type object or string", urlObject);
    else if (!(urlObject instanceof Url) && isURL(urlObject)) return formatURL(urlObject as URLLike, options);
    return P.format.call(urlObject as Url);
  }

  return {
    Url,
    parse: urlParse,
    format,
    resolve: (source: string, relative: string) => urlParse(source, false, true).resolve(relative),
    resolveObject: (source: string, relative: string | Url) =>
      source ? urlParse(source, false, true).resolveObject(relative) : relative,
  };
}

function invalidUrl(input: string) {
  return Object.assign(nodeError(TypeError, "ERR_INVALID_URL", "Invalid URL"), { input });
}

interface URLLike {
  href: string;
  protocol: string;
  username: string;
  password: string;
  host: string;
  pathname: string;
  search: string;
  hash: string;
}
export const isURL = (v: unknown): boolean => {
  const u = v as Obj | null | undefined;
  return Boolean(u?.href && u.protocol && u.auth === undefined && u.path === undefined);
};

/** url.format(URL, options): the href without the parts `options` turns off. */
function formatURL(url: URLLike, options: Obj = {}): string {
  if (options === null || typeof options !== "object")
    throw invalidArgType("options", "of type object", options);
  const on = (key: string, fallback: boolean) => (options[key] == null ? fallback : Boolean(options[key]));
  const auth = on("auth", true) && (url.username || url.password);
  const hasHost = url.href.startsWith(`${url.protocol}//`);
  let out = url.protocol + (hasHost ? "//" : "");
  if (auth) out += `${url.username}${url.password ? `:${url.password}` : ""}@`;
  out += url.host + url.pathname;
  if (on("search", true)) out += url.search;
  if (on("fragment", true)) out += url.hash;
  return out;
}
