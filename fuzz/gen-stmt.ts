// Statements for the grammar-based generator: control flow, functions, classes, generators, async code, errors,
// and the sandbox's capabilities (built-in modules, files, timers, host functions, fetch, process).
import { consoleUse, fsUse, hostUse, moduleUse, stress, tamper, timerUse } from "./gen-capabilities.js";
import { type Ctx, expr, literal, objectLiteral, oddObject, oneOf, sync } from "./gen-expr.js";

/** A block body of `min`..`max` statements, one level deeper. */
export function block(c: Ctx, min: number, max: number): string {
  return c.nested(() => {
    const n = c.rng.int(min, max);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(stmt(c));
    return out.join("\n");
  });
}

function declare(c: Ctx, value: string): string {
  const name = c.fresh();
  const kind = c.rng.pick(["const", "let", "var"]);
  c.names.push(name);
  return `${kind} ${name}${c.annotate()} = ${value};`;
}

/** One statement. Deep down, only simple ones. */
export function stmt(c: Ctx): string {
  const r = c.rng;
  if (c.depth > 3) return r.chance(0.5) ? `${declare(c, expr(c))}` : `${expr(c)};`;
  return r.weighted<() => string>([
    [10, () => declare(c, expr(c))],
    [5, () => `${expr(c)};`],
    [3, () => `if (${expr(c)}) {\n${block(c, 0, 3)}\n} else {\n${block(c, 0, 2)}\n}`],
    [3, () => boundedLoop(c)],
    [1, () => unboundedLoop(c)],
    [3, () => functionDecl(c)],
    [2, () => classDecl(c)],
    [2, () => generatorUse(c)],
    [3, () => asyncUse(c)],
    [4, () => tryCatch(c)],
    [2, () => destructure(c)],
    [1, () => taggedTemplate(c)],
    [2, () => proxyUse(c)],
    [3, () => consoleUse(c)],
    [3, () => moduleUse(c)],
    [3, () => fsUse(c)],
    [2, () => timerUse(c)],
    [3, () => hostUse(c)],
    [
      1,
      () =>
        `fetch(${r.pick(['"https://example.com/"', '"http://127.0.0.1:1/"', '"http://169.254.169.254/latest"', '"file:///etc/passwd"', '"data:,x"', "new URL('https://a.b/c')"])}).then((res) => res.text(), (e) => console.log(e.name, e.message));`,
    ],
    [1, () => `if (${expr(c)}) process.exit(${r.pick(["0", "1", "2", "255", "-1", "1.5", '"3"', ""])});`],
    [1, () => `process.exitCode = ${r.pick(["0", "1", "7", "undefined"])};`],
    [2, () => `throw ${throwable(c)};`],
    [1, () => stress(c)],
    [1, () => tamper(c)],
    [1, () => `globalThis.__return?.(${expr(c)});`],
    [1, () => `${r.pick(["eval", "new Function"])}(${JSON.stringify(`return ${literal(c)} + 1`)});`],
  ])();
}

/** `make` with `name` in scope (the caller's nested() takes it out again). */
function withName(c: Ctx, name: string, make: () => string): string {
  c.names.push(name);
  return make();
}

/** A statement for a callback body (neither async nor a generator). */
export function callback(c: Ctx): string {
  return c.body(false, false, () => c.nested(() => stmt(c)));
}

function boundedLoop(c: Ctx): string {
  const r = c.rng;
  const i = c.fresh("i");
  const n = r.pick(["3", "10", "100", "1000"]);
  return oneOf(r, [
    () =>
      `for (let ${i} = 0; ${i} < ${n}; ${i}++) {\n${c.nested(() => withName(c, i, () => block(c, 1, 3)))}\n}`,
    () =>
      `for (const ${i} of [${expr(c)}, ${expr(c)}]) {\n${c.nested(() => withName(c, i, () => block(c, 0, 2)))}\n}`,
    () => `for (const ${i} in ${expr(c)} ?? {}) { if (${i}) break; }`,
    () => `let ${i} = ${n}; while (${i}-- > 0) { ${stmt(c)} }`,
    () =>
      `outer${i}: for (let a = 0; a < 5; a++) { for (let b = 0; b < 5; b++) { if (b > a) continue outer${i}; if (a === 3) break outer${i}; } }`,
    () => `do { ${stmt(c)} } while (false);`,
  ]);
}

function unboundedLoop(c: Ctx): string {
  const r = c.rng;
  return oneOf(r, [
    () => "while (true) {}",
    () => "for (;;) { Math.random(); }",
    () => `loop: for (;;) { if (Math.random() < ${r.pick(["0", "0.0000001", "0.01"])}) break loop; }`,
    () => "(function f() { f(); })();",
    () => "(function f(n) { return n + f(n + 1); })(0);",
    () => "const arr = []; while (true) arr.push(new Array(1000).fill(arr.length));",
    () => 'let s = "x"; while (true) s += s;',
    () => "for (;;) console.log('flood'.repeat(100));",
    () => (c.inAsync ? "await new Promise(() => {});" : "new Promise(() => {});"),
    () => "setInterval(() => {}, 1);",
    () => "(async () => { for (;;) await null; })();",
  ]);
}

function functionDecl(c: Ctx): string {
  const r = c.rng;
  const name = c.fresh("f");
  c.names.push(name);
  const isAsync = r.chance(0.3);
  const params = c.nested(() => {
    const ps = [c.fresh("a"), c.fresh("a")];
    c.names.push(...ps);
    const body = c.body(isAsync, false, () => `${block(c, 1, 3)}\nreturn ${expr(c)};`);
    const list = ps.map((p, k) => (k === 1 && r.chance(0.3) ? `...${p}` : `${p}${c.annotate()}`));
    return { list, body };
  });
  const call = r.chance(0.8)
    ? `\n${c.inAsync && isAsync ? "await " : ""}${name}(${expr(c)}, ${expr(c)});`
    : "";
  const closure = r.chance(0.3)
    ? `\nconst ${name}c = (() => { let n = 0; return () => ++n + ${name}.length; })(); ${name}c(); ${name}c();`
    : "";
  return `${isAsync ? "async " : ""}function ${name}(${params.list.join(", ")}) {\n${params.body}\n}${call}${closure}`;
}

function classDecl(c: Ctx): string {
  return c.body(false, false, () => classParts(c));
}

function classParts(c: Ctx): string {
  const r = c.rng;
  const name = c.fresh("C");
  const base = r.pick([
    "",
    " extends Error",
    " extends Array",
    " extends Map",
    " extends Object",
    " extends null",
  ]);
  const field = c.ts
    ? `  #p: any = ${expr(c)};\n  static s: number = 1;`
    : `  #p = ${expr(c)};\n  static s = 1;`;
  const ctor =
    base && base !== " extends null"
      ? `  constructor(...args) { super(...args); this.k = ${expr(c)}; }\n`
      : "";
  const body = `class ${name}${base} {\n${field}\n${ctor}  get g() { return this.#p; }\n  set g(v) { this.#p = v; }\n  m(x) { return ${c.nested(() => expr(c))}; }\n  static make() { return new this(); }\n  get [Symbol.toStringTag]() { return "${name}"; }\n}`;
  c.names.push(name);
  const inst = c.fresh("o");
  c.names.push(inst);
  return `${body}\nconst ${inst} = ${r.pick([`new ${name}(${expr(c)})`, `${name}.make()`, `Reflect.construct(${name}, [])`])};\n${inst}.g = ${expr(c)}; ${inst}.m(${inst}.g);`;
}

function generatorUse(c: Ctx): string {
  const name = c.fresh("gen");
  c.names.push(name);
  const body = c.nested(() =>
    c.body(
      false,
      true,
      () => `yield (${expr(c)});\n${block(c, 0, 2)}\nyield* [${expr(c)}];\nreturn ${expr(c)};`,
    ),
  );
  return `function* ${name}() {\n${body}\n}\n${c.rng.pick([`[...${name}()]`, `for (const y of ${name}()) console.log(y)`, `${name}().next()`, `${name}().return(1)`, `${name}().throw(new Error("t"))`])};`;
}

function asyncUse(c: Ctx): string {
  const r = c.rng;
  return oneOf(r, [
    () =>
      `Promise.all([${expr(c)}, Promise.resolve(${expr(c)}), host.later(${expr(c)})]).then((v) => console.log(v), (e) => console.log("rejected", e?.name));`,
    () =>
      `Promise.race([new Promise((res) => setTimeout(res, ${r.int(0, 30)}, ${expr(c)})), Promise.reject(${expr(c)})]).catch(() => {});`,
    () =>
      `Promise.allSettled([${expr(c)}, Promise.reject(${throwable(c)})]).then((s) => console.log(s.map((x) => x.status)));`,
    () =>
      `(async () => { try { await ${expr(c)}; await host.reject(${expr(c)}); } catch (e) { console.log(typeof e); } })();`,
    () => (c.inAsync ? `await ${expr(c)};` : `void Promise.resolve(${expr(c)});`),
    () => `queueMicrotask(() => { ${callback(c)} });`,
    () => `Promise.reject(${throwable(c)});`,
    () =>
      `new Promise((_, reject) => reject(${sync(c, () => throwable(c))})).finally(() => console.log("fin"));`,
    () => `(async function* () { yield (${expr(c)}); })().next().then((x) => x.value);`,
  ]);
}

/** Values to throw: odd ones included. */
export function throwable(c: Ctx): string {
  const r = c.rng;
  return r.weighted<() => string>([
    [3, () => `new ${r.pick(["Error", "TypeError", "RangeError"])}(${expr(c)})`],
    [2, () => r.pick(["null", "undefined", "0", '""', "Symbol('thrown')", "123n", "NaN"])],
    [2, () => oddObject(c)],
    [1, () => objectLiteral(c)],
    [1, () => `Object.assign(new Error("x"), { stack: ${expr(c)}, cause: ${expr(c)} })`],
    [1, () => `(() => { const e = new Error("cyclic"); e.cause = e; return e; })()`],
  ])();
}

function tryCatch(c: Ctx): string {
  const r = c.rng;
  const e = c.fresh("e");
  const handler = c.nested(() => {
    c.names.push(e);
    return r.pick([
      `console.log(${e});`,
      `console.log(String(${e}?.message));`,
      `${e}?.stack;`,
      `throw ${e};`,
      "",
    ]);
  });
  const fin = r.chance(0.4) ? ` finally {\n${block(c, 0, 2)}\n}` : "";
  return `try {\n${block(c, 1, 3)}\n} catch${r.chance(0.2) ? "" : ` (${e})`} {\n${handler}\n}${fin}`;
}

function destructure(c: Ctx): string {
  const r = c.rng;
  const [a, b, rest] = [c.fresh(), c.fresh(), c.fresh()];
  c.names.push(a, b, rest);
  return r.pick([
    `const { a: ${a} = ${literal(c)}, b: [${b}] = [], ...${rest} } = ${expr(c)} ?? {};`,
    `const [${a}, , ${b} = 1, ...${rest}] = ${expr(c)} ?? [];`,
    `let ${a}, ${b}, ${rest}; ({ x: ${a}, y: { z: ${b} } = {}, ...${rest} } = Object(${expr(c)}));`,
  ]);
}

function taggedTemplate(c: Ctx): string {
  const tag = c.fresh("tag");
  return `const ${tag} = (strings, ...vals) => strings.raw.join("|") + vals.length;\n${tag}\`a${"${"}${expr(c)}}\\u{1F600}b${"${"}${expr(c)}}\`;\nString.raw\`\\n${"${"}${expr(c)}}\`;`;
}

function proxyUse(c: Ctx): string {
  const p = c.fresh("px");
  c.names.push(p);
  const trap = c.rng.pick([
    "get",
    "set",
    "has",
    "ownKeys",
    "getOwnPropertyDescriptor",
    "deleteProperty",
    "defineProperty",
  ]);
  return `const ${p} = new Proxy(${objectLiteral(c)}, { ${trap}(...args) { ${c.rng.chance(0.5) ? `throw ${literal(c)};` : `return Reflect.${trap}(...args);`} } });\ntry { Object.keys(${p}); ${p}.a = 1; "a" in ${p}; JSON.stringify(${p}); } catch {}`;
}
