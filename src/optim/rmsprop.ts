import type { Tensor } from "../core/tensor.js";
import { zerosLike } from "../ops/creation.js";
import { Optimizer, type OptimizerOptions, type ParamState, type ResolvedParamGroup } from "./optimizer.js";
import { checkOptions, isBool, nonNegative } from "./validate.js";

/**
 * Options of `RMSprop`.
 * @example
 * const options: RMSpropOptions = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false };
 * new optim.RMSprop(model.parameters(), options).paramGroups[0].alpha; // 0.99
 */
export interface RMSpropOptions extends OptimizerOptions {
  /** Learning rate (default 1e-2). */
  lr: number;
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the denominator after the square root (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Normalise by the estimated variance (mean square minus squared mean) instead of the mean square. */
  centered: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
}

const RMSPROP_DEFAULTS: RMSpropOptions = {
  lr: 1e-2,
  alpha: 0.99,
  eps: 1e-8,
  weightDecay: 0,
  momentum: 0,
  centered: false,
  maximize: false,
};

/**
 * RMSprop, exactly as `torch.optim.RMSprop`:
 * ```
 * s = α·s + (1 − α)·g²;  avg = √(s − ḡ²  if centered, else s) + eps
 * buf = momentum·buf + g/avg;  p = p − lr·buf      (p = p − lr·g/avg without momentum)
 * ```
 * @example
 * const opt = new optim.RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * const w = tensor([1], { requiresGrad: true });
 * const rms = new optim.RMSprop([w], { lr: 0.01, alpha: 0.99, eps: 0 });
 * w.mul(3).sum().backward();
 * rms.step();
 * w.toArray(); // [0.9]: lr · g / √((1 − α) g²) = 0.01 / √0.01
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  protected defaultOptions(): RMSpropOptions {
    return RMSPROP_DEFAULTS;
  }

  protected override validate(o: RMSpropOptions, where: string): void {
    checkOptions("RMSprop", where, o, {
      lr: nonNegative,
      alpha: nonNegative,
      eps: nonNegative,
      weightDecay: nonNegative,
      momentum: nonNegative,
      centered: isBool,
      maximize: isBool,
    });
  }

  protected override updateParam(
    p: Tensor,
    grad: Tensor,
    state: ParamState,
    g: ResolvedParamGroup<RMSpropOptions>,
  ): void {
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p.mul(g.weightDecay));
    this.setState(state, "step", ((state.step as number | undefined) ?? 0) + 1);
    const s0 = (state.squareAvg as Tensor | undefined) ?? zerosLike(p);
    const s = s0.mul(g.alpha).add(d.mul(d).mul(1 - g.alpha));
    this.setState(state, "squareAvg", s);
    let avg: Tensor;
    if (g.centered) {
      const a0 = (state.gradAvg as Tensor | undefined) ?? zerosLike(p);
      const a = a0.mul(g.alpha).add(d.mul(1 - g.alpha));
      this.setState(state, "gradAvg", a);
      avg = s.sub(a.mul(a)).sqrt().add(g.eps);
    } else {
      avg = s.sqrt().add(g.eps);
    }
    if (g.momentum > 0) {
      const b0 = (state.momentumBuffer as Tensor | undefined) ?? zerosLike(p);
      const buf = b0.mul(g.momentum).add(d.div(avg));
      this.setState(state, "momentumBuffer", buf);
      p.assign(p.sub(buf.mul(g.lr)));
    } else {
      p.assign(p.sub(d.div(avg).mul(g.lr)));
    }
  }
}
