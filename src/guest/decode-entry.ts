// Guest bundle "decode": rebuilds host values inside the program's own realm (so they are its Maps, Dates, Errors).
import { fromTransport } from "./transport.js";
import type { Transport } from "./types.js";

export function decode(transport: Transport): unknown {
  return fromTransport(transport);
}
