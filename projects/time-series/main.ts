/**
 * Forecasting Seattle's daily maximum temperature 1 to 7 days ahead from the last 14 days of weather,
 * with an MLP, against a linear model and the two naive forecasts (persistence, same day last year).
 * Train on 2012–2013, choose the epoch on 2014, report on 2015.
 *
 *   npx tsx projects/time-series/main.ts [path/to/seattle-weather.csv]
 *   STRATA_QUICK=1 npx tsx projects/time-series/main.ts   # fewer epochs, writes output/quick/
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EarlyStopping, type Tensor, data, manualSeed, nn, optim, plot, tensor } from "strata-dl";
import {
  DEFAULT_CSV,
  errorsByHorizon,
  makeExamples,
  persistence,
  readWeather,
  seasonalNaive,
} from "./weather.js";
import { availableParallelism } from "node:os";

const quick = process.env.STRATA_QUICK === "1"; // CI's quick mode: fewer epochs, same data
const started = performance.now();
const outDir = fileURLToPath(new URL(quick ? "./output/quick/" : "./output/", import.meta.url));
mkdirSync(outDir, { recursive: true });

const WINDOW = 14; // days of history the model sees
const HORIZON = 7; // it forecasts temp_max 1..7 days after the last one
const maxEpochs = quick ? 25 : 300;

// 1. The data: 1461 days, 2012-01-01 .. 2015-12-31
const csvPath = process.argv[2] ?? process.env.SEATTLE_WEATHER_CSV ?? DEFAULT_CSV;
const days = readWeather(csvPath);
console.log(`${days.length} days, ${days[0].date} .. ${days[days.length - 1].date} (${csvPath})`);

// 2. Time-ordered split by the first forecast day: no shuffling across time, no look-ahead
const train = makeExamples(days, 2012, WINDOW, HORIZON);
const more = makeExamples(days, 2013, WINDOW, HORIZON);
train.x.push(...more.x);
train.y.push(...more.y);
const val = makeExamples(days, 2014, WINDOW, HORIZON);
const test = makeExamples(days, 2015, WINDOW, HORIZON);
console.log(
  `windows of ${WINDOW} days → temp_max 1..${HORIZON} days ahead: ` +
    `train ${train.x.length} (2012–13), validation ${val.x.length} (2014), test ${test.x.length} (2015)`,
);

// 3. The networks predict the change from the issue day's temp_max (so "no change", persistence, is
// the zero output), standardised as one temperature scale; inputs per feature; training statistics only
const lastTemp = (x: number[][]) => x.map((row) => row[(WINDOW - 1) * 4]); // temp_max of day t
const change = (y: number[][], x: number[][]) => y.map((row, i) => row.map((v) => v - lastTemp(x)[i]));
const scaler = data.Standardizer.fit(tensor(train.x));
const flatY = change(train.y, train.x).flat();
const yMean = flatY.reduce((a, b) => a + b, 0) / flatY.length;
const yStd = Math.sqrt(flatY.reduce((a, b) => a + (b - yMean) ** 2, 0) / flatY.length);
const inputs = (x: number[][]) => scaler.transform(tensor(x));
const targets = (y: number[][], x: number[][]) => tensor(change(y, x)).sub(yMean).div(yStd);
const xTrain = inputs(train.x);
const yTrain = targets(train.y, train.x);
const xVal = inputs(val.x);
const yVal = targets(val.y, val.x);
const features = train.x[0].length;

/** Trains with Adam on the squared error, keeping the epoch with the lowest validation loss. */
async function trainModel(name: string, model: nn.Module, weightDecay: number) {
  model.compile({ optimizer: new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay }), loss: "mse" });
  const stop = new EarlyStopping({ monitor: "valLoss", patience: 30, restoreBestWeights: true });
  const history = await model.fit([xTrain, yTrain], {
    epochs: maxEpochs,
    batchSize: 32,
    validationData: [xVal, yVal],
    callbacks: [stop],
    verbose: 0,
  });
  const loss = history.history.loss;
  const valLoss = history.history.valLoss;
  const best = valLoss.indexOf(Math.min(...valLoss));
  console.log(
    `${name}: ${loss.length} epochs, train loss ${loss[0].toFixed(3)} → ${loss[loss.length - 1].toFixed(3)}, ` +
      `best validation loss ${valLoss[best].toFixed(3)} at epoch ${best + 1} (standardised units)`,
  );
  return { firstLoss: loss[0], lastLoss: loss[loss.length - 1] };
}

/** Forecasts in °C for the given windows. */
function forecast(model: nn.Module, x: number[][]): number[][] {
  const out: Tensor = model.predict(inputs(x)).mul(yStd).add(yMean);
  const last = lastTemp(x);
  return (out.toArray() as number[][]).map((row, i) => row.map((v) => v + last[i]));
}

manualSeed(0);
const mlp = new nn.Sequential(
  new nn.Linear(features, 32),
  new nn.ReLU(),
  new nn.Dropout(0.2),
  new nn.Linear(32, 32),
  new nn.ReLU(),
  new nn.Linear(32, HORIZON),
);
const linear = new nn.Linear(features, HORIZON);
const mlpTraining = await trainModel(`MLP ${features}-32-32-${HORIZON}`, mlp, 5e-2);
await trainModel(`linear ${features}-${HORIZON}`, linear, 0);

// 4. The 2015 test year: every method forecasts the same days
const methods: Record<string, number[][]> = {
  MLP: forecast(mlp, test.x),
  linear: forecast(linear, test.x),
  persistence: persistence(days, test.issued, HORIZON),
  "same day last year": seasonalNaive(days, test.issued, HORIZON),
};
const scores = Object.fromEntries(
  Object.entries(methods).map(([name, pred]) => [name, errorsByHorizon(pred, test.y)]),
);
const fmt = (v: number[]) => v.map((e) => e.toFixed(2).padStart(5)).join(" ");
const hs = Array.from({ length: HORIZON }, (_, h) => `h=${h + 1}`.padStart(5)).join(" ");
console.log(`\ntest 2015, temp_max error in °C by days ahead (${test.x.length} forecasts each)`);
console.log(`${"MAE".padEnd(20)} ${hs}   mean`);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
for (const [name, s] of Object.entries(scores))
  console.log(`${name.padEnd(20)} ${fmt(s.mae)}  ${mean(s.mae).toFixed(2)}`);
console.log(`${"RMSE".padEnd(20)} ${hs}   mean`);
for (const [name, s] of Object.entries(scores))
  console.log(`${name.padEnd(20)} ${fmt(s.rmse)}  ${mean(s.rmse).toFixed(2)}`);

// 5. Pictures: the 2015 forecasts one day ahead against what happened, and the error against the horizon
// 100 days of summer: a whole year of daily lines is too dense to read
const shown = test.issued.map((_, i) => i).filter((i) => i >= 150 && i < 250);
const x2015 = shown.map((i) => days[test.issued[i] + 1].dayOfYear + 1); // day of 2015 of the forecast day
await plot.linePlot(
  {
    title: "Seattle, summer 2015: temp_max one day ahead (test period)",
    xLabel: "day of 2015",
    yLabel: "temp_max (°C)",
    series: [
      { name: "actual", x: x2015, y: shown.map((i) => test.y[i][0]) },
      { name: "MLP forecast", x: x2015, y: shown.map((i) => methods.MLP[i][0]) },
      { name: "persistence", x: x2015, y: shown.map((i) => methods.persistence[i][0]) },
    ],
  },
  `${outDir}forecast-vs-actual`,
);
const horizons = Array.from({ length: HORIZON }, (_, h) => h + 1);
await plot.linePlot(
  {
    title: "Test error (2015) against days ahead",
    xLabel: "days ahead",
    yLabel: "MAE of temp_max (°C)",
    series: Object.entries(scores).map(([name, s]) => ({ name, x: horizons, y: s.mae })),
  },
  `${outDir}mae-by-horizon`,
);
console.log(`\nwrote ${quick ? "output/quick" : "output"}/forecast-vs-actual.png and mae-by-horizon.png`);

const seconds = (performance.now() - started) / 1000;
console.log(`${seconds.toFixed(1)} s`);
if (!quick) {
  const r2 = (v: number) => Math.round(v * 100) / 100;
  writeFileSync(
    `${outDir}result.json`,
    `${JSON.stringify(
      {
        project: "Seattle weather forecasting",
        command: "npx tsx projects/time-series/main.ts",
        seconds: Math.round(seconds * 10) / 10,
        machine: process.env.STRATA_MACHINE ?? `${availableParallelism()} cores`,
        results: {
          "MLP test MAE 1 day ahead (°C)": r2(scores.MLP.mae[0]),
          "MLP test RMSE 1 day ahead (°C)": r2(scores.MLP.rmse[0]),
          "MLP test MAE, mean over 1..7 days (°C)": r2(mean(scores.MLP.mae)),
          "linear test MAE 1 day ahead (°C)": r2(scores.linear.mae[0]),
          "linear test MAE, mean over 1..7 days (°C)": r2(mean(scores.linear.mae)),
        },
        baseline: {
          name: "persistence / same day last year",
          "persistence test MAE 1 day ahead (°C)": r2(scores.persistence.mae[0]),
          "persistence test RMSE 1 day ahead (°C)": r2(scores.persistence.rmse[0]),
          "persistence test MAE, mean over 1..7 days (°C)": r2(mean(scores.persistence.mae)),
          "same day last year test MAE 1 day ahead (°C)": r2(scores["same day last year"].mae[0]),
          "same day last year test RMSE 1 day ahead (°C)": r2(scores["same day last year"].rmse[0]),
        },
        date: new Date().toISOString().slice(0, 10),
      },
      null,
      2,
    )}\n`,
  );
}

// 6. The check of learning: training reduced the loss, and over the week the MLP beats both naive forecasts
if (!(mlpTraining.lastLoss < 0.8 * mlpTraining.firstLoss))
  throw new Error(`the MLP's training loss did not fall: ${mlpTraining.firstLoss} → ${mlpTraining.lastLoss}`);
for (const naive of ["persistence", "same day last year"]) {
  if (!(mean(scores.MLP.mae) < mean(scores[naive].mae)))
    throw new Error(
      `MLP mean MAE ${mean(scores.MLP.mae)} °C is not below ${naive}'s ${mean(scores[naive].mae)} °C`,
    );
}
