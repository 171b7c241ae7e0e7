import * as ops from "../ops/index.js";
import { StrataError, fmtShape } from "../base/errors.js";
import { GRAD_RULES, type GradRule } from "./grad_rules.js";
import type { Prim } from "../backends/backend.js";
import { enableGrad, noGrad } from "../core/grad_mode.js";
import { beginStep, keep, tidy } from "../core/memory.js";
import type { CustomGrad, Tensor } from "../core/tensor.js";

/**
 * Reverse-mode differentiation: a topological sort of the recorded graph, then one reverse walk.
 * @example
 * const x = tensor([1, 2, 3], { requiresGrad: true });
 * backward(x.square().sum(), undefined, {}); // what x.square().sum().backward() does
 * x.grad!.toArray(); // [2, 4, 6]
 */
export function backward(
  root: Tensor,
  seed: Tensor | undefined,
  options: { retainGraph?: boolean; createGraph?: boolean },
) {
  if (!root.requiresGrad) {
    throw new StrataError(
      "backward: this tensor does not require grad (no input had requiresGrad, or it was made under noGrad)",
    );
  }
  if (seed === undefined && root.size !== 1) {
    throw new StrataError(
      `backward: a gradient can only be implied for a one-element output; pass a seed gradient of shape ${fmtShape(root.shape)}`,
    );
  }
  if (seed !== undefined && (seed.rank !== root.rank || seed.shape.some((d, i) => d !== root.shape[i]))) {
    throw new StrataError(
      `backward: seed gradient ${fmtShape(seed.shape)} does not match output ${fmtShape(root.shape)}`,
    );
  }
  const order = topoSort(root);
  const consumes = !(options.retainGraph ?? options.createGraph);
  // a backward that consumes its graph starts a new training step: the previous step's tensors that
  // this loss was not computed from are released now, before this step's gradients are allocated
  if (consumes) {
    beginStep(
      root._ref,
      order.filter((t) => t.gradFn === null).map((t) => t._ref),
    );
  }
  const run = () => {
    const grads = new Map<Tensor, Tensor>();
    grads.set(root, seed ?? ops.onesLike(root));
    // gradient objects already stored as some .grad (or owned by the caller), which a leaf must not share
    const taken = new Set<Tensor>(seed ? [seed] : []);
    // the outputs of one custom function call: their gradients are gathered until the last is reached
    // (all of them come before any input in reverse topological order), then its backward runs once
    const gathering = new Map<CustomGrad, { grads: (Tensor | undefined)[]; left: number }>();
    for (const t of order) {
      const c = t.gradFn?.custom;
      if (c === undefined) continue;
      const slot = gathering.get(c.fn) ?? { grads: [], left: 0 };
      slot.left++;
      gathering.set(c.fn, slot);
    }
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      let g = grads.get(t);
      const node = t.gradFn;
      const custom = node?.custom;
      let slot: { grads: (Tensor | undefined)[]; left: number } | undefined;
      if (custom !== undefined) {
        slot = gathering.get(custom.fn) as { grads: (Tensor | undefined)[]; left: number };
        slot.left--;
        slot.grads[custom.index] = g;
        g ??= slot.grads.find((x) => x !== undefined);
      }
      if (g === undefined) continue;
      if (node === null || t.retainsGrad) {
        if (grads.has(t)) accumulate(t, grads.get(t) as Tensor, options.createGraph === true, taken);
      }
      if (node === null) continue;
      if (slot !== undefined && slot.left > 0) continue;
      if (node.inputs.length === 0) {
        throw new StrataError(
          `backward: trying to go through the graph of "${custom?.fn.name ?? node.op}" a second time; its buffers were freed. ` +
            "Pass { retainGraph: true } to the first backward() to allow this",
        );
      }
      const needs = node.inputs.map((x) => x.requiresGrad);
      const inputGrads =
        custom !== undefined
          ? runCustom(custom.fn, slot?.grads ?? [], needs)
          : ruleOf(node.op)(g, {
              inputs: node.inputs,
              out: t,
              attrs: node.attrs as Record<string, any>,
              needs,
            });
      node.inputs.forEach((x, k) => {
        const gx = inputGrads[k];
        if (!needs[k] || gx === null || gx === undefined) return;
        const fitted = fitTo(gx, x);
        const prev = grads.get(x);
        grads.set(x, prev === undefined ? fitted : prev.add(fitted));
      });
    }
  };
  if (options.createGraph) enableGrad(run);
  else tidy(() => noGrad(run));
  // as in PyTorch, building a graph of the gradients keeps the forward graph they refer to
  if (consumes) {
    for (const t of order) {
      if (!t.gradFn) continue;
      t.gradFn.inputs = [];
      // a custom function's saved tensors go with its backward
      if (t.gradFn.custom) t.gradFn.custom.fn.backward = null;
    }
  }
}

function ruleOf(op: Prim | "custom"): GradRule {
  const rule = op === "custom" ? undefined : GRAD_RULES[op];
  if (rule === undefined) throw new StrataError(`backward: no gradient rule for op "${op}"`);
  return rule;
}

/** Calls a custom function's backward with a gradient for every output (zeros where none arrived). */
function runCustom(
  fn: CustomGrad,
  gathered: readonly (Tensor | undefined)[],
  needs: readonly boolean[],
): readonly (Tensor | null)[] {
  if (fn.backward === null) {
    throw new StrataError(
      `backward: trying to go through the graph of "${fn.name}" a second time; its saved tensors were freed. ` +
        "Pass { retainGraph: true } to the first backward() to allow this",
    );
  }
  const grads = fn.outputs.map((o, k) => gathered[k] ?? ops.zeros(o.shape as number[], { dtype: o.dtype }));
  return fn.backward(grads, needs);
}

/** Sums a broadcast gradient down to `x`'s shape and gives it `x`'s dtype. */
function fitTo(g: Tensor, x: Tensor): Tensor {
  let r = ops.sumTo(g, x.shape);
  if (r.dtype !== x.dtype) r = ops.cast(r, x.dtype);
  return r;
}

/**
 * Leaves (and tensors that retain grads) add the gradient into `.grad`, in place, as PyTorch does.
 * With `createGraph` the gradient stays in the graph (a recorded copy or sum), so it can be differentiated.
 */
function accumulate(t: Tensor, g: Tensor, createGraph: boolean, taken: Set<Tensor>): void {
  if (createGraph) {
    t.grad = keep(t.grad === null ? ops.clone(g) : t.grad.add(g));
  } else if (t.grad === null) {
    // storage is never written in place, so sharing it is safe; only the tensor object must be the
    // leaf's own (a later accumulation assigns to it). Rules may hand the same object to two inputs.
    // a leaf's gradient is laid out contiguously (as the parameter is), so optimizer updates run on
    // flat memory: the gradient of a weight used transposed arrives as a transposed view
    const own = !g.isContiguous ? ops.copyRaw(g) : taken.has(g) || g.gradFn !== null ? g.detach() : g;
    taken.add(own);
    t.grad = keep(own);
  } else {
    t.grad.assign(t.grad.add(g));
  }
}

function topoSort(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // iterative DFS: recurrent nets make graphs deeper than the JS call stack
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.gradFn?.inputs ?? [];
    if (i < inputs.length) {
      top[1]++;
      const x = inputs[i];
      if (x.requiresGrad && !seen.has(x)) {
        seen.add(x);
        stack.push([x, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}
