// A cell: one QuickJS wasm instance with its own bounded linear memory. Runs get a fresh runtime and context inside
// a cell; the cell itself is reused only while it is healthy and small.
import variant from "@jitl/quickjs-ng-wasmfile-release-sync";
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from "quickjs-emscripten-core";
import { EngineClock } from "./clock.js";

// The package's ESM entry default-exports the variant; its type declarations describe the CommonJS shape.
const base = variant as unknown as QuickJSSyncVariant;

export const WASM_PAGE = 65536;
/** The engine's wasm module declares 256 pages (16 MiB) as its smallest memory. */
export const MIN_CELL_BYTES = 256 * WASM_PAGE;

/**
 * Emscripten's heap growth tries `memory.grow()` three times with shrinking overshoot before it reports failure to
 * malloc. Three failures in a row, with no success in between, mean an allocation could not be satisfied.
 */
const GROW_ATTEMPTS_PER_ALLOCATION = 3;

export class Cell {
  readonly engine: QuickJSWASMModule;
  readonly memory: WebAssembly.Memory;
  readonly limitBytes: number;
  /** Set when an allocation failed for lack of memory; sticky for the cell's life. */
  outOfMemory = false;
  /** Set when the engine misbehaved (abort, host stack overflow, failed dispose); the cell is never reused. */
  broken = false;
  runs = 0;
  /** The engine's clocks: the host's, or a frozen time (deterministic runs). */
  readonly clock: EngineClock;

  private constructor(
    engine: QuickJSWASMModule,
    memory: WebAssembly.Memory,
    limitBytes: number,
    clock: EngineClock,
  ) {
    this.engine = engine;
    this.memory = memory;
    this.limitBytes = limitBytes;
    this.clock = clock;
  }

  static async create(wasmModule: WebAssembly.Module, limitBytes: number): Promise<Cell> {
    const pages = Math.max(256, Math.floor(limitBytes / WASM_PAGE));
    const memory = new WebAssembly.Memory({ initial: 256, maximum: pages });
    let cell: Cell | undefined;
    let failures = 0;
    const grow = memory.grow.bind(memory);
    memory.grow = (delta: number): number => {
      try {
        const previous = grow(delta);
        failures = 0;
        return previous;
      } catch (error) {
        failures += 1;
        if (failures >= GROW_ATTEMPTS_PER_ALLOCATION && cell) cell.outOfMemory = true;
        throw error;
      }
    };
    const clock = new EngineClock();
    const variant = newVariant(base, {
      wasmMemory: memory,
      emscriptenModule: {
        // Instantiated here (not through the `wasmModule` option) to put the engine's clock imports under the cell.
        // Synchronously: a failure then rejects the module's start instead of leaving it waiting.
        instantiateWasm(imports, onSuccess) {
          clock.hook(imports, memory);
          const instance = new WebAssembly.Instance(wasmModule, imports);
          onSuccess(instance);
          return instance.exports;
        },
      },
    });
    const engine = await newQuickJSWASMModuleFromVariant(variant);
    cell = new Cell(engine, memory, pages * WASM_PAGE, clock);
    return cell;
  }

  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }
}
