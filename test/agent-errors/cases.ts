// Broken programs of the kinds language models write, each with the error a model needs to fix it: the name, the
// message (Node's own message where Node can run the same program), and the location V8 reports (1-based line
// and column of the top user frame, or of V8's caret for syntax errors; original positions for TypeScript). One
// deliberate difference: a ReferenceError points at the identifier itself, where V8 points at the statement or
// call around it (`return summ;` at `return`, `itme.toUpperCase()` at `toUpperCase`).

/** Files the program sees, rooted at "/": absolute paths or nested directories. */
export type CaseFiles = { [name: string]: string | CaseFiles };

export interface CaseLocation {
  file: string;
  line: number;
  column: number;
}

export type Kind =
  | "typo"
  | "missing-await"
  | "wrong-method"
  | "nullish"
  | "const-assignment"
  | "not-iterable"
  | "not-callable"
  | "tdz"
  | "range"
  | "throw"
  | "syntax-script"
  | "syntax-module"
  | "syntax-typescript"
  | "syntax-imported"
  | "runtime-imported"
  | "runtime-typescript-entry"
  | "json"
  | "imports"
  | "require-in-esm"
  | "unhandled-rejection"
  | "timeout"
  | "markdown";

export interface ErrorExpectation {
  name: string;
  location: CaseLocation;
  /** The message must equal Node's for the same program (see node-reference.ts). */
  node: boolean;
  /** When node is false: the message, exactly (string) or matching (RegExp). */
  message?: string | RegExp;
  hint?: RegExp;
  /** Default 1. */
  exitCode?: number;
}

export interface SuccessExpectation {
  ok: true;
}

export interface AgentErrorCase {
  id: string;
  kind: Kind;
  /** The entry's file name, passed as the `filename` option. */
  filename: string;
  code: string;
  files?: CaseFiles;
  timeoutMs?: number;
  packages?: string[];
  expect: ErrorExpectation | SuccessExpectation;
}

export function expectsError(c: AgentErrorCase): c is AgentErrorCase & { expect: ErrorExpectation } {
  return !("ok" in c.expect);
}

const at = (file: string, line: number, column: number): CaseLocation => ({ file, line, column });
const main = (line: number, column: number) => at("/main.js", line, column);
const mainTs = (line: number, column: number) => at("/main.ts", line, column);
const mainMjs = (line: number, column: number) => at("/main.mjs", line, column);

const FENCE = "```";

export const cases: AgentErrorCase[] = [
  // ---- typos in names ------------------------------------------------------------------------------------------
  {
    id: "typo-top-level",
    kind: "typo",
    filename: "/main.js",
    code: `const userName = "Ada";
const greeting = "Hello, " + usrName;
console.log(greeting);
`,
    expect: { name: "ReferenceError", location: main(2, 30), node: true },
  },
  {
    id: "typo-in-function",
    kind: "typo",
    filename: "/main.js",
    code: `function total(prices) {
  let sum = 0;
  for (const p of prices) {
    sum += p;
  }
  return summ;
}
console.log(total([1, 2, 3]));
`,
    expect: { name: "ReferenceError", location: main(6, 10), node: true },
  },
  {
    id: "typo-in-nested-callback",
    kind: "typo",
    filename: "/main.js",
    code: `const orders = [{ items: [{ qty: 2 }, { qty: 3 }] }];
const counts = orders.map((order) => {
  return order.items.reduce((acc, item) => {
    return acc + item.quantity * itm.qty;
  }, 0);
});
console.log(counts);
`,
    expect: { name: "ReferenceError", location: main(4, 34), node: true },
  },
  {
    id: "typo-in-class-method",
    kind: "typo",
    filename: "/main.js",
    code: `class Counter {
  constructor() {
    this.count = 0;
  }

  increment() {
    count += 1;
    return this.count;
  }
}
const counter = new Counter();
counter.increment();
`,
    expect: { name: "ReferenceError", location: main(7, 5), node: true },
  },
  {
    id: "typo-in-arrow-function",
    kind: "typo",
    filename: "/main.js",
    code: `const items = ["a", "b"];
const upper = items.map((item) => itme.toUpperCase());
console.log(upper);
`,
    expect: { name: "ReferenceError", location: main(2, 35), node: true },
  },
  {
    id: "typo-in-async-function",
    kind: "typo",
    filename: "/main.mjs",
    code: `async function loadUser(id) {
  const user = { id, name: "Ada" };
  return usr;
}
const user = await loadUser(1);
console.log(user.name);
`,
    expect: { name: "ReferenceError", location: mainMjs(3, 10), node: true },
  },
  {
    id: "typo-in-object-method",
    kind: "typo",
    filename: "/main.js",
    code: `const TAX_RATE = 1.2;
const cart = {
  items: [3, 4],
  total() {
    return this.items.reduce((a, b) => a + b, 0) * taxRate;
  },
};
console.log(cart.total());
`,
    expect: { name: "ReferenceError", location: main(5, 52), node: true },
  },
  {
    id: "typo-browser-global",
    kind: "typo",
    filename: "/main.js",
    code: `const app = document.getElementById("app");
app.textContent = "Hello";
`,
    expect: { name: "ReferenceError", location: main(1, 13), node: true },
  },
  {
    id: "typo-in-timer-callback",
    kind: "typo",
    filename: "/main.js",
    code: `let ticks = 0;
setTimeout(() => {
  tiks += 1;
  console.log(ticks);
}, 10);
`,
    expect: { name: "ReferenceError", location: main(3, 3), node: true },
  },
  {
    id: "typo-in-module-function",
    kind: "typo",
    filename: "/main.js",
    code: `export function slugify(title) {
  return titel.toLowerCase().split(" ").join("-");
}
console.log(slugify("Hello World"));
`,
    expect: { name: "ReferenceError", location: main(2, 10), node: true },
  },

  // ---- missing await -------------------------------------------------------------------------------------------
  {
    id: "missing-await-json",
    kind: "missing-await",
    filename: "/main.js",
    code: `async function fetchLike(url) {
  return { ok: true, json: async () => ({ url, items: [1, 2] }) };
}
const r = fetchLike("/api/items");
const data = r.json();
console.log(data.items);
`,
    expect: { name: "TypeError", location: main(5, 16), node: true },
  },
  {
    id: "missing-await-map-on-promise",
    kind: "missing-await",
    filename: "/main.js",
    code: `async function getUsers() {
  return [{ name: "Ada" }, { name: "Linus" }];
}
const users = getUsers();
const names = users.map((u) => u.name);
console.log(names);
`,
    expect: { name: "TypeError", location: main(5, 21), node: true },
  },
  {
    id: "missing-await-property-chain",
    kind: "missing-await",
    filename: "/main.js",
    code: `async function loadConfig() {
  return { db: { host: "localhost" } };
}
const config = loadConfig();
console.log(config.db.host);
`,
    expect: { name: "TypeError", location: main(5, 23), node: true },
  },
  {
    id: "await-precedence",
    kind: "missing-await",
    filename: "/main.mjs",
    code: `async function getUser() {
  return { name: "ada" };
}
const name = await getUser().name.toUpperCase();
console.log(name);
`,
    expect: { name: "TypeError", location: mainMjs(4, 34), node: true },
  },
  {
    id: "await-parenthesized-missing-field",
    kind: "missing-await",
    filename: "/main.mjs",
    code: `async function fetchProfile() {
  return { user: { id: 1 } };
}
const city = (await fetchProfile()).address.city;
console.log(city);
`,
    expect: { name: "TypeError", location: mainMjs(4, 45), node: true },
  },
  {
    id: "missing-await-inside-async-function",
    kind: "missing-await",
    filename: "/main.js",
    code: `async function fetchLike() {
  return { text: async () => "hello" };
}
async function main() {
  const res = fetchLike();
  const body = res.text();
  console.log(body.length);
}
main();
`,
    expect: { name: "TypeError", location: main(6, 20), node: true },
  },
  {
    id: "missing-await-length-of-promise",
    kind: "missing-await",
    filename: "/main.js",
    code: `async function getList() {
  return [1, 2, 3];
}
const count = getList().length.toFixed(0);
console.log(count);
`,
    expect: { name: "TypeError", location: main(4, 31), node: true },
  },

  // ---- wrong method and property names -------------------------------------------------------------------------
  {
    id: "array-mapp",
    kind: "wrong-method",
    filename: "/main.js",
    code: `const nums = [1, 2, 3];
const doubled = nums.mapp((n) => n * 2);
console.log(doubled);
`,
    expect: { name: "TypeError", location: main(2, 22), node: true },
  },
  {
    id: "string-lenght",
    kind: "wrong-method",
    filename: "/main.js",
    code: `const name = "cordon";
const padded = name.lenght.toFixed(2);
console.log(padded);
`,
    expect: { name: "TypeError", location: main(2, 28), node: true },
  },
  {
    id: "obj-foo-bar-call",
    kind: "wrong-method",
    filename: "/main.js",
    code: `const obj = { foo: { baz() { return 1; } } };
obj.foo.bar();
`,
    expect: { name: "TypeError", location: main(2, 9), node: true },
  },
  {
    id: "string-contains",
    kind: "wrong-method",
    filename: "/main.js",
    code: `const text = "hello world";
if (text.contains("world")) {
  console.log("found");
}
`,
    expect: { name: "TypeError", location: main(2, 10), node: true },
  },
  {
    id: "object-push",
    kind: "wrong-method",
    filename: "/main.js",
    code: `const counts = {};
for (const word of ["a", "b", "a"]) {
  counts.push(word);
}
`,
    expect: { name: "TypeError", location: main(3, 10), node: true },
  },
  {
    id: "object-entires",
    kind: "wrong-method",
    filename: "/main.js",
    code: `const scores = { ada: 3, linus: 5 };
for (const [k, v] of Object.entires(scores)) {
  console.log(k, v);
}
`,
    expect: { name: "TypeError", location: main(2, 29), node: true },
  },
  {
    id: "math-sum",
    kind: "wrong-method",
    filename: "/main.js",
    code: `const values = [4, 8, 15];
const total = Math.sum(...values);
console.log(total);
`,
    expect: { name: "TypeError", location: main(2, 20), node: true },
  },
  {
    id: "foreach-chain",
    kind: "wrong-method",
    filename: "/main.js",
    code: `const nums = [1, 2, 3, 4];
const evens = nums
  .forEach((n) => n * 2)
  .filter((n) => n % 2 === 0);
console.log(evens);
`,
    expect: { name: "TypeError", location: main(4, 3), node: true },
  },
  {
    id: "length-called",
    kind: "wrong-method",
    filename: "/main.js",
    code: `function summary(list) {
  return "items: " + list.length();
}
console.log(summary(["a"]));
`,
    expect: { name: "TypeError", location: main(2, 27), node: true },
  },

  // ---- null and undefined --------------------------------------------------------------------------------------
  {
    id: "null-property-read",
    kind: "nullish",
    filename: "/main.js",
    code: `function findUser(id) {
  return null;
}
const user = findUser(7);
console.log(user.name);
`,
    expect: { name: "TypeError", location: main(5, 18), node: true },
  },
  {
    id: "undefined-property-write",
    kind: "nullish",
    filename: "/main.js",
    code: `let settings;
settings.theme = "dark";
`,
    expect: { name: "TypeError", location: main(2, 16), node: true },
  },
  {
    id: "undefined-index-read",
    kind: "nullish",
    filename: "/main.js",
    code: `const data = { rows: undefined };
const second = data.rows[1];
console.log(second);
`,
    expect: { name: "TypeError", location: main(2, 25), node: true },
  },
  {
    id: "nested-undefined-chain",
    kind: "nullish",
    filename: "/main.js",
    code: `const response = { data: {} };
const id = response.data.user.id;
console.log(id);
`,
    expect: { name: "TypeError", location: main(2, 31), node: true },
  },
  {
    id: "destructure-null",
    kind: "nullish",
    filename: "/main.js",
    code: `const input = null;
const { a } = input;
console.log(a);
`,
    expect: { name: "TypeError", location: main(2, 9), node: true },
  },
  {
    id: "destructure-null-return-value",
    kind: "nullish",
    filename: "/main.js",
    code: `function parse(text) {
  if (!text) return null;
  return { a: 1 };
}
const { a } = parse("");
console.log(a);
`,
    expect: {
      name: "TypeError",
      location: main(5, 9),
      node: false,
      message: /^Cannot destructure property 'a' of 'parse\(\.\.\.\)' as it is (undefined or )?null\.$/,
    },
  },
  {
    id: "destructure-number-literal",
    kind: "nullish",
    filename: "/main.js",
    code: `const [x] = 5;
console.log(x);
`,
    expect: { name: "TypeError", location: main(1, 13), node: true },
  },
  {
    id: "destructure-number-as-array",
    kind: "nullish",
    filename: "/main.js",
    code: `const count = 5;
const [first] = count;
console.log(first);
`,
    expect: { name: "TypeError", location: main(2, 17), node: true },
  },
  {
    id: "destructure-missing-argument",
    kind: "nullish",
    filename: "/main.js",
    code: `function greet({ name }) {
  return "Hi " + name;
}
greet();
`,
    expect: { name: "TypeError", location: main(1, 18), node: true },
  },
  {
    id: "find-returns-undefined",
    kind: "nullish",
    filename: "/main.js",
    code: `const users = [{ id: 1, name: "Ada" }];
const user = users.find((u) => u.id === 2);
console.log(user.name.toUpperCase());
`,
    expect: { name: "TypeError", location: main(3, 18), node: true },
  },
  {
    id: "null-index-write",
    kind: "nullish",
    filename: "/main.js",
    code: `const grid = [[0, 0], null];
grid[1][0] = 5;
`,
    expect: { name: "TypeError", location: main(2, 12), node: true },
  },

  // ---- assignment to a constant --------------------------------------------------------------------------------
  {
    id: "const-reassign",
    kind: "const-assignment",
    filename: "/main.js",
    code: `const c = 1;
c = 2;
`,
    expect: { name: "TypeError", location: main(2, 3), node: true },
  },
  {
    id: "const-loop-counter",
    kind: "const-assignment",
    filename: "/main.js",
    code: `const items = ["a", "b"];
for (const i = 0; i < items.length; i++) {
  console.log(items[i]);
}
`,
    expect: { name: "TypeError", location: main(2, 38), node: true },
  },
  {
    id: "const-compound-in-callback",
    kind: "const-assignment",
    filename: "/main.js",
    code: `const total = 0;
[1, 2, 3].forEach((n) => {
  total += n;
});
console.log(total);
`,
    expect: { name: "TypeError", location: main(3, 9), node: true },
  },

  // ---- not iterable --------------------------------------------------------------------------------------------
  {
    id: "for-of-number",
    kind: "not-iterable",
    filename: "/main.js",
    code: `let seen = 0;
for (const q of 5) {
  seen += q;
}
`,
    expect: { name: "TypeError", location: main(2, 17), node: true },
  },
  {
    id: "for-of-object",
    kind: "not-iterable",
    filename: "/main.js",
    code: `const config = { a: 1, b: 2 };
for (const [key, value] of config) {
  console.log(key, value);
}
`,
    expect: { name: "TypeError", location: main(2, 28), node: true },
  },
  {
    id: "spread-undefined",
    kind: "not-iterable",
    filename: "/main.js",
    code: `function withDefaults(list) {
  return [...list, "default"];
}
console.log(withDefaults());
`,
    expect: { name: "TypeError", location: main(2, 14), node: true },
  },
  {
    id: "map-from-object",
    kind: "not-iterable",
    filename: "/main.js",
    code: `const counts = { a: 1, b: 2 };
const byKey = new Map(counts);
console.log(byKey.size);
`,
    expect: { name: "TypeError", location: main(2, 15), node: false, message: /is not iterable/ },
  },

  // ---- calling what is not a function or constructor -----------------------------------------------------------
  {
    id: "call-a-string",
    kind: "not-callable",
    filename: "/main.js",
    code: `const format = "%s items";
console.log(format(3));
`,
    expect: { name: "TypeError", location: main(2, 13), node: true },
  },
  {
    id: "missing-callback",
    kind: "not-callable",
    filename: "/main.js",
    code: `function fetchData(callback) {
  const data = [1, 2];
  callback(data);
}
fetchData();
`,
    expect: { name: "TypeError", location: main(3, 3), node: true },
  },
  {
    id: "arrow-not-constructor",
    kind: "not-callable",
    filename: "/main.js",
    code: `const Point = (x, y) => ({ x, y });
const p = new Point(1, 2);
console.log(p);
`,
    expect: { name: "TypeError", location: main(2, 11), node: true },
  },
  {
    id: "class-called-without-new",
    kind: "not-callable",
    filename: "/main.js",
    code: `class Queue {
  constructor() {
    this.items = [];
  }
}
const q = Queue();
console.log(q);
`,
    expect: { name: "TypeError", location: main(6, 11), node: true },
  },
  {
    id: "set-size-called",
    kind: "not-callable",
    filename: "/main.js",
    code: `const tags = new Set(["a", "b"]);
if (tags.size() > 1) {
  console.log("many");
}
`,
    expect: { name: "TypeError", location: main(2, 10), node: true },
  },

  // ---- temporal dead zone --------------------------------------------------------------------------------------
  {
    id: "tdz-let",
    kind: "tdz",
    filename: "/main.js",
    code: `console.log(z);
let z = 1;
`,
    expect: { name: "ReferenceError", location: main(1, 13), node: true },
  },
  {
    id: "tdz-class",
    kind: "tdz",
    filename: "/main.js",
    code: `const shape = new Shape(2);
class Shape {
  constructor(size) {
    this.size = size;
  }
}
`,
    expect: { name: "ReferenceError", location: main(1, 19), node: true },
  },
  {
    id: "tdz-function-called-early",
    kind: "tdz",
    filename: "/main.js",
    code: `main();
const config = { retries: 3 };
function main() {
  console.log(config.retries);
}
`,
    expect: { name: "ReferenceError", location: main(4, 15), node: true },
  },

  // ---- range errors --------------------------------------------------------------------------------------------
  {
    id: "invalid-array-length",
    kind: "range",
    filename: "/main.js",
    code: `const size = -1;
const buffer = new Array(size);
console.log(buffer.length);
`,
    expect: { name: "RangeError", location: main(2, 16), node: true },
  },
  {
    id: "repeat-negative",
    kind: "range",
    filename: "/main.js",
    code: `function indent(level) {
  return " ".repeat(level - 1);
}
console.log(indent(0) + "x");
`,
    expect: { name: "RangeError", location: main(2, 14), node: false, message: /^Invalid count value/ },
  },
  {
    id: "tofixed-too-many-digits",
    kind: "range",
    filename: "/main.js",
    code: `const pi = 3.14159;
console.log(pi.toFixed(101));
`,
    expect: { name: "RangeError", location: main(2, 16), node: true },
  },

  // ---- throw statements ----------------------------------------------------------------------------------------
  {
    id: "throw-error-in-function",
    kind: "throw",
    filename: "/main.js",
    code: `function withdraw(balance, amount) {
  if (amount > balance) {
    throw new Error("Insufficient funds");
  }
  return balance - amount;
}
withdraw(10, 20);
`,
    expect: { name: "Error", location: main(3, 11), node: true },
  },
  {
    id: "throw-custom-error-subclass",
    kind: "throw",
    filename: "/main.js",
    code: `class ValidationError extends Error {
  constructor(field) {
    super(\`Invalid value for \${field}\`);
    this.name = "ValidationError";
  }
}
function validate(input) {
  if (!input.email) throw new ValidationError("email");
}
validate({});
`,
    expect: { name: "ValidationError", location: main(8, 27), node: true },
  },
  {
    id: "throw-custom-error-subclass-default-constructor",
    kind: "throw",
    filename: "/main.js",
    code: `class NotFoundError extends Error {}
const db = new Map();
function get(id) {
  if (!db.has(id)) throw new NotFoundError(\`no record \${id}\`);
  return db.get(id);
}
get("42");
`,
    expect: { name: "Error", location: main(4, 26), node: true },
  },
  {
    id: "throw-typeerror-in-method",
    kind: "throw",
    filename: "/main.js",
    code: `class Account {
  deposit(amount) {
    if (typeof amount !== "number") {
      throw new TypeError("amount must be a number");
    }
  }
}
new Account().deposit("5");
`,
    expect: { name: "TypeError", location: main(4, 13), node: true },
  },
  {
    id: "throw-after-await-in-module",
    kind: "throw",
    filename: "/main.mjs",
    code: `async function connect(url) {
  await null;
  if (!url.startsWith("postgres://")) {
    throw new Error(\`Unsupported URL: \${url}\`);
  }
}
await connect("mysql://localhost");
`,
    expect: { name: "Error", location: mainMjs(4, 11), node: true },
  },

  // ---- syntax errors in scripts --------------------------------------------------------------------------------
  {
    id: "syntax-unbalanced-paren",
    kind: "syntax-script",
    filename: "/main.js",
    code: `const a = 1;
const b = 2;
console.log((a + b);
`,
    expect: { name: "SyntaxError", location: main(3, 19), node: true },
  },
  {
    id: "syntax-missing-paren-after-arguments",
    kind: "syntax-script",
    filename: "/main.js",
    code: `const name = "Ada";
console.log("Hello, " name);
`,
    expect: { name: "SyntaxError", location: main(2, 13), node: true },
  },
  {
    id: "syntax-unexpected-end-of-input",
    kind: "syntax-script",
    filename: "/main.js",
    code: `function add(a, b) {
  if (a > b) {
    return a - b;
  return a + b;
}
console.log(add(1, 2));
`,
    expect: { name: "SyntaxError", location: main(7, 1), node: true },
  },
  {
    id: "syntax-extra-closing-brace",
    kind: "syntax-script",
    filename: "/main.js",
    code: `function add(a, b) {
  return a + b;
}
}
console.log(add(1, 2));
`,
    expect: { name: "SyntaxError", location: main(4, 1), node: true },
  },
  {
    id: "syntax-unterminated-string",
    kind: "syntax-script",
    filename: "/main.js",
    code: `const greeting = "Hello;
console.log(greeting);
`,
    expect: { name: "SyntaxError", location: main(1, 18), node: true },
  },
  {
    id: "syntax-unexpected-paren",
    kind: "syntax-script",
    filename: "/main.js",
    code: `const x = 3;
if (x > 2)) {
  console.log(x);
}
`,
    expect: { name: "SyntaxError", location: main(2, 11), node: true },
  },
  {
    id: "syntax-missing-comma-in-object",
    kind: "syntax-script",
    filename: "/main.js",
    code: `const user = {
  name: "Ada"
  age: 36,
};
console.log(user);
`,
    expect: { name: "SyntaxError", location: main(3, 3), node: true },
  },
  {
    id: "syntax-python-def",
    kind: "syntax-script",
    filename: "/main.js",
    code: `def greet(name):
    return "Hello " + name

print(greet("Ada"))
`,
    expect: { name: "SyntaxError", location: main(1, 5), node: true },
  },
  {
    id: "syntax-await-in-sync-function",
    kind: "syntax-script",
    filename: "/main.js",
    code: `async function load() {
  return 1;
}
function main() {
  const v = await load();
  return v;
}
main();
`,
    expect: { name: "SyntaxError", location: main(5, 13), node: true },
  },
  {
    id: "syntax-missing-const-initializer",
    kind: "syntax-script",
    filename: "/main.js",
    code: `const retries = 3;
const limit;
console.log(retries, limit);
`,
    expect: { name: "SyntaxError", location: main(2, 7), node: true },
  },
  {
    id: "syntax-duplicate-declaration",
    kind: "syntax-script",
    filename: "/main.js",
    code: `let count = 0;
count += 1;
let count = 1;
`,
    expect: { name: "SyntaxError", location: main(3, 5), node: true },
  },

  // ---- syntax errors in ES modules -----------------------------------------------------------------------------
  {
    id: "module-iife-missing-brace",
    kind: "syntax-module",
    filename: "/main.js",
    code: `import fs from "node:fs";

const config = { verbose: true };

(async () => {
  const files = ["a.txt"];
  for (const f of files) {
    console.log(f, config.verbose, typeof fs);
  }
)();
`,
    expect: { name: "SyntaxError", location: main(10, 1), node: true },
  },
  {
    id: "module-incomplete-expression",
    kind: "syntax-module",
    filename: "/main.js",
    code: `export const rate = 0.2;

export function tax(amount) {
  return amount * rate +;
}
`,
    expect: { name: "SyntaxError", location: main(4, 25), node: true },
  },
  {
    id: "module-missing-comma",
    kind: "syntax-module",
    filename: "/main.mjs",
    code: `import path from "node:path";

export default {
  name: path.basename("/a/b.txt")
  size: 3,
};
`,
    expect: { name: "SyntaxError", location: mainMjs(5, 3), node: true },
  },
  {
    id: "module-duplicate-export",
    kind: "syntax-module",
    filename: "/main.js",
    code: `export const limit = 10;

function check(n) {
  return n < limit;
}

export { check, limit };
`,
    expect: { name: "SyntaxError", location: main(7, 17), node: true },
  },

  // ---- syntax errors in TypeScript entries ---------------------------------------------------------------------
  {
    id: "ts-syntax-unbalanced-paren",
    kind: "syntax-typescript",
    filename: "/main.ts",
    code: `interface Item {
  price: number;
}
const items: Item[] = [{ price: 2 }];
const total: number = items.reduce((sum, i) => sum + i.price, 0;
console.log(total);
`,
    expect: {
      name: "SyntaxError",
      location: mainTs(5, 64),
      node: false,
      message: /missing \) after argument list|Unexpected token|expected/,
    },
  },
  {
    id: "ts-syntax-unterminated-string",
    kind: "syntax-typescript",
    filename: "/main.ts",
    code: `type Greeting = string;
const hello: Greeting = "hi;
console.log(hello);
`,
    expect: {
      name: "SyntaxError",
      location: mainTs(2, 25),
      node: false,
      message: /Invalid or unexpected token|Unterminated string/,
    },
  },
  {
    id: "ts-syntax-extra-brace",
    kind: "syntax-typescript",
    filename: "/main.ts",
    code: `function area(r: number): number {
  return Math.PI * r * r;
}
}
export default area(2);
`,
    expect: { name: "SyntaxError", location: mainTs(4, 1), node: false, message: /Unexpected token/ },
  },
  {
    id: "ts-syntax-missing-initializer",
    kind: "syntax-typescript",
    filename: "/main.ts",
    code: `const retries: number = 3;
const limit: number;
console.log(retries, limit);
`,
    expect: { name: "SyntaxError", location: mainTs(2, 7), node: true },
  },

  // ---- syntax errors in imported files -------------------------------------------------------------------------
  {
    id: "syntax-in-imported-js",
    kind: "syntax-imported",
    filename: "/main.js",
    code: `import { double } from "./lib.js";

console.log(double(2));
`,
    files: {
      "/lib.js": `export function double(n) {
  return n * 2;
}

export function half(n) {
  return n / 2;
}}
`,
    },
    expect: { name: "SyntaxError", location: at("/lib.js", 7, 2), node: true },
  },
  {
    id: "syntax-in-required-cjs",
    kind: "syntax-imported",
    filename: "/main.js",
    code: `const { sum } = require("./utils.js");
console.log(sum([1, 2]));
`,
    files: {
      "/utils.js": `function sum(list) {
  return list.reduce((a, b) => a + b, 0);
}
module.exports = { sum };
module.exports.avg = (list) => sum(list) / list.length);
`,
    },
    expect: { name: "SyntaxError", location: at("/utils.js", 5, 55), node: true },
  },
  {
    id: "syntax-in-nested-dir-module",
    kind: "syntax-imported",
    filename: "/main.js",
    code: `import { shout } from "./src/helpers.js";
console.log(shout("hi"));
`,
    files: {
      src: {
        "helpers.js": `export const greet = (name) => "Hello " + name;
export const shout = (name) => greet(name).toUpperCase(;
`,
      },
    },
    expect: { name: "SyntaxError", location: at("/src/helpers.js", 2, 56), node: true },
  },
  {
    id: "syntax-in-imported-ts",
    kind: "syntax-imported",
    filename: "/main.ts",
    code: `import { clamp } from "./math";

const v: number = clamp(12, 0, 10);
console.log(v);
`,
    files: {
      "/math.ts": `export function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max;
}
`,
    },
    expect: {
      name: "SyntaxError",
      location: at("/math.ts", 2, 44),
      node: false,
      message: /missing \) after argument list|Unexpected token|expected/,
    },
  },

  // ---- runtime errors in imported files ------------------------------------------------------------------------
  {
    id: "runtime-in-imported-js",
    kind: "runtime-imported",
    filename: "/main.js",
    code: `import { firstWord } from "./lib.js";

const post = { title: undefined };
console.log(firstWord(post.title));
`,
    files: {
      "/lib.js": `export function firstWord(text) {
  return text.split(" ")[0];
}
`,
    },
    expect: { name: "TypeError", location: at("/lib.js", 2, 15), node: true },
  },
  {
    id: "runtime-in-required-cjs",
    kind: "runtime-imported",
    filename: "/main.js",
    code: `const { formatPrice } = require("./format.js");
console.log(formatPrice("9.5"));
`,
    files: {
      "/format.js": `function formatPrice(p) {
  return "$" + p.toFixed(2);
}
module.exports = { formatPrice };
`,
    },
    expect: { name: "TypeError", location: at("/format.js", 2, 18), node: true },
  },
  {
    id: "runtime-in-imported-ts",
    kind: "runtime-imported",
    filename: "/main.ts",
    code: `import { total } from "./cart";

const items = [{ sku: "a", price: { amount: 2 } }, { sku: "b" }];
console.log(total(items));
`,
    files: {
      "/cart.ts": `export interface LineItem {
  sku: string;
  price?: { amount: number };
}

export function total(items: LineItem[]): number {
  return items.reduce((sum: number, item: LineItem) => sum + item.price.amount, 0);
}
`,
    },
    expect: { name: "TypeError", location: at("/cart.ts", 7, 73), node: true },
  },
  {
    id: "runtime-in-imported-ts-class",
    kind: "runtime-imported",
    filename: "/main.ts",
    code: `import { Store } from "./store.js";

const store = new Store();
store.subscribe((v: number) => console.log(v));
store.set(1);
`,
    files: {
      "/store.ts": `type Listener = (value: number) => void;

export class Store {
  private listeners: Listener[] = [];
  private value: number = 0;

  subscribe(fn: Listener): void {
    this.listeners.push(fn);
  }

  set(next: number): void {
    this.value = next;
    this.listners.forEach((fn: Listener) => fn(next));
  }
}
`,
    },
    expect: { name: "TypeError", location: at("/store.ts", 13, 19), node: true },
  },

  // ---- runtime errors in TypeScript entries --------------------------------------------------------------------
  {
    id: "ts-entry-undefined-name",
    kind: "runtime-typescript-entry",
    filename: "/main.ts",
    code: `interface Point {
  x: number;
}
const b: number = 2;
export default zzz + b;
`,
    expect: { name: "ReferenceError", location: mainTs(5, 16), node: true },
  },
  {
    id: "ts-entry-typed-arrow",
    kind: "runtime-typescript-entry",
    filename: "/main.ts",
    code: `type User = { name: string; tags?: string[] };

const users: User[] = [{ name: "ada", tags: ["x"] }, { name: "linus" }];
const tagCounts: number[] = users.map((u: User): number => u.tags.length);
console.log(tagCounts);
`,
    expect: { name: "TypeError", location: mainTs(4, 67), node: true },
  },
  {
    id: "ts-entry-enum-method-typo",
    kind: "runtime-typescript-entry",
    filename: "/main.ts",
    code: `enum Level {
  Low,
  High,
}

function label(level: Level): string {
  return Level[level].toLowercase();
}
console.log(label(Level.High));
`,
    expect: { name: "TypeError", location: mainTs(7, 23), node: true },
  },
  {
    id: "ts-entry-missing-await",
    kind: "runtime-typescript-entry",
    filename: "/main.ts",
    code: `interface Post {
  id: number;
  title: string;
}
async function getPosts(): Promise<Post[]> {
  return [{ id: 1, title: "Hi" }];
}
const posts = getPosts();
const titles: string[] = posts.map((p: Post) => p.title);
console.log(titles);
`,
    expect: { name: "TypeError", location: mainTs(9, 32), node: true },
  },

  // ---- bad JSON ------------------------------------------------------------------------------------------------
  {
    id: "json-parse-single-quotes",
    kind: "json",
    filename: "/main.js",
    code: `const raw = "{'name': 'Ada'}";
const user = JSON.parse(raw);
console.log(user.name);
`,
    expect: { name: "SyntaxError", location: main(2, 19), node: true },
  },
  {
    id: "json-parse-object",
    kind: "json",
    filename: "/main.js",
    code: `const response = { body: { ok: true } };
const data = JSON.parse(response.body);
console.log(data.ok);
`,
    expect: { name: "SyntaxError", location: main(2, 19), node: true },
  },
  {
    id: "json-parse-trailing-comma-in-function",
    kind: "json",
    filename: "/main.js",
    code: `function readConfig(text) {
  return JSON.parse(text);
}
const cfg = readConfig('{"port": 8080,}');
console.log(cfg.port);
`,
    expect: {
      name: "SyntaxError",
      location: main(2, 15),
      node: false,
      message: /property name.* in JSON at position 14$/,
    },
  },
  {
    id: "json-parse-undefined",
    kind: "json",
    filename: "/main.js",
    code: `const settings = JSON.parse(process.env.APP_SETTINGS);
console.log(settings.theme);
`,
    expect: { name: "SyntaxError", location: main(1, 23), node: true },
  },
  {
    id: "json-import-bad-file",
    kind: "json",
    filename: "/main.js",
    code: `import config from "./config.json";

console.log(config.port);
`,
    files: {
      "/config.json": `{
  "port": 8080,
  "host": "localhost",
}
`,
    },
    expect: { name: "SyntaxError", location: at("/config.json", 4, 1), node: false, message: /config\.json/ },
  },
  {
    id: "json-require-bad-file",
    kind: "json",
    filename: "/main.js",
    code: `const data = require("./data.json");
console.log(data.users.length);
`,
    files: {
      "/data.json": `{
  "users": [
    { "name": 'Ada' }
  ]
}
`,
    },
    expect: { name: "SyntaxError", location: at("/data.json", 3, 15), node: false, message: /data\.json/ },
  },

  // ---- imports the sandbox cannot satisfy ----------------------------------------------------------------------
  {
    id: "import-ungranted-package",
    kind: "imports",
    filename: "/main.js",
    code: `import fs from "node:fs";
import axios from "axios";

const res = await axios.get("https://example.com");
console.log(res.data, typeof fs);
`,
    expect: {
      name: "Error",
      location: main(2, 19),
      node: false,
      message: /^(?=[\s\S]*\baxios\b)(?=[\s\S]*\/main\.js)/,
      hint: /not installed on the host/,
    },
  },
  {
    id: "import-host-package-not-granted",
    kind: "imports",
    filename: "/main.js",
    code: `import { parse } from "acorn";

console.log(parse("1", { ecmaVersion: 2020 }).type);
`,
    expect: {
      name: "Error",
      location: main(1, 23),
      node: false,
      message: "Cannot find package 'acorn' imported from /main.js",
      hint: /packages: \["acorn"\]/,
    },
  },
  {
    id: "require-ungranted-package",
    kind: "imports",
    filename: "/main.js",
    code: `const _ = require("lodash");
console.log(_.chunk([1, 2, 3], 2));
`,
    expect: {
      name: "Error",
      location: main(1, 11),
      node: false,
      message: /^(?=[\s\S]*\blodash\b)(?=[\s\S]*\/main\.js)/,
      hint: /packages/,
    },
  },
  {
    id: "import-missing-relative-file",
    kind: "imports",
    filename: "/main.js",
    code: `import { helper } from "./utils/helper.js";

console.log(helper());
`,
    expect: {
      name: "Error",
      location: main(1, 24),
      node: false,
      message: /^(?=[\s\S]*\.\/utils\/helper\.js)(?=[\s\S]*\/main\.js)/,
      hint: /files/,
    },
  },
  {
    id: "import-missing-file-from-ts",
    kind: "imports",
    filename: "/main.ts",
    code: `import type { Row } from "./types";
import { db } from "./db";

const rows: Row[] = db.all();
console.log(rows);
`,
    files: { "/types.ts": "export interface Row {\n  id: number;\n}\n" },
    expect: {
      name: "Error",
      location: mainTs(2, 20),
      node: false,
      message: /^(?=[\s\S]*\.\/db\b)(?=[\s\S]*\/main\.ts)/,
      hint: /files/,
    },
  },
  {
    id: "import-node-zlib",
    kind: "imports",
    filename: "/main.js",
    code: `import zlib from "node:zlib";

const packed = zlib.gzipSync("hello");
console.log(packed.length);
`,
    expect: {
      name: "Error",
      location: main(1, 18),
      node: false,
      message: /zlib[\s\S]*not available in the sandbox/,
    },
  },
  {
    id: "import-node-child-process",
    kind: "imports",
    filename: "/main.js",
    code: `import { execSync } from "node:child_process";

console.log(execSync("ls").toString());
`,
    expect: {
      name: "Error",
      location: main(1, 26),
      node: false,
      message: /child_process[\s\S]*not available in the sandbox/,
    },
  },
  {
    id: "require-child-process",
    kind: "imports",
    filename: "/main.js",
    code: `const { exec } = require("child_process");
exec("ls", (err, out) => console.log(out));
`,
    expect: {
      name: "Error",
      location: main(1, 18),
      node: false,
      message: /child_process[\s\S]*not available in the sandbox/,
    },
  },
  {
    id: "import-missing-export",
    kind: "imports",
    filename: "/main.js",
    code: `import { sum } from "./math.js";

console.log(sum(1, 2));
`,
    files: { "/math.js": "export function add(a, b) {\n  return a + b;\n}\n" },
    expect: { name: "SyntaxError", location: main(1, 10), node: true },
  },

  // ---- require in an ES module ---------------------------------------------------------------------------------
  {
    id: "require-in-es-module",
    kind: "require-in-esm",
    filename: "/main.js",
    code: `import fs from "node:fs";
const path = require("path");
console.log(path.join("a", "b"), typeof fs);
`,
    expect: { name: "ReferenceError", location: main(2, 14), node: true },
  },
  {
    id: "require-in-ts-module",
    kind: "require-in-esm",
    filename: "/main.ts",
    code: `import { readFileSync } from "node:fs";

const os = require("os");
const text: string = typeof readFileSync + os.EOL;
console.log(text);
`,
    expect: { name: "ReferenceError", location: mainTs(3, 12), node: true },
  },

  // ---- unhandled promise rejections ----------------------------------------------------------------------------
  // These end the run because the rejected promise is the script's value (its last expression). A rejection that is
  // not the value (an async function called without await, a promise dropped mid-script) is not detected: the
  // engine build cordon uses has no rejection tracker it can reach (README, "Known gaps").
  {
    id: "unhandled-promise-reject",
    kind: "unhandled-rejection",
    filename: "/main.js",
    code: `console.log("start");
Promise.reject(new Error("boom"));
`,
    expect: { name: "Error", location: main(2, 16), node: true, exitCode: 1 },
  },
  {
    id: "unhandled-reject-in-timer",
    kind: "unhandled-rejection",
    filename: "/main.js",
    code: `function delay(ms) {
  return new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error(\`timed out after \${ms} ms\`)), ms);
  });
}
delay(5).then(() => console.log("done"));
`,
    expect: { name: "Error", location: main(3, 29), node: true, exitCode: 1 },
  },

  // ---- infinite loops ------------------------------------------------------------------------------------------
  {
    id: "timeout-while-true",
    kind: "timeout",
    filename: "/main.js",
    code: `const start = Date.now();
console.log("working", start > 0);
while (true) {}
`,
    timeoutMs: 200,
    expect: { name: "TimeoutError", location: main(3, 1), node: false, message: /timeout/i, exitCode: 124 },
  },
  {
    id: "timeout-busy-wait-for-timer",
    kind: "timeout",
    filename: "/main.js",
    code: `let done = false;
setTimeout(() => {
  done = true;
}, 10);
while (!done) {}
console.log("finished");
`,
    timeoutMs: 200,
    expect: { name: "TimeoutError", location: main(5, 1), node: false, message: /timeout/i, exitCode: 124 },
  },
  {
    id: "timeout-loop-counter-wrong-direction",
    kind: "timeout",
    filename: "/main.js",
    code: `let total = 0;
for (let i = 10; i > 0; i++) { total += i; }
console.log(total);
`,
    timeoutMs: 200,
    expect: { name: "TimeoutError", location: main(2, 1), node: false, message: /timeout/i, exitCode: 124 },
  },

  // ---- markdown instead of code --------------------------------------------------------------------------------
  {
    id: "markdown-fenced-js",
    kind: "markdown",
    filename: "/main.js",
    code: `${FENCE}js
const x = 1;
console.log(x);
${FENCE}
`,
    expect: { name: "SyntaxError", location: main(1, 1), node: false, message: /\S/, hint: /extractCode/ },
  },
  {
    id: "markdown-prose-then-fence",
    kind: "markdown",
    filename: "/main.js",
    code: `Here is the code:

${FENCE}js
function add(a, b) {
  return a + b;
}
console.log(add(2, 3));
${FENCE}
`,
    expect: { name: "SyntaxError", location: main(1, 6), node: false, message: /\S/, hint: /extractCode/ },
  },
  {
    id: "markdown-fenced-typescript",
    kind: "markdown",
    filename: "/main.ts",
    code: `${FENCE}typescript
const n: number = 1;
console.log(n);
${FENCE}
`,
    expect: { name: "SyntaxError", location: mainTs(1, 1), node: false, message: /\S/, hint: /extractCode/ },
  },
  {
    id: "markdown-prose-only",
    kind: "markdown",
    filename: "/main.js",
    code: `The answer is 42 because the loop runs six times and adds seven each time.
`,
    expect: { name: "SyntaxError", location: main(1, 5), node: true },
  },
];

/** A mix of kinds also run with isolation "worker". */
export const WORKER_CASE_IDS = [
  "typo-in-nested-callback",
  "missing-await-json",
  "array-mapp",
  "destructure-null",
  "throw-custom-error-subclass",
  "module-iife-missing-brace",
  "runtime-in-imported-ts",
  "json-parse-single-quotes",
  "timeout-while-true",
  "import-host-package-not-granted",
];
