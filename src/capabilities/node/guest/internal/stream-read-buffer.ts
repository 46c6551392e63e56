// Taking data out of a readable stream's buffer, after Node's lib/internal/streams/readable.js.
import { nodeError } from "./errors.js";
import { type BufferLike, lib, type RState } from "./stream-utils.js";

export function computeNewHighWaterMark(n: number) {
  if (n > 0x40000000)
    throw nodeError(
      RangeError,
      "ERR_OUT_OF_RANGE",
      `The value of "size" is out of range. It must be <= 1GiB. Received ${n}`,
    );
  n--;
  for (const s of [1, 2, 4, 8, 16]) n |= n >>> s;
  return n + 1;
}

export function howMuchToRead(n: number, state: RState): number {
  if (n <= 0 || (state.length === 0 && state.ended)) return 0;
  if (state.objectMode) return 1;
  if (Number.isNaN(n)) {
    if (state.flowing && state.length) return (state.buffer[state.bufferIndex] as { length: number }).length;
    return state.length;
  }
  if (n <= state.length) return n;
  return state.ended ? state.length : 0;
}

export function fromList(n: number, state: RState): unknown {
  if (state.length === 0) return null;
  let idx = state.bufferIndex;
  const buf = state.buffer as (BufferLike & string)[];
  const len = buf.length;
  let ret: unknown;
  if (state.objectMode) {
    ret = buf[idx];
    buf[idx++] = null as never;
  } else if (!n || n >= state.length) {
    if (state.decoder) {
      ret = buf.slice(idx).join("");
      idx = len;
    } else if (len - idx === 1) ret = buf[idx++];
    else {
      const out = lib.Buffer.allocUnsafe(state.length);
      let i = 0;
      for (; idx < len; idx++) {
        out.set(buf[idx]!, i);
        i += buf[idx]!.length;
      }
      ret = out;
    }
  } else if (n < buf[idx]!.length) {
    ret = buf[idx]!.slice(0, n);
    buf[idx] = buf[idx]!.slice(n) as never;
  } else if (n === buf[idx]!.length) ret = buf[idx++];
  else if (state.decoder) {
    let str = "";
    while (idx < len) {
      const s = buf[idx]!;
      if (n > s.length) {
        str += s;
        n -= s.length;
        idx++;
      } else {
        str += s.slice(0, n);
        buf[idx] = s.slice(n) as never;
        if (buf[idx]!.length === 0) idx++;
        break;
      }
    }
    ret = str;
  } else {
    const out = lib.Buffer.allocUnsafe(n);
    const total = n;
    while (idx < len) {
      const data = buf[idx]!;
      if (n >= data.length) {
        out.set(data, total - n);
        n -= data.length;
        idx++;
        if (n === 0) break;
      } else {
        out.set(data.subarray(0, n), total - n);
        buf[idx] = data.subarray(n) as never;
        break;
      }
    }
    ret = out;
  }
  if (idx === len) {
    state.buffer.length = 0;
    state.bufferIndex = 0;
  } else if (idx > 1024) {
    state.buffer.splice(0, idx);
    state.bufferIndex = 0;
  } else state.bufferIndex = idx;
  return ret;
}
