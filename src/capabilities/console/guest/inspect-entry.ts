export { format, formatWithOptions, inspect } from "./inspect.js";
