/**
 * Optimizers, learning-rate schedulers and gradient clipping, with PyTorch's semantics.
 * @example
 * import { optim } from "strata-dl";
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
 * const sched = new optim.CosineAnnealingLR(opt, { tMax: 50 });
 * opt.zeroGrad(); loss.backward(); opt.step(); sched.step(); // one epoch
 */
export { Optimizer } from "./optimizer.js";
export type {
  OptimizerOptions,
  OptimizerStateDict,
  ParamGroup,
  ParamState,
  ResolvedParamGroup,
} from "./optimizer.js";
export { SGD } from "./sgd.js";
export type { SGDOptions } from "./sgd.js";
export { Adam, AdamW } from "./adam.js";
export type { AdamOptions } from "./adam.js";
export { RMSprop } from "./rmsprop.js";
export type { RMSpropOptions } from "./rmsprop.js";
export { Adagrad } from "./adagrad.js";
export type { AdagradOptions } from "./adagrad.js";
export { clipGradNorm, clipGradNormAsync, clipGradNormOnDevice, clipGradValue } from "./clip.js";
export type { ClipGradNormOptions } from "./clip.js";
export {
  LRScheduler,
  StepLR,
  MultiStepLR,
  ExponentialLR,
  CosineAnnealingLR,
  LinearLR,
  LambdaLR,
} from "./schedulers.js";
export type { SchedulerStateDict } from "./schedulers.js";
export { ReduceLROnPlateau } from "./plateau.js";
export type { ReduceLROnPlateauOptions, Scheduler } from "./plateau.js";
