import type { Tensor } from "../core/tensor.js";
import { fullLike } from "../ops/creation.js";
import { Optimizer, type OptimizerOptions, type ParamState, type ResolvedParamGroup } from "./optimizer.js";
import { checkOptions, isBool, nonNegative } from "./validate.js";

/**
 * Options of `Adagrad`.
 * @example
 * const options: AdagradOptions = { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false };
 * new optim.Adagrad(model.parameters(), options).paramGroups[0].eps; // 1e-10
 */
export interface AdagradOptions extends OptimizerOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** The step size at step t is `lr / (1 + (t − 1)·lrDecay)` (default 0). */
  lrDecay: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Starting value of the sum of squared gradients (default 0). */
  initialAccumulatorValue: number;
  /** Added to the denominator after the square root (default 1e-10). */
  eps: number;
  /** Ascend instead of descend. */
  maximize: boolean;
}

const ADAGRAD_DEFAULTS: AdagradOptions = {
  lr: 1e-2,
  lrDecay: 0,
  weightDecay: 0,
  initialAccumulatorValue: 0,
  eps: 1e-10,
  maximize: false,
};

/**
 * Adagrad, exactly as `torch.optim.Adagrad` (t counted from 1):
 * ```
 * sum = sum + g²;  p = p − lr/(1 + (t − 1)·lrDecay) · g / (√sum + eps)
 * ```
 * @example
 * const opt = new optim.Adagrad(model.parameters(), { lr: 0.1 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * const w = tensor([1], { requiresGrad: true });
 * const ada = new optim.Adagrad([w], { lr: 0.1 });
 * w.mul(5).sum().backward(); // gradient 5
 * ada.step();
 * w.toArray(); // [0.9]: the first step moves by lr, whatever the gradient's size
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  protected defaultOptions(): AdagradOptions {
    return ADAGRAD_DEFAULTS;
  }

  protected override validate(o: AdagradOptions, where: string): void {
    checkOptions("Adagrad", where, o, {
      lr: nonNegative,
      lrDecay: nonNegative,
      weightDecay: nonNegative,
      initialAccumulatorValue: nonNegative,
      eps: nonNegative,
      maximize: isBool,
    });
  }

  protected override updateParam(
    p: Tensor,
    grad: Tensor,
    state: ParamState,
    g: ResolvedParamGroup<AdagradOptions>,
  ): void {
    let d = g.maximize ? grad.neg() : grad;
    const step = ((state.step as number | undefined) ?? 0) + 1;
    this.setState(state, "step", step);
    if (g.weightDecay !== 0) d = d.add(p.mul(g.weightDecay));
    const clr = g.lr / (1 + (step - 1) * g.lrDecay);
    const s0 = (state.sum as Tensor | undefined) ?? fullLike(p, g.initialAccumulatorValue);
    const sum = s0.add(d.mul(d));
    this.setState(state, "sum", sum);
    p.assign(p.sub(d.div(sum.sqrt().add(g.eps)).mul(clr)));
  }
}
