// Keeps ready cells per memory limit. A cell goes back to the pool only if it is healthy and its memory stayed
// under the retention budget; anything else is dropped and reclaimed by the garbage collector.
import { Cell } from "./cell.js";

export interface CellPoolOptions {
  /** Ready cells kept per memory limit. */
  maxIdlePerLimit?: number;
  /** A cell whose linear memory grew past this many bytes is discarded instead of reused. */
  retainBytes?: number;
}

export class CellPool {
  private readonly idle = new Map<number, Cell[]>();
  private readonly wasmModule: () => Promise<WebAssembly.Module>;
  private readonly maxIdle: number;
  private readonly retainBytes: number;
  private disposed = false;

  constructor(wasmModule: () => Promise<WebAssembly.Module>, options: CellPoolOptions = {}) {
    this.wasmModule = wasmModule;
    this.maxIdle = options.maxIdlePerLimit ?? 4;
    this.retainBytes = options.retainBytes ?? 32 * 1024 * 1024;
  }

  async acquire(limitBytes: number): Promise<Cell> {
    const ready = this.idle.get(limitBytes)?.pop();
    if (ready) return ready;
    return Cell.create(await this.wasmModule(), limitBytes);
  }

  release(cell: Cell, requestedLimit: number): void {
    if (this.disposed || cell.broken || cell.outOfMemory || cell.byteLength > this.retainBytes) return;
    let list = this.idle.get(requestedLimit);
    if (!list) {
      list = [];
      this.idle.set(requestedLimit, list);
    }
    if (list.length < this.maxIdle) list.push(cell);
  }

  /** Number of idle cells held (all limits). */
  get size(): number {
    let n = 0;
    for (const list of this.idle.values()) n += list.length;
    return n;
  }

  dispose(): void {
    this.disposed = true;
    this.idle.clear();
  }
}
