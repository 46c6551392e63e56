// Guest bundle "codec": copies values across the boundary and describes thrown values, without running any of the
// value's own code (no getters, toJSON or toString).
import type { Transport } from "./types.js";
import { fromTransport, toTransport } from "./transport.js";

const { apply } = Reflect;
const objectToString = Object.prototype.toString;
const StringCtor = String;

export function encode(value: unknown, maxBytes: number): Transport {
  return toTransport(value, { maxBytes });
}

export function decode(transport: Transport): unknown {
  return fromTransport(transport);
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
