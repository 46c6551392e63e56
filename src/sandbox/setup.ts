// Building what a run or a session needs from its options: the virtual filesystem, the fetcher, the environment.
import { VirtualFs } from "../capabilities/fs/vfs.js";
import type { TransformCache } from "../capabilities/modules/transform-cache.js";
import { type NamespaceTransform, TypeScriptHost } from "../capabilities/modules/typescript.js";
import { createFetcher, type Fetcher } from "../capabilities/net/transport.js";
import type { Cell } from "../engine/cell.js";
import { nodeCrypto } from "../platform/node.js";
import { nodeHostDirectory } from "../platform/node-fs.js";
import { nodeConnector, nodeResolver } from "../platform/node-net.js";
import { hostHasPackage, packageMounts } from "../platform/node-packages.js";
import { FrozenClock } from "./deterministic.js";
import { Environment, type ProgramKind } from "./environment.js";
import type { ResolvedOptions } from "./options.js";

/**
 * A run on the caller's thread shares that thread's native stack with the engine. Deep guest recursion must hit the
 * engine's own stack check before the host's, so inline runs cap the engine stack at this size.
 */
export const INLINE_MAX_STACK_BYTES = 256 * 1024;

/** What a caller on another thread (a pool worker) may add to a run. Not part of the public API. */
export interface InternalRunOptions {
  /** Engine stack cap (default: what the main thread's native stack carries). */
  maxStackBytes?: number;
  /** Shared flag: non-zero stops the run at the engine's next check (AbortError). */
  interruptFlag?: Int32Array;
  /** The sandbox's TypeScript transform cache (default: none shared; each environment has its own). */
  transforms?: TransformCache;
  /** Where esbuild transforms TypeScript namespaces (default: this thread; see typescript.ts). */
  namespaces?: NamespaceTransform;
}

/** The frozen clock of a run (or a session) with the `deterministic` option; undefined without it. */
export function newClock(options: ResolvedOptions): FrozenClock | undefined {
  return options.deterministic && new FrozenClock(options.deterministic);
}

/**
 * The filesystem a run (or a session) sees: seeded files, mounts, host packages. With a frozen clock, in-memory
 * entries take their times from it.
 */
export function newVirtualFs(options: ResolvedOptions, clock?: FrozenClock): VirtualFs {
  const mounts =
    options.packages.length > 0
      ? [...(options.mounts ?? []), ...packageMounts(options.packages)]
      : options.mounts;
  return new VirtualFs(
    {
      files: options.files,
      mounts,
      cwd: options.cwd,
      maxFsBytes: options.maxFsBytes,
      maxFiles: options.maxFiles,
      // What the guest could hold at most: a larger file is refused before the host reads it.
      maxReadBytes: options.memoryLimitBytes,
      ...(clock && { now: () => clock.nowMs }),
    },
    nodeHostDirectory,
  );
}

export function newFetcher(options: ResolvedOptions): Fetcher {
  return createFetcher(options.network, { resolve: nodeResolver, connect: nodeConnector });
}

/** An environment in `cell` for `options` (the caller disposes it). */
export function newEnvironment(
  cell: Cell,
  options: ResolvedOptions,
  vfs: VirtualFs,
  mode: "run" | "session",
  internal: InternalRunOptions = {},
  /** A one-off run's entry kind: an ES module gets no CommonJS globals. */
  kind?: ProgramKind,
  /** The frozen clock (the `deterministic` option), made with the files. */
  clock?: FrozenClock,
): Environment {
  return new Environment({
    cell,
    options,
    stackSizeBytes: Math.min(options.stackSizeBytes, internal.maxStackBytes ?? INLINE_MAX_STACK_BYTES),
    vfs,
    typescript: new TypeScriptHost(internal.transforms, internal.namespaces),
    crypto: nodeCrypto,
    interruptFlag: internal.interruptFlag,
    mode,
    esm: kind === "module",
    hostHasPackage,
    clock,
  });
}
