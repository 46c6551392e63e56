// Expressions for the grammar-based generator: literals with edge values, containers, operators, calls on
// built-ins, closures and odd objects. Every expression is syntactically valid where an expression may stand.
import type { Rng } from "./prng.js";

/** What the generators share while making one program: the PRNG, names in scope, nesting depth. */
export class Ctx {
  private counter = 0;
  depth = 0;
  /** Variables declared so far in the enclosing scopes (a name may be read where it is still in its TDZ). */
  readonly names: string[] = [];
  /** Inside an async function or a module's top level: `await` is allowed. */
  inAsync = true;
  /** Inside a generator function: `yield` is allowed. */
  inGenerator = false;
  /** TypeScript entry: annotations may be added. */
  readonly ts: boolean;

  constructor(
    readonly rng: Rng,
    ts: boolean,
  ) {
    this.ts = ts;
  }

  fresh(prefix = "v"): string {
    this.counter += 1;
    return `${prefix}${this.counter}`;
  }

  /** Runs `make` one level deeper, with the scope restored afterwards. */
  nested<T>(make: () => T): T {
    const names = this.names.length;
    this.depth += 1;
    try {
      return make();
    } finally {
      this.depth -= 1;
      this.names.length = names;
    }
  }

  /** Makes the body of a function: `await` and `yield` only where that function allows them. */
  body<T>(isAsync: boolean, isGenerator: boolean, make: () => T): T {
    const [wasAsync, wasGenerator] = [this.inAsync, this.inGenerator];
    this.inAsync = isAsync;
    this.inGenerator = isGenerator;
    try {
      return make();
    } finally {
      this.inAsync = wasAsync;
      this.inGenerator = wasGenerator;
    }
  }

  /** `: type` after a declared name, sometimes, in TypeScript entries. */
  annotate(): string {
    if (!this.ts || !this.rng.chance(0.4)) return "";
    return `: ${this.rng.pick(["number", "string", "any", "unknown[]", "Record<string, any>", "number | null", "any"])}`;
  }
}

const NUMBERS = [
  "0",
  "-0",
  "1",
  "-1",
  "2 ** 31",
  "2 ** 32 - 1",
  "2 ** 53",
  "NaN",
  "Infinity",
  "-Infinity",
  "1e308",
  "5e-324",
  "0.1",
  "255",
  "65536",
  "Number.MAX_SAFE_INTEGER",
  "Number.MIN_VALUE",
  "0x7fffffff",
  "1_000_000",
  "42",
];

const STRINGS = [
  '""',
  '"a"',
  '"hello world"',
  '"\\u0000"',
  '"\\ud800"',
  '"\\udc00\\ud800"',
  '"😀"',
  '"é"',
  '"__proto__"',
  '"constructor"',
  '"toString"',
  '"/etc/passwd"',
  '"../../x"',
  '"%s %d %o %j %%"',
  '"\\n\\r\\t"',
  '"x".repeat(100)',
  '"ab".repeat(1 << 12)',
  "String.fromCharCode(0xd83d)",
  "`t$" + "{1}`",
];

const BIGINTS = [
  "0n",
  "1n",
  "-1n",
  "2n ** 64n",
  "-(2n ** 63n)",
  "123456789012345678901234567890n",
  "BigInt(2 ** 53)",
];

/** Picks one maker and runs only that one (so unused alternatives cost nothing and draw nothing). */
export function oneOf(r: Rng, makers: readonly (() => string)[]): string {
  return r.pick(makers)();
}

/** Parenthesized unless it is a single token, so it can stand next to any operator (`(-1) ** 2`). */
function grouped(text: string): string {
  return /^[\w.]+$/.test(text) ? text : `(${text})`;
}

/** Makes the body of a plain callback: no `await`, no `yield`. */
export function sync(c: Ctx, make: () => string): string {
  return c.body(false, false, make);
}

export function literal(c: Ctx): string {
  const r = c.rng;
  return r.weighted<() => string>([
    [5, () => grouped(r.pick(NUMBERS))],
    [4, () => r.pick(STRINGS)],
    [2, () => grouped(r.pick(BIGINTS))],
    [3, () => r.pick(["null", "undefined", "true", "false"])],
    [1, () => r.pick(["Symbol()", 'Symbol("s")', "Symbol.iterator", 'Symbol.for("k")'])],
    [1, () => r.pick(["new Date(0)", "new Date(NaN)", "new Date(8.64e15)", "new Date(2 ** 62)"])],
    [1, () => r.pick(["/a+b/g", "/(?<y>\\d{4})-(?<m>\\d\\d)/u", "/[^]*?$/ms", "/(a|b)*c/y", "/\\p{L}+/u"])],
  ])();
}

/** A value expression, nested up to a small depth. */
export function expr(c: Ctx): string {
  const r = c.rng;
  if (c.depth > 3) return r.chance(0.3) && c.names.length > 0 ? r.pick(c.names) : literal(c);
  return c.nested(() =>
    r.weighted<() => string>([
      [8, () => literal(c)],
      [6, () => (c.names.length > 0 ? r.pick(c.names) : literal(c))],
      [3, () => `[${list(c, 0, 4)}]`],
      [3, () => objectLiteral(c)],
      [3, () => `(${expr(c)} ${r.pick(BINARY)} ${expr(c)})`],
      [2, () => `(${r.pick(UNARY)}(${expr(c)}))`],
      [2, () => `(${expr(c)} ? ${expr(c)} : ${expr(c)})`],
      [3, () => builtinCall(c)],
      [2, () => `${expr(c)}?.${r.pick(PROPS)}`],
      [1, () => `${expr(c)}?.[${expr(c)}]`],
      [2, () => arrow(c)],
      [1, () => `[...${iterable(c)}]`],
      [1, () => `({ ...${expr(c)} })`],
      [1, () => `\`a${"${"}${expr(c)}}b${"${"}${expr(c)}}\``],
      [1, () => `(${expr(c)}, ${expr(c)})`],
      [2, () => container(c)],
      [1, () => oddObject(c)],
      [1, () => (c.inAsync ? `(await ${expr(c)})` : `Promise.resolve(${expr(c)})`)],
      [1, () => (c.inGenerator ? `(yield (${expr(c)}))` : `(typeof ${expr(c)})`)],
      [1, () => `host.echo(${expr(c)})`],
      [1, () => `config.${r.pick(["list", "n", "nested", "missing"])}`],
    ])(),
  );
}

export const BINARY = [
  "+",
  "-",
  "*",
  "/",
  "%",
  "**",
  "==",
  "===",
  "!=",
  "<",
  ">=",
  "&&",
  "||",
  "??",
  "&",
  "|",
  "^",
  "<<",
  ">>",
  ">>>",
  "in",
  "instanceof",
];
const UNARY = ["!", "-", "+", "~", "typeof ", "void ", "String", "Number", "Boolean", "Object", "BigInt"];
export const PROPS = [
  "length",
  "a",
  "b",
  "x",
  "constructor",
  "__proto__",
  "prototype",
  "size",
  "value",
  "then",
];

export function list(c: Ctx, min: number, max: number): string {
  const n = c.rng.int(min, max);
  const items: string[] = [];
  for (let i = 0; i < n; i++) items.push(expr(c));
  return items.join(", ");
}

export function objectLiteral(c: Ctx): string {
  return c.body(false, false, () => objectParts(c));
}

function objectParts(c: Ctx): string {
  const r = c.rng;
  const n = r.int(0, 4);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    parts.push(
      r.weighted<() => string>([
        [5, () => `${r.pick(["a", "b", "x", '"k y"', "0", '["__proto__"]', "toJSON", "then"])}: ${expr(c)}`],
        [1, () => `[${expr(c)}]: ${expr(c)}`],
        [1, () => `get ${r.pick(["g", "a", "message", "name"])}() { return ${expr(c)}; }`],
        [1, () => `get ${r.pick(["t", "b", "stack"])}() { throw ${expr(c)}; }`],
        [1, () => `set ${r.pick(["s", "a"])}(v) { this._s = v; }`],
        [1, () => `...${expr(c)}`],
        [1, () => `m(${c.ts ? "p: any" : "p"}) { return p; }`],
        [
          1,
          () =>
            `[Symbol.${r.pick(["iterator", "toPrimitive", "toStringTag", "asyncIterator"])}]: ${arrow(c)}`,
        ],
      ])(),
    );
  }
  return `({ ${parts.join(", ")} })`;
}

function iterable(c: Ctx): string {
  const r = c.rng;
  return oneOf(r, [
    () => `[${list(c, 0, 3)}]`,
    () => `"${r.pick(["abc", "😀x", ""])}"`,
    () => `new Set([${list(c, 0, 3)}])`,
    () => `new Map([[${expr(c)}, ${expr(c)}]])`,
    () => c.body(false, true, () => `(function* () { yield (${expr(c)}); yield* [${list(c, 0, 2)}]; })()`),
    () => `new Uint8Array(${r.int(0, 8)})`,
    () => `Object.keys(${expr(c)} ?? {})`,
  ]);
}

function arrow(c: Ctx): string {
  const r = c.rng;
  const param = c.fresh("p");
  return c.nested(() => {
    c.names.push(param);
    const isAsync = r.chance(0.3);
    const body = c.body(isAsync, false, () => `(${expr(c)})`);
    return `(${isAsync ? "async " : ""}(${param}${c.annotate()}) => ${body})`;
  });
}

function container(c: Ctx): string {
  const r = c.rng;
  return oneOf(r, [
    () => `new Map([[${expr(c)}, ${expr(c)}], [${expr(c)}, ${expr(c)}]])`,
    () => `new Set([${list(c, 0, 4)}])`,
    () =>
      `new ${r.pick(["Uint8Array", "Int32Array", "Float64Array", "Uint8ClampedArray", "BigInt64Array"])}(${r.pick(["0", "4", "[1, 2, 3]", "new ArrayBuffer(8)"])})`,
    () => `new ArrayBuffer(${r.pick(["0", "16", "1024"])})`,
    () => `new DataView(new ArrayBuffer(8))`,
    () => `new ${r.pick(["Error", "TypeError", "RangeError", "SyntaxError"])}(${expr(c)})`,
    () => `new AggregateError([${list(c, 0, 2)}], "agg")`,
    () => `Object.create(null)`,
    () => `new WeakMap()`,
    () => `new WeakRef({})`,
    () => `Array.from({ length: ${r.pick(["3", "100", "0"])} }, (_, i) => i)`,
    () => `new Array(${r.pick(["5", "0", "2 ** 32 - 1"])})`,
  ]);
}

/** Objects made to trip up whoever reads them: throwing getters, Proxies, cycles, odd prototypes. */
export function oddObject(c: Ctx): string {
  return c.body(false, false, () => oddParts(c));
}

function oddParts(c: Ctx): string {
  const r = c.rng;
  return oneOf(r, [
    () => `new Proxy({}, { get(t, k) { throw ${literal(c)}; } })`,
    () => `new Proxy([], { ownKeys() { return ["a", "a"]; } })`,
    () => `new Proxy(function () {}, { apply() { return ${expr(c)}; }, construct() { return {}; } })`,
    () => `(() => { const o = { a: 1 }; o.self = o; o.list = [o, o]; return o; })()`,
    () =>
      `(() => { let d = {}; for (let i = 0; i < ${r.pick(["100", "2000", "20000"])}; i++) d = { d }; return d; })()`,
    () => `Object.defineProperty(new Error("e"), "message", { get() { throw new Error("getter"); } })`,
    () => `Object.assign(new Error("named"), { name: ${literal(c)} })`,
    () => `Object.setPrototypeOf({ x: 1 }, null)`,
    () => `({ toString() { throw new Error("toString"); }, valueOf() { return ${literal(c)}; } })`,
    () => `({ [Symbol.toPrimitive]() { throw ${literal(c)}; } })`,
    () => `({ then(resolve) { resolve(${expr(c)}); } })`,
    () => `({ then() { throw ${literal(c)}; } })`,
    () => `Object.freeze([${list(c, 0, 3)}])`,
  ]);
}

function builtinCall(c: Ctx): string {
  const r = c.rng;
  return oneOf(r, [
    () =>
      `Math.${r.pick(["max", "min", "floor", "sqrt", "pow", "abs", "sign", "imul", "clz32", "hypot"])}(${list(c, 0, 3)})`,
    () => `JSON.stringify(${expr(c)})`,
    () => `JSON.stringify(${expr(c)}, null, ${r.pick(["2", '"\\t"', "20"])})`,
    () =>
      `JSON.parse(${r.pick(['"{\\"a\\":[1,2,{}]}"', '"[1,"', '"1e999"', '"\\"\\\\ud800\\""', "JSON.stringify({ b: 1 })"])})`,
    () =>
      `String(${expr(c)}).${r.pick(["padStart(10, '*')", "split('')", "normalize()", "at(-1)", "toUpperCase()", "replaceAll('a', '$&$&')", "localeCompare('b')"])}`,
    () =>
      `[${list(c, 0, 4)}].${r.pick(["map(String)", "filter(Boolean)", "reverse()", "flat(Infinity)", "sort()", "join('-')", "indexOf(NaN)", "includes(NaN)", "toSorted()", "at(-1)", "findLast(() => true)"])}`,
    () =>
      `Object.${r.pick(["keys", "values", "entries", "getOwnPropertyNames", "freeze", "isFrozen", "getPrototypeOf"])}(${expr(c)} ?? {})`,
    () => `Reflect.${r.pick(["ownKeys", "getPrototypeOf", "isExtensible"])}(Object(${expr(c)}))`,
    () =>
      `Reflect.apply(${r.pick(["Math.max", "String.prototype.slice", "Array.prototype.concat"])}, ${expr(c)}, [${list(c, 0, 2)}])`,
    () => `Array.isArray(${expr(c)})`,
    () => `Number.parseFloat(${expr(c)})`,
    () => `BigInt.asIntN(${r.pick(["8", "64", "0"])}, ${r.pick(BIGINTS)})`,
    () => `structuredClone(${expr(c)})`,
    () => `Symbol.keyFor(Symbol.for(${r.pick(STRINGS)}))`,
    () =>
      `new RegExp(${r.pick(['"(a+)+$"', '"[" ', '"\\\\d+"', '"(?<n>x)\\\\k<n>"'])}, ${r.pick(['"g"', '""', '"u"', '"x"'])}).exec(${expr(c)})`,
    () => `String(${expr(c)}).replace(/(.)/g, (m, a) => a + ${sync(c, () => expr(c))})`,
    () => `encodeURIComponent(${expr(c)})`,
    () => `decodeURIComponent(${r.pick(['"%"', '"%E0%A4%A"', '"a%20b"'])})`,
    () => `parseInt(${expr(c)}, ${r.pick(["2", "16", "36", "37", "0"])})`,
    () => `(${expr(c)}).toString(${r.pick(["", "2", "36"])})`,
    () => `Date.UTC(${list(c, 1, 3)})`,
    () => `new Date(${expr(c)}).toISOString()`,
    () => `Atomics === undefined`,
    () =>
      `globalThis.${r.pick(["console", "process", "Buffer", "fetch", "URL", "require", "module", "__return", "host"])}`,
  ]);
}
