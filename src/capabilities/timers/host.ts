// Host half of timers: due times, the cap on concurrent timers, and the order timers fire in.
// Callbacks stay in the guest; the host only tells the guest which timer id is due.
import type { QuickJSHandle } from "quickjs-emscripten-core";
import { type GuestApi, GuestThrew } from "../../engine/guest-api.js";

interface Scheduled {
  due: number;
  seq: number;
  ref: boolean;
}

export class TimerTable {
  private readonly timers = new Map<number, Scheduled>();
  private seq = 0;

  constructor(private readonly maxTimers: number) {}

  /** Schedules (or reschedules) timer `id` to fire `delay` ms from `now`. Throws when the cap is reached. */
  schedule(id: number, delay: number, now: number): void {
    const existing = this.timers.get(id);
    if (!existing && this.timers.size >= this.maxTimers) {
      throw new RangeError(`too many pending timers: at most ${this.maxTimers} (option maxTimers)`);
    }
    this.timers.set(id, { due: now + delay, seq: this.seq++, ref: existing ? existing.ref : true });
  }

  clear(id: number): void {
    this.timers.delete(id);
  }

  setRef(id: number, ref: boolean): void {
    const timer = this.timers.get(id);
    if (timer) timer.ref = ref;
  }

  /** True while a timer that keeps the run alive (not unref'd) is pending. */
  get hasRef(): boolean {
    for (const timer of this.timers.values()) if (timer.ref) return true;
    return false;
  }

  /** Earliest due time of a pending timer, or Infinity. */
  nextDue(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const timer of this.timers.values()) if (timer.due < next) next = timer.due;
    return next;
  }

  /** Removes and returns the ids due at `now`, in firing order. */
  takeDue(now: number): number[] {
    const due: [number, Scheduled][] = [];
    for (const entry of this.timers) if (entry[1].due <= now) due.push(entry);
    if (due.length === 0) return [];
    due.sort((a, b) => a[1].due - b[1].due || a[1].seq - b[1].seq);
    for (const [id] of due) this.timers.delete(id);
    return due.map(([id]) => id);
  }

  clearAll(): void {
    this.timers.clear();
  }
}

const TIMER_GLOBALS = [
  "setTimeout",
  "setInterval",
  "setImmediate",
  "clearTimeout",
  "clearInterval",
  "clearImmediate",
];

/** Installs the timer globals (lazily) and the ops their guest half calls. Returns `fire(id)` for the event loop. */
export function installTimers(
  guest: GuestApi,
  table: TimerTable,
  now: () => number,
): { fire(id: number): void } {
  const ctx = guest.ctx;
  let timers: QuickJSHandle | undefined;
  let fireFn: QuickJSHandle | undefined;
  const load = (): QuickJSHandle => {
    if (!timers) {
      timers = guest.keep(guest.callBundle("timers", "create", [guest.op()], []));
      fireFn = guest.keep(ctx.getProp(timers, "fire"));
    }
    return timers;
  };
  guest.registerOp("timer", (id, delay) => {
    table.schedule(ctx.getNumber(id!), ctx.getNumber(delay!), now());
    return undefined;
  });
  guest.registerOp("clearTimer", (id) => {
    table.clear(ctx.getNumber(id!));
    return undefined;
  });
  guest.registerOp("timerRef", (id, ref) => {
    table.setRef(ctx.getNumber(id!), ctx.dump(ref!) === true);
    return undefined;
  });
  for (const name of TIMER_GLOBALS) {
    guest.defineLazyFunction(name, () => {
      const globals = ctx.getProp(load(), "globals");
      try {
        return ctx.getProp(globals, name);
      } finally {
        globals.dispose();
      }
    });
  }
  return {
    fire(id: number) {
      if (!fireFn) return;
      const idHandle = ctx.newNumber(id);
      try {
        const result = ctx.callFunction(fireFn, ctx.undefined, idHandle);
        if (result.error) throw new GuestThrew(result.error);
        result.value.dispose();
      } finally {
        idHandle.dispose();
      }
    },
  };
}
