import type { Tensor } from "../core/tensor.js";
import { zerosLike } from "../ops/creation.js";
import { fusedAdamStep } from "../ops/fused.js";
import { Optimizer, type OptimizerOptions, type ParamState, type ResolvedParamGroup } from "./optimizer.js";
import { checkOptions, isBool, nonNegative, type OptionRule, unitInterval } from "./validate.js";

/**
 * Options of `Adam` and `AdamW`.
 * @example
 * const options: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false };
 * new optim.Adam(model.parameters(), options).paramGroups[0].betas; // [0.9, 0.999]
 */
export interface AdamOptions extends OptimizerOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay rates of the first and second moment estimates, each in [0, 1) (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  eps: number;
  /** Adam: L2 penalty added to the gradient (default 0). AdamW: decoupled decay (default 0.01). */
  weightDecay: number;
  /** Use the maximum of past second moments (the AMSGrad variant). */
  amsgrad: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
}

const ADAM_DEFAULTS: AdamOptions = {
  lr: 1e-3,
  betas: [0.9, 0.999],
  eps: 1e-8,
  weightDecay: 0,
  amsgrad: false,
  maximize: false,
};

/** `betas` as a whole; listed before `betas[0]` and `betas[1]`, so a malformed `betas` is named as such. */
const betaPair: OptionRule = {
  ok: (x) => Array.isArray(x) && x.length === 2,
  expected: "two numbers [beta1, beta2]",
};

function validateAdam(name: string, o: AdamOptions, where: string): void {
  const [beta1, beta2] = Array.isArray(o.betas) ? o.betas : [];
  checkOptions(
    name,
    where,
    { ...o, "betas[0]": beta1, "betas[1]": beta2 },
    {
      lr: nonNegative,
      eps: nonNegative,
      betas: betaPair,
      "betas[0]": unitInterval,
      "betas[1]": unitInterval,
      weightDecay: nonNegative,
      amsgrad: isBool,
      maximize: isBool,
    },
  );
}

/** One Adam step as in PyTorch's single-tensor implementation; `decoupled` selects AdamW's decay. */
function adamUpdate(
  set: (key: string, value: Tensor | number) => void,
  p: Tensor,
  grad: Tensor,
  state: ParamState,
  g: ResolvedParamGroup<AdamOptions>,
  decoupled: boolean,
): void {
  const [beta1, beta2] = g.betas;
  const step = ((state.step as number | undefined) ?? 0) + 1;
  set("step", step);
  const m0 = (state.expAvg as Tensor | undefined) ?? zerosLike(p);
  const v0 = (state.expAvgSq as Tensor | undefined) ?? zerosLike(p);
  if (!g.amsgrad) {
    // one pass over memory where the backend fuses the update (same arithmetic as below)
    const fused = fusedAdamStep(p, grad, m0, v0, {
      lr: g.lr,
      beta1,
      beta2,
      eps: g.eps,
      weightDecay: g.weightDecay,
      decoupled,
      maximize: g.maximize,
      biasCorrection1: 1 - beta1 ** step,
      biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step),
    });
    if (fused) {
      set("expAvg", fused[1]);
      set("expAvgSq", fused[2]);
      p.assign(fused[0]);
      return;
    }
  }
  let d = g.maximize ? grad.neg() : grad;
  let param = p;
  if (g.weightDecay !== 0) {
    if (decoupled) param = p.mul(1 - g.lr * g.weightDecay);
    else d = d.add(p.mul(g.weightDecay));
  }
  const m = m0.mul(beta1).add(d.mul(1 - beta1));
  const v = v0.mul(beta2).add(d.mul(d).mul(1 - beta2));
  set("expAvg", m);
  set("expAvgSq", v);
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
  let second = v;
  if (g.amsgrad) {
    const prevMax = state.maxExpAvgSq as Tensor | undefined;
    second = (prevMax ?? zerosLike(p)).maximum(v);
    set("maxExpAvgSq", second);
  }
  const denom = second.sqrt().div(biasCorrection2Sqrt).add(g.eps);
  p.assign(param.sub(m.div(denom).mul(g.lr / biasCorrection1)));
}

/**
 * Adam (Kingma & Ba), exactly as `torch.optim.Adam`: bias-corrected moment estimates, with
 * `weightDecay` as an L2 term added to the gradient and the optional AMSGrad variant.
 * ```
 * m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²
 * p = p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps)
 * ```
 * @example
 * const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * const w = tensor([1, 1], { requiresGrad: true });
 * const adam = new optim.Adam([w], { lr: 0.1 });
 * w.mul(tensor([100, -0.01])).sum().backward();
 * adam.step();
 * w.toArray(); // [0.9, 1.1]: the first step moves each weight by lr
 */
export class Adam extends Optimizer<AdamOptions> {
  protected defaultOptions(): AdamOptions {
    return ADAM_DEFAULTS;
  }

  protected override validate(o: AdamOptions, where: string): void {
    validateAdam("Adam", o, where);
  }

  protected override updateParam(
    p: Tensor,
    grad: Tensor,
    state: ParamState,
    g: ResolvedParamGroup<AdamOptions>,
  ): void {
    adamUpdate((k, v) => this.setState(state, k, v), p, grad, state, g, false);
  }
}

/**
 * AdamW (Loshchilov & Hutter), exactly as `torch.optim.AdamW`: Adam with decoupled weight decay,
 * `p = p·(1 − lr·weightDecay)` before the Adam update (default `weightDecay` 0.01).
 * @example
 * const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * new optim.AdamW(model.parameters()).paramGroups[0].weightDecay; // 0.01
 */
export class AdamW extends Optimizer<AdamOptions> {
  protected override defaultOptions(): AdamOptions {
    return { ...ADAM_DEFAULTS, weightDecay: 0.01 };
  }

  protected override validate(o: AdamOptions, where: string): void {
    validateAdam("AdamW", o, where);
  }

  protected override updateParam(
    p: Tensor,
    grad: Tensor,
    state: ParamState,
    g: ResolvedParamGroup<AdamOptions>,
  ): void {
    adamUpdate((k, v) => this.setState(state, k, v), p, grad, state, g, true);
  }
}
