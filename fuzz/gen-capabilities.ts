// Statements that use the sandbox's capabilities for the grammar-based generator: console, built-in modules, files,
// timers, host functions, work that leans on the limits, and changes to built-ins.
import { type Ctx, expr, oddObject, oneOf, sync } from "./gen-expr.js";
import { callback, throwable } from "./gen-stmt.js";

export function consoleUse(c: Ctx): string {
  const r = c.rng;
  const method = r.pick([
    "log",
    "log",
    "error",
    "warn",
    "info",
    "table",
    "dir",
    "trace",
    "count",
    "group",
    "assert",
    "time",
  ]);
  return `console.${method}(${r.chance(0.3) ? `${r.pick(['"%s %d %i %f %j %o %O %c"', '"%o"', '"%s"'])}, ` : ""}${expr(c)}, ${expr(c)});`;
}

const MODULES = [
  "fs",
  "path",
  "buffer",
  "events",
  "util",
  "crypto",
  "os",
  "url",
  "querystring",
  "string_decoder",
  "assert",
  "timers",
  "stream",
  "fs/promises",
  "child_process",
  "http",
  "vm",
  "worker_threads",
  "nope",
];

export function moduleUse(c: Ctx): string {
  const r = c.rng;
  const name = `${r.chance(0.7) ? "node:" : ""}${r.pick(MODULES)}`;
  const m = c.fresh("mod");
  c.names.push(m);
  const use = oneOf(r, [
    () => `${m}.join("a", ${expr(c)}, "..", "b")`,
    () => `${m}.Buffer.from(String(${expr(c)})).toString("base64")`,
    () => `new ${m}.EventEmitter().emit("error", ${expr(c)})`,
    () => `${m}.inspect(${expr(c)}, { depth: Infinity, showHidden: true })`,
    () => `${m}.format("%s:%d", ${expr(c)}, ${expr(c)})`,
    () => `${m}.createHash("sha256").update(String(${expr(c)})).digest("hex")`,
    () => `${m}.randomBytes(${r.pick(["8", "0", "-1", "2 ** 31"])})`,
    () => `${m}.deepStrictEqual(${expr(c)}, ${expr(c)})`,
    () => `${m}.parse(String(${expr(c)}))`,
    () => `${m}.promisify(setTimeout)(1)`,
    () => `${m}.hostname()`,
    () => `${m}.readFileSync("/data.txt", "utf8")`,
    () => `Object.keys(${m}).length`,
  ]);
  const spec = JSON.stringify(name);
  const load =
    c.inAsync && r.chance(0.5)
      ? `const ${m} = await import(${spec}).catch((e) => (console.log(e.message), {}));`
      : `const ${m} = (() => { try { return require(${spec}); } catch (e) { console.log(e.message); return {}; } })();`;
  return `${load}\ntry { console.log(${use}); } catch (e) { console.log(e?.name, e?.message); }`;
}

const PATHS = [
  '"/data.txt"',
  '"/dir/a.json"',
  '"/new.txt"',
  '"dir"',
  '"../../etc/passwd"',
  '"/dir/../data.txt"',
  '"/nul\\u0000l"',
  '"/dir/sub/deep/x"',
  '"/"',
  '""',
  "0",
];

export function fsUse(c: Ctx): string {
  const r = c.rng;
  const p = () => r.pick(PATHS);
  const op = oneOf(r, [
    () => `fs.readFileSync(${p()}, "utf8")`,
    () => `fs.writeFileSync(${p()}, String(${expr(c)}))`,
    () => `fs.appendFileSync(${p()}, "x".repeat(${r.pick(["1", "4096", "100000"])}))`,
    () => `fs.readdirSync(${p()}, { withFileTypes: true })`,
    () => `fs.mkdirSync(${p()}, { recursive: ${r.pick(["true", "false"])} })`,
    () => `fs.statSync(${p()}).size`,
    () => `fs.unlinkSync(${p()})`,
    () => `fs.renameSync(${p()}, ${p()})`,
    () => `fs.rmSync(${p()}, { recursive: true, force: true })`,
    () => `fs.existsSync(${p()})`,
    () => `fs.symlinkSync(${p()}, ${p()})`,
    () => `fs.promises.readFile(${p()}).then((b) => b.length, (e) => e.code)`,
    () => `fs.readFile(${p()}, (err, data) => console.log(err?.code, data?.length))`,
    () => `fs.createReadStream?.(${p()}).on("error", (e) => console.log(e.code))`,
    () => `fs.readFileSync(0, "utf8")`,
  ]);
  return `try { const fs = require("node:fs"); console.log(${op}); } catch (e) { console.log(e?.code, e?.message); }`;
}

export function timerUse(c: Ctx): string {
  const r = c.rng;
  const ms = r.pick(["0", "1", "10", "50", "1000", "-1", "NaN", "2 ** 31"]);
  return oneOf(r, [
    () => `setTimeout(() => { ${callback(c)} }, ${ms});`,
    () =>
      `{ let n = 0; const t = setInterval(() => { if (++n > ${r.int(1, 5)}) clearInterval(t); }, ${ms}); }`,
    () => `setImmediate(() => console.log(${sync(c, () => expr(c))}));`,
    () => `clearTimeout(setTimeout(() => { throw new Error("never"); }, ${ms}));`,
    () => `setTimeout(() => { throw ${sync(c, () => throwable(c))}; }, ${ms});`,
    () => `for (let k = 0; k < ${r.pick(["10", "100", "2000"])}; k++) setTimeout(() => {}, k);`,
    () => `setTimeout(${r.pick(['"code"', "null", "undefined", "{}"])}, 1);`,
  ]);
}

export function hostUse(c: Ctx): string {
  const r = c.rng;
  return oneOf(r, [
    () => `console.log(host.echo(${expr(c)}));`,
    () => `try { host.fail(${expr(c)}); } catch (e) { console.log(e?.name, e?.message); }`,
    () => `host.later(${expr(c)}, ${r.int(0, 40)}).then((v) => console.log(typeof v));`,
    () => `host.reject(${expr(c)}).catch((e) => console.log(e?.message));`,
    () => `console.log(host.odd(${r.int(0, 20)}));`,
    () =>
      `for (let k = 0; k < ${r.pick(["3", "30", "200"])}; k++) { try { host.echo(k); } catch (e) { console.log(e.message); break; } }`,
    () => `host.echo(${oddObject(c)});`,
    () => `host.echo(() => 1);`,
    () => `host.big(${r.pick(["10", "100000", "5000000"])}).length;`,
    () => (c.inAsync ? `await host.later(${expr(c)});` : `host.later(1);`),
    () => `host.echo.call(null, Symbol("s"));`,
    () => `Object.keys(host); host.echo.name; host.echo.length; host.newProp = 1;`,
  ]);
}

/** Work that leans on the limits: memory, output, stack. */
export function stress(c: Ctx): string {
  return c.rng.pick([
    "new Array(1e7).fill(0);",
    '"x".repeat(2 ** 28);',
    "new ArrayBuffer(2 ** 30);",
    "JSON.stringify(Array.from({ length: 1e5 }, (_, i) => ({ i })));",
    "console.log('y'.repeat(1e5));",
    "(function r(n) { return n ? r(n - 1) + 1 : 0; })(1e5);",
    "[].concat(...Array.from({ length: 1e4 }, () => [1]));",
    "const big = {}; for (let k = 0; k < 1e5; k++) big['k' + k] = k;",
    "let deep = []; for (let k = 0; k < 1e5; k++) deep = [deep]; String(deep);",
    "new RegExp('(a+)+$').test('a'.repeat(28) + 'b');",
  ]);
}

/** Changes to built-ins a program may make before the sandbox's own code runs again. */
export function tamper(c: Ctx): string {
  return c.rng.pick([
    "Object.prototype.then = function (r) { r(1); };",
    "Object.defineProperty(Object.prototype, 'x', { get() { throw new Error('poison'); } });",
    "Array.prototype.push = function () { throw new Error('push'); };",
    "Array.prototype[Symbol.iterator] = function* () { yield 1; };",
    "JSON.stringify = () => { throw 1; };",
    "Promise.prototype.then = function () { return this; };",
    "delete globalThis.console;",
    "globalThis.Error = function () {};",
    "Object.freeze(Object.prototype);",
    "Function.prototype.call = null;",
    "String.prototype.toString = () => 'x';",
    "Error.prepareStackTrace = () => { throw new Error('prep'); };",
    "Symbol.prototype.toString = () => { throw 1; };",
    "Map.prototype.set = undefined;",
  ]);
}
