// Guest side of the copy boundary: codec results to and from the transport form that crosses to the host.
// Loops instead of spreads, so a guest that replaced Array.prototype[Symbol.iterator] does not break the copy.
import type { Transport } from "./types.js";
import { type DecodeOptions, decode, type EncodeOptions, encode } from "../engine/codec.js";

const { isArray } = Array;

export function toTransport(value: unknown, options?: EncodeOptions): Transport {
  const { json, buffers } = encode(value, options);
  if (buffers.length === 0) return json;
  const out: [string, ...ArrayBuffer[]] = [json];
  for (let i = 0; i < buffers.length; i++) out[i + 1] = buffers[i]!;
  return out;
}

export function fromTransport(transport: Transport, options?: DecodeOptions): unknown {
  if (!isArray(transport)) return decode({ json: transport, buffers: [] }, options);
  const buffers: ArrayBuffer[] = [];
  for (let i = 1; i < transport.length; i++) buffers[i - 1] = transport[i] as ArrayBuffer;
  return decode({ json: transport[0], buffers }, options);
}
