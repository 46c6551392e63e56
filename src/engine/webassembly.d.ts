// The part of the WebAssembly JS API the engine uses (Node's type definitions do not declare it).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: ArrayBuffer | ArrayBufferView);
  }
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  function compile(bytes: ArrayBuffer | ArrayBufferView): Promise<Module>;
}
