// The engine's clocks, held at the WebAssembly boundary. The engine reads time only through imports of its wasm
// module: the wall clock (emscripten_date_now, milliseconds: Date, `new Date()`, and Math.random's seed, which
// quickjs-ng takes from the wall clock when a context is made), clock_time_get (nanoseconds: CLOCK_MONOTONIC behind
// performance.now() and performance.timeOrigin, shifted to count from the epoch so that it tells nothing of the host
// process's age), and localtime (the host's time zone, behind Date's local-time
// methods). A cell's EngineClock wraps them: while `frozen` is set the clocks read it and local time is UTC;
// otherwise they are the host's. Nothing inside the engine can reach around an import, so a guest cannot restore a
// real clock from anywhere.
//
// The build minifies import names, so the imports are recognised by what they do (their source), not their name. If
// they cannot all be found (a changed engine build), `controlled` is false and the caller refuses to freeze time.

/** What the engine's clocks read while frozen, in milliseconds (integers). */
export interface ClockReading {
  /** The wall clock: milliseconds since the epoch. */
  wallMs: number;
  /** The monotonic clock (performance.now() is this minus its value when the context was made). */
  monotonicMs: number;
}

type ImportFunction = (...args: never[]) => unknown;
type ImportObject = Record<string, Record<string, unknown>>;
type Found = { namespace: Record<string, unknown>; name: string; fn: ImportFunction };

/** clock_time_get's result for a clock id it does not know (WASI's EINVAL). */
const EINVAL = 28;
const NS_PER_MS = 1_000_000n;
const MS_PER_DAY = 86_400_000;
/** The epoch time of the host's monotonic clock's zero (fixed once, so the shifted clock stays monotonic). */
const EPOCH_OFFSET_MS = Date.now() - performance.now();

const RECOGNISE = {
  wall: (_fn: ImportFunction, source: string) =>
    /^(?:function\s*\(\)\s*\{\s*return\s*|\(\)\s*=>\s*)Date\.now\(\)/.test(source),
  clockTimeGet: (fn: ImportFunction, source: string) =>
    fn.length === 3 &&
    /Date\.now\(\)/.test(source) &&
    /performance\.now\(\)/.test(source) &&
    /BigInt/.test(source),
  localtime: (fn: ImportFunction, source: string) =>
    fn.length === 2 && /getTimezoneOffset/.test(source) && /getFullYear\(\)\s*-\s*1900/.test(source),
};
type Role = keyof typeof RECOGNISE;

export class EngineClock {
  /** While set, the engine's clocks read this (and local time is UTC) instead of the host's. */
  frozen: ClockReading | undefined;
  /** Whether every clock import was found and wrapped: only then can time be frozen. */
  controlled = false;

  /** Wraps the clock imports in `imports` (the object the wasm module is instantiated with). */
  hook(imports: ImportObject, memory: WebAssembly.Memory): void {
    const found = findImports(imports);
    if (!found) return;
    const view = () => new DataView(memory.buffer);
    const hostWall = found.wall.fn as () => number;
    found.wall.namespace[found.wall.name] = () => this.frozen?.wallMs ?? hostWall();

    const hostTime = found.clockTimeGet.fn as (clockId: number, precision: bigint, out: number) => number;
    found.clockTimeGet.namespace[found.clockTimeGet.name] = (
      clockId: number,
      precision: bigint,
      out: number,
    ) => {
      const frozen = this.frozen;
      if (clockId < 0 || clockId > 3) return EINVAL;
      if (!frozen) {
        if (clockId === 0) return hostTime(clockId, precision, out);
        // The host's monotonic clock counts from the host process's start: read from the epoch instead, so the
        // guest's performance.timeOrigin is a time (as in Node), not the age of the host process.
        const ns = BigInt(Math.round((performance.now() + EPOCH_OFFSET_MS) * 1e6));
        view().setBigInt64(out >>> 0, ns, true);
        return 0;
      }
      // Clock 0 is the wall clock; 1 to 3 (monotonic, process and thread CPU time) all read the monotonic value.
      const ms = clockId === 0 ? frozen.wallMs : frozen.monotonicMs;
      view().setBigInt64(out >>> 0, BigInt(ms) * NS_PER_MS, true);
      return 0;
    };

    const hostLocaltime = found.localtime.fn as (time: bigint, tm: number) => void;
    found.localtime.namespace[found.localtime.name] = (time: bigint, tm: number) => {
      if (!this.frozen) return hostLocaltime(time, tm);
      writeUtcTm(view(), tm >>> 0, time);
    };
    this.controlled = true;
  }
}

/** Each clock import, found exactly once; undefined when any is missing or ambiguous. */
function findImports(imports: ImportObject): Record<Role, Found> | undefined {
  const found: Partial<Record<Role, Found>> = {};
  const roles = Object.keys(RECOGNISE) as Role[];
  for (const namespace of Object.values(imports)) {
    for (const [name, value] of Object.entries(namespace)) {
      if (typeof value !== "function") continue;
      const fn = value as ImportFunction;
      const source = Function.prototype.toString.call(fn);
      for (const role of roles) {
        if (!RECOGNISE[role](fn, source)) continue;
        if (found[role]) return undefined;
        found[role] = { namespace, name, fn };
      }
    }
  }
  return roles.every((role) => found[role]) ? (found as Record<Role, Found>) : undefined;
}

/** Fills the C `struct tm` at `tm` with `time` (seconds since the epoch) in UTC, as localtime_r would in UTC. */
function writeUtcTm(view: DataView, tm: number, time: bigint): void {
  const date = new Date(Number(time) * 1000);
  const year = date.getUTCFullYear();
  const fields = [
    date.getUTCSeconds(),
    date.getUTCMinutes(),
    date.getUTCHours(),
    date.getUTCDate(),
    date.getUTCMonth(),
    year - 1900,
    date.getUTCDay(),
    Math.floor((date.getTime() - Date.UTC(year, 0, 1)) / MS_PER_DAY), // tm_yday
    0, // tm_isdst
    0, // tm_gmtoff
  ];
  for (const [i, value] of fields.entries()) view.setInt32(tm + i * 4, value | 0, true);
}
