// The page of tutorial 17: it trains a small network on a spiral of points in the browser, draws
// what it learned on a canvas, and writes its numbers as JSON into <pre id="result">.
import {
  Callback,
  Generator,
  type Logs,
  type Tensor,
  fromHost,
  getBackend,
  manualSeed,
  nn,
  noGrad,
  optim,
  ready,
} from "strata-dl";

// the tutorial script asks for a quick run with ?quick=1
const quick = new URLSearchParams(location.search).get("quick") === "1";
const log = (line: string) => {
  document.getElementById("log")!.textContent += `${line}\n`;
};

/** A callback of our own: fit calls it after every epoch, and it writes a line into the page. */
class PageLog extends Callback {
  override onEpochEnd(epoch: number, logs: Logs) {
    if ((epoch + 1) % 20 === 0)
      log(`epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)}, accuracy ${logs.accuracy.toFixed(3)}`);
  }
}

/** Three interleaved spiral arms of points in [-1, 1]², one class per arm. */
function spiral(perClass: number, rng: Generator): [Tensor, Tensor] {
  const x = new Float32Array(3 * perClass * 2);
  const y = new Int32Array(3 * perClass);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < perClass; i++) {
      const r = i / perClass;
      const angle = (c * 2 * Math.PI) / 3 + 4 * r + 0.2 * rng.normal();
      const k = c * perClass + i;
      x[2 * k] = r * Math.cos(angle);
      x[2 * k + 1] = r * Math.sin(angle);
      y[k] = c;
    }
  }
  return [fromHost(x, [3 * perClass, 2], "float32"), fromHost(y, [3 * perClass], "int32")];
}

/** Each pixel of the canvas coloured by the class the model predicts there, with the points on top. */
function draw(model: nn.Module, x: Tensor, y: Tensor) {
  const canvas = document.getElementById("plot") as HTMLCanvasElement;
  const ctx = canvas.getContext("2d")!;
  const size = canvas.width;
  const step = 4; // one prediction per 4×4 block of pixels
  const n = size / step;
  const grid = new Float32Array(n * n * 2);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      grid[2 * (i * n + j)] = (j / n) * 2 - 1;
      grid[2 * (i * n + j) + 1] = 1 - (i / n) * 2;
    }
  }
  const predicted = noGrad(() => model.forward(fromHost(grid, [n * n, 2], "float32")).argmax(1)).dataSync();
  const light = ["#f4c7c3", "#c6dafc", "#cdeccf"];
  const dark = ["#c5221f", "#1a56c4", "#188038"];
  for (let k = 0; k < n * n; k++) {
    ctx.fillStyle = light[predicted[k]];
    ctx.fillRect((k % n) * step, Math.floor(k / n) * step, step, step);
  }
  const xs = x.dataSync();
  const ys = y.dataSync();
  for (let k = 0; k < ys.length; k++) {
    ctx.fillStyle = dark[ys[k]];
    ctx.beginPath();
    ctx.arc(((xs[2 * k] + 1) / 2) * size, ((1 - xs[2 * k + 1]) / 2) * size, 2.5, 0, 2 * Math.PI);
    ctx.fill();
  }
}

async function main() {
  // In a browser the wasm kernels compile asynchronously: await ready() once before making tensors.
  const backend = await ready();
  log(`backend ${backend.name}`);
  manualSeed(1);
  const rng = new Generator(1);
  const [x, y] = spiral(quick ? 100 : 200, rng);
  const [xTest, yTest] = spiral(100, rng);
  const model = new nn.Sequential(
    new nn.Linear(2, 64),
    new nn.ReLU(),
    new nn.Linear(64, 64),
    new nn.ReLU(),
    new nn.Linear(64, 3),
  );
  model.compile({ optimizer: new optim.Adam(model.parameters(), { lr: 0.01 }), loss: "crossEntropy" });
  // verbose: 0 keeps fit quiet (it would log to the console); PageLog writes progress into the page
  const history = await model.fit([x, y], {
    epochs: quick ? 40 : 100,
    batchSize: 32,
    verbose: 0,
    callbacks: [new PageLog()],
  });
  const test = model.evaluate([xTest, yTest]);
  draw(model, x, y);
  return {
    ok: true,
    backend: getBackend().name,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    userAgent: navigator.userAgent.replace(/ .*Chrome\//, " Chrome/").replace(/ Safari.*/, ""),
    trainingPoints: x.shape[0],
    epochs: history.epoch.length,
    firstLoss: history.history.loss[0],
    lastLoss: history.history.loss[history.history.loss.length - 1],
    testAccuracy: test.accuracy,
  };
}

main().then(
  (r) => {
    document.getElementById("result")!.textContent = JSON.stringify(r);
  },
  (e: Error) => {
    document.getElementById("result")!.textContent = JSON.stringify({
      ok: false,
      error: String(e?.stack ?? e),
    });
  },
);
