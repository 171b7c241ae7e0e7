/**
 * `npm run bench:memory`: the loops of the memory contract (docs/ARCHITECTURE.md, "Memory"), each
 * written as a user writes it (no tidy, dispose or flags), with live bytes and RSS at the start,
 * after the first block and after the last, and the time per step beside the same loop in `tidy`
 * (what the step release and the collector cost, as a ratio).
 * Options: --quick (fewer steps), --only NAME (one loop).
 */
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import {
  type Tensor,
  data,
  getBackend,
  manualSeed,
  nn,
  noGrad,
  optim,
  rand,
  randint,
  randn,
  tidy,
} from "../src/index.js";

const { DataLoader, mnist } = data;
const { LSTM, Linear, Module, ReLU, Sequential } = nn;
const { crossEntropy, mseLoss } = nn.functional;

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : null;
const MiB = 2 ** 20;

interface Sample {
  live: number;
  rss: number;
}
interface Result {
  loop: string;
  steps: number;
  start: Sample;
  first: Sample;
  last: Sample;
  msPerStep: number;
  tidyMsPerStep: number;
}

const sample = (): Sample => ({ live: getBackend().memory().bytes, rss: process.memoryUsage().rss });

/** A loop body run `blocks` times: returns the time per step. */
type Loop = (tidied: boolean, onBlock: () => void) => Promise<number>;

class MLP extends Module {
  l1 = new Linear(784, 128);
  l2 = new Linear(128, 10);
  forward(x: Tensor) {
    return this.l2.forward(this.l1.forward(x.flatten(1)).relu());
  }
}

const epochs = quick ? 2 : 10;
const { train } = await mnist();

function readmeLoop(kind: "async" | "sync"): Loop {
  return async (tidied, onBlock) => {
    manualSeed(0);
    const model = new MLP();
    const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const step = (x: Tensor, y: Tensor) => {
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
    };
    const run = (x: Tensor, y: Tensor) => (tidied ? tidy(() => step(x, y)) : step(x, y));
    let steps = 0;
    const t0 = performance.now();
    for (let epoch = 0; epoch < epochs; epoch++) {
      const loader = new DataLoader(train, { batchSize: 64, shuffle: true });
      if (kind === "async") {
        for await (const [x, y] of loader) {
          run(x, y);
          steps++;
        }
      } else {
        for (const [x, y] of loader) {
          run(x, y);
          steps++;
        }
      }
      onBlock();
    }
    return (performance.now() - t0) / steps;
  };
}

const dqnLoop: Loop = async (tidied, onBlock) => {
  manualSeed(1);
  const net = () =>
    new Sequential(new Linear(8, 64), new ReLU(), new Linear(64, 64), new ReLU(), new Linear(64, 4));
  const online = net();
  const target = net();
  target.loadStateDict(online.stateDict());
  const opt = new optim.Adam(online.parameters(), { lr: 1e-3 });
  const total = quick ? 20_000 : 100_000;
  const step = (i: number) => {
    const s = randn([32, 8]);
    const a = randint(0, 4, [32]);
    const r = rand([32]);
    const s2 = randn([32, 8]);
    const done = rand([32]).lt(0.1);
    const next = noGrad(() => target.forward(s2).max(1));
    const y = r.add(next.mul(0.99).mul(done.logicalNot().float()));
    const q = online.forward(s).gather(1, a.unsqueeze(1)).squeeze(1);
    const loss = mseLoss(q, y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    if (i % 1000 === 0) target.loadStateDict(online.stateDict());
  };
  const t0 = performance.now();
  for (let i = 1; i <= total; i++) {
    if (tidied) tidy(() => step(i));
    else step(i);
    if (i % (total / 10) === 0) onBlock();
  }
  return (performance.now() - t0) / total;
};

const predictLoop: Loop = async (tidied, onBlock) => {
  manualSeed(4);
  const model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10));
  const x = randn([256, 784]);
  const total = quick ? 2000 : 10_000;
  const t0 = performance.now();
  for (let i = 1; i <= total; i++) {
    if (tidied) tidy(() => model.predict(x, { batchSize: 256 }));
    else model.predict(x, { batchSize: 256 });
    await yieldToEventLoop();
    if (i % (total / 10) === 0) onBlock();
  }
  return (performance.now() - t0) / total;
};

const lstmLoop: Loop = async (tidied, onBlock) => {
  manualSeed(5);
  const lstm = new LSTM(16, 64, { batchFirst: true });
  const x = randn([32, 10, 16]);
  const total = quick ? 2000 : 10_000;
  const t0 = performance.now();
  for (let i = 1; i <= total; i++) {
    if (tidied) tidy(() => noGrad(() => lstm.forward(x)));
    else noGrad(() => lstm.forward(x));
    await yieldToEventLoop();
    if (i % (total / 10) === 0) onBlock();
  }
  return (performance.now() - t0) / total;
};

const loops: [string, string, Loop][] = [
  ["readme-await", `README loop, for await, ${epochs} epochs of MNIST`, readmeLoop("async")],
  ["readme-sync", `README loop, plain for, ${epochs} epochs of MNIST`, readmeLoop("sync")],
  ["dqn", `DQN-shaped, ${quick ? "20,000" : "100,000"} steps`, dqnLoop],
  ["predict", `predict() dropped, ${quick ? "2,000" : "10,000"}×, yielding`, predictLoop],
  ["lstm", `LSTM under noGrad dropped, ${quick ? "2,000" : "10,000"}×, yielding`, lstmLoop],
];

const results: Result[] = [];
for (const [name, label, loop] of loops) {
  if (only && name !== only) continue;
  const start = sample();
  const blocks: Sample[] = [];
  const msPerStep = await loop(false, () => blocks.push(sample()));
  const tidyMsPerStep = await loop(true, () => {});
  results.push({
    loop: label,
    steps: blocks.length,
    start,
    first: blocks[0],
    last: blocks[blocks.length - 1],
    msPerStep,
    tidyMsPerStep,
  });
  console.error(`done: ${label}`);
}

const mib = (b: number) => (b / MiB).toFixed(1);
console.log(`\nMemory of user-written loops (Node ${process.version}, ${getBackend().name} backend)\n`);
console.log(
  "| loop | live MiB start → first block → last | RSS MiB start → first → last | ms/step | in tidy | ratio |",
);
console.log("|---|---|---|---|---|---|");
for (const r of results) {
  console.log(
    `| ${r.loop} | ${mib(r.start.live)} → ${mib(r.first.live)} → ${mib(r.last.live)} | ` +
      `${mib(r.start.rss)} → ${mib(r.first.rss)} → ${mib(r.last.rss)} | ${r.msPerStep.toFixed(3)} | ` +
      `${r.tidyMsPerStep.toFixed(3)} | ${(r.msPerStep / r.tidyMsPerStep).toFixed(2)}× |`,
  );
}
const drift = results.map((r) => ({ loop: r.loop, growth: r.last.live / r.first.live - 1 }));
for (const d of drift) {
  if (d.growth > 0.1)
    console.log(
      `\nNOT FLAT: ${d.loop}: live bytes grew ${(d.growth * 100).toFixed(0)}% after the first block`,
    );
}
