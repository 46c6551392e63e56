// The RunResult as JSON for `cordon run --json`. Every object is printed once: a value met again (a shared
// reference in a DAG, a cycle, typed arrays over one buffer) becomes { "$ref": "<path>" }, the JSONPath of its first
// appearance, so a result that is small in memory stays small in print. BigInts print as "123n", Maps as
// { "$map": [[key, value], ...] }, Sets as arrays, typed arrays and ArrayBuffers as arrays of numbers (a view over a
// buffer already printed as { "$view": type, buffer: { "$ref" }, byteOffset, length }), errors as
// { name, message } (plus their other own fields), undefined in arrays as null.

/** A JSON-ready copy of `value`: plain objects, arrays, strings, numbers, booleans and null only. */
export function jsonValue(value: unknown): unknown {
  const seen = new Map<object, string>();
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
    if (typeof v === "function" || typeof v === "symbol") return undefined;
    if (v === null || typeof v !== "object") return v;
    const first = seen.get(v);
    if (first !== undefined) return { $ref: first };
    seen.set(v, path);
    if (ArrayBuffer.isView(v)) {
      const buffer = seen.get(v.buffer);
      const length = (v as unknown as ArrayLike<unknown>).length ?? v.byteLength;
      if (buffer !== undefined) {
        return { $view: v.constructor.name, buffer: { $ref: buffer }, byteOffset: v.byteOffset, length };
      }
      seen.set(v.buffer, path);
      const view = v as unknown as ArrayLike<number | bigint>;
      return Array.from(view, (n) => (typeof n === "bigint" ? `${n}n` : n));
    }
    if (v instanceof ArrayBuffer) return Array.from(new Uint8Array(v));
    if (v instanceof Map) {
      return {
        $map: [...v].map(([k, x], i) => [walk(k, `${path}.$map[${i}][0]`), walk(x, `${path}.$map[${i}][1]`)]),
      };
    }
    if (v instanceof Set) return [...v].map((x, i) => walk(x, `${path}[${i}]`) ?? null);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`) ?? null);
    const out: Record<string, unknown> = {};
    if (v instanceof Error) {
      out.name = v.name;
      out.message = v.message;
    }
    for (const [key, x] of Object.entries(v)) {
      const copied = walk(
        x,
        `${path}${/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`,
      );
      if (copied !== undefined) out[key] = copied;
    }
    return out;
  };
  return walk(value, "$");
}
