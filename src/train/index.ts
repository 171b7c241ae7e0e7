export * from "./callbacks/index.js";
export { type LossFn, type LossKind, type LossSpec, lossKind, resolveLoss } from "./losses_by_name.js";
export {
  Accuracy,
  BinaryAccuracy,
  CountingMetric,
  defaultMetrics,
  MeanAbsoluteError,
  MeanSquaredError,
  type Metric,
  type MetricSpec,
  TopKAccuracy,
  resolveMetric,
} from "./metrics.js";
export {
  type CompileConfig,
  type EvaluateOptions,
  type FitData,
  type FitOptions,
  type OptimizerLike,
  TrainingDivergedError,
} from "./model.js";
