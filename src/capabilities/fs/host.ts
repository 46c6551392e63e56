// Host half of fs: the operations the guest's node:fs calls. Every call goes through the VirtualFs, which checks the
// path policy and quotas on the host; bytes cross as ArrayBuffers, structured answers as JSON text.
import type { QuickJSHandle } from "quickjs-emscripten-core";
import type { GuestApi } from "../../engine/guest-api.js";
import { readWholeString } from "../../engine/marshal.js";
import { FsError } from "./errors.js";
import type { VirtualFs } from "./vfs.js";

const encoder = new TextEncoder();
/** Node's syscall names for the operations whose name differs. */
const SYSCALLS: Record<string, string> = { readFile: "open", writeFile: "open", readdir: "scandir" };

export function installFsOps(guest: GuestApi, vfs: VirtualFs, stdin: () => Uint8Array): void {
  const ctx = guest.ctx;
  // A path holding a NUL byte is refused (read plainly, it would reach the host cut short at the NUL).
  // Every path the guest names is checked against import-only mounts (readable by the module loader only).
  let syscall = "open";
  const text = (h: QuickJSHandle | undefined) => {
    const value = readWholeString(ctx, h!);
    if (value === undefined) throw new FsError("EINVAL", "open", ctx.getString(h!));
    vfs.checkGuestAccess(value, syscall);
    return value;
  };
  const flag = (h: QuickJSHandle | undefined) => h !== undefined && ctx.dump(h) === true;
  const bytes = (h: QuickJSHandle | undefined): Uint8Array => {
    if (ctx.typeof(h!) === "string") return encoder.encode(ctx.getString(h!));
    const view = ctx.getArrayBuffer(h!);
    try {
      return view.value.slice();
    } finally {
      view.dispose();
    }
  };
  const str = (value: string) => ctx.newString(value);
  const buffer = (data: Uint8Array) =>
    ctx.newArrayBuffer(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));

  /** Bytes as a guest string in a Node encoding, or as an ArrayBuffer when no encoding is asked for. */
  const answer = (data: Uint8Array, encodingHandle: QuickJSHandle | undefined) => {
    if (!encodingHandle || ctx.typeof(encodingHandle) !== "string") return buffer(data);
    return str(
      Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString(
        ctx.getString(encodingHandle) as BufferEncoding,
      ),
    );
  };
  guest.registerOp("stdin", (encoding) => answer(stdin(), encoding));
  guest.registerOp("fs", (method, a, b, c, d) => {
    const name = ctx.getString(method!);
    syscall = SYSCALLS[name] ?? name;
    if (name === "exists") {
      try {
        return vfs.exists(text(a)) ? ctx.true : ctx.false;
      } catch (error) {
        if (error instanceof FsError && error.code === "EACCES") return ctx.false;
        throw error;
      }
    }
    switch (name) {
      case "readFile":
        return answer(vfs.readFile(text(a)), b);
      case "writeFile":
        vfs.writeFile(text(a), bytes(b), { append: flag(c), exclusive: flag(d) });
        return undefined;
      case "readdir":
        return str(JSON.stringify(vfs.readdir(text(a))));
      case "stat":
        return str(JSON.stringify(vfs.stat(text(a))));
      case "lstat":
        return str(JSON.stringify(vfs.lstat(text(a))));
      case "access":
        vfs.access(text(a), ctx.getNumber(b!));
        return undefined;
      case "mkdir": {
        // A deep recursive mkdir stops at its level where the run's deadline passes.
        const created = vfs.mkdir(text(a), { recursive: flag(b), check: () => guest.checkOpen() });
        return created === undefined ? undefined : str(created);
      }
      case "rm":
        vfs.rm(text(a), { recursive: flag(b), force: flag(c) });
        return undefined;
      case "rmdir":
        vfs.rmdir(text(a), { recursive: flag(b) });
        return undefined;
      case "unlink":
        vfs.unlink(text(a));
        return undefined;
      case "rename":
        vfs.rename(text(a), text(b));
        return undefined;
      case "copyFile":
        vfs.copyFile(text(a), text(b), { exclusive: flag(c) });
        return undefined;
      case "realpath":
        return str(vfs.realpath(text(a)));
      case "chdir":
        vfs.chdir(text(a));
        return undefined;
      default:
        throw new TypeError(`unknown fs operation ${name}`);
    }
  });
}
