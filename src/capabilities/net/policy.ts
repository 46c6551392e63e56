// Network policy: which URLs a guest may fetch and which addresses they may reach. Pure functions, no I/O; the
// transport calls them on every hop, once before resolving the host and again for every address it resolved to.
//
// Allow-list entries (option `network.allow`):
//   "api.example.com"          bare host: https on port 443 only
//   "https://*.example.org"    any sub-domain (a.example.org, a.b.example.org), NOT example.org itself; the wildcard
//                              is only allowed as the whole leading label, and never for IP addresses
//   "http://127.0.0.1:8080"    exact scheme, host and port (a missing port is the scheme's default)
// A URL matches on scheme, host (case-insensitive, trailing dot ignored) and port, nothing else. An address that is
// not public (loopback, private, link-local, metadata, ...) is reachable only through an entry that names that very
// address, like "http://127.0.0.1:8080": a host name that resolves to it is refused, whatever the entry says.
import { InvalidOptionError } from "../../errors.js";

export interface AllowRule {
  /** The entry as written. */
  readonly entry: string;
  readonly scheme: "http:" | "https:";
  /** Lowercase without a trailing dot, IPv6 in brackets; for a wildcard, the part after "*.". */
  readonly host: string;
  readonly port: number;
  readonly wildcard: boolean;
  /** The canonical address when the entry names an IP address. */
  readonly address?: string;
}

export type AddressClass =
  | "public"
  | "private"
  | "loopback"
  | "link-local"
  | "cgnat"
  | "metadata"
  | "unspecified"
  | "multicast"
  | "reserved"
  | "documentation"
  | "benchmark";

export interface ParsedIp {
  family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: number[];
  /** Canonical text: dotted decimal, or RFC 5952 IPv6 without brackets. */
  address: string;
}

const DEFAULT_PORT = { "http:": 80, "https:": 443 } as const;
/** Cloud metadata names: refused unless an entry names them literally (a wildcard is not enough). */
const METADATA_HOSTS = new Set(["metadata.google.internal", "metadata"]);

export function parseAllowList(allow: readonly string[]): AllowRule[] {
  if (!Array.isArray(allow)) throw new InvalidOptionError("network.allow", "must be an array of strings");
  return allow.map(parseEntry);
}

function parseEntry(entry: unknown): AllowRule {
  const bad = (why: string) =>
    new InvalidOptionError("network.allow", `has an invalid entry ${JSON.stringify(String(entry))}: ${why}`);
  if (typeof entry !== "string") throw bad("entries must be strings");
  const text = entry.trim();
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/is.exec(text);
  const scheme = m ? `${m[1]!.toLowerCase()}:` : "https:";
  let rest = m ? m[2]! : text;
  if (scheme !== "http:" && scheme !== "https:") throw bad("only http:// and https:// are supported");
  const wildcard = rest.startsWith("*.");
  if (wildcard) rest = rest.slice(2);
  if (rest.includes("*")) throw bad('a wildcard is only allowed as a leading "*." label');
  if (/[?#@\\]/.test(rest) || /\/./.test(rest))
    throw bad("give a scheme, host and port only (no path or credentials)");
  if (rest === "") throw bad("no host");
  let url: URL;
  try {
    url = new URL(`${scheme}//${rest}`);
  } catch {
    throw bad("not a valid host");
  }
  if (!m && url.port !== "")
    throw bad(`a bare host means https on port 443; write "https://${rest}" instead`);
  const host = stripDot(url.hostname);
  const ip = parseIp(host);
  if (wildcard && ip) throw bad("a wildcard cannot apply to an IP address");
  if (host === "") throw bad("no host");
  const rule = { entry, scheme, host, port: portOf(url), wildcard } as const;
  return ip ? { ...rule, address: ip.address } : rule;
}

function stripDot(host: string): string {
  return host.endsWith(".") ? host.slice(0, -1) : host;
}

function portOf(url: URL): number {
  return url.port ? Number(url.port) : DEFAULT_PORT[url.protocol as keyof typeof DEFAULT_PORT];
}

/** "https://host:443": what messages call the target. */
function describe(url: URL): string {
  return `${url.protocol}//${url.hostname}:${portOf(url)}`;
}

/** The entry that grants `url`; an exact entry wins over a wildcard. */
export function matchRule(url: URL, rules: readonly AllowRule[]): AllowRule | undefined {
  const host = stripDot(url.hostname);
  const port = portOf(url);
  const candidates = rules.filter((r) => r.scheme === url.protocol && r.port === port);
  const exact = candidates.find((r) => !r.wildcard && r.host === host);
  if (exact || METADATA_HOSTS.has(host) || parseIp(host)) return exact;
  return candidates.find((r) => r.wildcard && host.endsWith(`.${r.host}`));
}

export function checkUrl(
  input: string,
  rules: readonly AllowRule[],
): { ok: true; url: URL } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { ok: false, reason: `fetch to ${JSON.stringify(input)} refused: not a valid absolute URL` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { ok: false, reason: `fetch to ${url.protocol} URLs is not supported: only http: and https:` };
  }
  if (url.username || url.password) {
    return { ok: false, reason: `fetch to ${describe(url)} refused: URLs with credentials are not allowed` };
  }
  const host = stripDot(url.hostname);
  if (host !== url.hostname) url.hostname = host;
  if (!matchRule(url, rules)) {
    const grant = url.protocol === "https:" && portOf(url) === 443 ? host : `${url.protocol}//${url.host}`;
    return { ok: false, reason: `fetch to ${describe(url)} is not allowed: add "${grant}" to network.allow` };
  }
  return { ok: true, url };
}

/** Whether `ip` (an address `url`'s host resolved to, or its literal address) may be connected to. */
export function checkAddress(
  ip: string,
  url: URL,
  rules: readonly AllowRule[],
): { ok: true } | { ok: false; reason: string } {
  const parsed = parseIp(ip);
  if (!parsed)
    return { ok: false, reason: `fetch to ${describe(url)} refused: ${JSON.stringify(ip)} is not an IP` };
  const kind = classifyAddress(parsed);
  if (kind === "public") return { ok: true };
  if (matchRule(url, rules)?.address === parsed.address) return { ok: true };
  const literal = parseIp(url.hostname)?.address === parsed.address;
  const what = literal ? `${parsed.address} is` : `${url.hostname} resolves to ${parsed.address},`;
  const shown = parsed.family === 6 ? `[${parsed.address}]` : parsed.address;
  return {
    ok: false,
    reason:
      `fetch to ${describe(url)} refused: ${what} a ${kind} address; such addresses are reachable only through ` +
      `an entry naming the address itself, like "${url.protocol}//${shown}:${portOf(url)}", in network.allow`,
  };
}

// ---- IP addresses -------------------------------------------------------------------------------------------------

/**
 * Parses any spelling of an IP address that the WHATWG URL parser or inet_aton accepts: IPv4 with 1 to 4 parts,
 * each decimal, octal (leading 0) or hex (0x), with an optional trailing dot (URL) or trailing whitespace and junk
 * (glibc inet_aton); IPv6 with or without brackets, with an embedded dotted IPv4 and an optional zone ("%eth0").
 * Returns null for anything else.
 */
export function parseIp(text: string): ParsedIp | null {
  let t = text;
  const bracketed = t.startsWith("[") && t.endsWith("]");
  if (bracketed) t = t.slice(1, -1);
  if (t.includes(":")) {
    const zone = t.indexOf("%");
    const pieces = parseIPv6(zone >= 0 ? t.slice(0, zone) : t);
    if (!pieces) return null;
    const bytes = pieces.flatMap((p) => [p >> 8, p & 0xff]);
    return { family: 6, bytes, address: serializeIPv6(pieces) };
  }
  if (bracketed) return null;
  const space = /[ \t\n\v\f\r]/.exec(t);
  const value = parseIPv4(space && space.index > 0 ? t.slice(0, space.index) : t);
  if (value === null) return null;
  const bytes = [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
  return { family: 4, bytes, address: bytes.join(".") };
}

function parseIPv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length > 4) return null;
  const numbers: number[] = [];
  for (const part of parts) {
    const n = parseIPv4Number(part);
    if (n === null) return null;
    numbers.push(n);
  }
  const last = numbers.pop()!;
  if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) return null;
  return numbers.reduce((sum, n, i) => sum + n * 256 ** (3 - i), last);
}

function parseIPv4Number(part: string): number | null {
  let radix = 10;
  let digits = part;
  if (/^0x/i.test(part)) [radix, digits] = [16, part.slice(2)];
  else if (part.length > 1 && part.startsWith("0")) [radix, digits] = [8, part.slice(1)];
  else if (part === "") return null;
  if (digits === "") return 0; // "0x" alone is zero for both parsers
  const ok = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  return ok.test(digits) ? Number.parseInt(digits, radix) : null;
}

/** The WHATWG URL IPv6 parser: 8 16-bit pieces, or null. */
function parseIPv6(input: string): number[] | null {
  const pieces = [0, 0, 0, 0, 0, 0, 0, 0];
  const at = (k: number) => input.charAt(k);
  const isDigit = (c: string) => c >= "0" && c <= "9";
  let piece = 0;
  let compress: number | null = null;
  let i = 0;
  if (at(0) === ":") {
    if (at(1) !== ":") return null;
    i = 2;
    compress = piece = 1;
  }
  while (i < input.length) {
    if (piece === 8) return null;
    if (at(i) === ":") {
      if (compress !== null) return null;
      i++;
      compress = ++piece;
      continue;
    }
    let value = 0;
    let length = 0;
    while (length < 4 && /^[0-9a-f]$/i.test(at(i))) {
      value = value * 16 + Number.parseInt(at(i++), 16);
      length++;
    }
    if (at(i) === ".") {
      if (length === 0 || piece > 6) return null;
      i -= length;
      let seen = 0;
      while (i < input.length) {
        if (seen > 0) {
          if (at(i) !== "." || seen >= 4) return null;
          i++;
        }
        if (!isDigit(at(i))) return null;
        let v4: number | null = null;
        while (isDigit(at(i))) {
          const n = Number(at(i++));
          if (v4 === 0) return null;
          v4 = v4 === null ? n : v4 * 10 + n;
          if (v4 > 255) return null;
        }
        pieces[piece] = pieces[piece]! * 0x100 + v4!;
        if (++seen === 2 || seen === 4) piece++;
      }
      if (seen !== 4) return null;
      break;
    }
    if (at(i) === ":") {
      if (++i >= input.length) return null;
    } else if (i < input.length) return null;
    pieces[piece++] = value;
  }
  if (compress !== null) {
    let swaps = piece - compress;
    piece = 7;
    while (piece !== 0 && swaps > 0) {
      const other = compress + swaps - 1;
      [pieces[piece], pieces[other]] = [pieces[other]!, pieces[piece]!];
      piece--;
      swaps--;
    }
  } else if (piece !== 8) return null;
  return pieces;
}

function serializeIPv6(pieces: number[]): string {
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && pieces[j] === 0) j++;
    if (j - i > bestLength) [best, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = pieces.map((p) => p.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLength).join(":")}`;
}

type Range = [bytes: number[], bits: number, kind: AddressClass];
const range = (cidr: string, kind: AddressClass): Range => {
  const [ip, bits] = cidr.split("/");
  return [parseIp(ip!)!.bytes, Number(bits), kind];
};

// First match wins: the single addresses come before the ranges that hold them.
const V4_RANGES: Range[] = [
  range("169.254.169.254/32", "metadata"), // AWS, GCP, Azure, OCI, ...
  range("169.254.170.2/32", "metadata"), // AWS ECS task metadata
  range("100.100.100.200/32", "metadata"), // Alibaba Cloud
  range("0.0.0.0/8", "unspecified"),
  range("10.0.0.0/8", "private"),
  range("100.64.0.0/10", "cgnat"),
  range("127.0.0.0/8", "loopback"),
  range("169.254.0.0/16", "link-local"),
  range("172.16.0.0/12", "private"),
  range("192.0.0.0/24", "reserved"),
  range("192.0.2.0/24", "documentation"),
  range("192.88.99.0/24", "reserved"), // former 6to4 relay anycast
  range("192.168.0.0/16", "private"),
  range("198.18.0.0/15", "benchmark"),
  range("198.51.100.0/24", "documentation"),
  range("203.0.113.0/24", "documentation"),
  range("224.0.0.0/4", "multicast"),
  range("240.0.0.0/4", "reserved"), // includes 255.255.255.255 (broadcast)
];

const V6_RANGES: Range[] = [
  range("::/128", "unspecified"),
  range("::1/128", "loopback"),
  range("fd00:ec2::254/128", "metadata"), // AWS IMDS over IPv6
  range("64:ff9b:1::/48", "private"), // local-use NAT64
  range("100::/64", "reserved"), // discard-only
  range("2001:2::/48", "benchmark"),
  range("2001::/23", "reserved"), // IETF protocol assignments, Teredo
  range("2001:db8::/32", "documentation"),
  range("3fff::/20", "documentation"),
  range("fc00::/7", "private"),
  range("fe80::/10", "link-local"),
  range("fec0::/10", "private"), // deprecated site-local
  range("ff00::/8", "multicast"),
  range("2000::/3", "public"), // global unicast; everything else is unassigned
];

function inRange(bytes: number[], [prefix, bits]: Range): boolean {
  for (let i = 0; i < prefix.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i]! & mask) !== (prefix[i]! & mask)) return false;
  }
  return true;
}

/** The IPv4 address an IPv6 address carries: mapped, translated, compatible, NAT64 (64:ff9b::/96) or 6to4. */
function embeddedIPv4(b: number[]): number[] | null {
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const v4 = b.slice(12);
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4; // ::ffff:a.b.c.d
  if (zero(0, 8) && b[8] === 0xff && b[9] === 0xff && zero(10, 12)) return v4; // ::ffff:0:a.b.c.d
  if (zero(0, 12) && !(zero(12, 15) && b[15]! <= 1)) return v4; // ::a.b.c.d (not :: or ::1)
  if (b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(0, 1) && zero(4, 12)) return v4; // 64:ff9b::/96
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6); // 2002::/16
  return null;
}

/**
 * The class of an address; only "public" addresses are reachable without a literal allow entry. An IPv6 address
 * that embeds an IPv4 address is classified as that IPv4 address. Text that is not an IP address is "reserved".
 */
export function classifyAddress(ip: string | ParsedIp): AddressClass {
  const parsed = typeof ip === "string" ? parseIp(ip) : ip;
  if (!parsed) return "reserved";
  if (parsed.family === 4) return V4_RANGES.find((r) => inRange(parsed.bytes, r))?.[2] ?? "public";
  const v4 = embeddedIPv4(parsed.bytes);
  if (v4) return classifyAddress({ family: 4, bytes: v4, address: v4.join(".") });
  return V6_RANGES.find((r) => inRange(parsed.bytes, r))?.[2] ?? "reserved";
}
