// Guest `process`: a small, virtual Node-like process object. Nothing here reads the host's environment;
// `env`, `argv` and `cwd` come from the run's options.
import type { Op } from "../../../guest/types.js";

export interface ProcessConfig {
  env: Record<string, string>;
  argv: string[];
  cwd: string;
}

const NODE_VERSION = "v20.20.0";

export function createProcess(op: Op, config: ProcessConfig) {
  const write = (fd: 1 | 2) => (chunk: unknown, encoding?: unknown, callback?: unknown) => {
    op("write", fd, typeof chunk === "string" ? chunk : String(chunk));
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") queueMicrotask(() => done());
    return true;
  };
  /** A write-only stream shape: enough for pipe()/pipeline() into process.stdout. */
  const stream = (fd: 1 | 2) => {
    const self: Record<string, unknown> = {
      fd,
      isTTY: false,
      writable: true,
      write: write(fd),
      end: (chunk?: unknown, encoding?: unknown, callback?: unknown) => {
        if (chunk !== undefined && chunk !== null && typeof chunk !== "function")
          write(fd)(chunk, encoding, callback);
        return self;
      },
    };
    for (const name of [
      "on",
      "once",
      "off",
      "addListener",
      "removeListener",
      "prependListener",
      "removeAllListeners",
    ]) {
      self[name] = () => self;
    }
    self.emit = () => false;
    self.listenerCount = () => 0;
    return self;
  };
  const start = performance.now();
  const listeners = new Map<string, Function[]>();

  const proc = {
    env: { ...config.env } as Record<string, string>,
    argv: config.argv.slice(),
    argv0: "node",
    execArgv: [] as string[],
    execPath: "/usr/local/bin/node",
    exitCode: undefined as number | undefined,
    pid: 1,
    ppid: 0,
    title: "cordon",
    platform: "linux",
    arch: "x64",
    version: NODE_VERSION,
    versions: { node: NODE_VERSION.slice(1) } as Record<string, string>,
    release: { name: "node" },
    stdout: stream(1),
    stderr: stream(2),
    cwd: () => config.cwd,
    exit(code?: unknown): never {
      const n = code === undefined ? (proc.exitCode ?? 0) : Number(code);
      op("exit", Number.isInteger(n) ? n : 1);
      // The host interrupts the engine at its next check; nothing after exit() runs.
      for (;;) {}
    },
    nextTick(fn: Function, ...args: unknown[]) {
      if (typeof fn !== "function") throw new TypeError('The "callback" argument must be of type function');
      queueMicrotask(() => fn(...args));
    },
    hrtime: Object.assign(
      (prev?: [number, number]) => {
        const ns = Math.round(performance.now() * 1e6);
        let s = Math.floor(ns / 1e9);
        let n = ns % 1e9;
        if (prev) {
          s -= prev[0];
          n -= prev[1];
          if (n < 0) {
            s -= 1;
            n += 1e9;
          }
        }
        return [s, n];
      },
      { bigint: () => BigInt(Math.round(performance.now() * 1e6)) },
    ),
    uptime: () => (performance.now() - start) / 1000,
    on(event: string, fn: Function) {
      const list = listeners.get(event) ?? [];
      list.push(fn);
      listeners.set(event, list);
      return proc;
    },
    off(event: string, fn: Function) {
      const list = listeners.get(event);
      if (list)
        listeners.set(
          event,
          list.filter((f) => f !== fn),
        );
      return proc;
    },
    emit(event: string, ...args: unknown[]) {
      const list = listeners.get(event);
      if (!list || list.length === 0) return false;
      for (const fn of list.slice()) fn(...args);
      return true;
    },
    listenerCount: (event: string) => listeners.get(event)?.length ?? 0,
  };
  const full = Object.assign(proc, {
    once: proc.on,
    addListener: proc.on,
    removeListener: proc.off,
    removeAllListeners: () => {
      listeners.clear();
      return proc;
    },
  });
  // process.stdin comes from the host (the "process:stdin" bundle) on first read: cheap until used as a stream.
  const own = (value: unknown) =>
    Object.defineProperty(full, "stdin", { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(full, "stdin", {
    enumerable: true,
    configurable: true,
    get() {
      const stdin = op("processStdin");
      own(stdin);
      return stdin;
    },
    set: own,
  });
  return full as typeof full & { stdin: unknown };
}
