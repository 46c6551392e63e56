// Node-style errors shared by the built-in module bundles: `code` properties and Node's message shapes.

type Ctor = new (message?: string) => Error;
export type CodedError = Error & { code: string };

/** An error of class `Base` with Node's `code`. */
export function nodeError(Base: Ctor, code: string, message: string): CodedError {
  const e = new Base(message) as CodedError;
  e.code = code;
  return e;
}

/** A primitive as util.inspect prints it. */
export function show(value: unknown): string {
  return typeof value === "string"
    ? value.includes("'")
      ? JSON.stringify(value)
      : `'${value}'`
    : typeof value === "bigint"
      ? `${value}n`
      : Object.is(value, -0)
        ? "-0"
        : String(value);
}

/** Short description of a received value, as in Node's ERR_INVALID_ARG_TYPE / ERR_OUT_OF_RANGE messages. */
export function received(value: unknown): string {
  if (value == null) return "" + value;
  if (typeof value === "function") return value.name ? `function ${value.name}` : "function ";
  if (typeof value === "object") {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    return name ? `an instance of ${name}` : "[Object: null prototype]";
  }
  if (typeof value === "string" && value.length > 28) value = `${value.slice(0, 25)}...`;
  return `type ${typeof value} (${show(value)})`;
}

/** ERR_INVALID_ARG_TYPE; `expected` reads like "of type string" or "an instance of Buffer". */
export function invalidArgType(name: string, expected: string, value: unknown): CodedError {
  const what = name.endsWith(" argument")
    ? name
    : `"${name}" ${name.includes(".") ? "property" : "argument"}`;
  return nodeError(
    TypeError,
    "ERR_INVALID_ARG_TYPE",
    `The ${what} must be ${expected}. Received ${received(value)}`,
  );
}

/** Groups digits in threes with underscores, as Node does for large numbers in range errors. */
function separated(value: string): string {
  let res = "";
  let i = value.length;
  const start = value[0] === "-" ? 1 : 0;
  for (; i >= start + 4; i -= 3) res = `_${value.slice(i - 3, i)}${res}`;
  return value.slice(0, i) + res;
}

export function outOfRange(name: string, range: string, value: unknown): CodedError {
  let shown: string;
  if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) > 2 ** 32)
    shown = separated(String(value));
  else if (typeof value === "bigint") {
    shown = String(value);
    if (value > 2n ** 32n || value < -(2n ** 32n)) shown = separated(shown);
    shown += "n";
  } else shown = typeof value === "string" ? `'${value}'` : Object.is(value, -0) ? "-0" : String(value);
  return nodeError(
    RangeError,
    "ERR_OUT_OF_RANGE",
    `The value of "${name}" is out of range. It must be ${range}. Received ${shown}`,
  );
}

export function validateFunction(value: unknown, name: string): asserts value is Function {
  if (typeof value !== "function") throw invalidArgType(name, "of type function", value);
}

/** Node's AbortError (`name` "AbortError", `code` "ABORT_ERR"). */
export class AbortError extends Error {
  code = "ABORT_ERR";
  constructor(message = "The operation was aborted", options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AbortError";
  }
}
