// A small program of the kind an agent writes: compute, print, return a value.
const orders = [
  { id: 1, total: 42.5, status: "paid" },
  { id: 2, total: 17.25, status: "refunded" },
  { id: 3, total: 99.0, status: "paid" },
];

const paid = orders.filter((o) => o.status === "paid");
const revenue = paid.reduce((sum, o) => sum + o.total, 0);
console.log(`paid orders: ${paid.length}`);
console.log(
  "by status:",
  Object.groupBy(orders, (o) => o.status),
);

await new Promise((resolve) => setTimeout(resolve, 10));
export default { revenue, ids: paid.map((o) => o.id) };
