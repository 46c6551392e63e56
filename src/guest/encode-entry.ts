// Guest bundle "encode": copies guest values out and describes thrown values. It is evaluated in a second, pristine
// context of the run's runtime, so what it uses (JSON, Object.getOwnPropertyDescriptors, Map.prototype.forEach...)
// is untouched by whatever the program replaced in its own realm. It runs none of the value's own code: no getters,
// toJSON or toString.
import { toTransport } from "./transport.js";
import type { Transport } from "./types.js";

const { apply } = Reflect;
const objectToString = Object.prototype.toString;
const StringCtor = String;

export function encode(value: unknown, maxBytes: number): Transport {
  return toTransport(value, { maxBytes });
}

/** A copy of a thrown value the host can read: the error itself when it can be copied, else a plain description. */
export function describe(thrown: unknown): Transport {
  if (thrown !== null && typeof thrown === "object") {
    try {
      return toTransport(thrown, { maxDepth: 4, maxBytes: 65536 });
    } catch {
      return toTransport({
        name: "Error",
        message: `Uncaught ${apply(objectToString, thrown, []) as string}`,
      });
    }
  }
  const text = typeof thrown === "symbol" ? thrown.toString() : StringCtor(thrown);
  return toTransport({ name: "Error", message: `Uncaught ${text}` });
}
