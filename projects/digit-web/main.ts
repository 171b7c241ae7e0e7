/**
 * A handwritten-digit recogniser as a web page. Trains a small CNN on MNIST with Strata in Node, saves
 * its weights as safetensors, serves a page where Strata (bundled for the browser) runs the same
 * network on what you draw, and checks that page in headless Chromium with drawn strokes.
 *
 * Full mode: npx tsx projects/digit-web/main.ts        (then: npx tsx projects/digit-web/serve.ts)
 * Quick mode (a slice, for CI): STRATA_QUICK=1 npx tsx projects/digit-web/main.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { type Logs, Callback, data, io, manualSeed, optim } from "strata-dl";
import { checkPage } from "./check.js";
import { digitNet } from "./model.js";
import { startSite } from "./site.js";
import { availableParallelism } from "node:os";

const quick = process.env.STRATA_QUICK === "1";
// quick: 2,000 training images, one epoch (the page must work; its answers may be wrong);
// full: all 60,000, three epochs
const [limitTrain, limitTest, epochs] = quick ? [2_000, 1_000, 1] : [60_000, 10_000, 3];
const outDir = new URL(quick ? "./output/quick/" : "./output/", import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const started = performance.now();

// 1. train in Node
manualSeed(0);
const { train, test } = await data.mnist({ limitTrain, limitTest });
const model = digitNet();
model.compile({ optimizer: new optim.Adam(model.parameters(), { lr: 2e-3 }), loss: "crossEntropy" });
class EpochLine extends Callback {
  override onEpochEnd(epoch: number, logs: Logs): void {
    console.log(
      `epoch ${epoch + 1}/${epochs}: train loss ${logs.loss.toFixed(4)}, ` +
        `test accuracy ${(100 * logs.valAccuracy).toFixed(2)}%`,
    );
  }
}
console.log(`Training on ${train.length} MNIST images, testing on ${test.length}`);
await model.fit(train, {
  epochs,
  batchSize: 64,
  validationData: test,
  verbose: 0,
  callbacks: [new EpochLine()],
});
const { accuracy } = model.evaluate(test, { batchSize: 500 });

// 2. save the weights: the page loads this file
const modelPath = `${outDir}model.safetensors`;
await io.saveModel(model, modelPath);
console.log(`Saved the weights to ${modelPath}`);

// 3. the page in headless Chromium: draw a 1, a 0 and a 7 with the mouse, read the answers
const site = await startSite(modelPath);
let result: Awaited<ReturnType<typeof checkPage>>;
try {
  result = await checkPage(site.url);
} finally {
  site.close();
}
for (const a of result.answers)
  console.log(`drew a ${a.drawn}: the page says ${a.predicted} (${(100 * a.confidence).toFixed(1)}% sure)`);
writeFileSync(`${outDir}screenshot.png`, result.screenshot);
console.log(`Wrote ${outDir}screenshot.png (the page after the last digit)`);
const right = result.answers.filter((a) => a.predicted === a.drawn).length;

const seconds = (performance.now() - started) / 1000;
if (!quick) {
  const summary = {
    project: "Digit recogniser in the browser",
    command: "npx tsx projects/digit-web/main.ts",
    seconds: Math.round(seconds * 10) / 10,
    machine: process.env.STRATA_MACHINE ?? `${availableParallelism()} cores`,
    results: {
      "MNIST test accuracy (%)": Math.round(10000 * accuracy) / 100,
      "drawn digits recognised in the browser": `${right} of ${result.answers.length}`,
    },
    date: new Date().toISOString().slice(0, 10),
  };
  writeFileSync(`${outDir}result.json`, `${JSON.stringify(summary, null, 2)}\n`);
}
console.log(`MNIST test accuracy ${(100 * accuracy).toFixed(2)}%; done in ${seconds.toFixed(1)} s`);

// the checks: the page ran without errors and answered every drawing; the network learned; in full
// mode the easy drawn digits are recognised
if (result.pageErrors.length) throw new Error(`the page reported errors: ${result.pageErrors.join("; ")}`);
if (result.answers.some((a) => a.predicted === null || !(a.confidence > 0)))
  throw new Error("the page did not answer every drawing");
if (!(accuracy > (quick ? 0.5 : 0.97)))
  throw new Error(`MNIST test accuracy ${(100 * accuracy).toFixed(2)}% is too low`);
if (!quick && right < result.answers.length)
  throw new Error(`only ${right} of ${result.answers.length} drawn digits were recognised`);
