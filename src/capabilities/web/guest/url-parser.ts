// The basic URL parser and serializer from the URL Standard (https://url.spec.whatwg.org/).
import { parseHost } from "./url-host.js";
import {
  FRAGMENT_SET,
  PATH_SET,
  percentEncode,
  QUERY_SET,
  SPECIAL_QUERY_SET,
  USERINFO_SET,
} from "./url-percent.js";

export interface URLRecord {
  scheme: string;
  username: string;
  password: string;
  /** Serialized host ("" is the empty host), or null. */
  host: string | null;
  port: number | null;
  /** A list of segments, or a string for an opaque path. */
  path: string[] | string;
  query: string | null;
  fragment: string | null;
}

const DEFAULT_PORTS = new Map<string, number | null>([
  ["ftp", 21],
  ["file", null],
  ["http", 80],
  ["https", 443],
  ["ws", 80],
  ["wss", 443],
]);
const isSpecial = (scheme: string): boolean => DEFAULT_PORTS.has(scheme);
const defaultPort = (scheme: string): number | null => DEFAULT_PORTS.get(scheme) ?? null;

// States (the ones a setter can start in are exported).
export const SCHEME_START = 0;
const SCHEME = 1;
const NO_SCHEME = 2;
const SPECIAL_RELATIVE_OR_AUTHORITY = 3;
const PATH_OR_AUTHORITY = 4;
const RELATIVE = 5;
const RELATIVE_SLASH = 6;
const SPECIAL_AUTHORITY_SLASHES = 7;
const SPECIAL_AUTHORITY_IGNORE_SLASHES = 8;
const AUTHORITY = 9;
export const HOST = 10;
export const HOSTNAME = 11;
export const PORT = 12;
const FILE = 13;
const FILE_SLASH = 14;
const FILE_HOST = 15;
export const PATH_START = 16;
const PATH = 17;
const OPAQUE_PATH = 18;
export const QUERY = 19;
export const FRAGMENT = 20;

const isAlpha = (c: string | undefined): boolean => c !== undefined && /^[a-z]$/i.test(c);
const isDrive = (s: string): boolean => /^[a-z][:|]$/i.test(s);
const isNormalizedDrive = (s: string | undefined): boolean => s !== undefined && /^[a-z]:$/i.test(s);
const startsWithDrive = (cs: string[], p: number): boolean =>
  isDrive(cs.slice(p, p + 2).join("")) && (cs.length === p + 2 || "/\\?#".includes(cs[p + 2]!));
const isSingleDot = (s: string): boolean => s === "." || s.toLowerCase() === "%2e";
const isDoubleDot = (s: string): boolean => /^(\.|%2e)(\.|%2e)$/i.test(s);

const hasCredentials = (u: URLRecord): boolean => u.username !== "" || u.password !== "";
export const cannotHaveCredentials = (u: URLRecord): boolean => !u.host || u.scheme === "file";

function shorten(u: URLRecord): void {
  const path = u.path as string[];
  if (u.scheme === "file" && path.length === 1 && isNormalizedDrive(path[0])) return;
  path.pop();
}

export function stripTrailingSpaces(u: URLRecord): void {
  if (typeof u.path === "string" && u.fragment === null && u.query === null)
    u.path = u.path.replace(/ +$/, "");
}

/**
 * The basic URL parser. Without `url`, parses `input` (against `base`) into a new record; with `url` and
 * `override`, runs from that state to update `url` in place, as the URL setters do. Returns null on failure.
 */
export function parseURL(
  input: string,
  base: URLRecord | null,
  url?: URLRecord,
  override?: number,
): URLRecord | null {
  if (!url) {
    url = {
      scheme: "",
      username: "",
      password: "",
      host: null,
      port: null,
      path: [],
      query: null,
      fragment: null,
    };
    input = input.replace(/^[\0- ]+|[\0- ]+$/g, "");
  }
  const u = url;
  const cs = Array.from(input.replace(/[\t\n\r]/g, ""));
  let state = override ?? SCHEME_START;
  let buf = "";
  let atSign = false;
  let brackets = false;
  let passwordSeen = false;
  for (let p = 0; ; p++) {
    const c = cs[p];
    const special = isSpecial(u.scheme);
    const slash = c === "/" || (special && c === "\\");
    const end = c === undefined || slash || c === "?" || c === "#";
    switch (state) {
      case SCHEME_START:
        if (isAlpha(c)) {
          buf += c!.toLowerCase();
          state = SCHEME;
        } else if (override === undefined) {
          state = NO_SCHEME;
          p--;
        } else return null;
        break;
      case SCHEME:
        if (c !== undefined && /^[a-z\d+\-.]$/i.test(c)) buf += c.toLowerCase();
        else if (c === ":") {
          if (override !== undefined) {
            if (special !== isSpecial(buf)) return u;
            if ((hasCredentials(u) || u.port !== null) && buf === "file") return u;
            if (u.scheme === "file" && u.host === "") return u;
          }
          u.scheme = buf;
          if (override !== undefined) {
            if (u.port === defaultPort(u.scheme)) u.port = null;
            return u;
          }
          buf = "";
          if (u.scheme === "file") state = FILE;
          else if (isSpecial(u.scheme)) {
            state = base?.scheme === u.scheme ? SPECIAL_RELATIVE_OR_AUTHORITY : SPECIAL_AUTHORITY_SLASHES;
          } else if (cs[p + 1] === "/") {
            state = PATH_OR_AUTHORITY;
            p++;
          } else {
            u.path = "";
            state = OPAQUE_PATH;
          }
        } else if (override === undefined) {
          buf = "";
          state = NO_SCHEME;
          p = -1;
        } else return null;
        break;
      case NO_SCHEME:
        if (!base || (typeof base.path === "string" && c !== "#")) return null;
        if (typeof base.path === "string") {
          u.scheme = base.scheme;
          u.path = base.path;
          u.query = base.query;
          u.fragment = "";
          state = FRAGMENT;
        } else {
          state = base.scheme === "file" ? FILE : RELATIVE;
          p--;
        }
        break;
      case SPECIAL_RELATIVE_OR_AUTHORITY:
        if (c === "/" && cs[p + 1] === "/") {
          state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
          p++;
        } else {
          state = RELATIVE;
          p--;
        }
        break;
      case PATH_OR_AUTHORITY:
        if (c === "/") state = AUTHORITY;
        else {
          state = PATH;
          p--;
        }
        break;
      case RELATIVE: {
        const b = base!;
        u.scheme = b.scheme;
        if (c === "/" || (isSpecial(b.scheme) && c === "\\")) state = RELATIVE_SLASH;
        else {
          Object.assign(u, { username: b.username, password: b.password, host: b.host, port: b.port });
          u.path = [...b.path];
          u.query = b.query;
          if (c === "?") {
            u.query = "";
            state = QUERY;
          } else if (c === "#") {
            u.fragment = "";
            state = FRAGMENT;
          } else if (c !== undefined) {
            u.query = null;
            shorten(u);
            state = PATH;
            p--;
          }
        }
        break;
      }
      case RELATIVE_SLASH:
        if (special && slash) state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
        else if (c === "/") state = AUTHORITY;
        else {
          const b = base!;
          Object.assign(u, { username: b.username, password: b.password, host: b.host, port: b.port });
          state = PATH;
          p--;
        }
        break;
      case SPECIAL_AUTHORITY_SLASHES:
        state = SPECIAL_AUTHORITY_IGNORE_SLASHES;
        if (c === "/" && cs[p + 1] === "/") p++;
        else p--;
        break;
      case SPECIAL_AUTHORITY_IGNORE_SLASHES:
        if (c !== "/" && c !== "\\") {
          state = AUTHORITY;
          p--;
        }
        break;
      case AUTHORITY:
        if (c === "@") {
          if (atSign) buf = "%40" + buf;
          atSign = true;
          for (const cp of buf) {
            if (cp === ":" && !passwordSeen) passwordSeen = true;
            else if (passwordSeen) u.password += percentEncode(cp, USERINFO_SET);
            else u.username += percentEncode(cp, USERINFO_SET);
          }
          buf = "";
        } else if (end) {
          if (atSign && buf === "") return null;
          p -= Array.from(buf).length + 1;
          buf = "";
          state = HOST;
        } else buf += c;
        break;
      case HOST:
      case HOSTNAME:
        if (override !== undefined && u.scheme === "file") {
          p--;
          state = FILE_HOST;
        } else if (c === ":" && !brackets) {
          if (buf === "" || override === HOSTNAME) return null;
          const host = parseHost(buf, !special);
          if (host === null) return null;
          u.host = host;
          buf = "";
          state = PORT;
        } else if (end) {
          p--;
          if (special && buf === "") return null;
          if (override !== undefined && buf === "" && (hasCredentials(u) || u.port !== null)) return null;
          const host = parseHost(buf, !special);
          if (host === null) return null;
          u.host = host;
          buf = "";
          state = PATH_START;
          if (override !== undefined) return u;
        } else {
          if (c === "[") brackets = true;
          if (c === "]") brackets = false;
          buf += c;
        }
        break;
      case PORT:
        if (c !== undefined && c >= "0" && c <= "9") buf += c;
        else if (end || override !== undefined) {
          if (buf !== "") {
            const port = parseInt(buf, 10);
            if (port > 65535) return null;
            u.port = port === defaultPort(u.scheme) ? null : port;
            buf = "";
            if (override !== undefined) return u;
          }
          if (override !== undefined) return null;
          state = PATH_START;
          p--;
        } else return null;
        break;
      case FILE:
        u.scheme = "file";
        u.host = "";
        if (c === "/" || c === "\\") state = FILE_SLASH;
        else if (base?.scheme === "file") {
          u.host = base.host;
          u.path = [...base.path];
          u.query = base.query;
          if (c === "?") {
            u.query = "";
            state = QUERY;
          } else if (c === "#") {
            u.fragment = "";
            state = FRAGMENT;
          } else if (c !== undefined) {
            u.query = null;
            if (!startsWithDrive(cs, p)) shorten(u);
            else u.path = [];
            state = PATH;
            p--;
          }
        } else {
          state = PATH;
          p--;
        }
        break;
      case FILE_SLASH:
        if (c === "/" || c === "\\") state = FILE_HOST;
        else {
          if (base?.scheme === "file") {
            u.host = base.host;
            if (!startsWithDrive(cs, p) && isNormalizedDrive(base.path[0]))
              (u.path as string[]).push(base.path[0]!);
          }
          state = PATH;
          p--;
        }
        break;
      case FILE_HOST:
        if (c === undefined || "/\\?#".includes(c)) {
          p--;
          if (override === undefined && isDrive(buf)) state = PATH;
          else if (buf === "") {
            u.host = "";
            if (override !== undefined) return u;
            state = PATH_START;
          } else {
            const host = parseHost(buf, false);
            if (host === null) return null;
            u.host = host === "localhost" ? "" : host;
            if (override !== undefined) return u;
            buf = "";
            state = PATH_START;
          }
        } else buf += c;
        break;
      case PATH_START:
        if (special) {
          state = PATH;
          if (!slash) p--;
        } else if (override === undefined && c === "?") {
          u.query = "";
          state = QUERY;
        } else if (override === undefined && c === "#") {
          u.fragment = "";
          state = FRAGMENT;
        } else if (c !== undefined) {
          state = PATH;
          if (c !== "/") p--;
        } else if (override !== undefined && u.host === null) (u.path as string[]).push("");
        break;
      case PATH:
        if (c === undefined || slash || (override === undefined && (c === "?" || c === "#"))) {
          const path = u.path as string[];
          if (isDoubleDot(buf)) {
            shorten(u);
            if (!slash) path.push("");
          } else if (isSingleDot(buf)) {
            if (!slash) path.push("");
          } else {
            if (u.scheme === "file" && path.length === 0 && isDrive(buf)) buf = buf[0] + ":";
            path.push(buf);
          }
          buf = "";
          if (c === "?") {
            u.query = "";
            state = QUERY;
          } else if (c === "#") {
            u.fragment = "";
            state = FRAGMENT;
          }
        } else buf += percentEncode(c, PATH_SET);
        break;
      case OPAQUE_PATH:
        if (c === "?") {
          u.query = "";
          state = QUERY;
        } else if (c === "#") {
          u.fragment = "";
          state = FRAGMENT;
        } else if (c !== undefined) u.path += percentEncode(c, "");
        break;
      case QUERY:
        if (c === undefined || (override === undefined && c === "#")) {
          u.query = (u.query ?? "") + percentEncode(buf, special ? SPECIAL_QUERY_SET : QUERY_SET);
          buf = "";
          if (c === "#") {
            u.fragment = "";
            state = FRAGMENT;
          }
        } else buf += c;
        break;
      case FRAGMENT:
        if (c !== undefined) u.fragment += percentEncode(c, FRAGMENT_SET);
        break;
    }
    if (p >= cs.length) return u;
  }
}

export const serializePath = (u: URLRecord): string =>
  typeof u.path === "string" ? u.path : u.path.map((s) => "/" + s).join("");

export function serializeURL(u: URLRecord, excludeFragment = false): string {
  let out = u.scheme + ":";
  if (u.host !== null) {
    out += "//";
    if (hasCredentials(u)) out += u.username + (u.password ? ":" + u.password : "") + "@";
    out += u.host + (u.port === null ? "" : ":" + u.port);
  } else if (typeof u.path !== "string" && u.path.length > 1 && u.path[0] === "") out += "/.";
  out += serializePath(u);
  if (u.query !== null) out += "?" + u.query;
  if (!excludeFragment && u.fragment !== null) out += "#" + u.fragment;
  return out;
}

export function serializeOrigin(u: URLRecord): string {
  if (u.scheme === "blob") {
    const inner = parseURL(serializePath(u), null);
    return inner && /^https?$/.test(inner.scheme) ? serializeOrigin(inner) : "null";
  }
  if (!/^(https?|wss?|ftp)$/.test(u.scheme)) return "null";
  return `${u.scheme}://${u.host}${u.port === null ? "" : ":" + u.port}`;
}
