// The guest's `console`: Node's console methods on top of a `write(fd, text)` sink.
// Lines made only of primitives are formatted here; anything else goes through the
// lazily loaded `util.format` / `util.inspect` supplied in `deps`.
import { nodeFrames } from "../../../guest/frames.js";

export interface ConsoleDeps {
  write(fd: 1 | 2, text: string): void;
  format(args: unknown[]): string;
  inspect(value: unknown, options?: object): string;
  now(): number;
}

type Fn = (...args: unknown[]) => void;

const symToString = Symbol.prototype.toString;
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, "size")?.get;
const setSize = Object.getOwnPropertyDescriptor(Set.prototype, "size")?.get;
const taTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype),
  Symbol.toStringTag,
)?.get;
const hasOwn = (o: object, k: PropertyKey) => Object.hasOwn(o, k);

function brand(getter: (() => unknown) | undefined, v: unknown): boolean {
  try {
    return getter !== undefined && getter.call(v) !== undefined;
  } catch {
    return false;
  }
}

function isPrimitive(v: unknown): boolean {
  return v === null || (typeof v !== "object" && typeof v !== "function");
}

function primitiveText(v: unknown): string {
  if (typeof v === "symbol") return symToString.call(v);
  if (typeof v === "bigint") return `${v}n`;
  return Object.is(v, -0) ? "-0" : String(v);
}

/** Terminal width of a cell: code points, with common East Asian wide ranges counted twice. */
function width(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    const wide =
      c >= 0x1100 &&
      (c <= 0x115f ||
        (c >= 0x2e80 && c <= 0xa4cf) ||
        (c >= 0xac00 && c <= 0xd7a3) ||
        (c >= 0xf900 && c <= 0xfaff) ||
        (c >= 0xff01 && c <= 0xff60) ||
        (c >= 0xffe0 && c <= 0xffe6) ||
        (c >= 0x1f300 && c <= 0x1f64f) ||
        (c >= 0x20000 && c <= 0x3fffd));
    n += c < 32 || (c >= 0x7f && c < 0xa0) || (c >= 0x300 && c <= 0x36f) ? 0 : wide ? 2 : 1;
  }
  return n;
}

/** Node's box-drawing table renderer (lib/internal/cli_table.js). */
function renderTable(head: string[], columns: string[][]): string {
  const widths = head.map(width);
  const longest = Math.max(0, ...columns.map((c) => c.length));
  const rows: string[][] = [];
  for (let i = 0; i < head.length; i++) {
    const column = columns[i] ?? [];
    for (let j = 0; j < longest; j++) {
      const row = rows[j] ?? [];
      rows[j] = row;
      const cell = hasOwn(column, j) ? (column[j] as string) : "";
      row[i] = cell;
      widths[i] = Math.max(widths[i] ?? 0, width(cell));
    }
  }
  const renderRow = (row: string[]) =>
    `│ ${row.map((cell, i) => cell + " ".repeat((widths[i] ?? 0) - width(cell))).join(" │ ")} │`;
  const divider = widths.map((w) => "─".repeat(w + 2));
  let out = `┌${divider.join("┬")}┐\n${renderRow(head)}\n├${divider.join("┼")}┤\n`;
  for (const row of rows) out += `${renderRow(row)}\n`;
  return `${out}└${divider.join("┴")}┘`;
}

function formatTime(ms: number): string {
  let hours = 0;
  let minutes = 0;
  let seconds = 0;
  if (ms >= 1000) {
    if (ms >= 60000) {
      if (ms >= 3600000) {
        hours = Math.floor(ms / 3600000);
        ms %= 3600000;
      }
      minutes = Math.floor(ms / 60000);
      ms %= 60000;
    }
    seconds = ms / 1000;
  }
  if (hours !== 0 || minutes !== 0) {
    const [s, frac] = seconds.toFixed(3).split(".");
    const pad = (v: unknown) => String(v).padStart(2, "0");
    const res = hours !== 0 ? `${hours}:${pad(minutes)}` : minutes;
    return `${res}:${pad(s)}.${frac} (${hours !== 0 ? "h:m" : ""}m:ss.mmm)`;
  }
  if (seconds !== 0) return `${seconds.toFixed(3)}s`;
  return `${Number(ms.toFixed(3))}ms`;
}

export function createConsole(deps: ConsoleDeps) {
  let indent = "";
  const counts = new Map<string, number>();
  const timers = new Map<string, number>();

  const emit = (fd: 1 | 2, text: string) => {
    if (indent !== "") text = indent + text.replaceAll("\n", `\n${indent}`);
    deps.write(fd, `${text}\n`);
  };

  const joinRaw = (args: unknown[]) =>
    args.map((a) => (typeof a === "string" ? a : primitiveText(a))).join(" ");

  const formatArgs = (args: unknown[]): string => {
    const first = args[0];
    const simple =
      args.every(isPrimitive) && (typeof first !== "string" || args.length === 1 || !first.includes("%"));
    return simple ? joinRaw(args) : deps.format(args);
  };

  const log: Fn = (...args) => emit(1, formatArgs(args));
  const warn: Fn = (...args) => emit(2, formatArgs(args));
  const warning = (message: string) => emit(2, `Warning: ${message}`);

  const timeLog = (name: string, label: unknown, data: unknown[]): boolean => {
    const key = `${label === undefined ? "default" : label}`;
    const start = timers.get(key);
    if (start === undefined) {
      warning(`No such label '${key}' for console.${name}()`);
      return false;
    }
    const elapsed = formatTime(deps.now() - start);
    const head = `${key}: ${elapsed}`;
    if (!data.every(isPrimitive)) emit(1, deps.format(["%s: %s", key, elapsed, ...data]));
    else emit(1, data.length === 0 ? head : `${head} ${joinRaw(data)}`);
    return true;
  };

  const table = (data: unknown, properties?: unknown) => {
    if (data === null || typeof data !== "object") return log(data);
    const isList = (v: unknown) => Array.isArray(v) || brand(taTag, v);
    const show = (v: unknown) => {
      const depth = v !== null && typeof v === "object" && !isList(v) && Object.keys(v).length > 2 ? -1 : 0;
      return deps.inspect(v, { depth, maxArrayLength: 3, breakLength: Number.POSITIVE_INFINITY });
    };
    const indices = (n: number) => Array.from({ length: n }, (_, i) => show(i));
    if (brand(mapSize, data)) {
      const keys: string[] = [];
      const values: string[] = [];
      for (const [k, v] of data as Map<unknown, unknown>) {
        keys.push(show(k));
        values.push(show(v));
      }
      return log(renderTable(["(iteration index)", "Key", "Values"], [indices(keys.length), keys, values]));
    }
    if (brand(setSize, data)) {
      const values = Array.from(data as Set<unknown>, show);
      return log(renderTable(["(iteration index)", "Values"], [indices(values.length), values]));
    }
    const props = Array.isArray(properties) ? (properties as PropertyKey[]) : undefined;
    const map: Record<PropertyKey, string[]> = Object.create(null);
    let hasPrimitives = false;
    const valuesColumn: string[] = [];
    const indexKeys = Object.keys(data);
    const record = data as Record<string, unknown>;
    for (let i = 0; i < indexKeys.length; i++) {
      const item = record[indexKeys[i] as string];
      const primitive = isPrimitive(item);
      if (props === undefined && primitive) {
        hasPrimitives = true;
        valuesColumn[i] = show(item);
      } else {
        for (const key of props ?? Object.keys(item as object)) {
          const column = map[key] ?? [];
          map[key] = column;
          const own = !primitive && hasOwn(item as object, key);
          column[i] = own ? show((item as Record<PropertyKey, unknown>)[key]) : "";
        }
      }
    }
    const head = ["(index)", ...Object.keys(map)];
    const columns = [indexKeys, ...Object.values(map)];
    if (hasPrimitives) {
      head.push("Values");
      columns.push(valuesColumn);
    }
    log(renderTable(head, columns));
  };

  const group: Fn = (...label) => {
    if (label.length > 0) log(...label);
    indent += "  ";
  };

  const noop: Fn = () => {};

  const methods = {
    log,
    info: log,
    debug: log,
    dirxml: log,
    warn,
    error: warn,
    trace: function trace(...args) {
      const message = args.length === 0 ? "" : formatArgs(args);
      const frames = nodeFrames(new Error().stack ?? "");
      emit(2, [message === "" ? "Trace" : `Trace: ${message}`, ...frames].join("\n"));
    },
    dir: (value, options) => emit(1, deps.inspect(value, { customInspect: false, ...(options as object) })),
    table,
    assert: (condition, ...args) => {
      if (condition) return;
      args[0] = `Assertion failed${args.length === 0 ? "" : `: ${String(args[0])}`}`;
      warn(...args);
    },
    count: (label = "default") => {
      const key = `${label}`;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      log(`${key}: ${n}`);
    },
    countReset: (label = "default") => {
      const key = `${label}`;
      if (!counts.has(key)) return warning(`Count for '${key}' does not exist`);
      counts.delete(key);
    },
    group,
    groupCollapsed: group,
    groupEnd: () => {
      indent = indent.slice(0, -2);
    },
    time: (label = "default") => {
      const key = `${label}`;
      if (timers.has(key)) return warning(`Label '${key}' already exists for console.time()`);
      timers.set(key, deps.now());
    },
    timeLog: (label?: unknown, ...data: unknown[]) => {
      timeLog("timeLog", label, data);
    },
    timeEnd: (label?: unknown) => {
      if (timeLog("timeEnd", label, [])) timers.delete(`${label === undefined ? "default" : label}`);
    },
    clear: noop,
    profile: noop,
    profileEnd: noop,
    timeStamp: noop,
  } satisfies Record<string, Fn>;
  return methods;
}
