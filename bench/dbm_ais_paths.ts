/**
 * How well AIS pins down a trained DBM's log Z: forward AIS from the paper's base model (v's biases
 * fitted, h1 and h2 fair coins) against the base fitted on all three layers, and reverse AIS, at growing
 * numbers of βs. A log Z that still climbs with the βs is not established. Reads weights saved by
 * `examples/dbm-mnist.ts --save`. Results: docs/RBM.md.
 *   npx tsx bench/dbm_ais_paths.ts --load dbm.safetensors [--sizes 500,1000] [--betas 300,1000,3000]
 *        [--runs 100] [--bases paper,fitted] [--reverse] [--burn-in 2000] [--seed 5]
 */
import {
  Generator,
  ValueError,
  data,
  fromHost,
  io,
  manualSeed,
  type Tensor,
  unsupervised,
} from "../src/index.js";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const load = flag("load");
if (!load)
  throw new ValueError(
    "bench/dbm_ais_paths.ts: pass --load with weights saved by examples/dbm-mnist.ts --save",
  );
const [h1, h2] = (flag("sizes") ?? "500,1000").split(",").map(Number);
const betaCounts = (flag("betas") ?? "300,1000,3000").split(",").map(Number);
const runs = Number(flag("runs") ?? 100);
const bases = (flag("bases") ?? "paper,fitted").split(",");
const reverse = process.argv.includes("--reverse");
const burnIn = Number(flag("burn-in") ?? 2000);
const seed = Number(flag("seed") ?? 5);
manualSeed(seed);

const m = await data.loadMnistArrays();
const x = new Float32Array(10000 * 784);
for (let i = 0; i < x.length; i++) x[i] = m.trainImages[i] > 127 ? 1 : 0;
const baseData: Tensor = fromHost(x, [10000, 784], "float32");
const dbm = new unsupervised.DBM(784, h1, h2);
await io.loadModel(dbm, load);

function spread(logWeights: Float64Array): number {
  const mean = logWeights.reduce((a, b) => a + b, 0) / logWeights.length;
  return Math.sqrt(logWeights.reduce((a, b) => a + (b - mean) ** 2, 0) / (logWeights.length - 1));
}

console.log(`DBM 784-${h1}-${h2} from ${load}: ${runs} runs, base fitted to 10,000 training images`);
console.log("| estimate | base model | βs | log Z | effective sample size | sd of log-weights | seconds |");
console.log("|---|---|---|---|---|---|---|");
for (const betas of betaCounts) {
  for (const base of bases) {
    const fitHiddenBase = base === "fitted";
    const kinds = reverse ? (["forward", "reverse"] as const) : (["forward"] as const);
    for (const kind of kinds) {
      const generator = new Generator(seed);
      const t = performance.now();
      const r =
        kind === "forward"
          ? unsupervised.dbmAis(dbm, { runs, betas, baseData, fitHiddenBase, generator })
          : unsupervised.dbmReverseAis(dbm, { runs, betas, baseData, fitHiddenBase, burnIn, generator });
      const seconds = (performance.now() - t) / 1000;
      console.log(
        `| ${kind} | ${fitHiddenBase ? "v, h1, h2 fitted" : "v fitted (paper)"} | ${betas} | ${r.logZ.toFixed(2)} | ` +
          `${r.effectiveSampleSize.toFixed(1)} | ${spread(r.logWeights).toFixed(2)} | ${seconds.toFixed(0)} |`,
      );
    }
  }
}
