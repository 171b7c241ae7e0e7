// Summarises a .cpuprofile written by `node --cpu-prof --cpu-prof-dir=DIR --import tsx bench/profile_step.ts`:
// self time grouped into wasm kernels (by the TypeScript kernel that called them), JavaScript and the rest.
const fs = require("node:fs");
const dir = process.argv[2];
const file = fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))[0];
const p = JSON.parse(fs.readFileSync(`${dir}/${file}`, "utf8"));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) {
  for (const c of n.children || []) parent.set(c, n.id);
}
const self = new Map();
p.samples.forEach((s, i) => {
  self.set(s, (self.get(s) || 0) + (p.timeDeltas[i] || 0));
});
const kernels = ["matmul", "binary", "unary", "reduce", "where", "cast", "fusedSgdStep", "fusedAdamStep"];
const groups = new Map();
let total = 0;
for (const [id, time] of self) {
  const { functionName: fn, url } = byId.get(id).callFrame;
  let group;
  if (fn.startsWith("wasm-function") || fn.includes("JSToWasm") || fn.startsWith("js-to-wasm")) {
    let q = parent.get(id);
    let k = "other";
    for (let i = 0; i < 6 && q; i++, q = parent.get(q)) {
      const name = byId.get(q).callFrame.functionName;
      if (kernels.includes(name)) {
        k = name;
        break;
      }
    }
    group = `wasm kernel: ${k}`;
  } else if (fn === "(garbage collector)") group = "garbage collection";
  else if (fn === "(idle)" || fn === "(program)") group = "idle / program";
  else if (/\/esm\/|node:|cjs|tsx|esbuild/.test(url)) group = "module loading (start-up)";
  else if (url.includes("/host/")) group = "host (TypeScript) kernels";
  else group = "JavaScript: ops, autograd, dispatch, memory";
  groups.set(group, (groups.get(group) || 0) + time);
  total += time;
}
for (const [g, t] of [...groups].sort((a, b) => b[1] - a[1]))
  console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${g}`);
