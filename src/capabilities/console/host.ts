// Host half of console: collects what the guest writes to stdout and stderr, caps each stream at maxOutputBytes
// (UTF-8 bytes) with a visible marker, and forwards chunks to optional streaming callbacks.

export type StreamName = "stdout" | "stderr";

export interface OutputOptions {
  maxOutputBytes: number;
  onStdout?: ((chunk: string) => void) | undefined;
  onStderr?: ((chunk: string) => void) | undefined;
}

export function truncationMarker(limit: number): string {
  return `\n[cordon: output truncated at ${limit} bytes; raise maxOutputBytes to see more]\n`;
}

class Stream {
  private readonly parts: string[] = [];
  private bytes = 0;
  truncated = false;

  constructor(
    private readonly limit: number,
    private readonly callback: ((chunk: string) => void) | undefined,
    private readonly onCallbackError: (error: unknown) => void,
  ) {}

  write(text: string): void {
    if (this.truncated || text.length === 0) return;
    const size = utf8Length(text);
    if (this.bytes + size > this.limit) {
      const kept = cutToBytes(text, this.limit - this.bytes);
      this.truncated = true;
      this.bytes = this.limit;
      this.emit(kept + truncationMarker(this.limit));
      return;
    }
    this.bytes += size;
    this.emit(text);
  }

  private emit(chunk: string): void {
    if (chunk.length === 0) return;
    this.parts.push(chunk);
    if (this.callback) {
      try {
        this.callback(chunk);
      } catch (error) {
        this.onCallbackError(error);
      }
    }
  }

  text(): string {
    return this.parts.length === 1 ? this.parts[0]! : this.parts.join("");
  }
}

function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 2; // a surrogate pair is 2 units and 4 bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `budget` bytes, never splitting a surrogate pair. */
function cutToBytes(text: string, budget: number): string {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.codePointAt(i)!;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > budget) break;
    bytes += size;
    i += code >= 0x10000 ? 2 : 1;
  }
  return text.slice(0, i);
}

export class Output {
  readonly stdout: Stream;
  readonly stderr: Stream;
  /** The first error thrown by an onStdout/onStderr callback; run() rethrows it after the run. */
  callbackError: unknown;

  constructor(options: OutputOptions) {
    const onError = (error: unknown) => {
      this.callbackError ??= error;
    };
    this.stdout = new Stream(options.maxOutputBytes, options.onStdout, onError);
    this.stderr = new Stream(options.maxOutputBytes, options.onStderr, onError);
  }

  write(fd: number, text: string): void {
    (fd === 2 ? this.stderr : this.stdout).write(text);
  }
}
