// Moving encoded values (JSON text plus binary buffers) across the handle boundary. Reading never runs guest code:
// the transport is a string, or an array whose own elements are a string and ArrayBuffers.
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten-core";
import type { Encoded } from "./codec.js";

export class TransportError extends Error {
  override name = "TransportError";
}

/** The transport holds more than the reader allows. */
export class TransportTooLarge extends TransportError {}

/** Reads a transport handle; throws TransportError when it is not one or is larger than maxBytes. */
export function readTransport(ctx: QuickJSContext, handle: QuickJSHandle, maxBytes: number): Encoded {
  const type = ctx.typeof(handle);
  if (type === "string") {
    const json = ctx.getString(handle);
    if (json.length > maxBytes) throw new TransportTooLarge(`encoding exceeds ${maxBytes} bytes`);
    return { json, buffers: [] };
  }
  const length = type === "object" ? arrayLength(ctx, handle) : undefined;
  if (length === undefined || length < 1) throw new TransportError("malformed transport");
  const head = ctx.getProp(handle, 0);
  let json: string;
  try {
    if (ctx.typeof(head) !== "string") throw new TransportError("malformed transport");
    json = ctx.getString(head);
  } finally {
    head.dispose();
  }
  let total = json.length;
  const buffers: ArrayBuffer[] = [];
  for (let i = 1; i < length; i++) {
    const item = ctx.getProp(handle, i);
    try {
      const view = ctx.getArrayBuffer(item);
      try {
        total += view.value.byteLength;
        if (total > maxBytes) throw new TransportTooLarge(`encoding exceeds ${maxBytes} bytes`);
        buffers.push(view.value.slice().buffer);
      } finally {
        view.dispose();
      }
    } finally {
      item.dispose();
    }
  }
  if (total > maxBytes) throw new TransportTooLarge(`encoding exceeds ${maxBytes} bytes`);
  return { json, buffers };
}

/**
 * The `length` of a guest array (a data property: reading it runs no guest code). Not ctx.getLength(): it reads its
 * result through a view of the engine's memory made when the context was, which is stale once the memory has grown.
 */
function arrayLength(ctx: QuickJSContext, handle: QuickJSHandle): number | undefined {
  const lengthHandle = ctx.getProp(handle, "length");
  try {
    if (ctx.typeof(lengthHandle) !== "number") return undefined;
    const length = ctx.getNumber(lengthHandle);
    return Number.isInteger(length) && length >= 0 ? length : undefined;
  } finally {
    lengthHandle.dispose();
  }
}

/** Builds a transport handle for the guest. The caller owns (and disposes) the returned handle. */
export function newTransport(ctx: QuickJSContext, encoded: Encoded): QuickJSHandle {
  if (encoded.buffers.length === 0) return ctx.newString(encoded.json);
  const array = ctx.newArray();
  const json = ctx.newString(encoded.json);
  ctx.setProp(array, 0, json);
  json.dispose();
  encoded.buffers.forEach((buffer, i) => {
    const item = ctx.newArrayBuffer(buffer);
    ctx.setProp(array, i + 1, item);
    item.dispose();
  });
  return array;
}

/**
 * A guest string read whole, or undefined when it holds a NUL character: the FFI's string read stops at the first
 * NUL, so a string whose own length is longer than what was read cannot be taken as read.
 */
export function readWholeString(ctx: QuickJSContext, handle: QuickJSHandle): string | undefined {
  const text = ctx.getString(handle);
  const lengthHandle = ctx.getProp(handle, "length");
  const length = ctx.getNumber(lengthHandle);
  lengthHandle.dispose();
  return length === text.length ? text : undefined;
}
