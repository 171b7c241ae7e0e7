/**
 * Ng's curve on real data: test error against training-set size for four models of growing capacity.
 * Older algorithms plateau as data grows; larger networks keep improving.
 *
 * Training sets: nested random subsets of MNIST's 60,000 training images (one seeded permutation; the
 * first 1k, 2k, 5k, 10k, 20k, 60k of it), the same for every model. Every cell is tested on the full
 * 10,000 test images. Models: softmax regression (784-10), MLP 784-100-10, MLP 784-512-512-10 with
 * dropout 0.2, and the LeNet-like CNN of examples/mnist-cnn.ts (conv 5×5×32, pool, conv 5×5×64, pool,
 * dense 1024, dropout 0.5, dense 10). Pixels in [0, 1].
 *
 * The budget, one rule for every model and size (never tuned per cell): Adam (lr 1e-3), batches of
 * 64, reshuffled each epoch, for  epochs(S) = max(2, ceil(640 / ceil(S / 64)))  epochs, i.e. at least
 * two passes over the data and at least 640 optimizer steps:
 *
 *     size S          1k    2k    5k    10k   20k   60k
 *     steps/epoch     16    32    79    157   313   938
 *     epochs          40    20     9      5     3     2
 *     steps          640   640   711    785   939  1876    (5,591 in all, per model)
 *
 * Why this budget fits in 30 minutes on 2 cores alone. Per step at batch 64 (wasm backend, measured
 * with process.cpuUsage beside other jobs; CPU time ≈ wall time × 2 when the CNN's matmuls run on both
 * cores, and it agrees with README's 119 s per CNN epoch = 127 ms/step): CNN ≈ 130 ms, MLP 512 ≈ 10 ms,
 * MLP 100 ≈ 4 ms, softmax ≈ 3 ms. One pass over the 10k test images: CNN ≈ 8 s, the others < 1 s.
 *   CNN: 5,591 × 0.13 s ≈ 727 s + 6 × 8 s ≈ 775 s; the three others: 5,591 × 17 ms ≈ 95 s + ~10 s.
 *   Total ≈ 880 s ≈ 15 minutes, half the 30-minute limit (room for a slower machine). Measured in one
 *   run with the machine to itself: 21.6 minutes (the CNN ran at ~210 ms per step).
 *
 * Prints a line per cell as it finishes (test error, epochs, steps, seconds), then the table of test
 * error (model × size) and seconds per cell, and whether each expectation of ../shared/TARGETS.md
 * ("Scale") held. Writes examples/output/scaling-curve.json after every cell (so a stopped run keeps
 * what it measured) and the plot examples/output/scaling-curve.svg and .png at the end.
 *
 * `STRATA_QUICK=1`: sizes 1k and 2k, softmax and the small MLP, tested on the first
 * 2,000 test images (at least 300 steps); writes scaling-curve-quick.{json,svg,png} instead. Well under a minute.
 * Usage: npx tsx examples/scaling-curve.ts [--models softmax,mlp100,mlp512,cnn] [--sizes 1000,2000]
 * [--out NAME: write examples/output/NAME.{json,svg,png} (default scaling-curve)]
 * [--replot: print the table and redraw the plot from the saved JSON, without training]
 * [--merge NAME,...: with --replot, add the cells of runs saved with --out NAME]
 */
import { readFile } from "node:fs/promises";
import { ArgumentError, Generator, data, io, manualSeed, nn, optim, plot } from "../src/index.js";

const QUICK = process.env.STRATA_QUICK === "1";

function listArg(name: string): string[] | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1].split(",") : undefined;
}

interface ModelSpec {
  key: string;
  name: string;
  build: () => nn.Module;
}

const MODELS: ModelSpec[] = [
  {
    key: "softmax",
    name: "softmax regression",
    build: () => new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 10)),
  },
  {
    key: "mlp100",
    name: "MLP 784-100-10",
    build: () =>
      new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 100), new nn.ReLU(), new nn.Linear(100, 10)),
  },
  {
    key: "mlp512",
    name: "MLP 784-512-512-10",
    build: () =>
      new nn.Sequential(
        new nn.Flatten(),
        new nn.Linear(784, 512),
        new nn.ReLU(),
        new nn.Dropout(0.2),
        new nn.Linear(512, 512),
        new nn.ReLU(),
        new nn.Dropout(0.2),
        new nn.Linear(512, 10),
      ),
  },
  {
    key: "cnn",
    name: "CNN (LeNet-like)",
    build: () =>
      new nn.Sequential(
        new nn.Conv2d(1, 32, 5, { padding: 2 }),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Conv2d(32, 64, 5, { padding: 2 }),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Flatten(),
        new nn.Linear(64 * 7 * 7, 1024),
        new nn.ReLU(),
        new nn.Dropout(0.5),
        new nn.Linear(1024, 10),
      ),
  },
];

// the budget rule (see the header): at least MIN_EPOCHS passes and at least MIN_STEPS steps
const BATCH = 64;
const LR = 1e-3;
const MIN_EPOCHS = QUICK ? 1 : 2;
const MIN_STEPS = QUICK ? 300 : 640;
const SIZES = (
  listArg("sizes") ?? (QUICK ? ["1000", "2000"] : ["1000", "2000", "5000", "10000", "20000", "60000"])
).map(Number);
const modelKeys = listArg("models") ?? (QUICK ? ["softmax", "mlp100"] : MODELS.map((m) => m.key));
const models = modelKeys.map((k) => {
  const m = MODELS.find((spec) => spec.key === k);
  if (m === undefined)
    throw new ArgumentError(`--models: unknown model ${k}; known: ${MODELS.map((s) => s.key).join(", ")}`);
  return m;
});
const SUBSET_SEED = 2026;

function budget(size: number): { epochs: number; steps: number } {
  const perEpoch = Math.ceil(size / BATCH);
  const epochs = Math.max(MIN_EPOCHS, Math.ceil(MIN_STEPS / perEpoch));
  return { epochs, steps: epochs * perEpoch };
}

interface Cell {
  model: string;
  size: number;
  epochs: number;
  steps: number;
  testError: number;
  trainSeconds: number;
  testSeconds: number;
}
interface RunRecord {
  command: string;
  finished: string;
  budget: { optimizer: string; lr: number; batchSize: number; minEpochs: number; minSteps: number };
  subsetSeed: number;
  testImages: number;
  sizes: number[];
  models: string[];
  totalSeconds: number;
  cells: Cell[];
}

const name = listArg("out")?.[0] ?? `scaling-curve${QUICK ? "-quick" : ""}`;
const base = new URL(`./output/${name}`, import.meta.url).pathname;

/** Trains and tests every cell, saving the record after each one. */
async function run(): Promise<RunRecord> {
  const { train, test } = await data.mnist(QUICK ? { limitTest: 2000 } : {});
  // one permutation; every size takes its prefix, so the subsets are nested and shared by all models
  const order = new Generator(SUBSET_SEED).permutation(train.length);
  console.log(
    `MNIST: ${train.length} training images (nested subsets of ${SIZES.join(", ")}), ${test.length} test images`,
  );
  console.log(
    `Budget for every cell: Adam lr ${LR}, batch ${BATCH}, epochs = max(${MIN_EPOCHS}, ceil(${MIN_STEPS} / steps per epoch))`,
  );
  const started = performance.now();
  const record: RunRecord = {
    command:
      `${QUICK ? "STRATA_QUICK=1 " : ""}npx tsx examples/scaling-curve.ts ${process.argv.slice(2).join(" ")}`.trim(),
    finished: "",
    budget: { optimizer: "Adam", lr: LR, batchSize: BATCH, minEpochs: MIN_EPOCHS, minSteps: MIN_STEPS },
    subsetSeed: SUBSET_SEED,
    testImages: test.length,
    sizes: SIZES,
    models: models.map((m) => m.name),
    totalSeconds: 0,
    cells: [],
  };
  // the cheap models first, then the CNN; each model's largest sizes first: a run stopped early still
  // has the cells the expectations need (10k, 60k)
  const largestFirst = [...SIZES].sort((a, b) => b - a);
  for (const spec of models) {
    for (const size of largestFirst) {
      const { epochs, steps } = budget(size);
      // the same initial weights for every size of a model, and in a run of only some models or sizes
      manualSeed(100 + MODELS.indexOf(spec));
      const model = spec.build();
      model.compile({
        optimizer: new optim.Adam(model.parameters(), { lr: LR }),
        loss: "crossEntropy",
        metrics: ["accuracy"],
      });
      const subset = new data.Subset(train, order.subarray(0, size));
      const t0 = performance.now();
      await model.fit(subset, { epochs, batchSize: BATCH, verbose: 0 });
      const t1 = performance.now();
      const { accuracy } = model.evaluate(test, { batchSize: 500 });
      const t2 = performance.now();
      const cell: Cell = {
        model: spec.name,
        size,
        epochs,
        steps,
        testError: 100 * (1 - accuracy),
        trainSeconds: (t1 - t0) / 1000,
        testSeconds: (t2 - t1) / 1000,
      };
      record.cells.push(cell);
      record.totalSeconds = (performance.now() - started) / 1000;
      record.finished = new Date().toISOString();
      await io.writeFileAtomic(`${base}.json`, `${JSON.stringify(record, null, 2)}\n`);
      console.log(
        `${spec.name.padEnd(20)} ${String(size).padStart(6)} images: test error ${cell.testError.toFixed(2)}% ` +
          `(${epochs} epochs, ${steps} steps; train ${cell.trainSeconds.toFixed(1)} s, test ${cell.testSeconds.toFixed(1)} s)`,
      );
    }
  }
  return record;
}

/** The table of test errors and of seconds per cell, and whether each expectation held. */
function report(record: RunRecord): void {
  const { cells, sizes, models: names } = record;
  const cellOf = (model: string, size: number) => cells.find((c) => c.model === model && c.size === size);
  const errorOf = (model: string, size: number) => cellOf(model, size)?.testError;
  const sizeLabel = (s: number) => (s % 1000 === 0 ? `${s / 1000}k` : String(s));
  const width = Math.max(...names.map((m) => m.length));
  const row = (label: string, values: string[]) =>
    `${label.padEnd(width)} ${values.map((v) => v.padStart(7)).join(" ")}`;
  console.log(`\nTest error (%) on ${record.testImages} test images, model × training-set size:`);
  console.log(row("", sizes.map(sizeLabel)));
  for (const m of names)
    console.log(
      row(
        m,
        sizes.map((s) => errorOf(m, s)?.toFixed(2) ?? "-"),
      ),
    );
  console.log("\nSeconds per cell (training + testing):");
  console.log(row("", sizes.map(sizeLabel)));
  for (const m of names) {
    const secs = sizes.map((s) => {
      const c = cellOf(m, s);
      return c === undefined ? "-" : (c.trainSeconds + c.testSeconds).toFixed(1);
    });
    console.log(row(m, secs));
  }
  const sum = cells.reduce((a, c) => a + c.trainSeconds + c.testSeconds, 0);
  console.log(
    `\nTotal ${(record.totalSeconds / 60).toFixed(1)} min (the cells: ${(sum / 60).toFixed(1)} min)`,
  );

  // the expectations of ../shared/TARGETS.md, "Scale", where the run has the cells they need
  const [softmax, mlpSmall, mlpLarge, cnn] = MODELS.map((m) => m.name);
  const verdict = (ok: boolean) => (ok ? "held" : "did NOT hold");
  const s10 = errorOf(softmax, 10000);
  const s60 = errorOf(softmax, 60000);
  if (s10 !== undefined && s60 !== undefined) {
    console.log(
      `Softmax plateaus, err(10k) − err(60k) < 1.5 points: ${(s10 - s60).toFixed(2)} points, ${verdict(s10 - s60 < 1.5)}`,
    );
  }
  const c10 = errorOf(cnn, 10000);
  const c60 = errorOf(cnn, 60000);
  if (c10 !== undefined && c60 !== undefined) {
    console.log(
      `CNN keeps improving, err(60k) ≤ 0.6 × err(10k): ${c60.toFixed(2)} vs ${(0.6 * c10).toFixed(2)} ` +
        `(ratio ${(c60 / c10).toFixed(2)}), ${verdict(c60 <= 0.6 * c10)}`,
    );
  }
  const at60 = [cnn, mlpLarge, mlpSmall, softmax].map((name) => ({ name, err: errorOf(name, 60000) }));
  if (at60.every((x) => x.err !== undefined)) {
    const ok = at60.every((x, i) => i === 0 || (at60[i - 1].err as number) < (x.err as number));
    console.log(
      `Order at 60k, CNN < large MLP < small MLP < softmax: ${at60.map((x) => (x.err as number).toFixed(2)).join(", ")}, ${verdict(ok)}`,
    );
  }
}

/** Test error against training-set size, one line per model, as SVG and PNG. */
async function draw(record: RunRecord): Promise<void> {
  try {
    await plot.linePlot(
      {
        title: `MNIST: test error on ${record.testImages.toLocaleString("en-US")} test images${QUICK ? " (quick run)" : ""}`,
        xLabel: "training-set size (images, log scale)",
        yLabel: "test error (%)",
        xScale: "log",
        series: record.models.map((name) => {
          const mine = record.cells.filter((c) => c.model === name).sort((a, b) => a.size - b.size);
          return { name, x: mine.map((c) => c.size), y: mine.map((c) => c.testError) };
        }),
      },
      base,
    );
    console.log(`Plot: ${base}.svg and ${base}.png (the numbers: ${base}.json)`);
  } catch (err) {
    if (!(err instanceof plot.MissingPackageError)) throw err;
    console.log(`No plot (the numbers: ${base}.json): ${err.message}`);
  }
}

/**
 * The saved record, plus the cells of the runs named by `--merge` (runs of some models or sizes with
 * `--out`: the same code and seeds compute the same cells, so a sweep can be split across processes).
 */
async function saved(): Promise<RunRecord> {
  const record: RunRecord = JSON.parse(await readFile(`${base}.json`, "utf8"));
  for (const other of listArg("merge") ?? []) {
    const path = new URL(`./output/${other}.json`, import.meta.url).pathname;
    const more: RunRecord = JSON.parse(await readFile(path, "utf8"));
    for (const c of more.cells) {
      if (!record.cells.some((x) => x.model === c.model && x.size === c.size)) record.cells.push(c);
    }
    record.command += ` + ${more.command}`;
  }
  return record;
}

// --replot: the table and the picture again from the saved numbers, without training
const record = process.argv.includes("--replot") ? await saved() : await run();
report(record);
await draw(record);
