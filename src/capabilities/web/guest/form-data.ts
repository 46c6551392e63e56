// FormData and its multipart/form-data serialization (for request bodies).
import { Blob, blobBytes, concat, File } from "./blob.js";
import { pairIterable, usv } from "./types.js";
import { utf8Encode } from "./utf8.js";

type Value = string | File;
type Entry = [string, Value];

function entry(args: IArguments): Entry {
  const [name, value, filename] = args as unknown as [unknown, unknown, unknown];
  if (args.length < 2) throw new TypeError("FormData: name and value are required");
  if (!(value instanceof Blob)) return [usv(name), usv(value)];
  if (value instanceof File && filename === undefined) return [usv(name), value];
  const file = value as File;
  const fileName = filename !== undefined ? usv(filename) : (file.name ?? "blob");
  return [usv(name), new File([value], fileName, { type: value.type, lastModified: file.lastModified })];
}

export class FormData {
  #list: Entry[] = [];
  declare entries: () => IterableIterator<Entry>;
  declare keys: () => IterableIterator<string>;
  declare values: () => IterableIterator<Value>;
  declare forEach: (
    callback: (value: Value, key: string, parent: FormData) => void,
    thisArg?: unknown,
  ) => void;
  declare [Symbol.iterator]: () => IterableIterator<Entry>;
  static {
    pairIterable(FormData.prototype, (self) => (self as FormData).#list);
  }

  constructor(form?: unknown) {
    if (form !== undefined) throw new TypeError("FormData: form elements are not supported");
  }
  append(_name: string, _value: string | Blob, _filename?: string): void {
    // biome-ignore lint/complexity/noArguments: WebIDL counts the arguments actually passed
    this.#list.push(entry(arguments));
  }
  delete(name: string): void {
    const n = usv(name);
    this.#list = this.#list.filter(([k]) => k !== n);
  }
  get(name: string): Value | null {
    return this.getAll(name)[0] ?? null;
  }
  getAll(name: string): Value[] {
    const n = usv(name);
    return this.#list.filter(([k]) => k === n).map(([, v]) => v);
  }
  has(name: string): boolean {
    return this.getAll(name).length > 0;
  }
  set(_name: string, _value: string | Blob, _filename?: string): void {
    // biome-ignore lint/complexity/noArguments: WebIDL counts the arguments actually passed
    const e = entry(arguments);
    const i = this.#list.findIndex(([k]) => k === e[0]);
    if (i < 0) this.#list.push(e);
    else this.#list = this.#list.filter(([k], j) => j === i || k !== e[0]).map((x, j) => (j === i ? e : x));
  }
}

const escapeName = (s: string) => s.replace(/\n/g, "%0A").replace(/\r/g, "%0D").replace(/"/g, "%22");
const crlf = (s: string) => s.replace(/\r\n|\r|\n/g, "\r\n");

/** multipart/form-data bytes and the matching Content-Type. */
export function serializeFormData(form: FormData): [Uint8Array, string] {
  const boundary =
    "----formdata-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  const chunks: Uint8Array[] = [];
  for (const [name, value] of form) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(crlf(name))}"`;
    if (typeof value === "string") chunks.push(utf8Encode(`${head}\r\n\r\n${crlf(value)}\r\n`));
    else {
      head += `; filename="${escapeName(value.name)}"\r\nContent-Type: ${value.type || "application/octet-stream"}`;
      chunks.push(utf8Encode(head + "\r\n\r\n"), blobBytes(value), utf8Encode("\r\n"));
    }
  }
  chunks.push(utf8Encode(`--${boundary}--\r\n`));
  return [concat(chunks), `multipart/form-data; boundary=${boundary}`];
}
