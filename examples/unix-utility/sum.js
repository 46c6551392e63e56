// Sums the "amount" column of a CSV read from standard input: cat data.csv | cordon run sum.js
const fs = require("node:fs");

const [header, ...rows] = fs.readFileSync(0, "utf8").trim().split("\n");
const column = header.split(",").indexOf("amount");
if (column === -1) throw new Error(`no "amount" column in: ${header}`);

let total = 0;
for (const row of rows) total += Number(row.split(",")[column]);
console.log(total.toFixed(2));
