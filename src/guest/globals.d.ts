// Ambient declarations for code that runs inside the QuickJS guest (ES2023 plus what quickjs-ng provides).
declare function queueMicrotask(fn: () => void): void;
declare const performance: { now(): number };
