/**
 * What the headless-browser webgpu check runs in a page: `await setBackend("webgpu")` (navigator.gpu),
 * a matmul read back asynchronously, and a small classifier trained with `fit` and scored with
 * `evaluateAsync`; the outcome goes as JSON into <pre id="result">.
 */
import { manualSeed, nn, optim, randn, setBackend, tensor } from "../../src/index.js";

/** Where the page got to, so a page that stops shows the last step it reached. */
function reached(step: string): void {
  (document.getElementById("result") as HTMLElement).textContent = `reached: ${step}`;
}

async function main(): Promise<Record<string, unknown>> {
  reached("start");
  const backend = await setBackend("webgpu");
  reached("backend");
  const a = tensor([
    [1, 2],
    [3, 4],
  ]);
  const product = await a.matmul(a).array();
  reached("matmul");
  manualSeed(0);
  const x = randn([256, 2]);
  const y = x.sum(1).gt(0).int();
  const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 2));
  model.compile({
    optimizer: new optim.Adam(model.parameters(), { lr: 0.05 }),
    loss: "crossEntropy",
    metrics: ["accuracy"],
  });
  reached("fit");
  await model.fit([x, y], { epochs: 20, batchSize: 128, verbose: 0 });
  reached("evaluate");
  const { accuracy } = await model.evaluateAsync([x, y]);
  return {
    ok: true,
    backend: backend.name,
    adapter: (backend as { adapterName?: string }).adapterName,
    product,
    accuracy,
  };
}

main()
  .catch((e) => ({ ok: false, error: String((e as Error)?.message ?? e) }))
  .then((r) => {
    (document.getElementById("result") as HTMLElement).textContent = JSON.stringify(r);
    // scripts/browser_check.ts waits for this POST (not for --dump-dom: see there)
    return fetch("/result", { method: "POST", body: JSON.stringify(r) });
  });
