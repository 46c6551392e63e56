// The `deterministic` option: a frozen clock and a seeded Math.random for the guest.
//
// Within a run the guest's clocks do not move: Date.now(), new Date(), performance.now(), process.hrtime(),
// process.uptime(), console.time() and the in-memory files' times all read the run's frozen time. Between the runs of
// a session it advances: with `time`, the first run reads `time` and each later run RUN_STEP_MS more; without it, each
// run reads the host's time rounded down to a whole second (never less than the run before). performance.now() is
// the frozen time elapsed since the run (or the session) began, so it is 0 throughout a one-off run, and
// performance.timeOrigin is 0. Math.random is seeded from `seed` (default 0) when the context is made: a session's
// runs continue one sequence.
import type { ClockReading } from "../engine/clock.js";
import { InvalidOptionError } from "../errors.js";

export interface DeterministicOptions {
  /** Seeds Math.random (an integer from 0 to 2^53 - 1). Default 0. */
  seed?: number;
  /** What Date.now() reads in the first run, in milliseconds since the epoch. Default: the host's time in whole seconds. */
  time?: number;
}

export interface Deterministic {
  seed: number;
  time: number | undefined;
}

/** How far the frozen clock moves between the runs of a session when `time` is given. */
export const RUN_STEP_MS = 1000;
/** Without `time`, the host's time is read in steps this coarse. */
const COARSE_MS = 1000;
/** The largest time a Date can hold. */
const MAX_TIME_MS = 8.64e15;

function fail(message: string): never {
  throw new InvalidOptionError("deterministic", message);
}

/** Checks the option; undefined when it is off. */
export function checkDeterministic(value: unknown): Deterministic | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { seed: 0, time: undefined };
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    fail(`must be true, false or { seed?, time? }; got ${describe(value)}`);
  }
  const { seed, time, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    fail(`takes only seed and time; got ${unknown.map((k) => JSON.stringify(k)).join(", ")}`);
  if (seed !== undefined && !(Number.isSafeInteger(seed) && (seed as number) >= 0)) {
    fail(`seed must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}; got ${describe(seed)}`);
  }
  if (
    time !== undefined &&
    !(Number.isSafeInteger(time) && (time as number) >= 0 && (time as number) <= MAX_TIME_MS)
  ) {
    fail(
      `time must be an integer number of milliseconds since the epoch, from 0 to ${MAX_TIME_MS}; got ${describe(time)}`,
    );
  }
  return { seed: (seed as number | undefined) ?? 0, time: time as number | undefined };
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value == null) return String(value);
  return `a value of type ${typeof value}`;
}

const coarseHostTime = () => Math.floor(Date.now() / COARSE_MS) * COARSE_MS;

/**
 * The frozen clock of one run, or of one session across its runs (made again when the session is reset). Made when
 * the run's (or session's) files are, so seeded files carry the first run's time.
 */
export class FrozenClock {
  /** The frozen time of the run in progress (or the next one), in milliseconds since the epoch. */
  nowMs: number;
  private readonly originMs: number;
  private runs = 0;

  constructor(private readonly settings: Deterministic) {
    this.nowMs = settings.time ?? coarseHostTime();
    this.originMs = this.nowMs;
  }

  /** A run begins: the first keeps the clock's first time, each later one moves it on (never back). */
  beginRun(): void {
    if (this.runs++ === 0) return;
    this.nowMs =
      this.settings.time === undefined
        ? Math.max(this.nowMs, coarseHostTime())
        : Math.min(this.nowMs + RUN_STEP_MS, MAX_TIME_MS);
  }

  /** What the engine's clocks read during a run. */
  reading(): ClockReading {
    return { wallMs: this.nowMs, monotonicMs: this.nowMs - this.originMs };
  }

  /**
   * What the engine's clocks read while it makes the context: quickjs-ng seeds Math.random's xorshift64* state with
   * the wall clock in microseconds, so the wall clock then reads a value derived from the seed. The monotonic clock
   * reads 0, which becomes performance.timeOrigin.
   */
  seeding(): ClockReading {
    return { wallMs: seedMs(this.settings.seed), monotonicMs: 0 };
  }
}

/**
 * A seed spread over [1, 2^43) milliseconds by SplitMix64's finalizer, so near seeds give unrelated sequences; the
 * engine's state is this times 1000 (microseconds), exact in a double and never 0.
 */
function seedMs(seed: number): number {
  let z = BigInt.asUintN(64, BigInt(seed) + 0x9e3779b97f4a7c15n);
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  z ^= z >> 31n;
  return Number(z >> 21n) || 1;
}
