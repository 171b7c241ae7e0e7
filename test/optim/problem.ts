import { tidy } from "../../src/core/memory.js";
import type { Tensor } from "../../src/core/tensor.js";
import { Adagrad, Adam, AdamW, type Optimizer, RMSprop, SGD } from "../../src/optim/index.js";
import { type FixtureTensor, fixtureTensor, loadFixture } from "../helpers/fixtures.js";

/** One case of test/fixtures/optimizers.json. */
export interface OptimCase {
  name: string;
  optimizer: "SGD" | "Adam" | "AdamW" | "RMSprop" | "Adagrad";
  options: Record<string, unknown>;
  steps: number;
  w0: FixtureTensor;
  b0: FixtureTensor;
  x: FixtureTensor;
  y: FixtureTensor;
  losses: number[];
  final_w: FixtureTensor;
  final_b: FixtureTensor;
  history: { w: FixtureTensor; b: FixtureTensor }[];
}

export const optimCases = loadFixture<OptimCase>("optimizers").cases;

/** The fixture's problem (float64 unless given): parameters w, b that require grad, and the data x, y. */
export function makeProblem(c: OptimCase, dtype: "float64" | "float32" = "float64") {
  const w = fixtureTensor(c.w0, dtype).requiresGrad_();
  const b = fixtureTensor(c.b0, dtype).requiresGrad_();
  const x = fixtureTensor(c.x, dtype);
  const y = fixtureTensor(c.y, dtype);
  const lossOf = () => x.matmul(w).add(b).tanh().sub(y).pow(2).mean();
  return { w, b, x, y, lossOf };
}

export function makeOptimizer(
  kind: OptimCase["optimizer"],
  params: Tensor[] | any[],
  options: any,
): Optimizer {
  switch (kind) {
    case "SGD":
      return new SGD(params, options);
    case "Adam":
      return new Adam(params, options);
    case "AdamW":
      return new AdamW(params, options);
    case "RMSprop":
      return new RMSprop(params, options);
    case "Adagrad":
      return new Adagrad(params, options);
  }
}

/** zeroGrad, loss, backward, step (in a tidy scope); returns the loss before the update (read after the scope). */
export async function trainStep(opt: Optimizer, lossOf: () => Tensor): Promise<number> {
  const loss = tidy(() => {
    opt.zeroGrad();
    const loss = lossOf();
    loss.backward();
    opt.step();
    return loss.detach();
  });
  const value = await loss.itemAsync();
  loss.dispose();
  return value;
}
