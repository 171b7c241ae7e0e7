import type { Tensor } from "../core/tensor.js";
import { type SgdStep, fusedSgdStep } from "../ops/fused.js";
import { copyRaw } from "../ops/movement.js";
import { Optimizer, type OptimizerOptions, type ParamState, type ResolvedParamGroup } from "./optimizer.js";
import { checkOption, checkOptions, finite, isBool, nonNegative } from "./validate.js";

/**
 * Options of `SGD`.
 * @example
 * const options: SGDOptions = { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 5e-4, maximize: false };
 * new optim.SGD(model.parameters(), options).paramGroups[0].nesterov; // true
 * new optim.SGD(model.parameters()).paramGroups[0].lr; // 0.001: the default, as PyTorch 2
 */
export interface SGDOptions extends OptimizerOptions, SgdStep {}

const SGD_DEFAULTS: SGDOptions = {
  lr: 1e-3,
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  maximize: false,
};

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay, exactly as
 * `torch.optim.SGD`:
 * ```
 * g = grad (+ weightDecay·p);  buf = g on the first step, else momentum·buf + (1 − dampening)·g
 * g = nesterov ? g + momentum·buf : buf;  p = p − lr·g
 * ```
 * @example
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * const w = tensor([1], { requiresGrad: true });
 * const sgd = new optim.SGD([w], { lr: 0.1 });
 * w.mul(2).sum().backward(); // gradient 2
 * sgd.step();
 * w.toArray(); // [0.8]
 */
export class SGD extends Optimizer<SGDOptions> {
  protected defaultOptions(): SGDOptions {
    return SGD_DEFAULTS;
  }

  protected override validate(o: SGDOptions, where: string): void {
    checkOptions("SGD", where, o, {
      lr: nonNegative,
      momentum: nonNegative,
      dampening: finite,
      weightDecay: nonNegative,
      nesterov: isBool,
      maximize: isBool,
    });
    checkOption(
      !o.nesterov || (o.momentum > 0 && o.dampening === 0),
      "SGD",
      where,
      "nesterov",
      o.nesterov,
      `momentum > 0 and dampening 0 for Nesterov momentum (momentum ${o.momentum}, dampening ${o.dampening})`,
    );
  }

  protected override updateParam(
    p: Tensor,
    grad: Tensor,
    state: ParamState,
    g: ResolvedParamGroup<SGDOptions>,
  ): void {
    const prevBuf = (state.momentumBuffer as Tensor | undefined) ?? null;
    // one pass over memory where the backend fuses the update (same arithmetic as below)
    const fused = fusedSgdStep(p, grad, prevBuf, {
      lr: g.lr,
      momentum: g.momentum,
      dampening: g.dampening,
      weightDecay: g.weightDecay,
      nesterov: g.nesterov,
      maximize: g.maximize,
    });
    if (fused) {
      if (fused[1]) this.setState(state, "momentumBuffer", fused[1]);
      p.assign(fused[0]);
      return;
    }
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(p.mul(g.weightDecay));
    if (g.momentum !== 0) {
      const prev = state.momentumBuffer as Tensor | undefined;
      // PyTorch: the buffer starts as the gradient itself, without dampening
      const buf = prev === undefined ? copyRaw(d) : prev.mul(g.momentum).add(d.mul(1 - g.dampening));
      this.setState(state, "momentumBuffer", buf);
      d = g.nesterov ? d.add(buf.mul(g.momentum)) : buf;
    }
    p.assign(p.sub(d.mul(g.lr)));
  }
}
