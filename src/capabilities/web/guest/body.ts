// The Body mixin of Request and Response, and body extraction from BodyInit values.
import { Blob, blobBytes, concat } from "./blob.js";
import { FormData, serializeFormData } from "./form-data.js";
import type { Headers } from "./headers.js";
import { BodyStream } from "./stream.js";
import { bytesOf, usv } from "./types.js";
import { utf8Decode, utf8DecodeBOM, utf8Encode } from "./utf8.js";

const unusable = () => new TypeError("Body is unusable: Body has already been read");

/** Turns a BodyInit into a stream and the Content-Type it implies. */
export function extractBody(body: unknown): [BodyStream, string?] {
  if (body instanceof BodyStream) {
    if (body.locked || body.disturbed) throw unusable();
    return [body];
  }
  let type: string | undefined;
  let bytes: Uint8Array | undefined = bytesOf(body)?.slice();
  if (body instanceof Blob) {
    bytes = blobBytes(body);
    type = body.type || undefined;
  } else if (body instanceof FormData) [bytes, type] = serializeFormData(body);
  else if (Object.prototype.toString.call(body) === "[object URLSearchParams]") {
    type = "application/x-www-form-urlencoded;charset=UTF-8";
  }
  if (!bytes) {
    bytes = utf8Encode(usv(body));
    type ??= "text/plain;charset=UTF-8";
  }
  return [BodyStream.of(bytes), type];
}

/** Reads a whole stream into one new array. */
export async function readAll(stream: BodyStream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return concat(chunks);
}

export let bodyOf: (b: Body) => BodyStream | null;
/** Splits a body for clone(): this keeps one branch and the other is returned. */
export let teeBody: (b: Body) => BodyStream | null;

/** What Request and Response share: the body and the ways to read it. */
export abstract class Body {
  #stream: BodyStream | null;
  abstract readonly headers: Headers;
  static {
    bodyOf = (b) => b.#stream;
    teeBody = (b) => {
      if (b.bodyUsed || b.#stream?.locked) throw unusable();
      const branches = b.#stream?.tee();
      b.#stream = branches?.[0] ?? null;
      return branches?.[1] ?? null;
    };
  }
  constructor(stream: BodyStream | null) {
    this.#stream = stream;
  }

  get body(): BodyStream | null {
    return this.#stream;
  }
  get bodyUsed(): boolean {
    return !!this.#stream?.disturbed;
  }
  async bytes(): Promise<Uint8Array> {
    const stream = this.#stream;
    if (stream?.disturbed || stream?.locked) throw unusable();
    return stream ? readAll(stream) : new Uint8Array(0);
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.bytes()).buffer as ArrayBuffer;
  }
  async text(): Promise<string> {
    return utf8DecodeBOM(await this.bytes());
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  /** The Content-Type as a serialized MIME type: lowercase type and parameter names, no spaces. */
  #mimeType(): string {
    return (this.headers.get("content-type") ?? "")
      .replace(/\s*;\s*/g, ";")
      .replace(/(^|;)[^=;]*/g, (s) => s.toLowerCase());
  }
  async blob(): Promise<Blob> {
    return new Blob([await this.bytes()], { type: this.#mimeType() });
  }
  async formData(): Promise<FormData> {
    const type = this.#mimeType();
    const bytes = await this.bytes();
    const Params = (globalThis as { URLSearchParams?: new (init: string) => Iterable<[string, string]> })
      .URLSearchParams;
    if (!Params || !/^application\/x-www-form-urlencoded(;|$)/.test(type)) {
      throw new TypeError(`Only urlencoded bodies can be read as FormData (Content-Type: ${type})`);
    }
    const form = new FormData();
    // A leading "&" keeps URLSearchParams from dropping a leading "?".
    for (const [k, v] of new Params("&" + utf8Decode(bytes))) form.append(k, v);
    return form;
  }
}
