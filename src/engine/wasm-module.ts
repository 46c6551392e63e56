// The engine's compiled WebAssembly module: compiled once per process from bytes a platform loader provides.

export type WasmBytesLoader = () => Promise<Uint8Array | ArrayBuffer>;

export function memoizedModule(load: WasmBytesLoader): () => Promise<WebAssembly.Module> {
  let compiled: Promise<WebAssembly.Module> | undefined;
  return () => {
    compiled ??= load().then((bytes) => WebAssembly.compile(bytes));
    compiled.catch(() => {
      compiled = undefined;
    });
    return compiled;
  };
}
