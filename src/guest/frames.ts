// Stack frame lines as the engine writes them, turned into Node's: the sandbox's own frames (its bundles, named
// "cordon:…", and the host-operation function "op") are dropped, and top-level code is named by its file alone.
// Shared by the guest bundles and the host (no built-in a program could replace is needed on the host side).

/** Whether an engine frame line belongs to the sandbox itself. */
export function isInternalFrame(line: string): boolean {
  return line.includes("cordon:") || /^\s+at op \(native\)$/.test(line);
}

/** The engine's frame lines of `stack` (without internal ones), in Node's shape. */
export function nodeFrames(stack: string): string[] {
  const frames: string[] = [];
  for (const line of stack.split("\n")) {
    if (!/^\s+at /.test(line) || isInternalFrame(line)) continue;
    frames.push(line.replace(/^(\s+at )(?:<eval>|<anonymous>) \((.*)\)$/, "$1$2"));
  }
  return frames;
}
