/**
 * The page's script (bundled by esbuild into page.js): load the trained weights into the same network,
 * let the user draw on the canvas, and after each stroke show the network's answer and its confidence.
 * `window.digitWeb` exposes the state so that the headless check can read what the page shows.
 */
import { fromHost, io, noGrad, ready } from "strata-dl";
import { digitNet } from "./model.js";
import { toMnistImage } from "./preprocess.js";

interface DigitWebState {
  ready: boolean;
  error: string | null;
  predictions: number;
  digit: number | null;
  probabilities: number[];
}
const state: DigitWebState = { ready: false, error: null, predictions: 0, digit: null, probabilities: [] };
(globalThis as { digitWeb?: DigitWebState }).digitWeb = state;

const pad = document.getElementById("pad") as HTMLCanvasElement;
const seen = document.getElementById("seen") as HTMLCanvasElement;
const answer = document.getElementById("answer") as HTMLElement;
const status = document.getElementById("status") as HTMLElement;
const bars = document.getElementById("bars") as HTMLElement;
const ctx = pad.getContext("2d", { willReadFrequently: true }) as CanvasRenderingContext2D;

function clearPad(): void {
  ctx.fillStyle = "#000";
  ctx.fillRect(0, 0, pad.width, pad.height);
  seen.getContext("2d")?.clearRect(0, 0, 28, 28);
  answer.textContent = "?";
  bars.innerHTML = "";
}

const model = digitNet();

async function loadModel(): Promise<void> {
  await ready();
  const response = await fetch("model.safetensors");
  if (!response.ok) throw new Error(`model.safetensors: HTTP ${response.status}`);
  model.loadStateDict(io.deserialize(new Uint8Array(await response.arrayBuffer())));
  model.eval();
}

function showSeen(pixels: Float32Array): void {
  const g = seen.getContext("2d") as CanvasRenderingContext2D;
  const image = g.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round(255 * pixels[i]);
    image.data.set([v, v, v, 255], 4 * i);
  }
  g.putImageData(image, 0, 0);
}

function predict(): void {
  const rgba = ctx.getImageData(0, 0, pad.width, pad.height).data;
  const ink = new Float32Array(pad.width * pad.height);
  for (let i = 0; i < ink.length; i++) ink[i] = rgba[4 * i] / 255; // white strokes on black: the red channel
  const pixels = toMnistImage(ink, pad.width, pad.height);
  if (pixels === null) return;
  showSeen(pixels);
  const probabilities = Array.from(
    noGrad(() => model.forward(fromHost(pixels, [1, 1, 28, 28], "float32")).softmax(1)).dataSync(),
  );
  const digit = probabilities.indexOf(Math.max(...probabilities));
  answer.textContent = String(digit);
  status.textContent = `${(100 * probabilities[digit]).toFixed(1)}% sure`;
  bars.innerHTML = probabilities
    .map(
      (p, d) =>
        `<div class="bar${d === digit ? " best" : ""}">${d} <span class="fill" style="width:${Math.round(160 * p) + 1}px"></span> ${(100 * p).toFixed(1)}%</div>`,
    )
    .join("");
  Object.assign(state, { digit, probabilities, predictions: state.predictions + 1 });
}

// drawing: pointer events cover mouse, pen and touch alike
let last: { x: number; y: number } | null = null;
function point(e: PointerEvent): { x: number; y: number } {
  const r = pad.getBoundingClientRect();
  return {
    x: ((e.clientX - r.left) * pad.width) / r.width,
    y: ((e.clientY - r.top) * pad.height) / r.height,
  };
}
function line(to: { x: number; y: number }): void {
  ctx.strokeStyle = "#fff";
  ctx.lineWidth = 22;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.beginPath();
  ctx.moveTo((last ?? to).x, (last ?? to).y);
  ctx.lineTo(to.x, to.y);
  ctx.stroke();
  last = to;
}
pad.addEventListener("pointerdown", (e) => {
  pad.setPointerCapture(e.pointerId);
  last = null;
  line(point(e));
});
pad.addEventListener("pointermove", (e) => {
  if (last !== null) line(point(e));
});
const endStroke = () => {
  if (last === null) return;
  last = null;
  if (state.ready) predict();
};
pad.addEventListener("pointerup", endStroke);
pad.addEventListener("pointercancel", endStroke);
(document.getElementById("clear") as HTMLButtonElement).addEventListener("click", () => {
  clearPad();
  status.textContent = "draw a digit from 0 to 9";
});

clearPad();
loadModel().then(
  () => {
    state.ready = true;
    status.textContent = "draw a digit from 0 to 9";
  },
  (err: Error) => {
    state.error = err.message;
    status.textContent = `could not load the model: ${err.message}`;
  },
);
