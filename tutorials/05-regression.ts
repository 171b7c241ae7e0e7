/**
 * Tutorial 05: regression, predicting a number instead of a class. Fuel consumption (miles per gallon)
 * of 392 cars from seven attributes (Auto MPG), with a baseline, a linear model and a small MLP.
 * Run: npx tsx tutorials/05-regression.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Tensor, concat, data, manualSeed, nn, oneHot, optim, plot } from "strata-dl";

// STRATA_QUICK=1: 40 epochs instead of 200 (every row is used in both modes)
const quick = process.env.STRATA_QUICK === "1";
const outDir = fileURLToPath(new URL(quick ? "./output/quick/" : "./output/", import.meta.url));
mkdirSync(outDir, { recursive: true });
const epochs = quick ? 40 : 200;

// 1. Load: the target is a number, so ask for it as float32
const csv = new URL("./data/auto-mpg.csv", import.meta.url);
const table = await data.loadCsv(csv, { target: "mpg", targetDtype: "float32" });
console.log(`${table.features.shape[0]} cars; features: ${table.columns.join(", ")}`);

// 2. "origin" is a category (1 USA, 2 Europe, 3 Japan), not a quantity: give it one column per value
const originColumn = table.columns.indexOf("origin");
const numeric = table.columns.map((_, i) => i).filter((i) => i !== originColumn);
const origin = oneHot(table.features.select(1, originColumn).sub(1).int(), 3); // 1 → [1,0,0], 2 → [0,1,0], ...
const features = concat([table.features.indexSelect(1, numeric), origin], 1);
const target = table.target.reshape([-1, 1]); // [392] → [392, 1], the shape of the model's output
console.log(`input features per car: ${features.shape[1]}`);

// 3. Split, then standardise inputs and target with the training rows' statistics
const [[xTrain, yTrain], [xTest, yTest]] = data.trainTestSplit([features, target], {
  testSize: 0.2,
  seed: 0,
});
const xScaler = data.Standardizer.fit(xTrain);
const yScaler = data.Standardizer.fit(yTrain);
const [zTrain, zTest] = [xScaler.transform(xTrain), xScaler.transform(xTest)];
console.log(`training cars: ${xTrain.shape[0]}, test cars: ${xTest.shape[0]}`);

// Mean absolute error in miles per gallon, the number a reader of the result cares about
const mae = (predicted: Tensor, truth: Tensor) => predicted.sub(truth).abs().mean().item();

// 4. The baseline to beat: predict the training cars' mean mpg for every car
const mean = yTrain.mean().item();
console.log(
  `baseline (always ${mean.toFixed(1)} mpg): test MAE ${mae(yTest.mul(0).add(mean), yTest).toFixed(2)} mpg`,
);

// 5. Two models: one linear layer, and an MLP with two hidden layers
async function train(name: string, model: nn.Module) {
  model.compile({ optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }), loss: "mse" });
  const history = await model.fit([zTrain, yScaler.transform(yTrain)], { epochs, batchSize: 32, verbose: 0 });
  const predicted = yScaler.inverseTransform(model.predict(zTest)); // back to miles per gallon
  const losses = history.history.loss;
  const testMae = mae(predicted, yTest);
  console.log(
    `${name}: training loss ${losses[0].toFixed(3)} → ${losses[epochs - 1].toFixed(3)}, ` +
      `test MAE ${testMae.toFixed(2)} mpg`,
  );
  return { predicted, testMae };
}
manualSeed(0);
const linear = await train("linear", new nn.Linear(9, 1));
manualSeed(0);
const mlp = await train(
  "MLP 9-64-64-1",
  new nn.Sequential(
    new nn.Linear(9, 64),
    new nn.ReLU(),
    new nn.Linear(64, 64),
    new nn.ReLU(),
    new nn.Linear(64, 1),
  ),
);

// A picture: predicted against true mpg for the test cars; perfect predictions lie on the diagonal
const truth = yTest.dataSync();
const points = (group: string, predicted: Tensor) =>
  Array.from(predicted.dataSync(), (p, i) => ({ x: truth[i], y: p, group }));
const diagonal = Array.from({ length: 60 }, (_, i) => ({ x: 8 + i * 0.6, y: 8 + i * 0.6, group: "perfect" }));
const svg = await plot.scatterPlot({
  title: "Auto MPG, test cars",
  xLabel: "true mpg",
  yLabel: "predicted mpg",
  points: [...diagonal, ...points("linear", linear.predicted), ...points("MLP", mlp.predicted)],
});
writeFileSync(`${outDir}05-regression-predictions.png`, await plot.svgToPng(svg));

// The check of learning: the MLP must clearly beat the baseline of always predicting the mean
const baseline = mae(yTest.mul(0).add(mean), yTest);
if (!(mlp.testMae < 0.5 * baseline)) {
  throw new Error(`the MLP's test MAE ${mlp.testMae} is not under half the baseline's ${baseline}`);
}
