/**
 * `compile` / `fit` / `evaluate` / `predict` on every `Module`, Keras style. The training loop sits
 * above `nn`, which may not import it, so this module declares the methods on `Module` and installs
 * them; the package entry (`src/index.ts`) imports it.
 */
import type { Tensor } from "../core/tensor.js";
import type { Dataset } from "../data/dataset.js";
import { Module } from "../nn/module.js";
import type { Logs } from "./callbacks/callback.js";
import type { History } from "./callbacks/history.js";
import {
  type CompileConfig,
  type EvaluateOptions,
  type FitData,
  type FitOptions,
  compileModel,
  evaluateAsync,
  evaluateModel,
  fitModel,
  predictModel,
} from "./model.js";

declare module "../nn/module.js" {
  interface Module {
    /**
     * Chooses the optimizer, loss and metrics that `fit` and `evaluate` use. Without `metrics`, a
     * classification loss (`"crossEntropy"`, `"nll"`, `"bce"`, `"bceWithLogits"` or their modules) reports
     * accuracy and other losses nothing more; `metrics: []` turns that off.
     * @example
     * model.compile({ optimizer: new optim.Adam(model.parameters()), loss: "crossEntropy", metrics: ["accuracy"] });
     * model.compile({ optimizer: opt, loss: "mse" }); // a new configuration replaces the old
     * Object.keys(model.evaluate([x, x.slice(1, 0, 3)])); // ["loss"]: no accuracy for a regression loss
     */
    compile(config: CompileConfig): this;
    /**
     * Trains for `epochs` over a dataset of (input, target) pairs (or `[x, y]` tensors), with a progress
     * bar, validation, callbacks, and a clear stop if the loss diverges. Each step releases its tensors.
     * Defaults: `epochs` 1, `batchSize` 32, `shuffle` true, `verbose` 1 (a progress bar). A step whose
     * loss or gradients are NaN or infinite changes nothing (parameters, optimizer state, batch norm's
     * running statistics) and ends training with a `TrainingDivergedError`; a NaN validation loss is a
     * warning (`history.warnings`, and printed). Bad arguments and empty data are `ValueError`s.
     * @example
     * model.compile({ optimizer: new optim.Adam(model.parameters(), { lr: 0.01 }), loss: "crossEntropy" });
     * const history = await model.fit(train, { epochs: 3, batchSize: 16, validationData: test });
     * Object.keys(history.history); // ["loss", "accuracy", "valLoss", "valAccuracy"]
     */
    fit(data: FitData | [Tensor, Tensor], options?: FitOptions): Promise<History>;
    /**
     * Mean loss and metrics over a dataset, in evaluation mode (batches of 32 unless `batchSize` says
     * otherwise). Empty data is a `ValueError`.
     * @example
     * model.compile({ optimizer: opt, loss: "crossEntropy" });
     * const { loss, accuracy } = model.evaluate(test);
     * accuracy >= 0 && accuracy <= 1; // true
     */
    evaluate(data: FitData | [Tensor, Tensor], options?: EvaluateOptions): Logs;
    /**
     * `evaluate` on every backend, the GPU (webgpu) included, which can only be read asynchronously:
     * the loss and metrics accumulate on the device and are read once.
     * @example
     * model.compile({ optimizer: opt, loss: "crossEntropy" });
     * const { accuracy } = await model.evaluateAsync(test);
     * accuracy >= 0 && accuracy <= 1; // true
     */
    evaluateAsync(data: FitData | [Tensor, Tensor], options?: EvaluateOptions): Promise<Logs>;
    /**
     * Outputs for a batch tensor or a dataset of inputs, computed in batches (of 32 by default) in
     * evaluation mode. An empty batch (0, ...) gives an empty output; an empty dataset, whose output
     * shape is unknown, is a `ValueError`.
     * @example
     * const images = randn([10, 4]);
     * const classes = model.predict(images).argmax(-1);
     * classes.shape; // [10]
     */
    predict(x: Tensor | Dataset<Tensor | Tensor[]>, options?: EvaluateOptions): Tensor;
  }
}

const methods = {
  compile(this: Module, config: CompileConfig) {
    compileModel(this, config);
    return this;
  },
  fit(this: Module, data: FitData | [Tensor, Tensor], options?: FitOptions) {
    return fitModel(this, data, options);
  },
  evaluate(this: Module, data: FitData | [Tensor, Tensor], options?: EvaluateOptions) {
    return evaluateModel(this, data, options);
  },
  evaluateAsync(this: Module, data: FitData | [Tensor, Tensor], options?: EvaluateOptions) {
    return evaluateAsync(this, data, options);
  },
  predict(this: Module, x: Tensor | Dataset<Tensor | Tensor[]>, options?: EvaluateOptions) {
    return predictModel(this, x, options);
  },
};

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Module.prototype, name, { value: fn, writable: true, configurable: true });
}
