import { ValueError } from "../base/errors.js";
import { enableGrad, noGrad } from "../core/grad_mode.js";
import { keep, tidy } from "../core/memory.js";
import { Tensor } from "../core/tensor.js";
import { copyRaw } from "../ops/movement.js";

/**
 * Hyperparameters every optimizer has: the learning rate, which schedulers change. Schedulers accept
 * any `Optimizer<O>` whose options extend this.
 * @example
 * const lr = (opt as optim.Optimizer<OptimizerOptions>).paramGroups[0].lr;
 * lr; // 0.1
 */
export interface OptimizerOptions {
  lr: number;
}

/**
 * A group of parameters as passed to an optimizer: its tensors and any options that override the
 * optimizer's defaults for them.
 * @example
 * const body = new nn.Linear(4, 8), head = new nn.Linear(8, 2);
 * const opt = new optim.SGD([{ params: body.parameters() }, { params: head.parameters(), lr: 0.1 }], { lr: 0.01 });
 * opt.paramGroups.map((g) => g.lr); // [0.01, 0.1]
 */
export type ParamGroup<O extends OptimizerOptions = OptimizerOptions> = { params: Tensor[] } & Partial<O>;

/**
 * A param group inside an optimizer: every option resolved. `lr` may be changed at any time (that is
 * what schedulers do); `initialLr` is recorded by the first scheduler attached.
 * @example
 * for (const g of opt.paramGroups) g.lr *= 0.5;
 * opt.paramGroups[0].lr; // 0.05
 */
export type ResolvedParamGroup<O extends OptimizerOptions = OptimizerOptions> = O & {
  params: Tensor[];
  initialLr?: number;
};

/**
 * Per-parameter optimizer state: tensors (moment estimates, buffers) and numbers (the step count).
 * Keys are camelCase PyTorch names: `momentumBuffer`, `expAvg`, `expAvgSq`, `maxExpAvgSq`,
 * `squareAvg`, `gradAvg`, `sum`, `step`.
 * @example
 * const adam = new optim.Adam(model.parameters());
 * for (let i = 0; i < 3; i++) {
 *   adam.zeroGrad();
 *   nn.functional.crossEntropy(model.forward(x), y).backward();
 *   adam.step();
 * }
 * const s: ParamState = adam.state.get(model.parameters()[0])!;
 * s.step; // 3
 * (s.expAvg as Tensor).shape; // [8, 4]
 */
export type ParamState = Record<string, Tensor | number>;

/**
 * A serialisable snapshot of an optimizer, indexed by parameter position as in PyTorch: parameters are
 * numbered 0, 1, ... across the groups in order.
 * @example
 * const adam = new optim.Adam(model.parameters(), { lr: 1e-3 });
 * adam.zeroGrad(); loss.backward(); adam.step();
 * const saved: OptimizerStateDict = adam.stateDict();
 * saved.paramGroups[0].lr; // 0.001
 * saved.state[0].expAvg; // a tensor (a copy)
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: Array<Record<string, unknown> & { params: number[] }>;
}

/**
 * Base class of the optimizers, with PyTorch's design: param groups with their own hyperparameters,
 * per-parameter state, `zeroGrad()`, `step()` and a state dict. A subclass implements `updateParam`
 * (one parameter's update, run under `noGrad` inside a `tidy` scope) and `validate`.
 * @example
 * const model = new nn.Linear(3, 1);
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * const x = randn([32, 3]), y = x.sum(1, true); // learn y = x₁ + x₂ + x₃
 * for (let step = 0; step < 100; step++) {
 *   opt.zeroGrad();
 *   nn.functional.mseLoss(model.forward(x), y).backward();
 *   opt.step();
 * }
 * nn.functional.mseLoss(model.forward(x), y).item() < 1e-4; // true
 */
export abstract class Optimizer<O extends OptimizerOptions = OptimizerOptions> {
  /** The options a group gets for whatever it does not set itself. */
  readonly defaults: O;
  /** The param groups; their hyperparameters (such as `lr`) may be changed between steps. */
  paramGroups: ResolvedParamGroup<O>[] = [];
  /** Per-parameter state, created on a parameter's first update. Replaced tensors are disposed. */
  state = new Map<Tensor, ParamState>();

  constructor(params: Iterable<Tensor> | Iterable<ParamGroup<O>>, options: Partial<O> = {}) {
    const defaults = { ...this.defaultOptions(), ...options } as O;
    this.validate(defaults, "defaults");
    this.defaults = { ...defaults };
    if (
      params instanceof Tensor ||
      params === null ||
      typeof params !== "object" ||
      !(Symbol.iterator in params)
    ) {
      throw new ValueError(
        `${this.optimizerName}: params must be an array of tensors or of param groups, got ${params instanceof Tensor ? "a single Tensor" : String(params)}`,
      );
    }
    const list = [...(params as Iterable<Tensor | ParamGroup<O>>)];
    if (list.length === 0) throw new ValueError(`${this.optimizerName}: got an empty parameter list`);
    const groups: ParamGroup<O>[] =
      list[0] instanceof Tensor ? [{ params: list as Tensor[] } as ParamGroup<O>] : (list as ParamGroup<O>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** The name used in error messages (the class name, unless a subclass says otherwise). */
  protected get optimizerName(): string {
    return this.constructor.name;
  }

  /** The optimizer's defaults (PyTorch's), which the options given to the constructor override. */
  protected abstract defaultOptions(): O;

  /**
   * Checks a group's options, throwing a `ValueError` that names the optimizer and the option.
   * `where` says which group ("defaults", "param group 1").
   */
  protected abstract validate(options: O, where: string): void;

  /**
   * Updates one parameter from its gradient: compute the new value and `param.assign` it; put new
   * state tensors with `setState`. Runs under `noGrad`, in a `tidy` scope.
   */
  protected abstract updateParam(
    param: Tensor,
    grad: Tensor,
    state: ParamState,
    group: ResolvedParamGroup<O>,
  ): void;

  /**
   * Adds a group of parameters (with options overriding the defaults), e.g. to train a layer that was
   * frozen until now.
   * @example
   * const head = new nn.Linear(3, 2); // e.g. a layer unfrozen later
   * opt.addParamGroup({ params: head.parameters(), lr: 1e-4 });
   * opt.paramGroups.length; // 2
   */
  addParamGroup(group: ParamGroup<O>): void {
    const where = `param group ${this.paramGroups.length}`;
    if (group === null || typeof group !== "object" || !("params" in group)) {
      throw new ValueError(`${this.optimizerName}: ${where} must be an object with a "params" array`);
    }
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    const seen = new Set<Tensor>();
    for (const p of this.paramGroups) for (const t of p.params) seen.add(t);
    for (const [i, p] of params.entries()) {
      if (!(p instanceof Tensor))
        throw new ValueError(`${this.optimizerName}: ${where} params[${i}] is not a Tensor`);
      if (p.dtype !== "float32" && p.dtype !== "float64") {
        throw new ValueError(
          `${this.optimizerName}: ${where} params[${i}] has dtype ${p.dtype}; only float tensors can be optimized`,
        );
      }
      if (!p.isLeaf) {
        throw new ValueError(
          `${this.optimizerName}: ${where} params[${i}] is not a leaf tensor (it was computed by an op); ` +
            "optimize the tensors it was computed from, or detach() it",
        );
      }
      if (seen.has(p)) {
        throw new ValueError(
          `${this.optimizerName}: ${where} params[${i}] appears more than once among the param groups`,
        );
      }
      seen.add(p);
    }
    const resolved = { ...this.defaults, ...group, params } as ResolvedParamGroup<O>;
    for (const key of Object.keys(resolved) as (keyof O)[]) {
      if (resolved[key] === undefined && this.defaults[key] !== undefined) {
        (resolved as O)[key] = this.defaults[key];
      }
    }
    this.validate(resolved, where);
    this.paramGroups.push(resolved);
  }

  /**
   * Clears every parameter's gradient: sets `.grad` to null and releases its memory.
   * @example
   * opt.zeroGrad(); loss.backward(); opt.step();
   * opt.zeroGrad();
   * model.parameters()[0].grad; // null
   */
  zeroGrad(): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        p.grad?.dispose();
        p.grad = null;
      }
    }
  }

  /**
   * Updates every parameter that has a gradient (those whose `.grad` is null are skipped), in place.
   * With a `closure` (which recomputes the loss and calls `backward()`), it is run first, with
   * gradients enabled, and its result returned.
   * @example
   * opt.zeroGrad(); loss.backward(); opt.step();
   * const lossFn = () => nn.functional.crossEntropy(model.forward(x), y);
   * const again = opt.step(() => { opt.zeroGrad(); const l = lossFn(); l.backward(); return l; }); // the closure form
   */
  step<T = undefined>(closure?: () => T): T | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() =>
      tidy(() => {
        for (const group of this.paramGroups) {
          for (const p of group.params) {
            if (p.grad === null) continue;
            let state = this.state.get(p);
            if (state === undefined) {
              state = {};
              this.state.set(p, state);
            }
            this.updateParam(p, p.grad, state, group);
          }
        }
      }),
    );
    return loss;
  }

  /**
   * Stores `value` as `state[key]`: kept out of `tidy` scopes, and the tensor it replaces is disposed,
   * so memory stays flat across steps.
   */
  protected setState(state: ParamState, key: string, value: Tensor | number): void {
    const old = state[key];
    if (value instanceof Tensor) keep(value);
    if (old instanceof Tensor && old !== value) old.dispose();
    state[key] = value;
  }

  /**
   * A snapshot of the state (copies of the state tensors, so training on does not change it) and the
   * group hyperparameters, indexed by parameter position. Write it with `io` to resume later.
   * @example
   * const saved = opt.stateDict();
   * const fresh = new optim.SGD(model.parameters());
   * fresh.loadStateDict(saved);
   * fresh.paramGroups[0].lr; // 0.1: the saved lr
   */
  stateDict(): OptimizerStateDict {
    const state: Record<number, ParamState> = {};
    const paramGroups: OptimizerStateDict["paramGroups"] = [];
    let index = 0;
    noGrad(() => {
      for (const group of this.paramGroups) {
        const { params, ...options } = group;
        const ids: number[] = [];
        for (const p of params) {
          const s = this.state.get(p);
          if (s !== undefined) {
            const copy: ParamState = {};
            for (const [k, v] of Object.entries(s)) copy[k] = v instanceof Tensor ? copyRaw(v) : v;
            state[index] = copy;
          }
          ids.push(index++);
        }
        paramGroups.push({ ...cloneOptions(options), params: ids });
      }
    });
    return { state, paramGroups };
  }

  /**
   * Restores state and hyperparameters saved by `stateDict()` into an optimizer over the same
   * parameters (same group sizes, same order). Tensors are copied in (cast to each parameter's
   * dtype), so `dict` may be disposed afterwards.
   * @example
   * const adam = new optim.Adam(model.parameters(), { lr: 1e-3 });
   * adam.zeroGrad(); loss.backward(); adam.step();
   * const saved = adam.stateDict(); // after some steps
   * const resumed = new optim.Adam(model.parameters(), { lr: 1e-3 });
   * resumed.loadStateDict(saved); // continues exactly where `adam` was
   * resumed.state.get(model.parameters()[0])!.step; // 1
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const name = this.optimizerName;
    if (dict.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(
        `${name}.loadStateDict: the state dict has ${dict.paramGroups.length} param groups, this optimizer ${this.paramGroups.length}`,
      );
    }
    const byIndex = new Map<number, Tensor>();
    dict.paramGroups.forEach((saved, g) => {
      const group = this.paramGroups[g];
      if (saved.params.length !== group.params.length) {
        throw new ValueError(
          `${name}.loadStateDict: param group ${g} has ${saved.params.length} parameters in the state dict, ${group.params.length} here`,
        );
      }
      for (const [i, id] of saved.params.entries()) byIndex.set(id, group.params[i]);
    });
    for (const [key, s] of Object.entries(dict.state)) {
      const p = byIndex.get(Number(key));
      if (p === undefined)
        throw new ValueError(`${name}.loadStateDict: state for unknown parameter index ${key}`);
      for (const [k, v] of Object.entries(s)) {
        if (!(v instanceof Tensor)) continue;
        if (v.shape.length !== p.shape.length || v.shape.some((d, i) => d !== p.shape[i])) {
          throw new ValueError(
            `${name}.loadStateDict: state "${k}" of parameter ${key} has shape (${v.shape.join(", ")}), the parameter (${p.shape.join(", ")})`,
          );
        }
      }
    }
    // everything checked: now replace
    dict.paramGroups.forEach((saved, g) => {
      const { params: _ids, ...options } = saved;
      const group = this.paramGroups[g];
      const merged = { ...group, ...cloneOptions(options), params: group.params } as ResolvedParamGroup<O>;
      this.validate(merged, `param group ${g}`);
      this.paramGroups[g] = merged;
    });
    for (const s of this.state.values())
      for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
    noGrad(() => {
      for (const [key, s] of Object.entries(dict.state)) {
        const p = byIndex.get(Number(key))!;
        const copy: ParamState = {};
        for (const [k, v] of Object.entries(s)) {
          copy[k] = v instanceof Tensor ? keep(v.dtype === p.dtype ? copyRaw(v) : v.cast(p.dtype)) : v;
        }
        this.state.set(p, copy);
      }
    });
  }
}

/** A copy of group options deep enough that arrays (such as `betas`) are not shared. */
function cloneOptions(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) out[k] = Array.isArray(v) ? [...v] : v;
  return out;
}
