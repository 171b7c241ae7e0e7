import { cast } from "../ops/elementwise.js";
import { zeros } from "../ops/creation.js";
import type { DType } from "../base/dtype.js";
import { checkTensor } from "../core/args.js";
import { ShapeError, fmtShape } from "../base/errors.js";
import { noGrad } from "../core/grad_mode.js";
import { keep, tidy } from "../core/memory.js";
import { Tensor } from "../core/tensor.js";

/**
 * Base class of every layer and model. Parameters (tensors that require grad), buffers (other tensor
 * fields) and child modules (Module fields, or arrays of them) are found from the object's fields in
 * declaration order, so a model is written as a plain class.
 * @example
 * class MLP extends nn.Module {
 *   l1 = new nn.Linear(784, 128);
 *   l2 = new nn.Linear(128, 10);
 *   forward(x: Tensor) { return this.l2.forward(this.l1.forward(x).relu()); }
 * }
 * const model = new MLP();
 * model.forward(randn([2, 784])).shape; // [2, 10]
 * Object.keys(model.stateDict()); // ["l1.weight", "l1.bias", "l2.weight", "l2.bias"]
 * model.numParameters(); // 101770
 */
export abstract class Module {
  /** True in training mode (dropout active, batch norm uses batch statistics). */
  training = true;

  abstract forward(...inputs: Tensor[]): Tensor;

  /** Child modules with their field names (array entries are named `field.0`, `field.1`, ...). */
  *namedChildren(): Generator<[string, Module]> {
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) yield [key, value];
      else if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++)
          if (value[i] instanceof Module) yield [`${key}.${i}`, value[i]];
      }
    }
  }

  children(): Module[] {
    return [...this.namedChildren()].map(([, m]) => m);
  }

  /** This module and every descendant, with dotted names ("" for this one). */
  *namedModules(prefix = ""): Generator<[string, Module]> {
    yield [prefix, this];
    for (const [name, child] of this.namedChildren())
      yield* child.namedModules(prefix ? `${prefix}.${name}` : name);
  }

  modules(): Module[] {
    return [...this.namedModules()].map(([, m]) => m);
  }

  /** The module's own tensors; found once, they are pinned: a training step never releases them. */
  private *ownTensors(): Generator<[string, Tensor]> {
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Tensor) {
        value._ref.pin();
        yield [key, value];
      }
    }
  }

  /** Trainable tensors with dotted names, e.g. `["0.weight", ...]` for a Sequential. */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [key, t] of m.ownTensors()) {
        if (t.requiresGrad && !seen.has(t)) {
          seen.add(t);
          out.push([prefix ? `${prefix}.${key}` : key, t]);
        }
      }
    }
    return out;
  }

  /** Every trainable tensor, for an optimizer. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** Non-trainable state tensors (such as batch norm's running statistics) with dotted names. */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [key, t] of m.ownTensors())
        if (!t.requiresGrad) out.push([prefix ? `${prefix}.${key}` : key, t]);
    }
    return out;
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /** Number of trainable scalars. */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Switches this module and its children to training mode (or evaluation mode with `false`). */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Switches to evaluation mode: dropout off, batch norm uses running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Clears the gradients of all parameters. */
  zeroGrad(): void {
    for (const p of this.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /**
   * Parameters and buffers by dotted name: what `save` writes and `loadStateDict` reads. The tensors
   * are the module's own (not copies), so they change as the model trains. With `{ clone: true }`
   * they are detached copies instead, a snapshot as PyTorch's `copy.deepcopy(model.state_dict())`:
   * kept out of `tidy` scopes and training steps (`keep`), and yours to `dispose()` when done.
   * @example
   * const net = new nn.Linear(2, 1);
   * noGrad(() => net.weight.assign(tensor([[1, 2]])));
   * const best = net.stateDict({ clone: true }); // the weights now
   * noGrad(() => net.weight.assign(zeros([1, 2]))); // training moves on
   * best.weight.toArray(); // [[1, 2]]: the snapshot did not
   * net.loadStateDict(best);
   * net.weight.toArray(); // [[1, 2]]
   * for (const t of Object.values(best)) t.dispose();
   */
  stateDict(options: { clone?: boolean } = {}): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [prefix, m] of this.namedModules()) {
      for (const [key, t] of m.ownTensors()) out[prefix ? `${prefix}.${key}` : key] = t;
    }
    if (!options.clone) return out;
    // copies outlive the scope they were made in: a snapshot is typically read epochs later
    return noGrad(() =>
      Object.fromEntries(Object.entries(out).map(([k, t]) => [k, keep(t.detach().clone())])),
    );
  }

  /**
   * Copies values into this module's parameters and buffers. With `strict` (the default) the names
   * must match exactly; shapes and dtypes must always match. Every problem is reported at once.
   */
  loadStateDict(
    state: Record<string, Tensor>,
    options: { strict?: boolean } = {},
  ): { missing: string[]; unexpected: string[] } {
    const strict = options.strict ?? true;
    const own = this.stateDict();
    const missing = Object.keys(own).filter((k) => !(k in state));
    const unexpected = Object.keys(state).filter((k) => !(k in own));
    const problems: string[] = [];
    if (strict && missing.length) problems.push(`missing keys: ${missing.join(", ")}`);
    if (strict && unexpected.length) problems.push(`unexpected keys: ${unexpected.join(", ")}`);
    for (const [k, t] of Object.entries(own)) {
      const v = state[k];
      if (!v) continue;
      if (v.rank !== t.rank || v.shape.some((d, i) => d !== t.shape[i])) {
        problems.push(
          `${k}: shape ${fmtShape(v.shape)} in the state dict, ${fmtShape(t.shape)} in the model`,
        );
      } else if (v.dtype !== t.dtype) {
        problems.push(`${k}: dtype ${v.dtype} in the state dict, ${t.dtype} in the model`);
      }
    }
    if (problems.length) throw new ShapeError(`loadStateDict: ${problems.join("; ")}`);
    tidy(() =>
      noGrad(() => {
        for (const [k, t] of Object.entries(own)) {
          const v = state[k];
          if (v && v !== t) t.assign(v.contiguous() === v ? v.clone() : v.contiguous());
        }
      }),
    );
    return { missing, unexpected };
  }

  /** Converts every floating-point parameter and buffer to `dtype` (e.g. float64 for gradient checks). */
  to(dtype: DType): this {
    for (const m of this.modules()) {
      const record = m as unknown as Record<string, unknown>;
      for (const [key, t] of m.ownTensors()) {
        if (t.dtype === dtype || (t.dtype !== "float32" && t.dtype !== "float64")) continue;
        const converted = keep(noGrad(() => cast(t, dtype)));
        if (t.requiresGrad) converted.requiresGrad_(true);
        record[key] = converted;
        t.dispose();
      }
    }
    return this;
  }

  /** A short name for summaries: the class name plus the layer's configuration. */
  describe(): string {
    return this.constructor.name;
  }

  /**
   * A table of the modules with their output shapes (when `inputShape` is given, a batch of zeros is
   * run through `forward`) and parameter counts.
   */
  summary(inputShape?: number[]): string {
    const shapes = new Map<Module, string>();
    if (inputShape) {
      const restore: [Module, Module["forward"]][] = [];
      for (const m of this.modules()) {
        const original = m.forward;
        restore.push([m, original]);
        m.forward = (...xs: Tensor[]) => {
          const y = original.apply(m, xs);
          shapes.set(m, fmtShape(y.shape));
          return y;
        };
      }
      const wasTraining = this.training;
      this.eval();
      try {
        noGrad(() => this.forward(zeros(inputShape)));
      } finally {
        for (const [m, f] of restore) m.forward = f;
        this.train(wasTraining);
      }
    }
    const rows: string[][] = [["Layer", "Output shape", "Params"]];
    for (const [name, m] of this.namedModules()) {
      // containers are shown through their leaves; a leaf model shows itself
      if (m.children().length > 0) continue;
      const own = m.numParameters();
      rows.push([
        `${name || "(model)"} ${m.describe()}`.trim(),
        shapes.get(m) ?? "",
        own.toLocaleString("en-US"),
      ]);
    }
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    const line = (r: string[]) =>
      r.map((cell, c) => (c === 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ");
    const rule = "-".repeat(widths.reduce((a, b) => a + b + 2, -2));
    const total = this.numParameters().toLocaleString("en-US");
    return [line(rows[0]), rule, ...rows.slice(1).map(line), rule, `Total parameters: ${total}`].join("\n");
  }

  toString(): string {
    return this.summary();
  }
}

/**
 * Throws a uniform error when a layer gets an input of the wrong shape (or something that is not a
 * tensor at all, such as a Dataset).
 * @example
 * class Doubler extends nn.Module {
 *   forward(x: Tensor) {
 *     expectInput(this.describe(), x, "(N, 4)", x.rank === 2 && x.shape[1] === 4);
 *     return x.mul(2);
 *   }
 * }
 * new Doubler().forward(zeros([3, 5])); // throws ShapeError: Doubler expected input (N, 4), got (3, 5)
 */
export function expectInput(layer: string, x: Tensor, expected: string, ok: boolean): void {
  checkTensor(layer, "input", x);
  if (!ok) throw new ShapeError(`${layer} expected input ${expected}, got ${fmtShape(x.shape)}`);
}
