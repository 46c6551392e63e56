// Fails the test during which the engine printed an assertion failure or an abort (emscripten prints them through
// console.error, bound when the engine's module is first evaluated, so this runs before any test file imports it).
// A runtime freed with live objects, for one, only shows up this way: the host catches the abort and goes on.
import { afterEach, expect } from "vitest";

const ENGINE_FAILURE = /Assertion failed|Aborted\(/;
const seen: string[] = [];

function watch(text: unknown): void {
  const line =
    typeof text === "string" ? text : text instanceof Uint8Array ? Buffer.from(text).toString() : "";
  if (ENGINE_FAILURE.test(line)) seen.push(line.slice(0, 300));
}

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

afterEach(() => {
  const printed = seen.splice(0);
  expect(printed, "the engine printed an assertion failure or an abort").toEqual([]);
});
