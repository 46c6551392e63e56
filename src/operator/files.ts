// Files a run created or changed, as the faces hand them back: small text inline, the rest kept here for a while and
// named by a URI the client reads later (MCP `resources/read`). What is kept is bounded in bytes; the oldest goes
// first.
import { createHash } from "node:crypto";

export interface ChangedFile {
  /** The guest's absolute path. */
  path: string;
  size: number;
  mimeType: string;
  /** The content, when it is text no larger than the inline limit. */
  text?: string;
  /** Where the content can be read, when it is not inline. */
  uri?: string;
}

const MIME: Record<string, string> = {
  txt: "text/plain",
  log: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  jsonl: "application/x-ndjson",
  js: "text/javascript",
  mjs: "text/javascript",
  ts: "text/plain",
  html: "text/html",
  css: "text/css",
  xml: "application/xml",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  pdf: "application/pdf",
  zip: "application/zip",
  gz: "application/gzip",
};

export function mimeTypeOf(path: string, binary: boolean): string {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  const known = ext === undefined ? undefined : MIME[ext];
  if (known) return known;
  return binary ? "application/octet-stream" : "text/plain";
}

interface Stored {
  data: string | Uint8Array;
  mimeType: string;
  bytes: number;
}

export class FileStore {
  private readonly entries = new Map<string, Stored>();
  private total = 0;

  constructor(private readonly maxBytes: number) {}

  /** Keeps `data` under `scope` ("sessions/<id>" or "executions/<id>") and returns its URI. */
  put(scope: string, path: string, data: string | Uint8Array, mimeType: string): string {
    const uri = fileUri(scope, path);
    this.delete(uri);
    const bytes = typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
    if (bytes > this.maxBytes) return uri;
    this.entries.set(uri, { data, mimeType, bytes });
    this.total += bytes;
    for (const [key] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.delete(key);
    }
    return uri;
  }

  get(uri: string): Stored | undefined {
    return this.entries.get(uri);
  }

  /** Forgets everything kept under `scope`. */
  dropScope(scope: string): void {
    const prefix = `cordon://${scope}/files/`;
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.delete(key);
  }

  private delete(uri: string): void {
    const old = this.entries.get(uri);
    if (!old) return;
    this.total -= old.bytes;
    this.entries.delete(uri);
  }
}

export function fileUri(scope: string, path: string): string {
  const segments = path.split("/").filter((s) => s !== "");
  return `cordon://${scope}/files/${segments.map(encodeURIComponent).join("/")}`;
}

/**
 * The files in a result that differ from what `known` (path → fingerprint) last saw, updating it. Text up to
 * `inlineChars` is inline; the rest goes to `store`.
 */
export function changedFiles(
  files: Record<string, string | Uint8Array> | undefined,
  known: Map<string, string>,
  scope: string,
  store: FileStore,
  inlineChars: number,
): ChangedFile[] {
  const out: ChangedFile[] = [];
  for (const [path, data] of Object.entries(files ?? {})) {
    const fingerprint = createHash("sha256").update(data).digest("base64");
    if (known.get(path) === fingerprint) continue;
    known.set(path, fingerprint);
    const binary = typeof data !== "string";
    const size = binary ? data.byteLength : Buffer.byteLength(data);
    const mimeType = mimeTypeOf(path, binary);
    if (!binary && data.length <= inlineChars) out.push({ path, size, mimeType, text: data });
    else out.push({ path, size, mimeType, uri: store.put(scope, path, data, mimeType) });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
