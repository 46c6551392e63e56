// Shapes shared by the guest halves of the capabilities. This code runs inside QuickJS.

/** The single host entry point handed to the guest bootstrap: `op(name, ...args)`. */
export type Op = (name: string, ...args: unknown[]) => unknown;

/** What crosses the boundary for a copied value: JSON text alone, or [JSON text, ...ArrayBuffers]. */
export type Transport = string | [string, ...ArrayBuffer[]];
