// What the host process prints or raises while the fuzzer runs: engine assertion failures and aborts (emscripten
// prints them through console.error; a worker's stderr is piped into process.stderr, so both are watched, as in
// test/helpers/engine-assertions.ts), and unhandled rejections or uncaught exceptions in the host.

const ENGINE_FAILURE = /Assertion failed|Aborted\(/;

export interface HostWatch {
  /** Engine failure lines and host exceptions seen since the last call. */
  take(): string[];
}

export function watchHost(): HostWatch {
  const seen: string[] = [];
  const watch = (text: unknown): void => {
    const line =
      typeof text === "string" ? text : text instanceof Uint8Array ? Buffer.from(text).toString() : "";
    if (ENGINE_FAILURE.test(line)) seen.push(`engine printed: ${line.slice(0, 500)}`);
  };
  const consoleError = console.error;
  console.error = (...args: unknown[]) => {
    for (const arg of args) watch(arg);
    consoleError.apply(console, args);
  };
  const stderrWrite = process.stderr.write;
  process.stderr.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    watch(chunk);
    return Reflect.apply(stderrWrite, this, [chunk, ...rest]) as boolean;
  } as typeof process.stderr.write;
  process.on("unhandledRejection", (reason) => {
    seen.push(`unhandled rejection in the host: ${describe(reason)}`);
  });
  process.on("uncaughtException", (error) => {
    seen.push(`uncaught exception in the host: ${describe(error)}`);
  });
  return { take: () => seen.splice(0) };
}

export function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}
