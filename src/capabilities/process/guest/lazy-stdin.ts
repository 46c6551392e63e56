// process.stdin before its first real use: a plain object (fd 0, not a TTY) whose prototype is a proxy. The first
// property of the stream API read, set or tested through it (on, pipe, setEncoding, Symbol.asyncIterator...) asks the
// host for the "process:stdin" bundle, which turns this very object into the Readable in place. So taking the object
// costs nothing (`import { env } from "node:process"` reads every export of process, stdin included), and a program
// that holds on to it early still holds the stream.
import type { Op } from "../../../guest/types.js";

export function lazyStdin(op: Op): object {
  const stdin: Record<string, unknown> = {
    fd: 0,
    isTTY: false,
    // A socket's methods, harmless on a buffer (no setRawMode: stdin is not a TTY).
    ref: () => stdin,
    unref: () => stdin,
  };
  let started = false;
  /** The stream once made (null when making it failed: the error went to the first caller). */
  const real = (): object | null => {
    if (!started) {
      started = true;
      (op("processStdin") as { setup(target: object): void }).setup(stdin);
    }
    return Object.getPrototypeOf(stdin) === hook ? null : stdin;
  };
  const hook: object = new Proxy(Object.create(null) as object, {
    get: (_target, key) => {
      const s = real();
      return s ? Reflect.get(s, key) : undefined;
    },
    set: (_target, key, value) => {
      const s = real();
      return s ? Reflect.set(s, key, value) : false;
    },
    has: (_target, key) => {
      const s = real();
      return s ? key in s : false;
    },
    getPrototypeOf: () => {
      const s = real();
      return s ? Object.getPrototypeOf(s) : null;
    },
  });
  Object.setPrototypeOf(stdin, hook);
  return stdin;
}
