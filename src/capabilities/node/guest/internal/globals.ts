// Typed access to the guest globals the built-in modules use. The host installs most of them on first use, so
// they are read when needed, never at module creation.

export interface GuestProcess {
  env: Record<string, string | undefined>;
  cwd(): string;
  pid?: number;
  noDeprecation?: boolean;
  throwDeprecation?: boolean;
  emitWarning?: (message: string, type?: string, code?: string) => void;
  stderr?: { isTTY?: boolean; columns?: number };
}

export interface GuestGlobals {
  process: GuestProcess;
  console: { error(...args: unknown[]): void };
  [key: string]: unknown;
}

export const G = globalThis as unknown as GuestGlobals;

/** Prints a process warning as Node does (through `process.emitWarning` when the guest has one). */
export function emitWarning(message: string, type = "Warning", code?: string): void {
  const proc = G.process;
  if (typeof proc?.emitWarning === "function") proc.emitWarning(message, type, code);
  else G.console.error(`(node:${proc?.pid ?? 1}) ${code ? `[${code}] ` : ""}${type}: ${message}`);
}
