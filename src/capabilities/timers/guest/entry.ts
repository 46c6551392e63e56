// Guest bundle "timers".
export { createTimers as create } from "./timers.js";
